/**
 * The real app (createApp) for the PR, `when` and notification tests: a temp SQLite file, the
 * schema-validating fake GitHub and the fake Hub over loopback, two memory adapters standing in
 * for IRC and Slack, and every command and free-form handler. A harness can be restarted on the
 * same database (a new app, as after a process restart).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../src/app.js';
import { loadBotData } from '../../../src/load-data.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import { configSchema } from '../../../src/config/schema.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { createGitHubClient } from '../../../src/github/client.js';
import { HubClient } from '../../../src/hub/client.js';
import { openDatabase, type Db } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';
import { projectRoot } from '../../../src/paths.js';
import { MemoryAdapter } from '../../../adapters/memory/memory-adapter.js';
import { allCommands, freeformHandlers } from '../../../commands/index.js';
import { startFakeGitHub, type FakeGitHub } from '../fake-github.js';
import { startFakeHub, type FakeHub } from '../fake-hub.js';

export interface PrHarness {
  readonly app: App;
  readonly db: Db;
  readonly gh: FakeGitHub;
  readonly hub: FakeHub;
  readonly irc: MemoryAdapter;
  readonly slack: MemoryAdapter;
  /** Stops this app and starts a new one on the same database and fakes. */
  restart(): Promise<PrHarness>;
  close(): Promise<void>;
}

export interface PrHarnessOptions {
  /** Run the announcement poller (its snapshots then answer lists); default false: live queries only. */
  readonly poll?: boolean;
  /** Files of docker-library/official-images at the start (path -> text). */
  readonly officialImages?: Record<string, string>;
}

export async function startPrHarness(opts: PrHarnessOptions = {}): Promise<PrHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-prs-'));
  const gh = await startFakeGitHub();
  const hub = await startFakeHub();
  gh.world.addRepository('docker-library/official-images', { files: { 'README.md': '# official images\n', ...opts.officialImages } });
  const closeAll = async () => {
    await gh.close();
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return build(dir, gh, hub, opts, closeAll);
}

async function build(dir: string, gh: FakeGitHub, hub: FakeHub, opts: PrHarnessOptions, closeAll: () => Promise<void>): Promise<PrHarness> {
  const file = join(dir, 'bot.sqlite3');
  const db = openDatabase(file);
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  const config = configSchema.parse({
    db: file,
    allowInsecure: true,
    github: { token: 'ghp_test', graphqlUrl: gh.url, pollSeconds: 3600 },
    hub: { url: hub.url, pollSeconds: 3600 },
  });
  const log = silentLogger();
  const irc = new MemoryAdapter('irc');
  const slack = new MemoryAdapter('slack');
  const github = createGitHubClient({ token: 'ghp_test', url: gh.url, log });
  const hubClient = new HubClient({ baseUrl: hub.url, cacheTtlMs: 0, maxRetryWaitMs: 50, maxRetries: 0 });
  const app = createApp({
    config,
    db,
    log,
    clock: systemClock,
    version: 'test',
    adapters: [irc, slack],
    commands: allCommands,
    freeform: freeformHandlers,
    // The real bundled manifests: `when` reads GitRepo, tags and architectures from them.
    data: loadBotData(),
    overrides: {
      catalogSource: new BundledSnapshotSource(),
      hub: hubClient,
      github,
      pollGitHub: opts.poll === true,
      tuning: { announcements: { publish: { settleMs: 0 }, outbox: { baseBackoffMs: 20, idleMs: 20 } } },
    },
  });
  await app.start();
  // The poller's first tick runs at start; wait for it so each test controls the next ones.
  if (opts.poll) await app.announcements.poller!.tick();
  // Likewise the notification checker's first pass.
  await app.notify.check();
  const stop = async () => {
    await app.stop('test over', 2000);
    db.close();
  };
  return {
    app,
    db,
    gh,
    hub,
    irc,
    slack,
    async restart() {
      await stop();
      return build(dir, gh, hub, opts, closeAll);
    },
    async close() {
      await stop();
      await closeAll();
    },
  };
}

/** Waits until the outbox has nothing pending. */
export async function drained(h: PrHarness, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (h.app.announcements.pipeline.outbox.depthByChannel().size === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('outbox not drained');
}
