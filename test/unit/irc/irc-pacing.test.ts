import { describe, expect, it } from 'vitest';
import { DroppedError, Pacer, QueueFullError } from '../../../adapters/irc/pacing.js';
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

function setup(opts: { burst?: number; intervalMs?: number; maxQueued?: number; maxPerTarget?: number } = {}) {
  const clock = new FakeClock();
  const written: Array<{ at: number; line: string }> = [];
  const drops: Array<{ target: string; lines: number }> = [];
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
    ...(opts.maxPerTarget ? { maxPerTarget: opts.maxPerTarget } : {}),
    onDrop: (target, lines) => drops.push({ target, lines }),
  });
  return { clock, written, drops, pacer, setConnected: (v: boolean) => (connected = v) };
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

  it("caps each target: one person's flood of replies cannot fill the queue or refuse another target's announcements", async () => {
    const { clock, written, drops, pacer } = setup({ maxQueued: 30, maxPerTarget: 10, intervalMs: 0 });
    const announced = pacer.enqueue('#chan', ['a1', 'a2']);
    const outcomes: Array<'sent' | 'dropped' | 'refused'> = [];
    const replies: Array<Promise<void>> = [];
    for (let i = 0; i < 50; i++) {
      const p = pacer.enqueue('mallory', [`r${i}.1`, `r${i}.2`], { droppable: true }).then(
        () => void outcomes.push('sent'),
        (err: unknown) => void outcomes.push(err instanceof DroppedError ? 'dropped' : 'refused'),
      );
      replies.push(p);
    }
    expect(pacer.queuedFor('mallory')).toBe(10);
    expect(pacer.queued).toBe(12);
    // Another channel's announcement still fits: the flood holds at most its own cap.
    const other = pacer.enqueue('#other', ['o1', 'o2', 'o3', 'o4', 'o5']);
    pacer.resume();
    await clock.advance(0);
    await Promise.all([announced, other, ...replies]);
    expect(outcomes.filter((o) => o === 'dropped')).toHaveLength(45);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(0);
    expect(drops.reduce((n, d) => n + d.lines, 0)).toBe(90);
    expect(drops.every((d) => d.target === 'mallory')).toBe(true);
    const lines = written.map((w) => w.line);
    expect(lines.filter((l) => /^a\d$/.test(l))).toEqual(['a1', 'a2']);
    expect(lines.filter((l) => /^o\d$/.test(l))).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
    // The newest replies are the ones kept.
    expect(lines.filter((l) => l.startsWith('r'))).toEqual(['r45.1', 'r45.2', 'r46.1', 'r46.2', 'r47.1', 'r47.2', 'r48.1', 'r48.2', 'r49.1', 'r49.2']);
  });

  it('at a full target drops replies whole, never announcements, and refuses what still does not fit', async () => {
    const { pacer } = setup({ maxPerTarget: 6 });
    const reply = pacer.enqueue('#c', ['r1', 'r2', 'r3'], { droppable: true });
    const first = pacer.enqueue('#c', ['a1', 'a2', 'a3']);
    const second = pacer.enqueue('#c', ['b1', 'b2']);
    await expect(reply).rejects.toBeInstanceOf(DroppedError);
    expect(pacer.queuedFor('#c')).toBe(5);
    await expect(pacer.enqueue('#c', ['c1', 'c2'])).rejects.toBeInstanceOf(QueueFullError);
    await expect(pacer.enqueue('#c', Array.from({ length: 7 }, (_, i) => `${i}`), { droppable: true })).rejects.toBeInstanceOf(QueueFullError);
    expect(pacer.queuedFor('#c')).toBe(5);
    pacer.stop(new Error('stopped'));
    await expect(first).rejects.toThrow('stopped');
    await expect(second).rejects.toThrow('stopped');
  });
});
