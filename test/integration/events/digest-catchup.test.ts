/**
 * Time-driven delivery with a clock the test moves: daily digests at their UTC time (once,
 * other channels unaffected), and the catch-up after an outage (old news marked delayed, or
 * folded into one summary when there is a lot of it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { startHarness, type Harness } from '../../support/events/harness.js';
import { StepClock } from '../../support/events/step-clock.js';

let h: Harness | undefined;
let gh: FakeGitHub | undefined;
afterEach(async () => {
  await h?.close();
  await gh?.close();
  h = undefined;
  gh = undefined;
});

const START = Date.UTC(2030, 0, 15, 6, 50);
const MIN = 60_000;
const noRef = (s: string) => s.replace(/ \(ref [0-9a-z]{6}\)/g, '');

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Several idle passes of the outbox worker (20 ms each in the harness). */
const passes = () => new Promise((r) => setTimeout(r, 150));

async function start(clock: StepClock, subscriptions: unknown[]): Promise<Harness> {
  // The fake GitHub stamps PR times from the same clock, so "20 minutes ago" is consistent.
  gh = await startFakeGitHub({ now: () => clock.now() });
  const harness = await startHarness({ gh, clock, subscriptions });
  const { pipeline, poller } = harness.app.announcements;
  await until(() => pipeline.events.source(poller!.source).baselineAt !== undefined, 'the baseline poll');
  return harness;
}

describe('digest subscriptions', () => {
  it('hold events and deliver them as one message at the set UTC time, once a day; "every" channels are unaffected', async () => {
    const clock = new StepClock(START);
    h = await start(clock, [
      { channel: 'irc:#digest', images: ['python'], events: ['*'], mode: 'digest', digestTime: '07:00' },
      { channel: 'irc:#live', images: ['python'], events: ['*'] },
    ]);
    const poller = h.app.announcements.poller!;
    const outbox = h.app.announcements.pipeline.outbox;
    const w = gh!.world;
    const texts = (channel: string) => h!.irc.sent.filter((m) => m.channel === channel).map((m) => noRef(m.text));
    const url = (n: number) => `https://github.com/docker-library/official-images/pull/${n}`;

    const n = w.openPr({ title: 'Update python', author: 'tianon', files: ['library/python'] });
    await poller.tick();
    clock.advance(5 * MIN);
    w.addLabel(n, 'library/python');
    await poller.tick();
    await until(() => texts('irc:#live').length === 2, 'the live channel');
    expect(texts('irc:#live')).toEqual([`#${n} opened by tianon: Update python [python] ${url(n)}`, `#${n} labeled library/python: Update python [python] ${url(n)}`]);
    expect(outbox.countByState('held')).toBe(2);

    // 06:59:59: not yet.
    clock.set(Date.UTC(2030, 0, 15, 6, 59, 59));
    await passes();
    expect(texts('irc:#digest')).toEqual([]);

    // 07:00: one digest with both updates, and it stays one however many passes follow.
    clock.set(Date.UTC(2030, 0, 15, 7, 0));
    await until(() => texts('irc:#digest').length === 1, 'the digest');
    const digest = [
      'Daily digest 2030-01-15: 2 updates',
      `#${n} opened by tianon: Update python [python] ${url(n)}`,
      `#${n} labeled library/python: Update python [python] ${url(n)}`,
    ].join('\n');
    expect(texts('irc:#digest')).toEqual([digest]);
    expect(outbox.countByState('held')).toBe(0);
    clock.advance(5 * MIN);
    await passes();
    expect(texts('irc:#digest')).toHaveLength(1);

    // Later the same day: held for tomorrow's digest, while the live channel hears it at once.
    clock.set(Date.UTC(2030, 0, 15, 12, 0));
    w.merge(n, { by: 'yosifkit' });
    await poller.tick();
    await until(() => texts('irc:#live').length === 3, 'the merge in the live channel');
    await passes();
    expect(texts('irc:#digest')).toHaveLength(1);
    expect(outbox.countByState('held')).toBe(1);

    clock.set(Date.UTC(2030, 0, 16, 6, 59));
    await passes();
    expect(texts('irc:#digest')).toHaveLength(1);
    clock.set(Date.UTC(2030, 0, 16, 7, 0, 30));
    await until(() => texts('irc:#digest').length === 2, 'the second digest');
    await passes();
    expect(texts('irc:#digest')).toEqual([digest, ['Daily digest 2030-01-16: 1 update', `#${n} merged: Update python [python] ${url(n)}`].join('\n')]);
    expect(texts('irc:#live')).toHaveLength(3);
    // Nothing for the digest channel went anywhere else.
    expect(h.irc.sent.every((m) => m.channel === 'irc:#digest' || m.channel === 'irc:#live')).toBe(true);
  });
});

describe('catch-up after an outage', () => {
  it('a few old events are delivered marked [delayed]; fresh ones are not', async () => {
    const clock = new StepClock(START);
    h = await start(clock, [{ channel: 'irc:#docker-library', images: ['python'], events: ['*'] }]);
    const poller = h.app.announcements.poller!;
    const w = gh!.world;
    // While the bot is down (no polls for 20 minutes) two things happen.
    const n = w.openPr({ title: 'Update python', author: 'tianon', files: ['library/python'] });
    clock.advance(MIN);
    w.review(n, { author: 'yosifkit', state: 'APPROVED' });
    clock.advance(20 * MIN);
    await poller.tick();
    // Back to normal: a fresh change.
    w.merge(n, { by: 'yosifkit' });
    await poller.tick();
    await until(() => h!.irc.sent.length === 3, 'three announcements');
    const url = `https://github.com/docker-library/official-images/pull/${n}`;
    expect(h.irc.sent.map((m) => noRef(m.text))).toEqual([
      `[delayed 21m] #${n} opened by tianon: Update python [python] ${url}`,
      `[delayed 20m] #${n} approved by yosifkit: Update python [python] ${url}`,
      `#${n} merged: Update python [python] ${url}`,
    ]);
  });

  it('many old events in a channel are folded into one catch-up summary, then live delivery resumes', async () => {
    const clock = new StepClock(START);
    h = await start(clock, [
      { channel: 'irc:#docker-library', images: ['*'], events: ['pr.opened', 'pr.merged'] },
      { channel: 'irc:#python', images: ['python'], events: ['pr.opened'] },
    ]);
    const poller = h.app.announcements.poller!;
    const w = gh!.world;
    const numbers: number[] = [];
    for (let i = 0; i < 9; i++) {
      numbers.push(w.openPr({ title: `Update python (${i})`, author: 'tianon', files: ['library/python'] }));
      clock.advance(MIN);
    }
    clock.advance(30 * MIN);
    await poller.tick();
    const fresh = w.openPr({ title: 'Update node', author: 'nodejs', files: ['library/node'] });
    await poller.tick();
    await until(() => h!.irc.sent.filter((m) => m.channel === 'irc:#docker-library').length === 2, 'the summary and the fresh line');
    await passes();
    const lib = h.irc.sent.filter((m) => m.channel === 'irc:#docker-library').map((m) => noRef(m.text));
    const summary = lib[0]!.split('\n');
    expect(summary[0]).toBe('Catch-up: 9 updates from the last 39m while announcements were delayed');
    // The first 8 lines, then a count of the rest: one message instead of nine.
    expect(summary.slice(1, 9)).toEqual(numbers.slice(0, 8).map((n, i) => `#${n} opened by tianon: Update python (${i}) [python] https://github.com/docker-library/official-images/pull/${n}`));
    expect(summary[9]).toBe('... and 1 more');
    expect(summary).toHaveLength(10);
    expect(lib[1]).toBe(`#${fresh} opened by nodejs: Update node [node] https://github.com/docker-library/official-images/pull/${fresh}`);
    // The same nine in #python: one summary there too; the originals are folded, not sent.
    const py = h.irc.sent.filter((m) => m.channel === 'irc:#python').map((m) => noRef(m.text));
    expect(py).toHaveLength(1);
    expect(py[0]).toMatch(/^Catch-up: 9 updates from the last 39m/);
    const outbox = h.app.announcements.pipeline.outbox;
    expect(outbox.countByState('folded')).toBe(18);
    expect(outbox.countByState('pending')).toBe(0);
  });
});
