/**
 * GraphQL points chat commands may spend per rolling hour. Anyone can run `pr`, `prs` or `when`,
 * and an unidentified user's per-person limit starts over with a new nick, so this cap is
 * global: however many people ask, commands cannot eat into what polling and the catalog need.
 */
import { UpstreamError } from '../core/errors.js';

const HOUR_MS = 3_600_000;

export class CommandBudget {
  readonly #pointsPerHour: number;
  /** Points charged, oldest first, with when. */
  readonly #spent: Array<{ at: number; points: number }> = [];

  constructor(pointsPerHour: number) {
    this.#pointsPerHour = pointsPerHour;
  }

  /** Points spent by commands in the hour before `now`. */
  spent(now: number): number {
    while (this.#spent.length && this.#spent[0]!.at <= now - HOUR_MS) this.#spent.shift();
    return this.#spent.reduce((n, s) => n + s.points, 0);
  }

  charge(points: number, now: number): void {
    if (points > 0) this.#spent.push({ at: now, points });
  }

  /** Throws when commands have used their hour; the wait is until the oldest charge expires. */
  check(now: number): void {
    const spent = this.spent(now);
    if (spent < this.#pointsPerHour) return;
    if (this.#pointsPerHour === 0) {
      throw new UpstreamError('github.command_budget', 'live GitHub lookups from chat are turned off (command budget 0)', {
        retryable: false,
        userMessage: 'Live GitHub lookups from chat are turned off on this bot',
      });
    }
    const retryAfterMs = this.#spent.length ? Math.max(1000, this.#spent[0]!.at + HOUR_MS - now) : HOUR_MS;
    throw new UpstreamError('github.command_budget', `chat commands used their GitHub budget (${spent} of ${this.#pointsPerHour} points this hour)`, {
      retryable: true,
      retryAfterMs,
      userMessage: `Commands have used this hour's GitHub budget; try again in ${Math.ceil(retryAfterMs / 60_000)} min`,
    });
  }

  /** "; commands 12/1000 points this hour", or nothing when commands are not capped. */
  describe(now: number): string {
    return Number.isFinite(this.#pointsPerHour) ? `; commands ${this.spent(now)}/${this.#pointsPerHour} points this hour` : '';
  }
}
