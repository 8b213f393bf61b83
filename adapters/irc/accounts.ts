/**
 * IRC nicks compare under the server's CASEMAPPING; rfc1459 (the default, and Libera's) also
 * folds []\~ to {}|^. Using the wider folding everywhere can only merge nicks that the server
 * itself treats as one.
 */
export function ircLower(name: string): string {
  return name.toLowerCase().replace(/[[\]\\~]/g, (c) => ({ '[': '{', ']': '}', '\\': '|', '~': '^' })[c] ?? c);
}

/**
 * Who is logged in as which services account, learned from extended-join, account-notify and
 * WHOX. Only consulted when the server does not tag each message with `account`; an unknown
 * nick is `undefined` (ask WHOX), a known unidentified nick is `null`.
 */
export class AccountTracker {
  readonly #accounts = new Map<string, string | null>();
  readonly #max: number;

  constructor(max = 5000) {
    this.#max = max;
  }

  get(nick: string): string | null | undefined {
    return this.#accounts.get(ircLower(nick));
  }

  /** `account` false/''/'*'/'0' all mean "not logged in" in the various replies. */
  set(nick: string, account: string | false | null | undefined): void {
    if (this.#accounts.size >= this.#max) this.#accounts.clear();
    this.#accounts.set(ircLower(nick), normaliseAccount(account));
  }

  rename(from: string, to: string): void {
    const known = this.#accounts.get(ircLower(from));
    this.#accounts.delete(ircLower(from));
    if (known !== undefined) this.#accounts.set(ircLower(to), known);
  }

  forget(nick: string): void {
    this.#accounts.delete(ircLower(nick));
  }

  clear(): void {
    this.#accounts.clear();
  }
}

export function normaliseAccount(account: string | boolean | null | undefined): string | null {
  if (typeof account !== 'string') return null;
  const a = account.trim();
  if (a === '' || a === '*' || a === '0' || /[\s\u0000-\u001f]/u.test(a)) return null;
  return a;
}
