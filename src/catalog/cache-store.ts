/**
 * The one module that reads or writes `catalog_cache` (migration 0002): the raw files of the
 * last catalog fetched, so a restart answers at once and a newer parser rebuilds without
 * refetching. One row is kept, for the source the bot uses now.
 */
import type { Db } from '../store/db.js';
import type { CatalogFiles } from './source.js';

/** The cached files of one source, as stored (the files are decoded by `filesOf`). */
export interface CachedCatalog {
  readonly source: string;
  readonly revision: string;
  readonly dataDate?: number;
  readonly fetchedAt: number;
  readonly filesJson: string;
}

interface CacheRow {
  source: string;
  revision: string;
  data_date: number | null;
  fetched_at: number;
  files: string;
}

interface StoredFiles {
  library: Record<string, string>;
  docs: Record<string, Record<string, string>>;
  unreadable?: Record<string, string>;
}

export class CatalogCacheStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * The cache of `source`, else the newest cache of any source: another source kind's files are
   * still real data, better than nothing until the first refresh. Throws when the table is unreadable.
   */
  latest(source: string): CachedCatalog | undefined {
    const row =
      this.#db.prepare<[string], CacheRow>('SELECT source, revision, data_date, fetched_at, files FROM catalog_cache WHERE source = ?').get(source) ??
      this.#db.prepare<[], CacheRow>('SELECT source, revision, data_date, fetched_at, files FROM catalog_cache ORDER BY fetched_at DESC LIMIT 1').get();
    if (!row) return undefined;
    return {
      source: row.source,
      revision: row.revision,
      ...(row.data_date !== null ? { dataDate: row.data_date } : {}),
      fetchedAt: row.fetched_at,
      filesJson: row.files,
    };
  }

  /** Replaces the cache with `files` of `source`; only one cached catalog is useful. */
  save(source: { readonly name: string; readonly detail: string }, files: CatalogFiles, now: number): void {
    const stored: StoredFiles = {
      library: Object.fromEntries(files.library),
      docs: Object.fromEntries(files.docs),
      ...(files.unreadable?.size ? { unreadable: Object.fromEntries(files.unreadable) } : {}),
    };
    const db = this.#db;
    db.transaction(() => {
      db.prepare('DELETE FROM catalog_cache WHERE source <> ?').run(source.name);
      db.prepare(
        `INSERT INTO catalog_cache(source, detail, revision, data_date, fetched_at, files) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(source) DO UPDATE SET detail = excluded.detail, revision = excluded.revision, data_date = excluded.data_date,
           fetched_at = excluded.fetched_at, files = excluded.files`,
      ).run(source.name, source.detail, files.revision, files.dataDate ?? null, now, JSON.stringify(stored));
    })();
  }

  /** The source was checked at `now` and had not changed. */
  touch(source: string, now: number): void {
    this.#db.prepare('UPDATE catalog_cache SET fetched_at = ? WHERE source = ?').run(now, source);
  }
}

/** The files of a cached catalog; throws when the stored text is damaged. */
export function filesOf(cached: CachedCatalog): CatalogFiles {
  const stored = JSON.parse(cached.filesJson) as StoredFiles;
  return {
    library: new Map(Object.entries(stored.library)),
    docs: new Map(Object.entries(stored.docs)),
    ...(stored.unreadable ? { unreadable: new Map(Object.entries(stored.unreadable)) } : {}),
    revision: cached.revision,
    ...(cached.dataDate !== undefined ? { dataDate: cached.dataDate } : {}),
  };
}
