import { z } from 'zod';
import { defineCommand } from '../src/dispatch/command.js';
import { satisfies } from '../src/dispatch/access.js';
import { rt } from '../src/core/richtext.js';
import { UserError } from '../src/core/errors.js';

export const help = defineCommand({
  name: 'help',
  aliases: ['commands'],
  summary: 'List the commands, or show how to use one',
  usage: 'help [command]',
  access: 'anyone',
  args: z.array(z.string()).max(3),
  async run(ctx, words) {
    const all = ctx.services.commands();
    if (words.length === 0) {
      const visible = all.filter((c) => satisfies(ctx.level, c.access));
      // Where a reply gets a few lines (an IRC channel), the names fit; the list with a line
      // each is for a private message, where it pages.
      if (!ctx.message.isDirect && ctx.capabilities.linesPerReply !== undefined) {
        return rt.of(
          rt.line(rt.bold('Commands'), `: ${visible.map((c) => c.name).join(', ')}.`),
          'Type "help <command>" for one (help tags), or "help" in a private message for each with its description.',
        );
      }
      return rt.of(
        rt.line(rt.bold('Commands'), ' (prefix with ! in a channel, or address me by name):'),
        ...visible.map((c) => rt.line(rt.code(c.name), ` ${c.summary}`)),
        'Type "help <command>" for details.',
      );
    }
    const wanted = words.join(' ').toLowerCase();
    const cmd = all.find((c) => c.name === wanted || c.aliases.includes(wanted)) ?? all.find((c) => c.name.startsWith(`${wanted} `));
    if (!cmd) throw new UserError('help.usage', `No command "${wanted.slice(0, 40)}". Type "help" for the list.`);
    return rt.of(
      rt.line(rt.bold(cmd.name), ` ${cmd.summary}`),
      rt.line('Usage: ', rt.code(cmd.usage)),
      ...(cmd.aliases.length ? [rt.line(`Also: ${cmd.aliases.join(', ')}`)] : []),
      ...(cmd.access !== 'anyone' ? [rt.line(`For ${cmd.access}s only.`)] : []),
    );
  },
});
