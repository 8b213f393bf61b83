/**
 * The app the catalog tests talk to: createApp with the real commands, a MemoryAdapter, a temp
 * SQLite file, the bundled snapshot (or a given catalog source) and Docker Hub through the real
 * HubClient over HTTP to the local fake Hub.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { MemoryAdapter } from '../../adapters/memory/memory-adapter.js';
import { allCommands, freeformHandlers } from '../../commands/index.js';
import { createApp, type App } from '../../src/app.js';
import { loadBotData } from '../../src/load-data.js';
import type { CatalogSource } from '../../src/catalog/source.js';
import { configSchema } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { projectRoot } from '../../src/paths.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import { startFakeHub, type FakeHub } from './fake-hub.js';

export interface CatalogApp {
  readonly app: App;
  readonly hub: FakeHub;
  readonly chat: MemoryAdapter;
  readonly db: Db;
  /** Sends one line as an identified user and returns the bot's one answer as plain text. */
  ask(text: string): Promise<string>;
  close(): Promise<void>;
}

export async function startCatalogApp(opts: { catalogSource?: CatalogSource; userCommandsPerMinute?: number } = {}): Promise<CatalogApp> {
  const hub = await startFakeHub();
  const dir = mkdtempSync(join(tmpdir(), 'doibot-catalog-'));
  const db = openDatabase(join(dir, 'bot.sqlite3'));
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  const chat = new MemoryAdapter('memory');
  const app = createApp({
    config: configSchema.parse({ hub: { url: hub.url }, limits: { userCommandsPerMinute: opts.userCommandsPerMinute ?? 100_000 } }),
    db,
    log: silentLogger(),
    clock: systemClock,
    version: '0.0.0-test',
    adapters: [chat],
    commands: allCommands,
    freeform: freeformHandlers,
    data: loadBotData(),
    ...(opts.catalogSource ? { overrides: { catalogSource: opts.catalogSource } } : {}),
  });
  await app.start();
  return {
    app,
    hub,
    chat,
    db,
    async ask(text) {
      const before = chat.sent.length;
      await chat.inject(text);
      expect(chat.sent.length).toBe(before + 1);
      return chat.sent.at(-1)!.text;
    },
    async close() {
      await app.stop('test over');
      db.close();
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers the suite's hooks: one app for the file, Docker Hub's faults cleared before each
 * test. Returns the app (valid inside tests).
 */
export function useCatalogApp(opts: Parameters<typeof startCatalogApp>[0] = {}): () => CatalogApp {
  let t: CatalogApp | undefined;
  beforeAll(async () => {
    t = await startCatalogApp(opts);
  }, 60_000);
  afterAll(() => t?.close());
  beforeEach(async () => {
    await t!.hub.faults.acceptConnections();
    t!.hub.faults.clear();
  });
  return () => t!;
}
