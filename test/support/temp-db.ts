import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/paths.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';

/** A migrated SQLite file in a fresh temp directory; `remove` closes it and deletes the directory. */
export function tempDb(prefix: string): { db: Db; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const db = openDatabase(join(dir, 'bot.sqlite3'));
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  return {
    db,
    remove() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
