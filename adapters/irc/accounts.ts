import { rfc1459Lower } from '../../src/core/casemap.js';
import { channelKey, type UserRef } from '../../src/core/chat.js';

/**
 * IRC nicks compare under the server's CASEMAPPING; rfc1459 (the default, and Libera's) also
 * folds []\~ to {}|^. Using the wider folding everywhere can only merge nicks that the server
 * itself treats as one.
 */
export const ircLower = rfc1459Lower;

/** A services account as the rest of the bot sees it: folded, so it compares as a plain string. */
export function canonicalAccount(account: string): string {
  return ircLower(account);
}

export function normaliseAccount(account: string | boolean | null | undefined): string | null {
  if (typeof account !== 'string') return null;
  const a = account.trim();
  if (a === '' || a === '*' || a === '0' || /[\s\u0000-\u001f]/u.test(a)) return null;
  return a;
}

const ACCOUNT_TARGET = 'account:';

/**
 * The person behind an IRC nick as the core sees them: with a services account, folded, and
 * reached later by that account ("irc:account:alice"), never by the nick, which anyone can take.
 */
export function ircUser(nick: string, account?: string | null): UserRef {
  const anonymous: UserRef = { platform: 'irc', id: nick, name: nick };
  if (!account) return anonymous;
  const folded = canonicalAccount(account);
  return { ...anonymous, account: folded, privateKey: channelKey('irc', `${ACCOUNT_TARGET}${folded}`) };
}

/** The account of a private-message target made by `ircUser` ("account:alice" -> "alice"), else undefined. */
export function accountOfTarget(id: string): string | undefined {
  return id.startsWith(ACCOUNT_TARGET) ? id.slice(ACCOUNT_TARGET.length) : undefined;
}
