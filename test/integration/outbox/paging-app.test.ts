/**
 * Paging through the whole app on a chat that only declares it (the memory adapter): the core
 * cuts the reply and `more` is an ordinary command, so any platform declaring paging gets it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAdapter } from '../../../adapters/memory/memory-adapter.js';
import { createApp, type App } from '../../../src/app.js';
import { loadBotData } from '../../../src/load-data.js';
import { configSchema } from '../../../src/config/schema.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { projectRoot } from '../../../src/paths.js';
import { openDatabase } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';
import { testCommands } from '../../support/irc-app.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function startOn(chat: MemoryAdapter): Promise<App> {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-paging-'));
  const db = openDatabase(join(dir, 'bot.sqlite3'));
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  const app = createApp({ config: configSchema.parse({}), db, log: silentLogger(), clock: systemClock, version: 't', adapters: [chat], commands: testCommands, data: loadBotData() });
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }), () => void db.close(), () => app.stop('test over', 2000));
  await app.start();
  return app;
}

describe('paging on any chat that declares it', () => {
  it('pages a private answer and answers "more" with the next page; in a channel gives a count instead', async () => {
    const chat = new MemoryAdapter('memory', { privatePageLines: 4, linesPerReply: 2 });
    await startOn(chat);
    await chat.inject('testlines 7', { channel: 'alice' });
    expect(chat.sent.at(-1)!.text.split('\n')).toEqual(['line 1 of 7', 'line 2 of 7', 'line 3 of 7', '(4 more lines: type more)']);
    await chat.inject('more', { channel: 'bob', user: { id: 'bob', name: 'bob' } });
    expect(chat.sent.at(-1)!.text).toBe('nothing more to show.');
    await chat.inject('more', { channel: 'alice' });
    expect(chat.sent.at(-1)!.text.split('\n')).toEqual(['line 4 of 7', 'line 5 of 7', 'line 6 of 7', 'line 7 of 7']);
    await chat.inject('more', { channel: 'alice' });
    expect(chat.sent.at(-1)!.text).toBe('nothing more to show.');

    await chat.inject('testlist 5', { channel: '#room' });
    expect(chat.sent.at(-1)!.text.split('\n')).toEqual(['item 1 of 5', '(4 more lines: https://hub.docker.com/_/python/tags)']);
    await chat.inject('more', { channel: '#room' });
    expect(chat.sent.at(-1)!.text).toBe('alice: nothing more to show here: long answers are paged in private messages only.');
  });

  it('a chat that declares no paging gets its answers whole', async () => {
    const chat = new MemoryAdapter('memory');
    await startOn(chat);
    await chat.inject('testlines 40', { channel: 'alice' });
    expect(chat.sent.at(-1)!.text.split('\n')).toHaveLength(40);
    await chat.inject('more', { channel: 'alice' });
    expect(chat.sent.at(-1)!.text).toBe('nothing more to show.');
  });
});
