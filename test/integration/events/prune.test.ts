/**
 * Retention of dedupe ids: seen event ids and webhook delivery ids older than the retention are
 * pruned (at start and every few hours), newer ones kept, and an event whose id was pruned is
 * still not announced twice (the outbox row is the last guard).
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

const DAY = 86_400_000;

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('pruning seen event ids and webhook delivery ids', () => {
  it('drops ids older than the retention, keeps newer ones, and a pruned id is still not re-announced', async () => {
    const clock = new StepClock(Date.UTC(2030, 0, 1));
    gh = await startFakeGitHub({ now: () => clock.now() });
    h = await startHarness({ gh, clock, subscriptions: [{ channel: 'irc:#docker-library', images: ['python'], events: ['*'] }], tuning: { retentionMs: 30 * DAY } });
    const { pipeline, poller } = h.app.announcements;
    await until(() => pipeline.events.source(poller!.source).baselineAt !== undefined, 'the baseline poll');
    const count = (table: string) => (h!.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

    const n = gh.world.openPr({ title: 'Update python', files: ['library/python'] });
    await poller!.tick();
    await until(() => h!.irc.sent.length === 1, 'the announcement');
    expect(pipeline.events.recordDelivery('old-delivery', 'pull_request', 'a'.repeat(64), clock.now())).toBe('new');
    expect(count('seen_events')).toBe(1);

    // 20 days on: a newer event and delivery.
    clock.advance(20 * DAY);
    gh.world.addLabel(n, 'library/python');
    await poller!.tick();
    await until(() => h!.irc.sent.length === 2, 'the label');
    pipeline.events.recordDelivery('new-delivery', 'pull_request', 'b'.repeat(64), clock.now());

    // 31 days after the first: the periodic prune (6-hourly) removes only the old ids.
    clock.advance(11 * DAY);
    await until(() => count('seen_events') === 1, 'the prune');
    expect(h.db.prepare('SELECT id FROM seen_events').all()).toEqual([{ id: `pr.labeled:docker-library/official-images#${n}:library/python` }]);
    expect(h.db.prepare('SELECT delivery_id FROM webhook_deliveries').all()).toEqual([{ delivery_id: 'new-delivery' }]);

    // The pruned "opened" event replayed (as a crash or overlap replay would): it counts as
    // fresh for seen_events, but its outbox row exists, so nothing is queued or sent again.
    const snap = pipeline.events.snapshot(`docker-library/official-images#${n}`)!;
    const replay = pipeline.commitEvents([{ kind: 'pr.opened', id: `pr.opened:docker-library/official-images#${n}`, occurredAt: snap.createdAt, pr: snap }]);
    expect(replay).toEqual({ fresh: 1, enqueued: 0 });
    await new Promise((r) => setTimeout(r, 100));
    expect(h.irc.sent).toHaveLength(2);
  });
});
