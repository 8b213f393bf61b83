import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/core/clock.js';
import { Loop, jittered, settledWithin } from '../../../src/core/loop.js';

/** A clock whose sleeps end only when the test says so (or when aborted); it records each wait. */
class HandClock implements Clock {
  readonly waits: number[] = [];
  #wakers: Array<() => void> = [];
  now(): number {
    return 0;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.waits.push(ms);
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      this.#wakers.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  /** Ends every sleep in progress. */
  elapse(): void {
    const w = this.#wakers;
    this.#wakers = [];
    for (const wake of w) wake();
  }
}

const settle = () => new Promise<void>((r) => setImmediate(r));

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

describe('Loop', () => {
  it('runs a pass at start, then one per interval, with the jitter applied to each wait', async () => {
    const clock = new HandClock();
    let passes = 0;
    const loop = new Loop({ clock, intervalMs: 1000, jitter: 0.2, random: () => 1, pass: () => void passes++, onError: () => undefined });
    loop.start();
    await settle();
    expect(passes).toBe(1);
    expect(clock.waits).toEqual([1200]);
    clock.elapse();
    await settle();
    expect(passes).toBe(2);
    await loop.stop();
    expect(loop.running).toBe(false);
  });

  it('waits what the pass returns, and what onError returns after a failure, and keeps going', async () => {
    const clock = new HandClock();
    const errors: unknown[] = [];
    let n = 0;
    const loop = new Loop({
      clock,
      intervalMs: 1000,
      pass: () => {
        n++;
        if (n === 2) throw new Error('boom');
        return 50;
      },
      onError: (err) => {
        errors.push(err);
        return 7000;
      },
    });
    loop.start();
    await settle();
    clock.elapse();
    await settle();
    clock.elapse();
    await settle();
    expect(clock.waits).toEqual([50, 7000, 50]);
    expect(errors).toHaveLength(1);
    await loop.stop();
  });

  it('never overlaps passes: stop() waits for the pass in progress, and a restart waits too', async () => {
    const clock = new HandClock();
    let inPass = 0;
    let maxInPass = 0;
    let g = gate();
    const loop = new Loop({
      clock,
      intervalMs: 1000,
      pass: async () => {
        inPass++;
        maxInPass = Math.max(maxInPass, inPass);
        await g.opened;
        inPass--;
      },
      onError: () => undefined,
    });
    loop.start();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    loop.start();
    await settle();
    expect(stopped).toBe(false);
    expect(inPass).toBe(1);
    const first = g;
    g = gate();
    first.open();
    await stopping;
    await settle();
    expect(inPass).toBe(1);
    expect(maxInPass).toBe(1);
    g.open();
    await loop.stop();
    expect(maxInPass).toBe(1);
  });

  it('kick() ends the wait; a kick during a pass runs the next pass at once instead of being lost', async () => {
    const clock = new HandClock();
    let passes = 0;
    let g = gate();
    const loop = new Loop({
      clock,
      intervalMs: 60_000,
      pass: async () => {
        passes++;
        await g.opened;
      },
      onError: () => undefined,
    });
    loop.start();
    await settle();
    loop.kick();
    g.open();
    await settle();
    // The second pass ran without any wait in between; only then did the loop sleep.
    expect(passes).toBe(2);
    expect(clock.waits).toEqual([60_000]);
    loop.kick();
    await settle();
    expect(passes).toBe(3);
    g = gate();
    g.open();
    await loop.stop();
  });

  it('stop() before start() resolves, and a stopped loop runs no more passes', async () => {
    const clock = new HandClock();
    let passes = 0;
    const loop = new Loop({ clock, intervalMs: 10, pass: () => void passes++, onError: () => undefined });
    await loop.stop();
    loop.start();
    await settle();
    await loop.stop();
    clock.elapse();
    await settle();
    expect(passes).toBe(1);
  });

  it('jittered() spreads a wait by the given fraction either way', () => {
    expect(jittered(1000, 0.2, () => 0)).toBe(800);
    expect(jittered(1000, 0.2, () => 1)).toBe(1200);
    expect(jittered(1000, 0, () => 0.3)).toBe(1000);
  });
});

describe('settledWithin', () => {
  it('is true once every piece of work has settled (a failure too)', async () => {
    const clock = new HandClock();
    const send = gate();
    const result = settledWithin(clock, 3000, [send.opened, Promise.reject(new Error('send failed'))]);
    await settle();
    expect(clock.waits).toEqual([3000]);
    send.open();
    expect(await result).toBe(true);
  });

  it('is false when the deadline comes first, and does not wait for the work', async () => {
    const clock = new HandClock();
    const stuck = gate();
    const result = settledWithin(clock, 3000, [stuck.opened]);
    await settle();
    clock.elapse();
    expect(await result).toBe(false);
  });
});
