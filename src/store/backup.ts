import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { BotError, errorMessage } from '../core/errors.js';

export interface BackupResult {
  readonly file: string;
  readonly bytes: number;
  readonly schemaVersion: number;
  readonly ms: number;
}

/**
 * Copies a live database with SQLite's online backup API, safe while the bot runs and writes
 * (WAL: readers never block the writer). The copy is checked with integrity_check, switched to a
 * self-contained rollback journal (no -wal file to forget), and only then renamed into place,
 * so `dest` is either absent or a complete, valid database.
 */
export async function backupDatabase(source: string, dest: string, now: () => number = Date.now): Promise<BackupResult> {
  const started = now();
  const from = resolve(source);
  const to = resolve(dest);
  if (from === to) throw new BotError('backup.same-file', `backup target ${dest} is the database itself; choose another file`);
  if (existsSync(to)) throw new BotError('backup.exists', `backup target ${dest} already exists; refusing to overwrite it`);
  if (!existsSync(from)) throw new BotError('backup.no-source', `database ${source} does not exist (set DOIBOT_DB to the bot's database)`);

  let db: Database.Database;
  try {
    db = new Database(from, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new BotError('backup.open', `cannot open database ${source}: ${errorMessage(err)}`, { cause: err });
  }
  const partial = `${to}.partial`;
  try {
    mkdirSync(dirname(to), { recursive: true });
    rmSync(partial, { force: true });
    // Everything in one step: a step reads one consistent snapshot, while small steps would
    // restart each time the running bot commits in between.
    await db.backup(partial, { progress: () => 0x7fffffff });
  } catch (err) {
    rmSync(partial, { force: true });
    throw new BotError('backup.copy', `backup of ${source} to ${dest} failed: ${errorMessage(err)}`, { cause: err });
  } finally {
    db.close();
  }

  let schemaVersion: number;
  try {
    const copy = new Database(partial, { fileMustExist: true });
    try {
      const check = copy.pragma('integrity_check', { simple: true });
      if (check !== 'ok') throw new Error(`integrity_check says: ${String(check)}`);
      copy.pragma('journal_mode = DELETE');
      schemaVersion = copy.pragma('user_version', { simple: true }) as number;
    } finally {
      copy.close();
    }
    renameSync(partial, to);
  } catch (err) {
    rmSync(partial, { force: true });
    throw new BotError('backup.verify', `backup copy of ${source} is not valid: ${errorMessage(err)}`, { cause: err });
  }
  return { file: to, bytes: statSync(to).size, schemaVersion, ms: now() - started };
}
