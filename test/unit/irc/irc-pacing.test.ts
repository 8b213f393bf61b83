import { describe, expect, it } from 'vitest';
import { Pacer, QueueFullError } from '../../../adapters/irc/pacing.js';
import type { Clock } from '../../../src/core/clock.js';

/** A clock that only moves when told; sleeps resolve when their time comes. */
class FakeClock implements Clock {
  t = 0;
  #sleepers: Array<{ at: number; resolve: () => void }> = [];
  now(): number {
    return this.t;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const s = { at: this.t + ms, resolve };
      this.#sleepers.push(s);
      signal?.addEventListener('abort', () => {
        this.#sleepers = this.#sleepers.filter((x) => x !== s);
        resolve();
      }, { once: true });
    });
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const next = this.#sleepers.filter((s) => s.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.t = next.at;
      this.#sleepers = this.#sleepers.filter((s) => s !== next);
      next.resolve();
    }
    this.t = end;
    await flush();
  }
}
const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function setup(opts: { burst?: number; intervalMs?: number; maxQueued?: number } = {}) {
  const clock = new FakeClock();
  const written: Array<{ at: number; line: string }> = [];
  let connected = true;
  const pacer = new Pacer({
    burst: opts.burst ?? 4,
    intervalMs: opts.intervalMs ?? 2000,
    clock,
    write: (line) => {
      if (!connected) return false;
      written.push({ at: clock.t, line });
      return true;
    },
    ...(opts.maxQueued ? { maxQueued: opts.maxQueued } : {}),
  });
  return { clock, written, pacer, setConnected: (v: boolean) => (connected = v) };
}

describe('Pacer', () => {
  it('sends a burst, then one line per interval', async () => {
    const { clock, written, pacer } = setup();
    pacer.resume();
    void pacer.enqueue('#a', Array.from({ length: 8 }, (_, i) => `l${i}`));
    await clock.advance(0);
    expect(written.map((w) => w.at)).toEqual([0, 0, 0, 0]);
    await clock.advance(8000);
    expect(written.map((w) => w.at)).toEqual([0, 0, 0, 0, 2000, 4000, 6000, 8000]);
  });

  it('is fair: round-robin across targets, so a long reply cannot starve another target', async () => {
    const { clock, written, pacer } = setup({ burst: 1, intervalMs: 1000 });
    void pacer.enqueue('#busy', ['b1', 'b2', 'b3', 'b4', 'b5']);
    void pacer.enqueue('alice', ['a1', 'a2']);
    void pacer.enqueue('#other', ['o1']);
    pacer.resume();
    await clock.advance(10_000);
    expect(written.map((w) => w.line)).toEqual(['b1', 'a1', 'o1', 'b2', 'a2', 'b3', 'b4', 'b5']);
  });

  it('puts control lines first but makes them pay a token', async () => {
    const { clock, written, pacer } = setup({ burst: 1, intervalMs: 1000 });
    pacer.resume();
    void pacer.enqueue('#a', ['t1', 't2']);
    await clock.advance(0);
    pacer.control('JOIN #b');
    await clock.advance(2000);
    expect(written).toEqual([
      { at: 0, line: 't1' },
      { at: 1000, line: 'JOIN #b' },
      { at: 2000, line: 't2' },
    ]);
  });

  it('keeps lines while disconnected and sends them after resume, still paced', async () => {
    const { clock, written, pacer, setConnected } = setup({ burst: 2, intervalMs: 1000 });
    setConnected(false);
    pacer.resume();
    let done = false;
    void pacer.enqueue('#a', ['1', '2', '3']).then(() => (done = true));
    await clock.advance(5000);
    expect(written).toEqual([]);
    expect(done).toBe(false);
    setConnected(true);
    pacer.resume();
    await clock.advance(0);
    expect(written.map((w) => w.line)).toEqual(['1', '2']);
    await clock.advance(1000);
    expect(written.map((w) => w.line)).toEqual(['1', '2', '3']);
    expect(done).toBe(true);
  });

  it('resolves enqueue only when its last line is written', async () => {
    const { clock, pacer } = setup({ burst: 1, intervalMs: 1000 });
    pacer.resume();
    let done = false;
    void pacer.enqueue('#a', ['1', '2']).then(() => (done = true));
    await clock.advance(500);
    expect(done).toBe(false);
    await clock.advance(500);
    expect(done).toBe(true);
  });

  it('refuses beyond maxQueued instead of growing without bound', async () => {
    const { pacer } = setup({ maxQueued: 3 });
    void pacer.enqueue('#a', ['1', '2', '3']);
    await expect(pacer.enqueue('#a', ['4'])).rejects.toBeInstanceOf(QueueFullError);
  });

  it('fails the senders of discarded lines', async () => {
    const { pacer } = setup();
    const p = pacer.enqueue('#banned', ['x']);
    expect(pacer.discard('#banned', new Error('cannot join'))).toBe(1);
    await expect(p).rejects.toThrow('cannot join');
  });

  it('with interval 0 sends everything at once', async () => {
    const { clock, written, pacer } = setup({ burst: 4, intervalMs: 0 });
    pacer.resume();
    void pacer.enqueue('#a', Array.from({ length: 50 }, (_, i) => `${i}`));
    await clock.advance(0);
    expect(written).toHaveLength(50);
  });
});
