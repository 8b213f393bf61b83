/**
 * Long replies, cut to what the target shows at once before any adapter sees them. In a shared
 * channel a reply takes at most the platform's `linesPerReply`: its first lines, then a count and
 * a link to the whole answer (RichText.wholeAnswerUrl) or what to ask in private; nothing is kept
 * there. In a private message a reply longer than `privatePageLines` shows one page and the rest
 * waits, per asker, for `more` (commands/more.ts). Measuring lines is the adapter's (ReplyLayout).
 */
import type { AdapterCapabilities, ChannelKey, OutboundMessage, ReplyLayout, UserRef } from '../core/chat.js';
import type { Clock } from '../core/clock.js';
import { rt, type Line, type RichText } from '../core/richtext.js';

/** How long the rest of an answer waits for `more`. */
export const KEPT_FOR_MS = 15 * 60_000;
/** Lines kept for everybody together (a few MB at most); the oldest rests go first beyond it. */
export const MAX_KEPT_LINES = 20_000;
/** Lines kept for one asker; the rest of a longer answer is counted, not kept. */
export const MAX_KEPT_LINES_PER_ASKER = 2_000;

/** What paging needs of an adapter: what it can show, and how it lays lines out. */
export interface PagingTarget {
  readonly capabilities: AdapterCapabilities;
  readonly layout?: ReplyLayout;
}

/** Each RichText line is one displayed line; everything fits. */
const LINE_PER_LINE: ReplyLayout = { lines: (body) => body, fitsOneLine: () => true };

const moreLines = (n: number): string => `${n} more line${n === 1 ? '' : 's'}`;

/**
 * At most `maxLines` displayed lines for a shared channel; when the reply is longer, the last one
 * counts what was left out and says where the whole answer is. `question` is what was asked, for
 * the "ask me in private" hint when there is no link to give.
 */
export function fitChannelReply(body: RichText, maxLines: number, channel: ChannelKey, target: PagingTarget, question?: string): RichText {
  const layout = target.layout ?? LINE_PER_LINE;
  const laid = layout.lines(body, channel);
  if (laid.lines.length <= maxLines) return body;
  const shown = Math.max(1, maxLines - 1);
  const tail = channelTail(laid.lines.length - shown, body.wholeAnswerUrl, { channel, layout, capabilities: target.capabilities, question });
  return withActionsOf(laid, [...laid.lines.slice(0, shown), tail]);
}

interface TailContext {
  readonly channel: ChannelKey;
  readonly layout: ReplyLayout;
  readonly capabilities: AdapterCapabilities;
  readonly question: string | undefined;
}

function channelTail(left: number, link: string | undefined, c: TailContext): Line {
  const count = moreLines(left);
  if (link !== undefined && /^https?:\/\/\S+$/u.test(link)) {
    const withLink = rt.line(`(${count}: `, rt.link(link), ')');
    if (c.layout.fitsOneLine(withLink, c.channel)) return withLink;
  }
  const anywhere = `ask me in ${c.capabilities.privateMessageName}`;
  const hint = (c.question === undefined ? undefined : c.layout.askPrivately?.(c.question)) ?? anywhere;
  const withHint = rt.line(`(${count} in private: ${hint})`);
  return c.layout.fitsOneLine(withHint, c.channel) ? withHint : rt.line(`(${count} in private: ${anywhere})`);
}

export interface Page {
  readonly now: readonly Line[];
  /** What `more` shows next; empty when everything was shown. */
  readonly rest: readonly Line[];
}

/** One page of at most `pageLines` lines, the last one saying how to see the rest. */
export function pageOf(lines: readonly Line[], pageLines: number): Page {
  if (lines.length <= pageLines) return { now: lines, rest: [] };
  const shown = Math.max(1, pageLines - 1);
  const rest = lines.slice(shown);
  return { now: [...lines.slice(0, shown), rt.line(`(${moreLines(rest.length)}: type more)`)], rest };
}

interface Kept {
  readonly lines: readonly Line[];
  readonly expiresAt: number;
}

/** Where a reply's rest waits: one per asker and conversation. */
function keyOf(channel: ChannelKey, asker: UserRef): string {
  return `${channel}\u0000${asker.platform}:${asker.id}`;
}

/**
 * Cuts replies (Delivery calls `fit` before the adapter's send) and keeps private rests for
 * `more`, bounded in time (KEPT_FOR_MS) and memory (MAX_KEPT_LINES).
 */
export class ReplyPages {
  readonly #clock: Clock;
  readonly #kept = new Map<string, Kept>();
  #keptLines = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** `msg` as the target shows it at once; a private reply's rest is kept for its asker. */
  fit(msg: OutboundMessage, target: PagingTarget): OutboundMessage {
    const to = msg.replyTo;
    if (msg.kind !== 'reply' || to === undefined || msg.body.isPage) return msg;
    const { linesPerReply, privatePageLines } = target.capabilities;
    if (!to.isDirect) {
      return linesPerReply === undefined ? msg : { ...msg, body: fitChannelReply(msg.body, linesPerReply, msg.channel, target, to.question) };
    }
    if (privatePageLines === undefined) return msg;
    const laid = (target.layout ?? LINE_PER_LINE).lines(msg.body, msg.channel);
    const { now, rest } = pageOf(laid.lines, privatePageLines);
    // A new answer replaces what was kept of the previous one.
    this.#keep(keyOf(msg.channel, to.asker), rest);
    return rest.length ? { ...msg, body: withActionsOf(laid, now) } : msg;
  }

  /** The next page kept for `asker` in `channel`, or undefined when nothing (or nothing current) is kept. */
  next(channel: ChannelKey, asker: UserRef, pageLines: number): RichText | undefined {
    const key = keyOf(channel, asker);
    const kept = this.#kept.get(key);
    this.#keep(key, []);
    if (kept === undefined || kept.expiresAt < this.#clock.now()) return undefined;
    const { now, rest } = pageOf(kept.lines, pageLines);
    this.#keep(key, rest);
    return { lines: now, isPage: true };
  }

  /** Lines kept for everybody, for tests and status. */
  get keptLines(): number {
    return this.#keptLines;
  }

  #keep(key: string, lines: readonly Line[]): void {
    this.#forget(key);
    this.#prune();
    if (!lines.length) return;
    const kept = lines.length > MAX_KEPT_LINES_PER_ASKER ? [...lines.slice(0, MAX_KEPT_LINES_PER_ASKER - 1), rt.line(`(${moreLines(lines.length - MAX_KEPT_LINES_PER_ASKER + 1)} not kept: too long to page through)`)] : lines;
    this.#kept.set(key, { lines: kept, expiresAt: this.#clock.now() + KEPT_FOR_MS });
    this.#keptLines += kept.length;
    // Maps iterate in insertion order: the first entries are the oldest rests.
    for (const oldest of this.#kept.keys()) {
      if (this.#keptLines <= MAX_KEPT_LINES) break;
      this.#forget(oldest);
    }
  }

  #forget(key: string): void {
    const kept = this.#kept.get(key);
    if (kept === undefined) return;
    this.#kept.delete(key);
    this.#keptLines -= kept.lines.length;
  }

  #prune(): void {
    const now = this.#clock.now();
    for (const [key, kept] of this.#kept) if (kept.expiresAt < now) this.#forget(key);
  }
}

function withActionsOf(laid: RichText, lines: readonly Line[]): RichText {
  return laid.actions?.length ? { lines, actions: laid.actions } : { lines };
}
