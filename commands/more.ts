import { rt } from '../src/core/richtext.js';
import { arg, defineCommand } from '../src/dispatch/command.js';

/** The next page of a long private answer (src/outbox/paging.ts keeps the rest). */
export const more = defineCommand({
  name: 'more',
  summary: 'The next page of a long answer in a private message',
  usage: 'more',
  access: 'anyone',
  args: arg.words,
  async run(ctx) {
    const { message, capabilities, services } = ctx;
    if (!message.isDirect) {
      // Channels get a count and a link instead of pages: nothing is kept there.
      return rt.of(`${message.author.name}: nothing more to show here: long answers are paged in private messages only.`);
    }
    const pageLines = capabilities.privatePageLines;
    const page = pageLines === undefined ? undefined : services.pages?.next(message.channel.key, message.author, pageLines);
    return page ?? rt.of('nothing more to show.');
  },
});
