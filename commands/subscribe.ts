import { z } from 'zod';
import { identityOf } from '../src/core/chat.js';
import { UserError } from '../src/core/errors.js';
import { rt } from '../src/core/richtext.js';
import { eventPatternProblem, imagePatternProblem, normalisePattern, patternListProblem } from '../src/subscriptions/patterns.js';
import { defineCommand, type CommandContext } from '../src/dispatch/command.js';
import type { AnnouncementService, SubscriptionInfo } from '../src/services.js';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export function announcementsOf(ctx: CommandContext): AnnouncementService {
  const svc = ctx.services.announcements;
  if (!svc) throw new UserError('announcements.off', 'Announcements are not enabled on this bot.');
  return svc;
}

/** Subscriptions belong to a channel; a private message has none to attach them to. */
export function channelOf(ctx: CommandContext): string {
  if (ctx.message.isDirect) throw new UserError('announcements.dm', 'Type this in the channel you want announcements in, not in a private message.');
  return ctx.message.channel.key;
}

interface ParsedSpec {
  images: string[];
  events: string[];
  mode: SubscriptionInfo['mode'];
  digestTime?: string;
}

/** A comma list of patterns, normalised and checked like config seeds and stored rules. */
function patternsOf(word: string, problemOf: (p: string) => string | undefined, code: string, what: string): string[] {
  const patterns = word.split(',').map(normalisePattern).filter(Boolean);
  const problem = patternListProblem(patterns, problemOf);
  if (problem) throw new UserError(code, patterns.length ? `${problem}.` : `"${word.slice(0, 40)}" names no ${what}.`);
  return patterns;
}

/** "python,node*" ["pr.*,image.published"] ["every" | "merged" | "digest" ["HH:MM"]] */
export function parseSubscribeArgs(words: readonly string[]): ParsedSpec {
  const [imagesWord, ...rest] = words;
  if (!imagesWord) throw new UserError('subscribe.usage', 'Say which images, e.g. "subscribe python,node* pr.* every".');
  const images = patternsOf(imagesWord, imagePatternProblem, 'subscribe.image', 'image');
  let events = ['*'];
  let mode: SubscriptionInfo['mode'] = 'every';
  let digestTime: string | undefined;
  let i = 0;
  if (rest[i] !== undefined && !['every', 'merged', 'merged-and-published', 'digest'].includes(rest[i]!.toLowerCase())) {
    events = patternsOf(rest[i]!, eventPatternProblem, 'subscribe.events', 'event kind');
    i++;
  }
  const modeWord = rest[i]?.toLowerCase();
  if (modeWord !== undefined) {
    if (modeWord === 'every') mode = 'every';
    else if (modeWord === 'merged' || modeWord === 'merged-and-published') mode = 'merged-and-published';
    else if (modeWord === 'digest') {
      mode = 'digest';
      const t = rest[i + 1];
      if (t !== undefined) {
        if (!TIME.test(t)) throw new UserError('subscribe.time', `"${t.slice(0, 20)}" is not a UTC time like 09:00.`);
        digestTime = t;
        i++;
      }
      digestTime ??= '09:00';
    } else throw new UserError('subscribe.mode', `"${modeWord.slice(0, 30)}" is not a mode: use every, merged or digest [HH:MM].`);
    i++;
  }
  if (rest[i] !== undefined) throw new UserError('subscribe.extra', `Unexpected "${rest[i]!.slice(0, 30)}".`);
  return { images, events, mode, ...(digestTime ? { digestTime } : {}) };
}

export const subscribe = defineCommand({
  name: 'subscribe',
  summary: 'Announce review and publish events for images in this channel (maintainers)',
  usage: 'subscribe <images,globs> [<event kinds>] [every | merged | digest [HH:MM]]',
  access: 'maintainer',
  args: z.array(z.string()).min(1).max(5),
  async run(ctx, words) {
    const svc = announcementsOf(ctx);
    const channel = channelOf(ctx);
    const spec = parseSubscribeArgs(words);
    const by = identityOf(ctx.message.author) ?? 'unknown';
    const { subscription, created } = svc.subscribe(channel, spec, by);
    return rt.of(created ? `Subscribed: ${subscription.description}` : `Already subscribed: ${subscription.description}`);
  },
});
