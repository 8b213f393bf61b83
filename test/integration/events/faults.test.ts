import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../../src/core/errors.js';
import { drained, hubTag, PYTHON_V2, startHarness, type Harness } from '../../support/events/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const noRef = (s: string) => s.replace(/ \(ref [0-9a-z]{6}\)$/, '');

describe('faults: GitHub 502, RATE_LIMITED in a 200, secondary 403, Hub 429, chat send failures', () => {
  it('backs off, loses nothing and announces nothing twice', async () => {
    h = await startHarness({ subscriptions: [{ channel: 'irc:#docker-library', images: ['python'], events: ['pr.opened', 'pr.labeled', 'pr.merged', 'image.published'] }] });
    const poller = h.app.announcements.poller!;
    const w = h.gh.world;
    await poller.tick();
    const cursor = () => h!.app.announcements.pipeline.events.source(poller.source).cursor;

    const n = w.openPr({ title: 'Update python', files: ['library/python'], changes: { 'library/python': PYTHON_V2 } });
    h.gh.faults.serverError(1, 502);
    const before = cursor();
    const e502 = await poller.tick().catch((e: unknown) => e);
    expect(e502).toBeInstanceOf(UpstreamError);
    expect((e502 as UpstreamError).retryable).toBe(true);
    expect(cursor()).toBe(before); // the cursor moves only with a committed tick
    await poller.tick();

    w.addLabel(n, 'library/python');
    h.gh.faults.secondaryLimit(1, 60, 403);
    const eSecondary = await poller.tick().catch((e: unknown) => e);
    expect((eSecondary as UpstreamError).status).toBe(403);
    // The poller waits what GitHub asked (and never less than a minute) before the next tick.
    expect((eSecondary as UpstreamError).retryAfterMs).toBeGreaterThanOrEqual(60_000);
    await poller.tick();

    // The chat side fails twice: the outbox retries, in order, and delivers once.
    h.irc.failNextSends(2);
    w.merge(n);
    await poller.tick();
    await drained(h);

    const mergedAt = Date.parse(w.pr(n).mergedAt!);
    for (const tag of ['3.14.2', '3.14', '3', 'latest']) h.hub.world.setTag('python', tag, hubTag(`sha256:cc${tag}`, ['amd64', 'arm64v8', 'ppc64le'], mergedAt + 1000));
    h.hub.faults.rateLimit(3, 2, 'retry-after');
    await h.app.announcements.pollHub(); // 429: nothing learned, nothing announced, no crash
    expect(h.app.announcements.publish!.pendingImages()).toEqual(['python']);
    expect(h.app.announcements.publish!.lastError).toMatch(/429|rate|Too Many/i);
    h.hub.faults.clear();
    await h.app.announcements.pollHub();
    await drained(h);

    // Primary limit: RATE_LIMITED inside an HTTP 200. Retryable, with a wait until the reset;
    // the cursor stays, and no request is sent while the budget is known to be spent.
    w.close(w.openPr({ title: 'Update python again', files: ['library/python'] }));
    const beforeLimit = cursor();
    h.gh.faults.rateLimited(1);
    const eLimited = await poller.tick().catch((e: unknown) => e);
    expect(eLimited).toBeInstanceOf(UpstreamError);
    expect((eLimited as UpstreamError).retryable).toBe(true);
    expect((eLimited as UpstreamError).retryAfterMs).toBeGreaterThan(0);
    const requests = h.gh.requests.length;
    const eWaiting = await poller.tick().catch((e: unknown) => e);
    expect((eWaiting as UpstreamError).retryable).toBe(true);
    expect(h.gh.requests.length).toBe(requests);
    expect(cursor()).toBe(beforeLimit);

    const url = `https://github.com/docker-library/official-images/pull/${n}`;
    expect(h.irc.texts('#docker-library').map(noRef)).toEqual([
      `#${n} opened by docker-library-bot: Update python [python] ${url}`,
      `#${n} labeled library/python: Update python [python] ${url}`,
      `#${n} merged: Update python [python] ${url}`,
      `python: 4 tags published: 3.14.2, 3.14, 3, latest on amd64, arm64v8, ppc64le (new version 3.14.2, #${n}) ${url}`,
    ]);
    const status = h.app.status.details();
    expect(status).toContain('dead letters: 0');
    expect(status).toContain('announcement queue: empty');
    expect(status.find((l) => l.startsWith('events github:docker-library/official-images: last successful poll'))).toMatch(/GraphQL budget \d+ points left/);
  });

  it('a non-retryable send failure becomes a dead letter, visible in status', async () => {
    h = await startHarness({ subscriptions: [{ channel: 'console:nowhere', images: ['*'], events: ['*'] }] });
    const poller = h.app.announcements.poller!;
    await poller.tick();
    h.gh.world.openPr({ title: 'Update node', files: ['library/node'] });
    await poller.tick();
    await drained(h);
    const status = h.app.status.details();
    expect(status).toContain('dead letters: 1 (latest: no adapter for console:nowhere)');
  });
});
