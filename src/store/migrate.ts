import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BotError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Db } from './db.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function readMigrations(dir: string): Migration[] {
  const out: Migration[] = [];
  for (const f of readdirSync(dir).sort()) {
    const m = FILE.exec(f);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: f, sql: readFileSync(join(dir, f), 'utf8') });
  }
  out.forEach((m, i) => {
    if (m.version !== i + 1) throw new BotError('db.migrations', `migrations must be numbered 0001, 0002, ... without gaps; found ${m.name} at position ${i + 1}`);
  });
  return out;
}

/**
 * Applies every migration newer than the database's user_version, each in its own IMMEDIATE
 * transaction together with the version bump, so a failing file leaves the DB as it was.
 */
export function migrate(db: Db, migrations: readonly Migration[], log?: Logger): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (from > latest) {
    throw new BotError(
      'db.too-new',
      `database schema version ${from} is newer than this doi-bot knows (${latest}); upgrade doi-bot or restore a backup`,
    );
  }
  for (const m of migrations) {
    if (m.version <= from) continue;
    const apply = db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    });
    try {
      apply.immediate();
    } catch (err) {
      throw new BotError('db.migration-failed', `migration ${m.name} failed: ${errorMessage(err)}`, { cause: err });
    }
    log?.info({ migration: m.name }, 'migration applied');
  }
  return { from, to: Math.max(from, latest) };
}
