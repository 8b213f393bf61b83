import type { Client } from 'irc-framework';
import { ircLower, normaliseAccount } from './accounts.js';

/** A remembered account is trusted for this long; after that an identity command asks again. */
export const ACCOUNT_TTL_MS = 10 * 60_000;
const WHO_TIMEOUT_MS = 5000;
const MAX_NICKS = 5000;

interface Member {
  /** As last seen, for addressing. */
  nick: string;
  /** undefined: a member whose account the bot has not learned yet. */
  account: string | null | undefined;
  /** Shared channels (lower case): while there is one, the bot sees this nick's QUIT, NICK and ACCOUNT. */
  readonly channels: Set<string>;
  learnedAt: number;
}

interface WhoRequest {
  readonly mask: string;
  readonly replies: Array<{ nick: string; account: string | null }>;
  readonly resolve: (replies: Array<{ nick: string; account: string | null }>) => void;
  readonly timer: NodeJS.Timeout;
}

export interface IrcIdentityOptions {
  readonly now: () => number;
  /** Writes a protocol line through the paced queue. */
  readonly send: (line: string) => void;
  readonly ttlMs?: number;
  readonly whoTimeoutMs?: number;
}

/**
 * Who is logged in as which services account, for servers that do not tag each message with
 * `account`, and whom to address a private message for an account.
 *
 * An account is vouched for only while the bot shares a channel with the nick (so it sees every
 * QUIT, NICK and ACCOUNT that could change it) and for at most `ttlMs`. Anything else is asked
 * of the server at the moment it matters (WHOX), never taken from memory: a nick the bot cannot
 * watch may belong to someone else by now.
 */
export class IrcIdentity {
  readonly #o: IrcIdentityOptions;
  readonly #members = new Map<string, Member>();
  /** account (lower case) -> the nick it last used with the bot: a first guess when addressing it. */
  readonly #lastNick = new Map<string, string>();
  readonly #pending = new Map<string, WhoRequest>();
  #token = 0;

  constructor(opts: IrcIdentityOptions) {
    this.#o = opts;
  }

  // ---- what the bot sees in the channels it shares -------------------------------------------

  /** `account` undefined: the server does not say (no extended-join). */
  joined(nick: string, channel: string, account?: string | false | null): void {
    const m = this.#member(nick);
    m.channels.add(ircLower(channel));
    if (account !== undefined) this.#learn(m, normaliseAccount(account));
  }

  left(nick: string, channel: string): void {
    const key = ircLower(nick);
    const m = this.#members.get(key);
    if (!m) return;
    m.channels.delete(ircLower(channel));
    if (m.channels.size === 0) this.#members.delete(key);
  }

  quit(nick: string): void {
    this.#members.delete(ircLower(nick));
  }

  renamed(from: string, to: string): void {
    const m = this.#members.get(ircLower(from));
    this.#members.delete(ircLower(from));
    if (!m) return;
    m.nick = to;
    this.#members.set(ircLower(to), m);
  }

  accountChanged(nick: string, account: string | false | null | undefined): void {
    const m = this.#members.get(ircLower(nick));
    if (m) this.#learn(m, normaliseAccount(account));
  }

  /** The bot parted or was kicked: it no longer sees what happens to that channel's members. */
  botLeft(channel: string): void {
    const c = ircLower(channel);
    for (const [key, m] of this.#members) {
      m.channels.delete(c);
      if (m.channels.size === 0) this.#members.delete(key);
    }
  }

  /** A new connection: nothing seen before it is known any more; WHOs in flight get no answer. */
  reset(): void {
    this.#members.clear();
    for (const [token, req] of this.#pending) {
      clearTimeout(req.timer);
      this.#pending.delete(token);
      req.resolve([]);
    }
  }

  // ---- answers ---------------------------------------------------------------------------------

  /** The account vouched for right now (null: not logged in), or undefined: ask `verify`. */
  fresh(nick: string): string | null | undefined {
    const m = this.#members.get(ircLower(nick));
    if (!m || m.channels.size === 0 || m.account === undefined) return undefined;
    if (this.#o.now() - m.learnedAt > (this.#o.ttlMs ?? ACCOUNT_TTL_MS)) return undefined;
    return m.account;
  }

  /** Asks the server now which account `nick` is logged in as; null when none or no answer. */
  async verify(nick: string): Promise<string | null> {
    const replies = await this.#who(nick);
    const found = replies.find((r) => ircLower(r.nick) === ircLower(nick));
    const account = found?.account ?? null;
    const m = this.#members.get(ircLower(nick));
    // A member's later changes are seen, so the answer may be kept; anyone else's may not.
    if (m && m.channels.size > 0) this.#learn(m, account);
    if (account) this.noteVerified(nick, account);
    return account;
  }

  /** A message arrived from `nick` with `account` vouched for (account-tag or verification). */
  noteVerified(nick: string, account: string): void {
    if (this.#lastNick.size >= MAX_NICKS) this.#lastNick.clear();
    this.#lastNick.set(ircLower(account), nick);
  }

  /** Learns the accounts of everyone in a channel the bot just joined. */
  async whoChannel(channel: string): Promise<void> {
    const replies = await this.#who(channel);
    for (const r of replies) this.joined(r.nick, channel, r.account ?? false);
  }

  /**
   * The nick logged in as `account` right now, checked: a watched member with that account, else
   * the nick it last used or the account name itself, each confirmed by WHOX. undefined: nobody.
   */
  async nickOf(account: string): Promise<string | undefined> {
    const wanted = ircLower(account);
    for (const m of this.#members.values()) {
      const a = this.fresh(m.nick);
      if (a && ircLower(a) === wanted) return m.nick;
    }
    const guesses = [...new Set([this.#lastNick.get(wanted), account].filter((n): n is string => n !== undefined))];
    for (const nick of guesses) {
      if (!/^[^\s,:*?!@#&]{1,64}$/u.test(nick)) continue;
      const now = await this.verify(nick);
      if (now && ircLower(now) === wanted) return nick;
    }
    return undefined;
  }

  /**
   * Feeds a server numeric; true when it answered one of this module's WHOs (the caller keeps it
   * from the library). WHOX `%tna` replies are `354 <me> <token> <nick> <account>`.
   */
  onReply(command: string, params: readonly string[]): boolean {
    if (command === '354') {
      const req = this.#pending.get(params[1] ?? '');
      if (!req || params.length < 4) return false;
      req.replies.push({ nick: params[2] ?? '', account: normaliseAccount(params[3]) });
      return true;
    }
    if (command === '315') {
      const mask = ircLower(params[1] ?? '');
      // Replies come in the order asked: the oldest open request for this mask is the one ending.
      for (const [token, req] of this.#pending) {
        if (ircLower(req.mask) !== mask) continue;
        clearTimeout(req.timer);
        this.#pending.delete(token);
        req.resolve(req.replies);
        return true;
      }
    }
    return false;
  }

  #who(mask: string): Promise<Array<{ nick: string; account: string | null }>> {
    this.#token = (this.#token % 999) + 1;
    const token = String(this.#token);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(token);
        resolve([]);
      }, this.#o.whoTimeoutMs ?? WHO_TIMEOUT_MS);
      timer.unref();
      this.#pending.set(token, { mask, replies: [], resolve, timer });
      this.#o.send(`WHO ${mask} %tna,${token}`);
    });
  }

  #member(nick: string): Member {
    const key = ircLower(nick);
    let m = this.#members.get(key);
    if (!m) {
      if (this.#members.size >= MAX_NICKS) this.#members.clear();
      m = { nick, account: undefined, channels: new Set(), learnedAt: 0 };
      this.#members.set(key, m);
    }
    m.nick = nick;
    return m;
  }

  #learn(m: Member, account: string | null): void {
    m.account = account;
    m.learnedAt = this.#o.now();
    if (account) this.noteVerified(m.nick, account);
  }
}

/**
 * Keeps `identity` in step with what the connection shows: joins (with extended-join's account),
 * parts, kicks, quits, nick changes, account-notify; a WHOX of each channel the bot joins.
 */
export function followMembership(client: Client, identity: IrcIdentity, isMe: (nick: string) => boolean): void {
  client.on('join', (ev) => {
    if (!isMe(ev.nick)) identity.joined(ev.nick, ev.channel, client.network.cap.isEnabled('extended-join') ? (ev.account ?? false) : undefined);
    else if (client.network.supports('WHOX')) void identity.whoChannel(ev.channel);
  });
  client.on('part', (ev) => (isMe(ev.nick) ? identity.botLeft(ev.channel) : identity.left(ev.nick, ev.channel)));
  client.on('kick', (ev) => (isMe(ev.kicked) ? identity.botLeft(ev.channel) : identity.left(ev.kicked, ev.channel)));
  client.on('quit', (ev) => identity.quit(ev.nick));
  client.on('nick', (ev) => identity.renamed(ev.nick, ev.new_nick));
  client.on('account', (ev) => identity.accountChanged(ev.nick, ev.account));
}
