/**
 * `trust` end to end: a MemoryAdapter message -> createApp's dispatcher -> the catalog from the
 * bundled snapshot -> the real RegistryClient over HTTP to the local fake registry (token
 * auth, 401 challenge, content negotiation, Docker-Content-Digest, rate-limit headers, 429)
 * -> the reply the adapter sent. Manifests are cached in a real SQLite file.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAdapter } from '../../../adapters/memory/memory-adapter.js';
import { allCommands, freeformHandlers } from '../../../commands/index.js';
import { createApp, type App } from '../../../src/app.js';
import { loadBotData } from '../../../src/load-data.js';
import { configSchema } from '../../../src/config/schema.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { dctBrief, loadDctFacts } from '../../../src/knowledge/dct.js';
import { LINE_BYTES } from '../../../commands/catalog-fit.js';
import { trustFromConfig } from '../../../src/registry/trust.js';
import type { TrustLookup } from '../../../src/registry/types.js';
import type { Db } from '../../../src/store/db.js';
import { tempDb } from '../../support/temp-db.js';
import { DOCKER_LIST, PYTHON_PLATFORMS, startFakeRegistry, type FakePlatform, type FakeRegistry } from '../../support/fake-registry.js';

let registry: FakeRegistry;
let app: App;
let db: Db;
let chat: MemoryAdapter;
let database: ReturnType<typeof tempDb>;

const WINDOWS: readonly FakePlatform[] = [
  { os: 'windows', architecture: 'amd64', 'os.version': '10.0.26100.4946' },
  { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.4052' },
];
const both = { sbom: true, provenance: true };

function newApp(url = registry.url, appDb = db): { app: App; chat: MemoryAdapter } {
  const chat = new MemoryAdapter('memory');
  const app = createApp({
    config: configSchema.parse({ registry: { url, authUrl: url }, hub: { url } }),
    db: appDb,
    log: silentLogger(),
    clock: systemClock,
    version: '0.0.0-test',
    adapters: [chat],
    commands: allCommands,
    freeform: freeformHandlers,
    data: loadBotData(),
  });
  return { app, chat };
}

beforeAll(async () => {
  registry = await startFakeRegistry();
  const w = registry.world;
  // python:3.13 is a shared tag: eight Linux platforms built by BuildKit plus two Windows ones.
  w.image('python', '3.13', [...PYTHON_PLATFORMS, ...WINDOWS], (p) => (p.os === 'windows' ? null : both));
  w.image('python', '3.13-trixie', PYTHON_PLATFORMS, both);
  // debian is imported from a rootfs (Builder: oci-import): an SBOM, no provenance.
  w.image('debian', 'trixie', PYTHON_PLATFORMS.slice(0, 3), { sbom: true, provenance: false });
  // A Windows-only tag, built with the classic builder: a manifest list, no attestations.
  w.image('python', '3.14-windowsservercore-ltsc2022', WINDOWS.slice(1), null, DOCKER_LIST);
  // Outside Docker's SBOM allow-list: provenance only.
  w.image('nginx', 'latest', PYTHON_PLATFORMS.slice(0, 2), { sbom: false, provenance: true });
  w.image('traefik', 'latest', PYTHON_PLATFORMS.slice(0, 2), null);
  w.image('node', '22', PYTHON_PLATFORMS.slice(0, 4), both);

  database = tempDb('doibot-trust-');
  db = database.db;
  ({ app, chat } = newApp());
  await app.start();
});

afterAll(async () => {
  await app.stop('test over');
  database.remove();
  await registry.close();
});

beforeEach(() => {
  registry.world.remaining = 100;
  registry.fail429(0);
});

async function ask(text: string, via = chat): Promise<string[]> {
  const before = via.sent.length;
  await via.inject(text);
  expect(via.sent.length).toBe(before + 1);
  return via.sent.at(-1)!.text.split('\n');
}

/** Registry requests made while `fn` runs. */
async function spent<T>(fn: () => Promise<T>): Promise<{ result: T; head: number; get: number; token: number }> {
  const [h, g, t] = [registry.count('HEAD'), registry.count('GET'), registry.count('TOKEN')];
  const result = await fn();
  return { result, head: registry.count('HEAD') - h, get: registry.count('GET') - g, token: registry.count('TOKEN') - t };
}

describe('trust against the fake registry', () => {
  it('first contact: 401 challenge, anonymous token for the scope, then the HEAD again with it', async () => {
    const from = registry.requests.length;
    await ask('trust node:22');
    const seen = registry.requests.slice(from).map((r) => `${r.method} ${r.status} ${r.path.replace(/sha256:\w+/, 'sha256:…')}`);
    expect(seen.slice(0, 3)).toEqual([
      'HEAD 401 /v2/library/node/manifests/22',
      'TOKEN 200 /token?service=registry.docker.io&scope=repository%3Alibrary%2Fnode%3Apull',
      'HEAD 200 /v2/library/node/manifests/22',
    ]);
    const retried = registry.requests[from + 2]!;
    expect(retried.authorization).toMatch(/^Bearer tok-/);
    // Both index types are asked for, or Docker Hub answers "not found" for a multi-arch tag.
    expect(retried.accept).toContain('application/vnd.oci.image.index.v1+json');
    expect(retried.accept).toContain('application/vnd.docker.distribution.manifest.list.v2+json');
  });

  it('the fake negotiates like Docker Hub: an index asked for without the index types is not found', async () => {
    const scope = 'repository:library/python:pull';
    const { token } = (await (await fetch(`${registry.url}/token?service=registry.docker.io&scope=${encodeURIComponent(scope)}`)).json()) as { token: string };
    const get = (accept: string) => fetch(`${registry.url}/v2/library/python/manifests/3.13-trixie`, { headers: { authorization: `Bearer ${token}`, accept } });
    const refused = await get('application/vnd.docker.distribution.manifest.v2+json');
    expect(refused.status).toBe(404);
    expect(await refused.json()).toMatchObject({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'OCI index found, but accept header does not support OCI indexes' }] });
    const served = await get('application/vnd.oci.image.index.v1+json');
    expect(served.headers.get('docker-content-digest')).toBe(registry.world.resolve('python', '3.13-trixie'));
    expect(served.headers.get('ratelimit-remaining')).toMatch(/^\d+;w=21600$/);
  });

  it('a multi-arch BuildKit image: signed or not with the DCT dates, SBOM+provenance per platform, inspect and pin', async () => {
    const { result: lines, head, get } = await spent(() => ask('trust python:3.13-trixie'));
    const digest = registry.world.resolve('python', '3.13-trixie')!;
    const dct = loadDctFacts();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^python:3\.13-trixie: not signed; SBOM\+provenance on 8\/8 platforms\. DCT retired: /);
    expect(lines[0]).toContain('DOCKER_CONTENT_TRUST=1 pulls fail (unset it)');
    expect(lines[0]).toMatch(/no cosign or Notation signatures yet\.$/);
    expect(lines[0]).toContain(dct.certificatesExpireFrom);
    expect(lines[0]).toContain(dct.notaryShutdown);
    expect(lines[1]).toBe(
      `inspect: docker buildx imagetools inspect python:3.13-trixie --format '{{ json .SBOM }}' (or .Provenance); pin: python:3.13-trixie@${digest}`,
    );
    // One HEAD for the digest, one GET for the index, one per platform's attestation manifest;
    // the token for a new repository is fetched before its first request.
    expect({ head, get }).toEqual({ head: 1, get: 9 });
  });

  it('a shared tag with Windows entries names the platforms without attestations', async () => {
    const [first] = await ask('trust python:3.13');
    expect(first).toContain('SBOM+provenance on 8/10 platforms; none on windows/amd64 x2.');
  });

  it('an oci-import image: SBOM on every platform, no provenance', async () => {
    const [first, second] = await ask('trust debian:trixie');
    expect(first).toContain('SBOM on 3/3, provenance on 0/3 platforms (imported rootfs builds carry no provenance).');
    expect(second).toMatch(/^inspect: docker buildx imagetools inspect debian:trixie --format '\{\{ json \.SBOM \}\}'; pin: debian:trixie@sha256:[0-9a-f]{64}$/);
  });

  it('a Windows-only tag: a manifest list without attestations', async () => {
    const lines = await ask('trust python:3.14-windowsservercore-ltsc2022');
    expect(lines[0]).toContain('no SBOM or provenance on its platform (Windows images are built with the classic builder, which attaches none).');
    expect(lines[1]).toMatch(/^pin: python:3\.14-windowsservercore-ltsc2022@sha256:[0-9a-f]{64}$/);
  });

  it('images without an SBOM: provenance only, or no attestations at all', async () => {
    expect((await ask('trust nginx'))[0]).toContain('SBOM on 0/2, provenance on 2/2 platforms');
    expect((await ask('trust traefik'))[0]).toContain('no SBOM or provenance on any of its 2 platforms');
  });

  it('a repeated question spends one HEAD and no GET, also after a restart (cache by digest in SQLite)', async () => {
    await ask('trust python:3.13-trixie');
    const again = await spent(() => ask('trust python:3.13-trixie'));
    expect({ head: again.head, get: again.get, token: again.token }).toEqual({ head: 1, get: 0, token: 0 });
    expect(again.result[0]).toContain('SBOM+provenance on 8/8 platforms');
    expect((await ask('status')).join('\n')).toContain("registry: 100/100 pulls left in Docker Hub's window (the last 2 are kept back)");

    const restarted = newApp();
    await restarted.app.start();
    try {
      const cold = await spent(() => ask('trust python:3.13-trixie', restarted.chat));
      expect(cold.get).toBe(0);
      expect(cold.result[0]).toContain('SBOM+provenance on 8/8 platforms');
    } finally {
      await restarted.app.stop('test over');
    }
  });

  // Last in this block: a 429 holds the shared client's GETs back for the Retry-After.
  it('a 429 TOOMANYREQUESTS gets an honest answer, and GETs wait out Retry-After', async () => {
    registry.world.image('python', '3.12', PYTHON_PLATFORMS.slice(0, 2), both);
    const digest = registry.world.resolve('python', '3.12')!;
    // The HEAD goes through, the index GET is refused: the digest is still worth pinning.
    registry.fail429(1, { method: 'GET', retryAfterSeconds: 3600 });
    const partial = await spent(() => ask('trust python:3.12'));
    expect(partial.get).toBe(1);
    expect(partial.result[0]).toContain('SBOM and provenance unknown: Docker Hub refused: too many requests (TOOMANYREQUESTS).');
    expect(partial.result[1]).toBe(`pin: python:3.12@${digest}`);
    // Within the wait no GET is tried at all.
    const held = await spent(() => ask('trust python:3.12'));
    expect(held.get).toBe(0);
    expect(held.result[0]).toContain('SBOM and provenance unknown: Docker Hub refused more pulls (TOOMANYREQUESTS).');
    // A refused HEAD: no digest, but what the bot knows without the registry.
    registry.fail429(1, { method: 'HEAD' });
    const refused = await ask('trust python:3.12');
    expect(refused[0]).toMatch(/^python:3\.12: not signed; SBOM and provenance unknown \(Docker Hub refused: too many requests \(TOOMANYREQUESTS\)\)\. DCT retired: /);
    expect(refused[1]).toBe("inspect it yourself: docker buildx imagetools inspect python:3.12 --format '{{ json .SBOM }}' (or .Provenance); digest to pin unknown");
    expect((await ask('status')).join('\n')).toMatch(/registry: pulls paused for \d+m after a 429 \(TOOMANYREQUESTS\)/);
  });
});

describe('trust with the registry unreachable', () => {
  it('still says what it knows: not signed, where DCT stands, SBOM/provenance unknown, how to inspect', async () => {
    const stopped = await startFakeRegistry();
    await stopped.close();
    const own = tempDb('doibot-trust-down-');
    const down = newApp(stopped.url, own.db);
    await down.app.start();
    try {
      const lines = await ask('trust python:3.13', down.chat);
      expect(lines).toHaveLength(2);
      const dct = loadDctFacts();
      expect(lines[0]).toMatch(/^python:3\.13: not signed; SBOM and provenance unknown \(Docker Hub is not answering right now\)\. DCT retired: /);
      expect(lines[0]).toContain(dctBrief(dct, Date.now()));
      expect(lines[1]).toBe("inspect it yourself: docker buildx imagetools inspect python:3.13 --format '{{ json .SBOM }}' (or .Provenance); digest to pin unknown");
      for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(LINE_BYTES);
      // The free-form question gets the same answer.
      expect(await ask('is python:3.13 signed?', down.chat)).toEqual(lines);
    } finally {
      await down.app.stop('test over');
      own.remove();
    }
  });
});

/** A registry and a database of its own, so the shared client's budget and cache stay out of it. */
async function withOwnRegistry(fn: (r: FakeRegistry, trust: TrustLookup, db: Db) => Promise<void>): Promise<void> {
  const r = await startFakeRegistry();
  const own = tempDb('doibot-trust-own-');
  try {
    await fn(r, trustFromConfig({ url: r.url, authUrl: r.url }, { db: own.db, clock: systemClock, log: silentLogger() }), own.db);
  } finally {
    own.remove();
    await r.close();
  }
}

describe('the pull budget', () => {
  it('stops a reserve short of exhausting ratelimit-remaining and says what is unknown', async () => {
    await withOwnRegistry(async (r, trust) => {
      r.world.image('python', '3.13-trixie', PYTHON_PLATFORMS, both);
      r.world.remaining = 6;
      const report = (await trust.lookup('python', '3.13-trixie'))!;
      // 6 left after the HEAD: the index takes one, 3 attestation manifests fit above the reserve of 2.
      expect(r.count('GET')).toBe(4);
      expect(r.world.remaining).toBe(2);
      expect(report.platforms!.filter((p) => p.sbom === undefined)).toHaveLength(5);
      expect(report.unknown).toBe('Docker Hub pull limit nearly used up (2 left)');
    });
  });

  it('refuses a manifest whose bytes do not hash to its digest', async () => {
    await withOwnRegistry(async (r, trust, db) => {
      r.world.tamper(r.world.image('python', '3.13', PYTHON_PLATFORMS.slice(0, 1), both));
      const report = (await trust.lookup('python', '3.13'))!;
      expect(report.platforms).toBeUndefined();
      expect(report.unknown).toBe('Docker Hub sent a manifest that does not match its digest');
      expect(db.prepare('SELECT COUNT(*) AS n FROM registry_manifests').get()).toEqual({ n: 0 });
    });
  });
});
