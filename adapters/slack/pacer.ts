import type { Clock } from '../../src/core/clock.js';

/**
 * Slack allows about one message per second per channel, plus a workspace-wide limit that shows
 * up as 429 Retry-After. Sends to one channel run one at a time, spaced by `intervalMs`; other
 * channels are not held up, except while a 429 pauses everyone.
 */
export class ChannelPacer {
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #nextAllowed = new Map<string, number>();
  readonly #tails = new Map<string, Promise<unknown>>();
  readonly #stop = new AbortController();
  #blockedUntil = 0;

  constructor(intervalMs: number, clock: Clock) {
    this.#intervalMs = intervalMs;
    this.#clock = clock;
  }

  /** Runs `send` when the channel's turn comes; resolves or rejects with its outcome. */
  run<T>(channel: string, send: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(channel) ?? Promise.resolve();
    const mine = previous.then(
      () => this.#turn(channel, send),
      () => this.#turn(channel, send),
    );
    const tail = mine.catch(() => undefined);
    this.#tails.set(channel, tail);
    void tail.then(() => {
      if (this.#tails.get(channel) === tail) this.#tails.delete(channel);
    });
    return mine;
  }

  /** Pauses every channel for `ms` (a 429 from Slack). */
  blockAll(ms: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, this.#clock.now() + ms);
  }

  async waitForGlobal(): Promise<void> {
    const wait = this.#blockedUntil - this.#clock.now();
    if (wait > 0) await this.#clock.sleep(wait, this.#stop.signal);
  }

  /** Releases every waiting send at once (shutdown). */
  stop(): void {
    this.#stop.abort();
  }

  async #turn<T>(channel: string, send: () => Promise<T>): Promise<T> {
    const wait = (this.#nextAllowed.get(channel) ?? 0) - this.#clock.now();
    if (wait > 0) await this.#clock.sleep(wait, this.#stop.signal);
    await this.waitForGlobal();
    try {
      return await send();
    } finally {
      this.#nextAllowed.set(channel, this.#clock.now() + this.#intervalMs);
      this.#forgetIdle();
    }
  }

  /** Channels quiet for longer than the interval need no entry. */
  #forgetIdle(): void {
    if (this.#nextAllowed.size < 1000) return;
    const now = this.#clock.now();
    for (const [k, t] of this.#nextAllowed) if (t <= now) this.#nextAllowed.delete(k);
  }
}
