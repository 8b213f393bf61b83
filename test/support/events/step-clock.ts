import { systemClock, type Clock } from '../../../src/core/clock.js';

/**
 * A clock the test moves by hand (for digest times and outages) whose sleeps still pass in real
 * time: short waits (the outbox worker's idle tick) keep running, the poller's hour-long sleep
 * never ends by itself, and advance() also ends every sleep whose deadline it passes.
 */
export class StepClock implements Clock {
  #now: number;
  readonly #sleepers = new Set<{ until: number; wake: () => void }>();

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const until = this.#now + ms;
    const inner = new AbortController();
    const sleeper = { until, wake: () => inner.abort() };
    this.#sleepers.add(sleeper);
    const onAbort = () => inner.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) inner.abort();
    return systemClock.sleep(ms, inner.signal).finally(() => {
      this.#sleepers.delete(sleeper);
      signal?.removeEventListener('abort', onAbort);
    });
  }

  advance(ms: number): void {
    this.set(this.#now + ms);
  }

  set(at: number): void {
    this.#now = at;
    for (const s of [...this.#sleepers]) if (s.until <= at) s.wake();
  }
}
