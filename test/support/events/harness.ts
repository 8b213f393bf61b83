/**
 * Builds the real app (createApp) for announcement tests: temp SQLite file, the fake GitHub and
 * fake Hub over loopback, and two memory adapters standing in for IRC and Slack.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../src/app.js';
import type { AnnouncementsTuning } from '../../../src/events/announcements.js';
import { loadBotData } from '../../../src/load-data.js';
import { configSchema } from '../../../src/config/schema.js';
import { systemClock, type Clock } from '../../../src/core/clock.js';
import { HttpServer } from '../../../src/http/server.js';
import { silentLogger, type Logger } from '../../../src/core/log.js';
import { createGitHubClient } from '../../../src/github/client.js';
import { HubClient } from '../../../src/hub/client.js';
import { openDatabase, type Db } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';
import { projectRoot } from '../../../src/paths.js';
import { MemoryAdapter } from '../../../adapters/memory/memory-adapter.js';
import { allCommands } from '../../../commands/index.js';
import { startFakeGitHub, type FakeGitHub } from '../fake-github.js';
import { startFakeHub, type FakeHub } from '../fake-hub.js';

export const PYTHON_V1 = `Maintainers: Tianon Gravi <admwiggin@gmail.com> (@tianon),
             Joseph Ferguson <yosifkit@gmail.com> (@yosifkit)
GitRepo: https://github.com/docker-library/python.git

Tags: 3.14.1, 3.14, 3, latest
Architectures: amd64, arm64v8, ppc64le
GitCommit: 1111111111111111111111111111111111111111
Directory: 3.14/bookworm

Tags: 3.13.9, 3.13
Architectures: amd64, arm64v8
GitCommit: 2222222222222222222222222222222222222222
Directory: 3.13/bookworm
`;

/** 3.14.1 -> 3.14.2: a release (new tag); 3.13 unchanged. */
export const PYTHON_V2 = PYTHON_V1.replace('Tags: 3.14.1, 3.14, 3, latest', 'Tags: 3.14.2, 3.14, 3, latest').replace(
  'GitCommit: 1111111111111111111111111111111111111111',
  'GitCommit: 3333333333333333333333333333333333333333',
);

export const NODE_V1 = `Maintainers: Node Maintainers (@nodejs)
GitRepo: https://github.com/nodejs/docker-node.git

Tags: 24.1.0, 24, latest
Architectures: amd64, arm64v8
GitCommit: 4444444444444444444444444444444444444444
Directory: 24/bookworm
`;

export interface Harness {
  readonly app: App;
  readonly db: Db;
  readonly gh: FakeGitHub;
  readonly hub: FakeHub;
  readonly irc: MemoryAdapter;
  readonly slack: MemoryAdapter;
  readonly dir: string;
  /** The HTTP port, when webhookSecret was given. */
  readonly httpPort: number | undefined;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly subscriptions?: unknown[];
  readonly tuning?: AnnouncementsTuning;
  readonly access?: { admins?: string[]; maintainers?: string[] };
  readonly dir?: string;
  readonly gh?: FakeGitHub;
  readonly hub?: FakeHub;
  /** Serves the webhook receiver on 127.0.0.1, port 0, with this secret. */
  readonly webhookSecret?: string;
  readonly clock?: Clock;
  /** Where the app logs (default: nowhere). */
  readonly log?: Logger;
}

export const DEFAULT_SUBSCRIPTIONS = [
  { channel: 'irc:#docker-library', images: ['python'], events: ['pr.*', 'image.published'] },
  { channel: 'slack:C0123ABCD', images: ['python', 'node*'], events: ['*'] },
  { channel: 'irc:#node', images: ['node'], events: ['*'] },
];

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'doibot-events-'));
  const gh = opts.gh ?? (await startFakeGitHub());
  const hub = opts.hub ?? (await startFakeHub());
  if (!gh.world.findRepo('docker-library', 'official-images')) {
    gh.world.addRepository('docker-library/official-images', { files: { 'library/python': PYTHON_V1, 'library/node': NODE_V1, 'README.md': '# official images\n' } });
  }
  const db = openDatabase(join(dir, 'bot.sqlite3'));
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  const config = configSchema.parse({
    db: join(dir, 'bot.sqlite3'),
    allowInsecure: true,
    github: { token: 'ghp_test', graphqlUrl: gh.url, pollSeconds: 3600 },
    hub: { url: hub.url, pollSeconds: 3600 },
    access: { admins: [], maintainers: [], ...opts.access },
    ...(opts.webhookSecret ? { http: { port: 0, host: '127.0.0.1', webhookSecret: opts.webhookSecret } } : {}),
    subscriptions: opts.subscriptions ?? DEFAULT_SUBSCRIPTIONS,
  });
  const log = opts.log ?? silentLogger();
  const irc = new MemoryAdapter('irc');
  const slack = new MemoryAdapter('slack');
  const app = createApp({
    config,
    db,
    log,
    clock: opts.clock ?? systemClock,
    ...(opts.webhookSecret ? { http: new HttpServer(log) } : {}),
    version: 'test',
    adapters: [irc, slack],
    commands: allCommands,
    data: loadBotData(),
    overrides: {
      github: createGitHubClient({ token: 'ghp_test', url: gh.url, log }),
      hub: new HubClient({ baseUrl: hub.url, cacheTtlMs: 0, maxRetryWaitMs: 50, maxRetries: 0 }),
      tuning: { announcements: { publish: { settleMs: 0 }, outbox: { baseBackoffMs: 20, idleMs: 20 }, ...opts.tuning } },
    },
  });
  await app.start();
  return {
    app,
    db,
    gh,
    hub,
    irc,
    slack,
    dir,
    httpPort: app.httpPort(),
    async close() {
      await app.stop('test over', 2000);
      db.close();
      if (!opts.gh) await gh.close();
      if (!opts.hub) await hub.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the outbox has nothing pending or held-for-retry. */
export async function drained(h: Harness, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (h.app.announcements.pipeline.outbox.depthByChannel().size === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`outbox not drained: ${JSON.stringify([...h.app.announcements.pipeline.outbox.depthByChannel()])}`);
}

/** Hub tag as Docker Hub shows it after bashbrew pushed these architectures. */
export function hubTag(digest: string, arches: readonly string[], pushedAt: number) {
  const plat: Record<string, { architecture: string; variant?: string }> = {
    amd64: { architecture: 'amd64' },
    arm64v8: { architecture: 'arm64', variant: 'v8' },
    ppc64le: { architecture: 'ppc64le' },
  };
  const iso = new Date(pushedAt).toISOString();
  return {
    digest,
    lastUpdated: iso,
    images: arches.map((a, i) => ({ ...plat[a]!, os: 'linux', digest: `sha256:${a}${i}${digest.slice(-8)}`, lastPushed: iso })),
  };
}
