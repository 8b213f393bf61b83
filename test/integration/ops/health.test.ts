import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAdapter } from '../../../adapters/memory/memory-adapter.js';
import { allCommands } from '../../../commands/index.js';
import { createApp, type App } from '../../../src/app.js';
import { loadBotData } from '../../../src/load-data.js';
import { configSchema } from '../../../src/config/schema.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { EventLoopMonitor, registerHealthRoutes } from '../../../src/http/health.js';
import { HttpServer } from '../../../src/http/server.js';
import { createMetrics } from '../../../src/metrics.js';
import { StatusBoard } from '../../../src/status.js';
import { openDatabase, type Db } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';
import { sampleValue } from '../../support/prom-text.js';

interface Running {
  app: App;
  db: Db;
  chat: MemoryAdapter;
  irc: MemoryAdapter;
  base: string;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function migratedDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-health-'));
  const db = openDatabase(join(dir, 'bot.sqlite3'));
  migrate(db, readMigrations(join(import.meta.dirname, '../../../migrations')));
  return db;
}

async function startApp(): Promise<Running> {
  const db = migratedDb();
  const chat = new MemoryAdapter('memory');
  const irc = new MemoryAdapter('irc');
  const log = silentLogger();
  const app = createApp({
    config: configSchema.parse({ http: { port: 0, host: '127.0.0.1' } }),
    db,
    log,
    clock: systemClock,
    version: '9.9.9-test',
    adapters: [chat, irc],
    commands: allCommands,
    data: loadBotData(),
    http: new HttpServer(log),
  });
  await app.start();
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await app.stop('test over');
    db.close();
  });
  const port = app.httpPort();
  expect(port).toBeGreaterThan(0);
  return {
    app: {
      ...app,
      stop: async (reason, ms) => {
        stopped = true;
        await app.stop(reason, ms);
      },
    },
    db,
    chat,
    irc,
    base: `http://127.0.0.1:${port}`,
  };
}

async function getJson(url: string): Promise<{ status: number; body: { status: string; failing?: string[]; checks: Array<{ name: string; ok: boolean; detail: string }> } }> {
  const res = await fetch(url);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  return { status: res.status, body: (await res.json()) as never };
}

async function scrape(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/plain/);
  return res.text();
}

describe('health endpoints on a running app', () => {
  it('/healthz and /readyz are 200 when everything is connected and the DB is writable', async () => {
    const { base, db } = await startApp();
    const live = await getJson(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(live.body.checks.map((c) => c.name)).toEqual(['event-loop']);

    const ready = await getJson(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    expect(ready.body.checks.map((c) => c.name)).toEqual(['database', 'adapter:memory', 'adapter:irc', expect.stringMatching(/^source:catalog/)]);
    expect(ready.body.checks.every((c) => c.ok)).toBe(true);
    // The database check really wrote a row.
    const row = db.prepare("SELECT value FROM settings WHERE key = 'health.last_write'").get() as { value: string } | undefined;
    expect(Number(row?.value)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('/readyz is 503 and names the adapter that is disconnected', async () => {
    const { base, irc } = await startApp();
    await irc.stop();
    const ready = await getJson(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.failing).toEqual(['adapter:irc']);
    expect(ready.body.checks.find((c) => c.name === 'adapter:irc')).toMatchObject({ ok: false, detail: 'disconnected' });
    expect(ready.body.checks.find((c) => c.name === 'adapter:memory')?.ok).toBe(true);
    // Liveness is unaffected: restarting the process would not reconnect IRC any faster.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('/readyz fails on a stale data source and on a database that cannot be written', async () => {
    const { base, app, db } = await startApp();
    app.status.addSource(() => ({ name: 'github', detail: 'GraphQL', updatedAt: Date.now() - 4 * 3600_000 }));
    app.status.addSource(() => ({ name: 'snapshot', detail: 'bundled' }));
    let ready = await getJson(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.failing).toEqual(['source:github']);
    expect(ready.body.checks.find((c) => c.name === 'source:github')?.detail).toMatch(/last refreshed 14400 s ago \(limit 2700 s\)/);

    // Another connection holds the write lock: the check must fail, not hang the server.
    db.pragma('busy_timeout = 50');
    const other = openDatabase(db.name);
    other.exec('BEGIN IMMEDIATE');
    try {
      ready = await getJson(`${base}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.failing).toContain('database');
      expect(ready.body.checks.find((c) => c.name === 'database')?.detail).toMatch(/write failed: database is locked/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('/readyz reports shutting down once stop begins, and the server closes with the app', async () => {
    const { base, app, chat } = await startApp();
    let release!: () => void;
    // A command in flight keeps stop() draining while we look at /readyz.
    const slow = new Promise<void>((resolve) => (release = resolve));
    const slowAdapterStop = chat.stop.bind(chat);
    chat.stop = async () => {
      await slow;
      await slowAdapterStop();
    };
    const stopping = app.stop('test', 5000);
    const ready = await getJson(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.failing).toContain('lifecycle');
    release();
    await stopping;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('metrics move after commands and deliveries', async () => {
    const { base, chat } = await startApp();
    const before = await scrape(base);
    expect(sampleValue(before, 'doibot_commands_total', { command: 'help', outcome: 'ok' })).toBeUndefined();
    expect(sampleValue(before, 'doibot_build_info', { version: '9.9.9-test' })).toBe(1);
    expect(sampleValue(before, 'doibot_adapter_connected', { platform: 'irc' })).toBe(1);
    // prom-client's defaults under their standard names, not prefixed.
    expect(sampleValue(before, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(before, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(before).not.toMatch(/^doibot_(process|nodejs)_/m);

    await chat.inject('help');
    await chat.inject('help');
    await chat.inject('nosuchcommand');
    chat.failNextSends(1);
    await chat.inject('about');

    const after = await scrape(base);
    expect(sampleValue(after, 'doibot_commands_total', { command: 'help', outcome: 'ok' })).toBe(2);
    expect(sampleValue(after, 'doibot_commands_total', { command: 'about', outcome: 'ok' })).toBe(1);
    expect(sampleValue(after, 'doibot_commands_total', { command: '(unknown)', outcome: 'unknown' })).toBe(1);
    expect(sampleValue(after, 'doibot_reply_latency_seconds_count', { command: 'help' })).toBe(2);
    expect(sampleValue(after, 'doibot_deliveries_total', { platform: 'memory', kind: 'reply', outcome: 'ok' })).toBe(4);
    expect(sampleValue(after, 'doibot_deliveries_total', { platform: 'memory', kind: 'reply', outcome: 'retry' })).toBe(1);
    expect(chat.sent).toHaveLength(4);
  });

  it('exposes every metric other parts record, with no secrets and no user text', async () => {
    const { base, app, chat } = await startApp();
    app.metrics.setOutboxDepth(() => new Map([['irc:#docker-library', 3]]));
    app.metrics.setDeadLetters(() => 2);
    app.metrics.githubPointsRemaining.set(4321);
    app.metrics.githubPollCost.observe(7);
    app.metrics.hubRequests.inc({ status: '429' });
    app.metrics.feedback.inc({ outcome: 'filed' });
    app.status.addSource(() => ({ name: 'test-source', detail: 'polled', updatedAt: 1_700_000_123_000 }));
    app.metrics.adapterReconnects.inc({ platform: 'irc' });
    await chat.inject('nosuch <!channel> secret-word');
    const text = await scrape(base);
    expect(sampleValue(text, 'doibot_outbox_depth', { channel: 'irc:#docker-library' })).toBe(3);
    expect(sampleValue(text, 'doibot_dead_letters')).toBe(2);
    expect(sampleValue(text, 'doibot_github_points_remaining')).toBe(4321);
    expect(sampleValue(text, 'doibot_github_poll_cost_points_sum')).toBe(7);
    expect(sampleValue(text, 'doibot_hub_requests_total', { status: '429' })).toBe(1);
    // One counter per fact: Hub's 429s are hub_requests_total{status="429"}, not a second counter.
    expect(text).not.toContain('doibot_hub_rate_limited_total');
    expect(sampleValue(text, 'doibot_feedback_total', { outcome: 'filed' })).toBe(1);
    // A last-success timestamp (alerts compute the age), not an age that is stale between scrapes.
    expect(sampleValue(text, 'doibot_source_last_success_timestamp_seconds', { source: 'test-source' })).toBe(1_700_000_123);
    expect(text).not.toContain('doibot_source_age_seconds');
    expect(sampleValue(text, 'doibot_adapter_reconnects_total', { platform: 'irc' })).toBe(1);
    expect(text).not.toContain('secret-word');
    expect(text).not.toContain('nosuch');
  });

  it('an unknown path is a 404, not a crash', async () => {
    const { base } = await startApp();
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(404);
  });
});

describe('/healthz and a blocked event loop', () => {
  it('fails after the loop was blocked longer than the limit, naming the delay', async () => {
    const log = silentLogger();
    const http = new HttpServer(log);
    const loop = new EventLoopMonitor(60_000);
    const status = new StatusBoard('t', Date.now());
    const db = migratedDb();
    registerHealthRoutes(http, {
      db,
      status,
      metrics: createMetrics({ version: 't', adapters: () => [], sources: () => [], now: Date.now }),
      now: Date.now,
      loop,
      maxLoopDelayMs: 150,
      maxSourceAgeMs: 60_000,
      stopping: () => false,
    });
    const port = await http.listen(0, '127.0.0.1');
    cleanups.push(async () => {
      await http.close();
      loop.close();
      db.close();
    });
    // Let the monitor take a few samples of an idle loop first.
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    const until = Date.now() + 400;
    while (Date.now() < until) {
      // Busy-wait on purpose: this is the stuck event loop under test.
    }
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Array<{ name: string; detail: string }> };
    expect(body.checks[0]?.detail).toMatch(/event-loop delay max (3|4)\d\d ms/);
  });
});
