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
  'src/events/library-files-store.ts',
  'src/events/rebuild-store.ts',
  'src/prs/samples-store.ts',
  'src/feedback/store.ts',
  'src/outbox/outbox-store.ts',
  'src/registry/store.ts',
  'src/subscriptions/store.ts',
  'src/catalog/tag-history.ts',
  'src/catalog/cache-store.ts',
  'src/notify/store.ts',
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
    const strays = withSql.filter((f) => !STORE_MODULES.has(f));
    expect(strays).toEqual([]);
  });

  it('each table is read and written by one store module only', () => {
    const tables = readdirSync('migrations')
      .flatMap((f) => [...readFileSync(join('migrations', f), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g)].map((m) => m[1]!))
      .sort();
    expect(tables.length).toBeGreaterThan(10);
    const sources = ['src', 'commands', 'adapters'].flatMap(tsFiles).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
    const owners = Object.fromEntries(
      tables.map((t) => [t, sources.filter(({ text }) => new RegExp(`\\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\\s+${t}\\b`).test(text)).map(({ f }) => f)]),
    );
    const shared = Object.entries(owners).filter(([, files]) => files.length > 1);
    expect(shared).toEqual([]);
    expect(Object.values(owners).flat().filter((f) => !STORE_MODULES.has(f))).toEqual([]);
  });
});
