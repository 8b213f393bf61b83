/**
 * How much of a long reply IRC shows at once. In a channel a reply takes at most
 * `maxLinesPerReply` lines (2 by default): the first line(s), then a count and a link to where
 * the whole answer is, never an invitation to page through it there. In a private message the
 * rest is kept for `more`.
 */
import { stripUnsafe } from './render.js';

/** Lines one private page shows before "type more". */
export const PRIVATE_PAGE_LINES = 10;
/** A question echoed in the "ask me in private" hint stays short. */
const ECHO_MAX_CHARS = 60;

export interface ChannelFit {
  /** Where the whole answer is (Docker Hub tags page, manifest), when the command named one. */
  readonly link?: string | undefined;
  /** Bytes one line holds; a link that does not fit whole is left out. */
  readonly lineBytes: number;
  /** The bot's nick and the question, for the "ask me in private" hint. */
  readonly botNick: string;
  readonly question?: string | undefined;
}

/** At most `maxLines` lines for a channel; the last one counts what was left out. */
export function fitChannelReply(texts: readonly string[], maxLines: number, fit: ChannelFit): string[] {
  if (texts.length <= maxLines) return [...texts];
  const shown = Math.max(1, maxLines - 1);
  return [...texts.slice(0, shown), channelTail(texts.length - shown, fit)];
}

function channelTail(left: number, fit: ChannelFit): string {
  const count = `${left} more line${left === 1 ? '' : 's'}`;
  const link = fit.link === undefined ? '' : stripUnsafe(fit.link).replace(/\s/gu, '%20');
  const withLink = `(${count}: ${link})`;
  if (/^https?:\/\/\S+$/u.test(link) && Buffer.byteLength(withLink, 'utf8') <= fit.lineBytes) return withLink;
  const question = stripUnsafe(fit.question ?? '').trim().replace(/^!/u, '');
  const hint = question && [...question].length <= ECHO_MAX_CHARS ? `/msg ${fit.botNick} ${question}` : 'ask me in a private message';
  const text = `(${count} in private: ${hint})`;
  return Buffer.byteLength(text, 'utf8') <= fit.lineBytes ? text : `(${count} in private: ask me in a private message)`;
}

export interface PrivatePage {
  readonly now: readonly string[];
  /** What `more` shows next; empty when everything was shown. */
  readonly rest: readonly string[];
}

/** One private page: up to PRIVATE_PAGE_LINES lines, the last one saying how to see the rest. */
export function privatePage(texts: readonly string[]): PrivatePage {
  if (texts.length <= PRIVATE_PAGE_LINES) return { now: [...texts], rest: [] };
  const shown = PRIVATE_PAGE_LINES - 1;
  const rest = texts.slice(shown);
  return { now: [...texts.slice(0, shown), `(${rest.length} more line${rest.length === 1 ? '' : 's'}: type more)`], rest };
}
