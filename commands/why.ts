import { formatAge } from '../src/core/clock.js';
import { UserError } from '../src/core/errors.js';
import { rt } from '../src/core/richtext.js';
import { defineCommand } from '../src/dispatch/command.js';
import { optionalWord } from './args.js';
import { announcementsOf } from './subscribe.js';

export const why = defineCommand({
  name: 'why',
  summary: 'Which rule sent an announcement here (by its ref, or the latest one)',
  usage: 'why [ref]',
  access: 'anyone',
  args: optionalWord,
  async run(ctx, [ref]) {
    const answer = announcementsOf(ctx).why(ctx.message.channel.key, ref?.replace(/^ref:?/i, ''));
    if (!answer) {
      throw new UserError(
        'why.unknown',
        ref ? `No announcement with ref "${ref.slice(0, 40)}" in this channel.` : 'No announcement has been sent in this channel yet.',
      );
    }
    const when = answer.sentAt !== undefined ? `, sent ${formatAge(ctx.clock.now() - answer.sentAt)} ago` : ` (${answer.state})`;
    return rt.of(
      rt.line('ref ', rt.code(answer.code), ' is ', rt.code(answer.eventId), when),
      rt.line(`Rule ${answer.rule}${answer.ruleStillExists ? '' : ' (since removed)'}`),
    );
  },
});
