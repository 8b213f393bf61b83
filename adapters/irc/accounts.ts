import { rfc1459Lower } from '../../src/core/casemap.js';

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
