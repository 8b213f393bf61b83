import { z } from 'zod';
import { normaliseImageName, splitImageRef } from '../src/catalog/catalog.js';
import { formatAge } from '../src/core/clock.js';
import { UserError } from '../src/core/errors.js';
import { rt } from '../src/core/richtext.js';
import { defineCommand, type CommandContext } from '../src/dispatch/command.js';
import type { NotifyLookup, NotifyRequest } from '../src/services.js';
import { prNumberIn } from '../src/prs/pure.js';
import { oneLine } from './pr-render.js';
import { renderPrSettled, renderTagPublished } from '../src/render/notify.js';

const USAGE = 'notify me when <image>:<tag> is published | notify me about pr <number> | notify list | notify cancel <id>';
const TAG = /^\w[\w.-]{0,127}$/;

function notifyOf(ctx: CommandContext): NotifyLookup {
  const n = ctx.services.notify;
  if (!n) throw new UserError('notify.unavailable', 'Notifications are not available in this setup.');
  return n;
}

type Parsed = { readonly op: 'list' } | { readonly op: 'cancel'; readonly id: number } | { readonly op: 'add'; readonly request: NotifyRequest };

/** Pure: the words after "notify" -> what was asked; a UserError with the usage otherwise. */
export function parseNotify(words: readonly string[], repo: string): Parsed {
  const w = words.map((x) => x.replace(/[?!.,]+$/, ''));
  const first = w[0]?.toLowerCase();
  if (first === 'list' && w.length === 1) return { op: 'list' };
  if (first === 'cancel') {
    const id = /^#?(\d{1,9})$/.exec(w[1] ?? '')?.[1];
    if (!id || w.length > 2) throw new UserError('notify.usage', `Which one? Usage: notify cancel <id> (ids are in "notify list").`);
    return { op: 'cancel', id: Number(id) };
  }
  const rest = first === 'me' ? w.slice(1) : w;
  // "about pr 123", "when pr #123 is merged", "about https://github.com/.../pull/123"
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    const next = rest[i + 1];
    let n: number | undefined;
    if (/^(pr|pull|#)$/i.test(word) && next !== undefined) n = /^#?(\d{1,7})$/.test(next) ? Number(next.replace('#', '')) : undefined;
    n ??= prNumberIn(word, repo);
    if (n !== undefined && n > 0) return { op: 'add', request: { kind: 'pr', number: n } };
  }
  for (const word of rest) {
    if (!word.includes(':') || /^https?:/i.test(word)) continue;
    const { image: rawImage, tag } = splitImageRef(word);
    const image = normaliseImageName(rawImage);
    if (image && tag && TAG.test(tag)) return { op: 'add', request: { kind: 'tag', image, tag } };
    throw new UserError('notify.usage', `"${oneLine(word, 60)}" is not an image:tag. Usage: ${USAGE}`);
  }
  throw new UserError('notify.usage', `Usage: ${USAGE}`);
}

export const notify = defineCommand({
  name: 'notify',
  summary: 'A one-shot private message when an image:tag is published or a PR is merged/closed',
  usage: USAGE,
  access: 'anyone',
  identity: true,
  args: z.array(z.string().max(300)).min(1).max(12),
  async run(ctx, words) {
    const n = notifyOf(ctx);
    const repo = ctx.services.prs?.repo ?? 'docker-library/official-images';
    const parsed = parseNotify(words, repo);
    const me = ctx.message.author;
    const now = ctx.clock.now();
    if (!me.account) {
      throw new UserError('notify.unidentified', 'Notifications are for identified users: log in to services (NickServ) first, then ask again.');
    }
    if (parsed.op === 'list') {
      const all = n.list(me);
      if (!all.length) return rt.of('You have no notifications. Try "notify me when python:3.14.2 is published".');
      return {
        lines: all.map((x) =>
          rt.line(
            rt.bold(`#${x.id}`),
            ` when ${x.description}: `,
            x.state === 'pending' ? `waiting (asked ${formatAge(now - x.createdAt)} ago)` : `sent ${formatAge(now - (x.firedAt ?? now))} ago`,
          ),
        ),
      };
    }
    if (parsed.op === 'cancel') {
      const gone = n.cancel(me, parsed.id);
      if (!gone) throw new UserError('notify.unknown', `You have no pending notification #${parsed.id}. See "notify list".`);
      return rt.of(rt.line(`Cancelled #${gone.id}: `, `when ${gone.description}.`));
    }
    const res = await n.add(me, parsed.request);
    if (res.kind === 'already') {
      const { happened } = res;
      return happened.kind === 'published' ? renderTagPublished(happened.image, happened.tag, happened.hub, 'already', res.asOf) : renderPrSettled(happened.pr, 'already', res.asOf);
    }
    const where = ctx.capabilities.privateMessageName;
    const x = res.notification;
    return rt.of(
      rt.line(
        res.kind === 'created' ? `OK: I'll send you ${where} once, when ${x.description}` : `You already asked: I'll send you ${where} when ${x.description}`,
        ` (notification #${x.id}; "notify cancel ${x.id}" to drop it).`,
      ),
    );
  },
});
