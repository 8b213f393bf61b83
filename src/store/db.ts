import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { BotError, errorMessage } from '../core/errors.js';

export type Db = Database.Database;

/** Opens the one connection the process uses, with the pragmas the design requires. */
export function openDatabase(file: string): Db {
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    // Probe writability now, not on the first command.
    db.exec('CREATE TABLE IF NOT EXISTS _probe(x); DROP TABLE _probe;');
    return db;
  } catch (err) {
    throw new BotError('db.open', `cannot open database ${file}: ${errorMessage(err)} (set DOIBOT_DB to a writable path)`, { cause: err });
  }
}

/**
 * Runs `work` as one IMMEDIATE transaction (the write lock taken at the start, so it never fails
 * half-way on a busy database). For a unit of work over several stores, each running its own SQL
 * inside; nested calls become savepoints.
 */
export function inTransaction<T>(db: Db, work: () => T): T {
  return db.transaction(work).immediate();
}
