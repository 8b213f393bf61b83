/**
 * The real app (createApp) for feedback tests: temp SQLite file, the bundled catalog snapshot,
 * the schema-validating fake GitHub and the fake Hub over loopback, a memory adapter, and a
 * clock tests can move forward (timers stay real, so sockets and back-off still run).
 */
import { join } from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadBotData } from '../../src/load-data.js';
import { BundledSnapshotSource } from '../../src/catalog/dir-source.js';
import { configSchema } from '../../src/config/schema.js';
import type { UserRef } from '../../src/core/chat.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { FeedbackTuning } from '../../src/feedback/service.js';
import { createGitHubClient } from '../../src/github/client.js';
import { HubClient } from '../../src/hub/client.js';
import { projectRoot } from '../../src/paths.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import { MemoryAdapter } from '../../adapters/memory/memory-adapter.js';
import { allCommands } from '../../commands/index.js';
import type { FakeGitHub } from './fake-github.js';
import type { FakeHub } from './fake-hub.js';

export class ManualClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

export interface FeedbackApp {
  readonly app: App;
  readonly db: Db;
  readonly chat: MemoryAdapter;
  readonly clock: ManualClock;
  /** Sends as `user` (an identified account unless `account: undefined`) and returns the reply text. */
  say(text: string, user?: { id?: string; account?: string | undefined; channel?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startFeedbackApp(opts: {
  dbFile: string;
  gh?: FakeGitHub;
  hub?: FakeHub;
  clock?: ManualClock;
  limits?: { feedbackPerUserPerDay?: number; feedbackGlobalPerHour?: number };
  admins?: string[];
  tuning?: FeedbackTuning;
}): Promise<FeedbackApp> {
  const db = openDatabase(opts.dbFile);
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  const clock = opts.clock ?? new ManualClock();
  const log = silentLogger();
  const config = configSchema.parse({
    db: opts.dbFile,
    ...(opts.gh ? { allowInsecure: true, github: { token: 'ghp_feedbacktest', graphqlUrl: opts.gh.url, pollSeconds: 3600 } } : {}),
    hub: { url: opts.hub?.url ?? 'http://127.0.0.1:9/', pollSeconds: 3600 },
    access: { admins: opts.admins ?? ['irc:root'] },
    limits: { userCommandsPerMinute: 1000, ...opts.limits },
  });
  // Stands in for IRC: identities are "irc:<account>" like the access lists expect.
  const chat = new MemoryAdapter('irc');
  const app = createApp({
    config,
    db,
    log,
    clock,
    version: 'test',
    // Slack reports are handed to the dispatcher directly; the stand-in declares how Slack is named.
    adapters: [chat, new MemoryAdapter('slack')],
    commands: allCommands,
    data: loadBotData(),
    overrides: {
      catalogSource: new BundledSnapshotSource(),
      ...(opts.hub ? { hub: new HubClient({ baseUrl: opts.hub.url, cacheTtlMs: 0, maxRetries: 0, maxRetryWaitMs: 50 }) } : {}),
      // The real client; no pause between mutations so tests stay fast.
      ...(opts.gh ? { github: createGitHubClient({ token: 'ghp_feedbacktest', url: opts.gh.url, log, clock, mutationGapMs: 0, timeoutMs: 3000 }) } : {}),
      pollGitHub: false,
      tuning: {
        announcements: { outbox: { baseBackoffMs: 20, idleMs: 20 } },
        feedback: { inCommandMs: 1500, baseBackoffMs: 100, maxBackoffMs: 400, idleMs: 50, hubWaitMs: 1000, ...opts.tuning },
      },
    },
  });
  await app.start();
  await app.catalog.waitForFirstLoad(20_000);
  return {
    app,
    db,
    chat,
    clock,
    async say(text, user = {}) {
      const before = chat.sent.length;
      const id = user.id ?? user.account ?? 'anon';
      const account = 'account' in user ? user.account : id;
      // The adapter fills in account "alice" unless told otherwise; an explicit undefined is how
      // a test speaks as an unidentified user, which Partial<UserRef> cannot spell under
      // exactOptionalPropertyTypes.
      const who = (account !== undefined ? { id, name: id, account } : { id, name: id, account: undefined }) as Partial<UserRef>;
      await chat.inject(text, { channel: user.channel ?? '#test', user: who });
      return chat.sent
        .slice(before)
        .filter((m) => m.kind === 'reply')
        .map((m) => m.text)
        .join('\n');
    },
    async close() {
      await app.stop('test over', 3000);
      db.close();
    },
  };
}

export function codeIn(reply: string): string {
  const m = /confirm ([a-z0-9]{6})/.exec(reply);
  if (!m) throw new Error(`no confirm code in reply:\n${reply}`);
  return m[1]!;
}

export async function until(cond: () => boolean, timeoutMs = 8000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
