/**
 * Keyed IRC channels and private Slack channels are named only to admins (status) and on the
 * loopback ops listener (/readyz); strangers and the main, possibly public, listener see
 * "(private channel)".
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAdapter } from '../../../adapters/memory/memory-adapter.js';
import { allCommands } from '../../../commands/index.js';
import { createApp, type App } from '../../../src/app.js';
import { loadBotData } from '../../../src/load-data.js';
import { configSchema } from '../../../src/config/schema.js';
import type { AdapterStatus } from '../../../src/core/chat.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { HttpServer } from '../../../src/http/server.js';
import { withoutPrivateChannels } from '../../../src/status.js';
import { openDatabase, type Db } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';

/** An IRC adapter's status as the real one reports it: joined channels, a keyed one among them. */
class KeyedIrc extends MemoryAdapter {
  override status(): AdapterStatus {
    return {
      ...super.status(),
      detail: 'doi-bot on irc.test:6697 (TLS), logged in as doi-bot, in #docker-library #Ops-Secret',
      problems: ['#ops-secret: rejoined after a kick', 'slack channel GPRIVATE01 unreachable'],
      privateChannels: ['#ops-secret'],
    };
  }
}

const running: Array<{ app: App; db: Db }> = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    await r.app.stop('test over');
    r.db.close();
  }
});

async function start(withOps: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-private-'));
  const db = openDatabase(join(dir, 'bot.sqlite3'));
  migrate(db, readMigrations(join(import.meta.dirname, '../../../migrations')));
  const irc = new KeyedIrc('irc');
  const log = silentLogger();
  const app = createApp({
    config: configSchema.parse({
      http: { port: 0, host: '127.0.0.1', ...(withOps ? { opsPort: 0 } : {}) },
      access: { admins: ['irc:root'] },
    }),
    db,
    log,
    clock: systemClock,
    version: 'test',
    adapters: [irc],
    commands: allCommands,
    data: loadBotData(),
    http: new HttpServer(log),
    ...(withOps ? { opsHttp: new HttpServer(log) } : {}),
  });
  await app.start();
  running.push({ app, db });
  return { app, irc };
}

describe('private channels', () => {
  it('withoutPrivateChannels hides each private name wherever it appears, in any case, and nothing else', () => {
    const hidden = withoutPrivateChannels(new KeyedIrc('irc').status());
    expect(hidden.detail).toBe('doi-bot on irc.test:6697 (TLS), logged in as doi-bot, in #docker-library (private channel)');
    expect(hidden.problems).toEqual(['(private channel): rejoined after a kick', 'slack channel (private channel) unreachable']);
    expect(JSON.stringify(hidden)).not.toMatch(/ops-secret|GPRIVATE01/i);
  });

  it('status shows keyed channels to admins only', async () => {
    const { irc } = await start(false);
    await irc.inject('!status', { user: { account: 'stranger', id: 'stranger', name: 'stranger' } });
    const stranger = irc.texts().join('\n');
    expect(stranger).toContain('#docker-library');
    expect(stranger).toContain('(private channel)');
    expect(stranger).not.toMatch(/ops-secret|GPRIVATE01/i);
    irc.sent.length = 0;
    await irc.inject('!status', { user: { account: 'root', id: 'root', name: 'root' } });
    expect(irc.texts().join('\n')).toContain('#Ops-Secret');
  });

  it('/readyz on the main listener hides them; on the loopback ops listener it names them', async () => {
    const single = await start(false);
    const main = await (await fetch(`http://127.0.0.1:${single.app.httpPort()!}/readyz`)).text();
    expect(main).toContain('(private channel)');
    expect(main).not.toMatch(/ops-secret|GPRIVATE01/i);
    const split = await start(true);
    const ops = await (await fetch(`http://127.0.0.1:${split.app.opsPort()!}/readyz`)).text();
    expect(ops).toContain('#Ops-Secret');
  });
});
