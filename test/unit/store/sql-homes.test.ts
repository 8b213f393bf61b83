import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Modules that own tables (one table group each) and the database plumbing. */
const STORE_MODULES = new Set([
  'src/store/db.ts',
  'src/store/backup.ts',
  'src/store/migrate.ts',
  'src/store/settings.ts',
  'src/events/store.ts',
  'src/events/publish-store.ts',
  'src/prs/samples-store.ts',
  'src/feedback/store.ts',
  'src/outbox/outbox-store.ts',
  'src/registry/store.ts',
  'src/subscriptions/store.ts',
  'src/catalog/tag-history.ts',
  'src/catalog/cache-store.ts',
  'src/notify/store.ts',
]);

/**
 * SQL not yet moved into a store module (issue 13). The list only shrinks: a new module with
 * SQL fails this test.
 */
const NOT_YET_MOVED = new Set([
  'src/events/github-poller.ts',
  'src/events/pipeline.ts',
  'src/events/rebuilds.ts',
]);

const SQL_CALL = /\.(prepare|transaction|pragma)\s*[<(]|\bdb\.exec\(/;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('SQL homes', () => {
  it('only store modules run SQL; commands and adapters never do', () => {
    const withSql = ['src', 'commands', 'adapters'].flatMap(tsFiles).filter((f) => SQL_CALL.test(readFileSync(f, 'utf8')));
    const strays = withSql.filter((f) => !STORE_MODULES.has(f) && !NOT_YET_MOVED.has(f));
    expect(strays).toEqual([]);
  });
});
