import { rt } from '../src/core/richtext.js';
import { arg, defineCommand } from '../src/dispatch/command.js';
import { announcementsOf } from './subscribe.js';

export const subscriptions = defineCommand({
  name: 'subscriptions',
  summary: "This channel's announcement rules",
  usage: 'subscriptions',
  access: 'anyone',
  args: arg.none,
  async run(ctx) {
    const rules = announcementsOf(ctx).list(ctx.message.channel.key);
    if (!rules.length) return rt.of('No announcements in this channel. A maintainer can add some, e.g. "subscribe python pr.* every".');
    return rt.of(rt.line(rt.bold(`Announcement rules here (${rules.length}):`)), ...rules.map((r) => rt.line(r.description)));
  },
});
