import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { backupDatabase } from '../../../src/store/backup.js';
import { openDatabase } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';

const ROOT = join(import.meta.dirname, '../../..');
const MIGRATIONS = readMigrations(join(ROOT, 'migrations'));

/** Another process that commits one row per transaction as fast as it can until killed. */
const WRITER = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.pragma('busy_timeout = 5000');
const insert = db.prepare('INSERT INTO filler(payload) VALUES (?)');
let n = 0;
process.stdout.write('writing\\n');
for (;;) { insert.run('w'.repeat(200)); if (++n % 500 === 0) process.stdout.write(n + '\\n'); }
`;

describe('online backup', () => {
  it('copies a database that another process is writing to into a valid, consistent file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-backup-'));
    const file = join(dir, 'bot.sqlite3');
    const db = openDatabase(file);
    migrate(db, MIGRATIONS);
    db.exec('CREATE TABLE filler(id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
    const seed = db.prepare('INSERT INTO filler(payload) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) seed.run('s'.repeat(200));
    })();

    const writer = spawn(process.execPath, ['-e', WRITER, file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let written = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout.on('data', (d: Buffer) => {
          for (const line of d.toString().trim().split('\n')) if (/^\d+$/.test(line)) written = Number(line);
          if (written >= 1000) resolve();
        });
        writer.on('exit', (code) => reject(new Error(`writer exited early (${code})`)));
      });
      const target = join(dir, 'nested', 'backup.sqlite3');
      const result = await backupDatabase(file, target);
      expect(result.file).toBe(target);
      expect(result.schemaVersion).toBe(MIGRATIONS.length);
      expect(result.bytes).toBeGreaterThan(4_000_000);

      const copy = new Database(target, { readonly: true, fileMustExist: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      const { n, maxId } = copy.prepare('SELECT count(*) AS n, max(id) AS maxId FROM filler').get() as { n: number; maxId: number };
      copy.close();
      // A consistent snapshot: every seeded row plus a gap-free prefix of the concurrent writes.
      expect(n).toBe(maxId);
      expect(n).toBeGreaterThanOrEqual(20_000 + 1000);
      // The writer was live on both sides of the snapshot and never failed because of it.
      const until = Date.now() + 10_000;
      while (written < n - 20_000 + 1000 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(written).toBeGreaterThan(n - 20_000);
      expect(writer.exitCode).toBeNull();
      expect(readdirSync(join(dir, 'nested'))).toEqual(['backup.sqlite3']);
    } finally {
      writer.kill('SIGKILL');
      db.close();
    }
  });

  it('restore is a file copy: the restored database opens, migrates as a no-op and has the data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-restore-'));
    const file = join(dir, 'bot.sqlite3');
    const db = openDatabase(file);
    migrate(db, MIGRATIONS);
    db.prepare("INSERT INTO settings(key, value, updated_at) VALUES ('k', 'before', 1)").run();
    const target = join(dir, 'backup.sqlite3');
    await backupDatabase(file, target);
    db.prepare("UPDATE settings SET value = 'after' WHERE key = 'k'").run();
    db.close();

    // The documented restore: stop the bot, drop the WAL leftovers, copy the backup into place.
    for (const suffix of ['-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    copyFileSync(target, file);
    const restored = openDatabase(file);
    expect(migrate(restored, MIGRATIONS)).toEqual({ from: MIGRATIONS.length, to: MIGRATIONS.length });
    expect(restored.prepare("SELECT value FROM settings WHERE key = 'k'").get()).toEqual({ value: 'before' });
    restored.close();
  });

  it('refuses to overwrite, to copy onto itself, and reports a damaged source without leaving a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-backup-bad-'));
    const file = join(dir, 'bot.sqlite3');
    const db = openDatabase(file);
    migrate(db, MIGRATIONS);
    db.close();
    const existing = join(dir, 'existing.sqlite3');
    writeFileSync(existing, 'keep me');
    await expect(backupDatabase(file, existing)).rejects.toThrow(/already exists; refusing to overwrite/);
    await expect(backupDatabase(file, file)).rejects.toThrow(/is the database itself/);

    const junk = join(dir, 'junk.sqlite3');
    writeFileSync(junk, 'this is not a database, just text '.repeat(200));
    const out = join(dir, 'out.sqlite3');
    await expect(backupDatabase(junk, out)).rejects.toThrow(/not a database/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
