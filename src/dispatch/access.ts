import { identityOf, type UserRef } from '../core/chat.js';
import type { AccessLevel } from './command.js';

const RANK: Record<AccessLevel, number> = { anyone: 0, maintainer: 1, admin: 2 };

/** Who may run what, keyed by verified identity ("irc:<account>", "slack:<user id>") only. */
export class AccessPolicy {
  readonly #admins: Set<string>;
  readonly #maintainers: Set<string>;

  constructor(lists: { admins: readonly string[]; maintainers: readonly string[] }) {
    this.#admins = new Set(lists.admins.map(canonicalIdentity));
    this.#maintainers = new Set(lists.maintainers.map(canonicalIdentity));
  }

  levelOf(user: UserRef): AccessLevel {
    const id = identityOf(user);
    if (!id) return 'anyone';
    const key = canonicalIdentity(id);
    if (this.#admins.has(key)) return 'admin';
    if (this.#maintainers.has(key)) return 'maintainer';
    return 'anyone';
  }

  allows(user: UserRef, needed: AccessLevel): boolean {
    return RANK[this.levelOf(user)] >= RANK[needed];
  }
}

/** IRC accounts are case-insensitive; Slack ids are not, but are always upper case. */
function canonicalIdentity(id: string): string {
  return id.startsWith('irc:') ? id.toLowerCase() : id;
}

export function satisfies(held: AccessLevel, needed: AccessLevel): boolean {
  return RANK[held] >= RANK[needed];
}
