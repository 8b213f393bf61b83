import { identityOf, type UserRef } from '../core/chat.js';
import type { AccessLevel } from './command.js';

const RANK: Record<AccessLevel, number> = { anyone: 0, maintainer: 1, admin: 2 };

/**
 * Who may run what, keyed by verified identity ("irc:<account>", "slack:<user id>") only. The
 * lists hold canonical identities (`canonicalIdentities` in the configuration) and users arrive
 * canonical from their adapter, so they compare as they are.
 */
export class AccessPolicy {
  readonly #admins: Set<string>;
  readonly #maintainers: Set<string>;

  constructor(lists: { admins: readonly string[]; maintainers: readonly string[] }) {
    this.#admins = new Set(lists.admins);
    this.#maintainers = new Set(lists.maintainers);
  }

  levelOf(user: UserRef): AccessLevel {
    const id = identityOf(user);
    if (!id) return 'anyone';
    if (this.#admins.has(id)) return 'admin';
    if (this.#maintainers.has(id)) return 'maintainer';
    return 'anyone';
  }

  allows(user: UserRef, needed: AccessLevel): boolean {
    return RANK[this.levelOf(user)] >= RANK[needed];
  }
}

export function satisfies(held: AccessLevel, needed: AccessLevel): boolean {
  return RANK[held] >= RANK[needed];
}
