import { identityOf, type UserRef } from '../core/chat.js';

/**
 * The key a person's limits are counted under: the verified identity ("irc:alice"), else the
 * platform handle in its own namespace, so someone merely using the nick "alice" can never spend
 * (or exhaust) the budget of the services account "alice".
 */
export function rateKeyOf(user: UserRef): string {
  return identityOf(user) ?? `unverified:${user.platform}:${user.id}`;
}

/**
 * Per-user limits: a sliding window on all commands (flood guard) and a per-command cooldown.
 * Keys come from `rateKeyOf`.
 */
export class Cooldowns {
  readonly #windowMs: number;
  readonly #max: number;
  readonly #recent = new Map<string, number[]>();
  readonly #lastUse = new Map<string, number>();

  constructor(opts: { maxPerWindow: number; windowMs: number }) {
    this.#max = opts.maxPerWindow;
    this.#windowMs = opts.windowMs;
  }

  /** Returns ms to wait, or 0 when the user may run `command` now (and records the use). */
  take(user: string, command: string, cooldownMs: number | undefined, now: number): number {
    const times = (this.#recent.get(user) ?? []).filter((t) => now - t < this.#windowMs);
    if (times.length >= this.#max) {
      this.#recent.set(user, times);
      return this.#windowMs - (now - times[0]!);
    }
    const key = `${user}\u0000${command}`;
    const last = this.#lastUse.get(key);
    if (cooldownMs && last !== undefined && now - last < cooldownMs) return cooldownMs - (now - last);
    times.push(now);
    this.#recent.set(user, times);
    if (cooldownMs) this.#lastUse.set(key, now);
    if (this.#recent.size > 10_000) this.#prune(now);
    return 0;
  }

  #prune(now: number): void {
    for (const [k, v] of this.#recent) if (v.every((t) => now - t >= this.#windowMs)) this.#recent.delete(k);
    for (const [k, t] of this.#lastUse) if (now - t > 3_600_000) this.#lastUse.delete(k);
  }
}
