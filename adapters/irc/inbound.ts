import { stripAddress } from '../../src/core/addressing.js';
import { channelKey, type InboundMessage, type UserRef } from '../../src/core/chat.js';
import { ircLower, ircUser, normaliseAccount } from './accounts.js';
import { stripUnsafe } from './render.js';

/** The parts of an irc-framework `privmsg` event this translation reads. */
export interface PrivmsgLike {
  readonly nick: string;
  readonly ident?: string;
  readonly hostname?: string;
  readonly target: string;
  readonly message: string;
  readonly tags?: Readonly<Record<string, string | true>>;
  /** Server time in ms, when the server-time cap is on. */
  readonly time?: number;
  readonly account?: string;
  readonly from_server?: boolean;
}

export interface InboundContext {
  /** The bot's nick right now (it may be an alternate after a collision). */
  readonly currentNick: string;
  /** account-tag is on: the tag (or its absence) is authoritative for every message. */
  readonly accountTagEnabled: boolean;
  /**
   * Without account-tag: the account vouched for right now (a watched channel member, see
   * identity.ts), or undefined when only asking the server can tell.
   */
  readonly freshAccount: (nick: string) => string | null | undefined;
  /** Asks the server now (WHOX); null when not logged in. */
  readonly verifyAccount: (nick: string) => Promise<string | null>;
  readonly channelPrefixes: string;
  readonly now: number;
  readonly fallbackId: string;
}

/**
 * A PRIVMSG -> InboundMessage, or null when the bot must not act on it: server messages, its own
 * lines, CTCP, other bots (IRCv3 `bot` tag), and channel chatter that is not addressed to it.
 * Channel text starting with "!" passes through unchanged (the dispatcher strips the prefix).
 */
export function toInbound(ev: PrivmsgLike, ctx: InboundContext): InboundMessage | null {
  if (ev.from_server || !ev.nick || typeof ev.message !== 'string') return null;
  if (ircLower(ev.nick) === ircLower(ctx.currentNick)) return null;
  if (ev.message.startsWith('\u0001')) return null;
  if (ev.tags && (ev.tags.bot !== undefined || ev.tags['draft/bot'] !== undefined)) return null;

  const text = stripUnsafe(ev.message).trim();
  if (text === '') return null;
  const isChannel = ev.target.length > 0 && ctx.channelPrefixes.includes(ev.target[0]!);
  const isDirect = !isChannel && ircLower(ev.target) === ircLower(ctx.currentNick);
  if (!isChannel && !isDirect) return null;

  let commandText: string;
  let addressed: boolean;
  const stripped = stripAddress(text, ctx.currentNick);
  if (stripped !== null) {
    commandText = stripped;
    addressed = true;
  } else if (isDirect) {
    commandText = text;
    addressed = true;
  } else if (text.startsWith('!')) {
    commandText = text;
    addressed = false;
  } else {
    return null;
  }

  const known = ctx.accountTagEnabled ? normaliseAccount(ev.account ?? tagString(ev.tags?.account)) : ctx.freshAccount(ev.nick);
  // The one place an IRC account becomes an identity (ircUser): folded, so access lists, reports
  // and notifications compare it as a plain string.
  const author = ircUser(ev.nick, known);
  const nick = ev.nick;
  // Unknown is not "not logged in": commands that need the identity ask the server first.
  const verify = known === undefined ? { verifyAuthor: async (): Promise<UserRef> => ircUser(nick, await ctx.verifyAccount(nick)) } : {};
  const channelId = isChannel ? ev.target : ev.nick;
  const msgid = tagString(ev.tags?.msgid);
  return {
    id: msgid ? `irc:${msgid}` : ctx.fallbackId,
    channel: { platform: 'irc', id: channelId, key: channelKey('irc', channelId), name: channelId },
    author,
    text: commandText,
    isDirect,
    addressed,
    receivedAt: new Date(typeof ev.time === 'number' && Number.isFinite(ev.time) ? ev.time : ctx.now),
    ...verify,
  };
}

function tagString(v: string | true | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
