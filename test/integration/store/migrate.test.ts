import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'doibot-mig-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0));

function migrationsDir(files: Record<string, string>): string {
  const d = join(tmp(), 'migrations');
  mkdirSync(d);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(d, name), sql);
  return d;
}

describe('migrations', () => {
  it('the real migrations are contiguous and apply to a fresh database in WAL mode', () => {
    const all = readMigrations('migrations');
    expect(all.map((m) => m.version)).toEqual(all.map((_, i) => i + 1));
    expect(readdirSync('migrations').filter((f) => f.endsWith('.sql'))).toHaveLength(all.length);
    const db = openDatabase(join(tmp(), 'a', 'b.sqlite3'));
    expect(migrate(db, all)).toEqual({ from: 0, to: all.length });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // Running again is a no-op.
    expect(migrate(db, all)).toEqual({ from: all.length, to: all.length });
    db.close();
  });

  it('refuses a database newer than the code', () => {
    const file = join(tmp(), 'x.sqlite3');
    const db = openDatabase(file);
    db.pragma('user_version = 99');
    expect(() => migrate(db, readMigrations('migrations'))).toThrow(/schema version 99 is newer/);
    db.close();
  });

  it('leaves the database unchanged when a migration fails', () => {
    const dir = migrationsDir({
      '0001_a.sql': 'CREATE TABLE a(x INTEGER);',
      '0002_b.sql': 'CREATE TABLE b(y INTEGER); INSERT INTO a VALUES (1); THIS IS NOT SQL;',
    });
    const db = openDatabase(join(tmp(), 'f.sqlite3'));
    expect(() => migrate(db, readMigrations(dir))).toThrow(/migration 0002_b\.sql failed/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    expect(db.prepare('SELECT count(*) AS n FROM a').get()).toEqual({ n: 0 });
    db.close();
  });

  it('rejects gaps in numbering', () => {
    const dir = migrationsDir({ '0001_a.sql': 'SELECT 1;', '0003_c.sql': 'SELECT 1;' });
    expect(() => readMigrations(dir)).toThrow(/without gaps/);
  });

  it('gives one clear message for an unwritable path', () => {
    const ro = tmp();
    chmodSync(ro, 0o500);
    const target = process.getuid?.() === 0 ? '/dev/null/doibot/x.sqlite3' : join(ro, 'sub', 'x.sqlite3');
    expect(() => openDatabase(target)).toThrow(/cannot open database .*set DOIBOT_DB to a writable path/);
  });
});

describe('migration 0009: canonical IRC identities', () => {
  it('folds the IRC identities stored before the adapter folded them, keeping one of two spellings of a pending notification', () => {
    const all = readMigrations('migrations');
    const db = openDatabase(join(tmp(), 'fold.sqlite3'));
    migrate(db, all.filter((m) => m.version < 9));
    const note = db.prepare("INSERT INTO notifications(kind, image, tag, identity, target, state, created_at) VALUES ('tag', 'python', ?, ?, ?, ?, 1)");
    note.run('3.14', 'irc:Alice[m]', 'irc:account:Alice[m]', 'pending');
    note.run('3.14', 'irc:alice{m}', 'irc:account:alice{m}', 'pending');
    note.run('3.15', 'irc:Bob', 'irc:account:Bob', 'fired');
    note.run('3.15', 'slack:U0ALICE', 'slack:U0ALICE', 'pending');
    db.prepare(
      `INSERT INTO feedback_reports(id, code, state, kind, image, repo, repo_id, title, body, reporter, reporter_name, channel_key, created_at, expires_at)
       VALUES ('r1', 'abc123', 'proposed', 'image', 'python', 'docker-library/python', 'R1', 't', 'b', 'irc:carol[x]', 'Carol', 'irc:account:Carol[x]', 1, 2)`,
    ).run();
    migrate(db, all);
    expect(db.prepare('SELECT tag, identity, target, state FROM notifications ORDER BY id').all()).toEqual([
      { tag: '3.14', identity: 'irc:alice{m}', target: 'irc:account:alice{m}', state: 'cancelled' },
      { tag: '3.14', identity: 'irc:alice{m}', target: 'irc:account:alice{m}', state: 'pending' },
      { tag: '3.15', identity: 'irc:bob', target: 'irc:account:bob', state: 'fired' },
      { tag: '3.15', identity: 'slack:U0ALICE', target: 'slack:U0ALICE', state: 'pending' },
    ]);
    expect(db.prepare('SELECT reporter, channel_key FROM feedback_reports').get()).toEqual({ reporter: 'irc:carol{x}', channel_key: 'irc:account:carol{x}' });
    db.close();
  });
});
