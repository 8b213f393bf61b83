import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/log.js';
import { openDatabase } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';
import { projectRoot } from '../../../src/paths.js';
import { startHarness, type Harness } from '../../support/events/harness.js';

const PATHOLOGICAL = `${'*a'.repeat(20)}*b`;

/** Rules as an older version (or a hand edit) could have left them. */
function storeOldRules(file: string): void {
  const db = openDatabase(file);
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  const insert = db.prepare(
    `INSERT INTO subscriptions(id, channel_key, images, events, mode, origin, created_by, created_at, spec_key) VALUES (?, ?, ?, ?, 'every', 'command', 'irc:alice', 0, ?)`,
  );
  insert.run(1, 'irc:#docker-library', JSON.stringify([PATHOLOGICAL]), '["*"]', 'k1');
  insert.run(2, 'irc:#docker-library', JSON.stringify(['Python', PATHOLOGICAL, '**node']), '["pr.*"]', 'k2');
  insert.run(3, 'irc:#docker-library', 'not json', '["*"]', 'k3');
  insert.run(4, 'irc:#docker-library', '["redis"]', '["*"]', 'redis|*|every');
  db.close();
}

describe('stored subscription rules at start', () => {
  let h: Harness | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('repairs or drops rules whose patterns are not valid any more, with a log line each', async () => {
    dir = mkdtempSync(join(tmpdir(), 'doibot-repair-'));
    storeOldRules(join(dir, 'bot.sqlite3'));
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    });
    h = await startHarness({ dir, subscriptions: [], log: createLogger({ level: 'info' }, sink) });

    const rules = h.app.announcements.subscriptions.all();
    expect(rules.map((r) => [r.id, r.images, r.events])).toEqual([
      [2, ['python', '*node'], ['pr.*']],
      [4, ['redis'], ['*']],
    ]);
    const fixes = lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('stored subscription rule'));
    expect(fixes.map((l) => [l.subscription, l.msg])).toEqual([
      [1, 'stored subscription rule dropped: its patterns are not valid'],
      [2, 'stored subscription rule repaired'],
      [3, 'stored subscription rule dropped: its patterns are not valid'],
    ]);
    expect(JSON.stringify(fixes[1]!.problems)).toContain('wildcards');
    // The repaired rule is stored, not only fixed in memory: a restart has nothing left to do.
    expect(h.app.announcements.subscriptions.repair()).toEqual([]);
  });
});
