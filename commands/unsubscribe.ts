import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { rt } from '../src/core/richtext.js';
import { defineCommand } from '../src/dispatch/command.js';
import { announcementsOf, channelOf } from './subscribe.js';

export const unsubscribe = defineCommand({
  name: 'unsubscribe',
  summary: "Remove one of this channel's announcement rules (maintainers)",
  usage: 'unsubscribe <rule number>',
  access: 'maintainer',
  args: z.tuple([z.string().regex(/^#?\d{1,9}$/, 'must be a rule number from "subscriptions"')]),
  async run(ctx, [idText]) {
    const svc = announcementsOf(ctx);
    const channel = channelOf(ctx);
    const id = Number(idText.replace('#', ''));
    const removed = svc.unsubscribe(channel, id);
    if (!removed) throw new UserError('unsubscribe.unknown', `This channel has no rule #${id}. Type "subscriptions" to see its rules.`);
    return rt.of(`Removed ${removed.description}`);
  },
});
