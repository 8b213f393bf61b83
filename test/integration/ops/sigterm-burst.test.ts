import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryAdapter } from '../../../adapters/memory/memory-adapter.js';
import { allCommands } from '../../../commands/index.js';
import { createApp, type App } from '../../../src/app.js';
import { loadBotData } from '../../../src/load-data.js';
import { configSchema } from '../../../src/config/schema.js';
import type { OutboundMessage } from '../../../src/core/chat.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { rt } from '../../../src/core/richtext.js';
import { openDatabase, type Db } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';
import { sampleValue } from '../../support/prom-text.js';

const BURST = 30;

/** A chat whose every post takes a while, like a paced IRC connection. */
function slowChat(msPerSend: number): MemoryAdapter {
  const chat = new MemoryAdapter('memory');
  const send = chat.send.bind(chat);
  chat.send = async (msg: OutboundMessage) => {
    await new Promise((r) => setTimeout(r, msPerSend));
    return send(msg);
  };
  return chat;
}

function appOn(db: Db, chat: MemoryAdapter): App {
  return createApp({
    config: configSchema.parse({}),
    db,
    log: silentLogger(),
    clock: systemClock,
    version: 't',
    adapters: [chat],
    commands: allCommands,
    data: loadBotData(),
  });
}

async function until(what: string, fn: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('stopping (SIGTERM) during a burst of announcements', () => {
  it('loses nothing and repeats nothing: the rest goes out after the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-burst-'));
    const db = openDatabase(join(dir, 'bot.sqlite3'));
    migrate(db, readMigrations(join(import.meta.dirname, '../../../migrations')));

    const first = slowChat(40);
    const app1 = appOn(db, first);
    await app1.start();
    const now = Date.now();
    for (let i = 0; i < BURST; i++) {
      app1.announcements.pipeline.outbox.enqueue({
        eventId: `pr.opened:burst#${i}`,
        channel: 'memory:#announce',
        subscriptionId: null,
        rule: 'test burst',
        code: `b${i}`,
        kind: 'pr.opened',
        line: rt.of(`announcement ${i}`),
        state: 'pending',
        occurredAt: now,
        now,
      });
    }
    app1.announcements.worker.kick();
    await until('the burst to start', () => first.sent.length >= 5);
    // What main.ts does on SIGTERM.
    await app1.stop('received SIGTERM', 8000);
    const sentBeforeStop = first.sent.length;
    expect(sentBeforeStop).toBeLessThan(BURST);

    // Rows are marked sent only after the adapter took them: the database agrees with the chat.
    const states = () => db.prepare("SELECT state, count(*) AS n FROM outbox WHERE event_id LIKE 'pr.opened:burst#%' GROUP BY state").all();
    expect(states()).toEqual([
      { state: 'pending', n: BURST - sentBeforeStop },
      { state: 'sent', n: sentBeforeStop },
    ]);

    // The operator sees the same in the metrics.
    const metrics = await app1.metrics.render();
    expect(sampleValue(metrics, 'doibot_outbox_depth', { channel: 'memory:#announce' })).toBe(BURST - sentBeforeStop);
    expect(sampleValue(metrics, 'doibot_deliveries_total', { platform: 'memory', kind: 'announcement', outcome: 'ok' })).toBe(sentBeforeStop);

    const second = slowChat(1);
    const app2 = appOn(db, second);
    await app2.start();
    try {
      await until('the rest after the restart', () => first.sent.length + second.sent.length >= BURST);
      await new Promise((r) => setTimeout(r, 200)); // a duplicate would show up now
    } finally {
      await app2.stop('test over');
    }
    const all = [...first.texts('#announce'), ...second.texts('#announce')];
    expect(all).toEqual(Array.from({ length: BURST }, (_, i) => `announcement ${i}`));
    expect(states()).toEqual([{ state: 'sent', n: BURST }]);
    db.close();
  }, 60_000);
});
