import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { UpstreamError } from '../../src/core/errors.js';
import { HubClient, retryAfterMs, type HubRequestEvent } from '../../src/hub/client.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bashbrewArchOf } from '../../src/catalog/arch.js';
import { projectRoot } from '../../src/paths.js';
import { startFakeHub, type FakeHub } from '../support/fake-hub.js';
import { seedHubFromManifests } from '../support/hub-seed.js';

const DIGEST = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.faults.clear();
  hub.requests.length = 0;
  hub.world.setTag('python', '3.14-slim', {
    digest: DIGEST(1),
    lastUpdated: '2026-08-20T10:00:00.000Z',
    images: [
      { architecture: 'amd64', os: 'linux', digest: DIGEST(2), lastPushed: '2026-08-20T09:00:00.000Z' },
      { architecture: 'arm64', variant: 'v8', os: 'linux', digest: DIGEST(3) },
    ],
  });
});

function client(opts: Partial<ConstructorParameters<typeof HubClient>[0]> = {}) {
  // Generous: the machine running tests may be busy; the timeout test sets its own short one.
  return new HubClient({ baseUrl: hub.url, timeoutMs: 5000, ...opts });
}

describe('HubClient against the fake Hub over HTTP', () => {
  it('reads a tag with its digest and per-architecture images, using Hub field names', async () => {
    const tag = await client().getTag('python', '3.14-slim');
    expect(tag).toEqual({
      name: '3.14-slim',
      digest: DIGEST(1),
      lastUpdated: Date.parse('2026-08-20T10:00:00.000Z'),
      tagLastPushed: Date.parse('2026-08-20T10:00:00.000Z'),
      images: [
        { os: 'linux', architecture: 'amd64', digest: DIGEST(2), lastPushed: Date.parse('2026-08-20T09:00:00.000Z'), status: 'active' },
        { os: 'linux', architecture: 'arm64', variant: 'v8', digest: DIGEST(3), lastPushed: Date.parse('2026-08-20T10:00:00.000Z'), status: 'active' },
      ],
    });
    expect(hub.requests.map((r) => r.path)).toEqual(['/v2/namespaces/library/repositories/python/tags/3.14-slim']);
  });

  it('answers null for a missing tag, a missing repository, and names that cannot exist (without asking Hub)', async () => {
    const c = client();
    expect(await c.getTag('python', 'no-such-tag')).toBeNull();
    expect(await c.getTag('no-such-image', 'latest')).toBeNull();
    expect(hub.requests).toHaveLength(2);
    expect(await c.getTag('python', '../../etc/passwd')).toBeNull();
    expect(await c.getTag('Python Evil', 'latest')).toBeNull();
    expect(await c.listTags('no-such-image')).toEqual([]);
    expect(hub.requests).toHaveLength(3);
  });

  it('lists every tag by following `next` across pages of 100, newest first', async () => {
    for (let i = 0; i < 250; i++) {
      hub.world.setTag('node', `t${i}`, {
        digest: DIGEST(1000 + i),
        lastUpdated: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        images: [{ architecture: 'amd64', digest: DIGEST(5000 + i) }],
      });
    }
    const tags = await client().listTags('node');
    expect(tags).toHaveLength(250);
    expect(tags[0]!.name).toBe('t249');
    expect(tags[249]!.name).toBe('t0');
    expect(new Set(tags.map((t) => t.name)).size).toBe(250);
    expect(hub.requests.map((r) => [r.query.page ?? '1', r.query.page_size])).toEqual([
      ['1', '100'],
      ['2', '100'],
      ['3', '100'],
    ]);
  });

  it('stops at the page cap', async () => {
    for (let i = 0; i < 250; i++) hub.world.setTag('golang', `g${i}`, { digest: DIGEST(i), images: [] });
    const tags = await client().listTags('golang', { maxPages: 2 });
    expect(tags).toHaveLength(200);
    expect(hub.requests).toHaveLength(2);
  });

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    const events: HubRequestEvent[] = [];
    hub.faults.rateLimit(1, 1);
    const started = Date.now();
    const tag = await client({ onRequest: (e) => events.push(e) }).getTag('python', '3.14-slim');
    expect(tag?.digest).toBe(DIGEST(1));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(events.map((e) => e.status)).toEqual([429, 200]);
  });

  it('honours the older X-Retry-After unix timestamp too', async () => {
    hub.faults.rateLimit(1, 1, 'x-retry-after');
    const c = client();
    expect((await c.getTag('python', '3.14-slim'))?.digest).toBe(DIGEST(1));
    expect(c.stats()).toMatchObject({ requests: 2, rateLimited: 1 });
  });

  it('throws a retryable UpstreamError with retryAfterMs when Hub asks for a longer wait than allowed', async () => {
    hub.faults.rateLimit(1, 120);
    const err = await client({ maxRetryWaitMs: 5000 }).getTag('python', '3.14-slim').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err).toMatchObject({ code: 'hub.rate_limited', retryable: true, status: 429, retryAfterMs: 120_000 });
    expect(hub.requests).toHaveLength(1);
  });

  it('retries a 502 once and succeeds; gives up with a retryable error when 5xx persists', async () => {
    const fastClock: Clock = { now: () => Date.now(), sleep: () => Promise.resolve() };
    hub.faults.serverError(1, 502);
    expect((await client({ clock: fastClock }).getTag('python', '3.14-slim'))?.digest).toBe(DIGEST(1));
    hub.faults.serverError(10, 503);
    const err = await client({ clock: fastClock, maxRetries: 2 }).getTag('python', '3.14-slim').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'hub.http_503', retryable: true, status: 503 });
  });

  it('turns a slow Hub into a timeout UpstreamError, quickly', async () => {
    hub.faults.delay(1, 3000);
    const started = Date.now();
    const err = await client({ timeoutMs: 300 }).getTag('python', '3.14-slim').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'hub.timeout', retryable: true });
    expect((err as UpstreamError).userMessage).toMatch(/Docker Hub/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('turns refused connections into an unreachable UpstreamError, and recovers', async () => {
    await hub.faults.refuseConnections();
    try {
      const err = await client().getTag('python', '3.14-slim').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'hub.unreachable', retryable: true });
    } finally {
      await hub.faults.acceptConnections();
    }
    expect((await client().getTag('python', '3.14-slim'))?.digest).toBe(DIGEST(1));
  });

  it('rejects a response of the wrong shape with a clear error', async () => {
    hub.faults.garbage(1);
    const err = await client().getTag('python', '3.14-slim').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'hub.bad_response', retryable: false });
    expect((err as Error).message).toMatch(/name/);
  });

  it('coalesces concurrent identical requests into one HTTP request', async () => {
    hub.faults.delay(1, 100);
    const c = client();
    const answers = await Promise.all(Array.from({ length: 20 }, () => c.getTag('python', '3.14-slim')));
    expect(new Set(answers.map((a) => a?.digest))).toEqual(new Set([DIGEST(1)]));
    expect(hub.requests).toHaveLength(1);
    expect(c.stats()).toMatchObject({ requests: 1, coalesced: 19 });
  });

  it('caches answers for the TTL, bounded in size, and maxAgeMs 0 asks Hub again', async () => {
    let now = 1_000_000;
    const clock: Clock = { now: () => now, sleep: systemClock.sleep };
    const c = client({ clock, cacheTtlMs: 60_000, cacheMaxEntries: 2 });
    await c.getTag('python', '3.14-slim');
    await c.getTag('python', '3.14-slim');
    expect(hub.requests).toHaveLength(1);

    hub.world.setTag('python', '3.14-slim', { digest: DIGEST(9), images: [] });
    expect((await c.getTag('python', '3.14-slim', { maxAgeMs: 0 }))?.digest).toBe(DIGEST(9));
    expect(hub.requests).toHaveLength(2);

    now += 61_000;
    await c.getTag('python', '3.14-slim');
    expect(hub.requests).toHaveLength(3);

    // Two other keys push the first one out of a two-entry cache.
    await c.getTag('python', 'a');
    await c.getTag('python', 'b');
    await c.getTag('python', '3.14-slim');
    expect(hub.requests).toHaveLength(6);
  });

  it('fills the per-tag cache from a listing', async () => {
    const c = client();
    const tags = await c.listTags('python');
    expect(tags.map((t) => t.name)).toContain('3.14-slim');
    expect((await c.getTag('python', '3.14-slim'))?.digest).toBe(DIGEST(1));
    expect(hub.requests).toHaveLength(1);
  });

  it('treats strings from Hub as data', async () => {
    hub.world.setTag('busybox', 'latest', {
      digest: DIGEST(7),
      images: [{ architecture: 'amd64', variant: '<!channel>\r\nPRIVMSG #x :hi', digest: DIGEST(8) }],
    });
    const tag = await client().getTag('busybox', 'latest');
    expect(tag?.images[0]?.variant).toBe('<!channel>\r\nPRIVMSG #x :hi');
  });
});

describe('retryAfterMs', () => {
  it('reads seconds, HTTP dates and X-Retry-After unix times', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'x-retry-after': String(now / 1000 + 12) }), now)).toBe(12_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});

describe('the fake Hub seeded from real manifests', () => {
  const libraryDir = join(projectRoot(), 'assets/snapshot/library');

  it('publishes every tag of an image on the architectures its manifest lists', async () => {
    seedHubFromManifests(hub.world, libraryDir, ['hello-world', 'python'], '2026-08-22T00:00:00.000Z');
    // Independent count: every Tags/SharedTags item of the manifest text.
    const text = readFileSync(join(libraryDir, 'python'), 'utf8');
    const expected = new Set(
      [...text.matchAll(/^(?:Tags|SharedTags):(.*)$/gm)].flatMap((m) => m[1]!.split(',').map((t) => t.trim())).filter(Boolean),
    );
    const c = client();
    const listed = await c.listTags('python', { maxPages: 50 });
    expect(new Set(listed.map((t) => t.name))).toEqual(expected);

    const latest = await c.getTag('hello-world', 'latest');
    const arches = new Set(latest!.images.map((i) => bashbrewArchOf(i)));
    expect(arches.has('windows-amd64')).toBe(true);
    expect(arches.has('arm64v8')).toBe(true);
    expect(arches.has(undefined)).toBe(false);
  });
});
