/**
 * At most `perMinute` log lines per window for one noisy kind of event (refused requests from
 * the internet), so a flood of forged requests cannot fill the disk or bury other lines. The
 * first line of a new window says how many were left out of the previous one; counters in
 * metrics keep the full tally.
 */
export class LogBudget {
  readonly #perWindow: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #used = 0;
  #suppressed = 0;

  constructor(opts: { perMinute: number; now: () => number; windowMs?: number }) {
    this.#perWindow = opts.perMinute;
    this.#windowMs = opts.windowMs ?? 60_000;
    this.#now = opts.now;
  }

  /**
   * undefined when this event must not be logged; else how many were suppressed since the last
   * line that was logged (0 usually).
   */
  take(): number | undefined {
    const now = this.#now();
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#used = 0;
    }
    if (this.#used >= this.#perWindow) {
      this.#suppressed++;
      return undefined;
    }
    this.#used++;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    return suppressed;
  }
}
