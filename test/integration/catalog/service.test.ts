import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryCatalogSource } from '../../../src/catalog/dir-source.js';
import { CatalogService } from '../../../src/catalog/service.js';
import type { CatalogFiles, CatalogSource } from '../../../src/catalog/source.js';
import { systemClock } from '../../../src/core/clock.js';
import { UpstreamError, UserError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/log.js';
import { projectRoot } from '../../../src/paths.js';
import { openDatabase, type Db } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';

const SNAPSHOT = join(projectRoot(), 'assets', 'snapshot');
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function openDb(file: string): Db {
  const db = openDatabase(file);
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  cleanups.push(() => {
    db.close();
  });
  return db;
}

/** A small library/docs checkout with a few real images, which tests then edit. */
function checkout(images = ['python', 'hello-world', 'ubuntu']): string {
  const dir = tempDir('doibot-catalog-dir-');
  mkdirSync(join(dir, 'library'));
  mkdirSync(join(dir, 'docs'));
  for (const image of images) {
    cpSync(join(SNAPSHOT, 'library', image), join(dir, 'library', image));
    cpSync(join(SNAPSHOT, 'docs', image), join(dir, 'docs', image), { recursive: true });
  }
  return dir;
}

function service(source: CatalogSource, db: Db, refreshMs = 60_000): CatalogService {
  const s = new CatalogService({ source, db, log: silentLogger(), clock: systemClock, refreshMs, firstLoadWaitMs: 200 });
  cleanups.push(() => s.stop());
  return s;
}

/** Wraps a source to count fetches, delay them, or make them fail. */
class ControlledSource implements CatalogSource {
  readonly name: string;
  readonly detail = 'test source';
  fetches = 0;
  concurrent = 0;
  maxConcurrent = 0;
  failWith: Error | undefined;
  delayMs = 0;
  readonly #inner: CatalogSource;
  constructor(inner: CatalogSource, name = inner.name) {
    this.#inner = inner;
    this.name = name;
  }
  async fetch(known?: string): Promise<CatalogFiles | null> {
    this.fetches++;
    this.maxConcurrent = Math.max(this.maxConcurrent, ++this.concurrent);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failWith) throw this.failWith;
      return await this.#inner.fetch(known);
    } finally {
      this.concurrent--;
    }
  }
}

describe('CatalogService with a directory source and a SQLite file', () => {
  it('loads, then sees an unchanged directory as unchanged and an edited one as updated', async () => {
    const dir = checkout();
    const db = openDb(join(tempDir('doibot-db-'), 'bot.sqlite3'));
    const svc = service(new DirectoryCatalogSource(dir), db);
    expect(await svc.refresh()).toBe('updated');
    const first = await svc.get();
    expect(first.names()).toEqual(['hello-world', 'python', 'ubuntu']);
    expect(await svc.refresh()).toBe('unchanged');
    expect(await svc.get()).toBe(first);

    writeFileSync(join(dir, 'library', 'hello-world'), `${'Maintainers: A (@a)\nGitRepo: https://example.org/r.git\n\n'}Tags: only\nGitCommit: ${'c'.repeat(40)}\n`);
    expect(await svc.refresh()).toBe('updated');
    const second = await svc.get();
    expect(second.image('hello-world')!.tags).toEqual(['only']);
    expect(second.revision).not.toBe(first.revision);
    expect(svc.info()).toMatchObject({ name: 'catalog (directory)', detail: expect.stringContaining('3 images') });
  });

  it('a restart answers at once from the SQLite cache, even while the source is down', async () => {
    const dbFile = join(tempDir('doibot-db-'), 'bot.sqlite3');
    const dir = checkout();
    const db1 = openDb(dbFile);
    const first = service(new DirectoryCatalogSource(dir), db1);
    await first.refresh();
    await first.stop();

    const down = new ControlledSource(new DirectoryCatalogSource(dir));
    down.failWith = new UpstreamError('test.down', 'source is down', { retryable: true });
    const db2 = openDb(dbFile);
    const second = service(down, db2);
    expect(second.loadCached()).toBe(true);
    const catalog = await second.get();
    expect(catalog.tag('hello-world', 'latest')?.shared).toBe(true);
    expect(await second.refresh()).toBe('failed');
    expect(await second.get()).toBe(catalog);
    expect(second.details()).toEqual([expect.stringMatching(/^catalog refresh failed \d+s ago: source is down \(answering from the previous catalog\)$/)]);
  });

  it('skips refetching when the cached revision is still current (the revision is passed to the source)', async () => {
    const dbFile = join(tempDir('doibot-db-'), 'bot.sqlite3');
    const dir = checkout(['redis']);
    const db1 = openDb(dbFile);
    await service(new DirectoryCatalogSource(dir), db1).refresh();
    const counting = new ControlledSource(new DirectoryCatalogSource(dir));
    const again = service(counting, openDb(dbFile));
    again.loadCached();
    expect(await again.refresh()).toBe('unchanged');
    expect(counting.fetches).toBe(1);
  });

  it('never runs two refreshes at once', async () => {
    const slow = new ControlledSource(new DirectoryCatalogSource(checkout(['redis'])));
    slow.delayMs = 150;
    const svc = service(slow, openDb(join(tempDir('doibot-db-'), 'bot.sqlite3')));
    const outcomes = await Promise.all([svc.refresh(), svc.refresh(), svc.refresh()]);
    expect(outcomes).toEqual(['updated', 'updated', 'updated']);
    expect([slow.fetches, slow.maxConcurrent]).toEqual([1, 1]);
  });

  it('refreshes on its interval once started, and stops cleanly', async () => {
    const counting = new ControlledSource(new DirectoryCatalogSource(checkout(['redis'])));
    const svc = service(counting, openDb(join(tempDir('doibot-db-'), 'bot.sqlite3')), 50);
    await svc.start();
    await expect.poll(() => counting.fetches, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    await svc.stop();
    const after = counting.fetches;
    await new Promise((r) => setTimeout(r, 150));
    expect(counting.fetches).toBe(after);
    expect(counting.maxConcurrent).toBe(1);
  });

  it('with no cache and a failing source, commands get a clear "still loading" answer', async () => {
    const down = new ControlledSource(new DirectoryCatalogSource('/nonexistent-doibot-dir'));
    const svc = service(down, openDb(join(tempDir('doibot-db-'), 'bot.sqlite3')));
    expect(await svc.refresh()).toBe('failed');
    const err = await svc.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).userMessage).toMatch(/still loading from directory.*cannot read \/nonexistent-doibot-dir\/library/);
    expect(svc.info().detail).toContain('not loaded yet');
  });

  it('a damaged cache row is ignored, not fatal', async () => {
    const db = openDb(join(tempDir('doibot-db-'), 'bot.sqlite3'));
    db.prepare("INSERT INTO catalog_cache(source, detail, revision, data_date, fetched_at, files) VALUES ('directory', 'x', 'r', NULL, 1, '{\"library\": 5}')").run();
    const svc = service(new DirectoryCatalogSource(checkout(['redis'])), db);
    expect(svc.loadCached()).toBe(false);
    expect(await svc.refresh()).toBe('updated');
  });
});

describe('tag history', () => {
  it('a restart on unchanged cached data still records the tags it serves, so a later removal is dated', async () => {
    const dir = checkout(['python']);
    const db = openDb(join(tempDir('doibot-history-db-'), 'bot.sqlite3'));
    expect(await service(new DirectoryCatalogSource(dir), db).refresh()).toBe('updated');
    // As if the database predates tag history: the cache is there, the history is not.
    db.exec('DELETE FROM catalog_tags_seen');
    const restarted = service(new DirectoryCatalogSource(dir), db);
    expect(restarted.loadCached()).toBe(true);
    expect(await restarted.refresh()).toBe('unchanged');
    const seen = restarted.tagPresence('python', '3.14');
    expect(seen?.firstSeen).toBeGreaterThan(0);
    expect(seen?.leftAt).toBeUndefined();
  });
});
