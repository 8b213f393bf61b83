import type { Clock } from '../core/clock.js';
import { formatAge } from '../core/clock.js';
import { UserError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { Loop } from '../core/loop.js';
import type { DataSourceInfo } from '../services.js';
import type { Db } from '../store/db.js';
import { Catalog } from './catalog.js';
import type { CatalogFiles, CatalogSource } from './source.js';
import { TagHistory, type TagPresence } from './tag-history.js';

export interface CatalogServiceOptions {
  readonly source: CatalogSource;
  readonly db: Db;
  readonly log: Logger;
  readonly clock: Clock;
  readonly refreshMs: number;
  /** How long a command waits for the very first catalog before saying "still loading". */
  readonly firstLoadWaitMs?: number;
}

const LOCAL_FIRST_LOAD_WAIT_MS = 30_000;

export type RefreshOutcome = 'updated' | 'unchanged' | 'failed';

interface CacheRow {
  detail: string;
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

/**
 * Holds the current Catalog. On start it loads the files cached in SQLite (so a restart answers
 * at once), then refreshes from the source now and every `refreshMs`. Refreshes never overlap;
 * a failed one keeps the previous catalog and shows up in `status`.
 */
export class CatalogService {
  readonly #o: CatalogServiceOptions;
  #catalog: Catalog | undefined;
  #cachedSource: string | undefined;
  #checkedAt: number | undefined;
  #lastError: { at: number; message: string } | undefined;
  #inFlight: Promise<RefreshOutcome> | undefined;
  readonly #loop: Loop;
  readonly #firstLoad: Promise<void>;
  #resolveFirstLoad!: () => void;
  readonly #history: TagHistory;

  constructor(opts: CatalogServiceOptions) {
    this.#o = opts;
    this.#history = new TagHistory(opts.db);
    this.#firstLoad = new Promise((resolve) => (this.#resolveFirstLoad = resolve));
    this.#loop = new Loop({
      clock: opts.clock,
      intervalMs: opts.refreshMs,
      pass: async () => void (await this.refresh()),
      onError: (err) => opts.log.error({ err }, 'catalog refresh failed'),
    });
  }

  /** The catalog now, or undefined before the first load. */
  current(): Catalog | undefined {
    return this.#catalog;
  }

  /** The catalog for a command: waits briefly for the first load, then says it is still loading. */
  async get(): Promise<Catalog> {
    if (this.#catalog) return this.#catalog;
    const stop = new AbortController();
    await Promise.race([this.#firstLoad, this.#o.clock.sleep(this.#o.firstLoadWaitMs ?? 8000, stop.signal)]);
    stop.abort();
    if (this.#catalog) return this.#catalog;
    const why = this.#lastError ? ` (last attempt failed: ${this.#lastError.message.slice(0, 200)})` : '';
    throw new UserError('catalog.loading', `The image catalog is still loading from ${this.#o.source.name}; try again in a moment${why}.`);
  }

  /** What the bot has seen of a tag across refreshes (when it left the manifest). */
  tagPresence(image: string, tag: string): TagPresence | undefined {
    try {
      return this.#history.get(image, tag);
    } catch (err) {
      this.#o.log.warn({ err, image, tag }, 'tag history unreadable');
      return undefined;
    }
  }

  /** Resolves when a catalog is loaded (from the cache or the source), or after `ms`. */
  async waitForFirstLoad(ms: number): Promise<boolean> {
    if (this.#catalog) return true;
    const stop = new AbortController();
    await Promise.race([this.#firstLoad, this.#o.clock.sleep(ms, stop.signal)]);
    stop.abort();
    return this.#catalog !== undefined;
  }

  /**
   * Loads the cache, then refreshes now and every refreshMs until stop(). Resolves at once,
   * except for a local source with no cache: that loads in about a second, so it is awaited
   * (bounded), and the first questions (a piped console, a fresh install) get answers rather
   * than "still loading".
   */
  async start(): Promise<void> {
    if (this.#loop.running) return;
    const cached = this.loadCached();
    this.#loop.start();
    if (!cached && this.#o.source.local) await this.waitForFirstLoad(LOCAL_FIRST_LOAD_WAIT_MS);
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    await this.#inFlight;
  }

  /** Builds the catalog from the SQLite cache, if there is one. Returns whether it did. */
  loadCached(): boolean {
    let row: CacheRow | undefined;
    try {
      // The cache of another source kind is still real data: better than nothing until refreshed.
      row =
        this.#o.db.prepare<[string], CacheRow>('SELECT detail, revision, data_date, fetched_at, files FROM catalog_cache WHERE source = ?').get(this.#o.source.name) ??
        this.#o.db.prepare<[], CacheRow & { source: string }>('SELECT source, detail, revision, data_date, fetched_at, files FROM catalog_cache ORDER BY fetched_at DESC LIMIT 1').get();
    } catch (err) {
      this.#o.log.warn({ err }, 'catalog cache unreadable; starting without it');
      return false;
    }
    if (!row) return false;
    try {
      const stored = JSON.parse(row.files) as StoredFiles;
      const files: CatalogFiles = {
        library: new Map(Object.entries(stored.library)),
        docs: new Map(Object.entries(stored.docs)),
        ...(stored.unreadable ? { unreadable: new Map(Object.entries(stored.unreadable)) } : {}),
        revision: row.revision,
        ...(row.data_date !== null ? { dataDate: row.data_date } : {}),
      };
      this.#install(Catalog.fromFiles(files), row.fetched_at);
      this.#cachedSource = 'source' in row ? String(row.source) : this.#o.source.name;
      this.#o.log.info({ images: this.#catalog?.size, revision: row.revision, source: this.#cachedSource }, 'catalog loaded from cache');
      return true;
    } catch (err) {
      this.#o.log.warn({ err }, 'catalog cache damaged; ignoring it');
      return false;
    }
  }

  /** One refresh; a call while one runs joins it instead of starting another. */
  refresh(): Promise<RefreshOutcome> {
    this.#inFlight ??= this.#refreshOnce().finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  async #refreshOnce(): Promise<RefreshOutcome> {
    const { source, log, clock } = this.#o;
    const sameSource = this.#cachedSource === source.name;
    const known = sameSource ? this.#catalog?.revision : undefined;
    const started = clock.now();
    let files: CatalogFiles | null;
    try {
      files = await source.fetch(known);
    } catch (err) {
      this.#lastError = { at: clock.now(), message: errorMessage(err) };
      log.error({ err, source: source.name }, 'catalog refresh failed; keeping the previous catalog');
      return 'failed';
    }
    const now = clock.now();
    if (files === null) {
      // A database from before tag history (or a restart on unchanged data with an empty
      // history) records the catalog it serves, so a tag leaving later is noticed.
      if (this.#catalog && !this.#history.hasAny()) this.#recordHistory(this.#catalog, now);
      this.#checkedAt = now;
      this.#lastError = undefined;
      this.#touch(now);
      log.debug({ source: source.name, ms: now - started }, 'catalog unchanged');
      return 'unchanged';
    }
    let catalog: Catalog;
    try {
      catalog = Catalog.fromFiles(files);
      this.#save(files, now);
      this.#history.record(catalog, now);
    } catch (err) {
      this.#lastError = { at: now, message: errorMessage(err) };
      log.error({ err, source: source.name }, 'catalog rebuild failed; keeping the previous catalog');
      return 'failed';
    }
    this.#install(catalog, now);
    this.#cachedSource = source.name;
    this.#lastError = undefined;
    const problems = catalog.errors();
    if (problems.length) log.warn({ count: problems.length, first: problems.slice(0, 5).map(String) }, 'manifest problems (those entries are left out)');
    log.info({ source: source.name, images: catalog.size, revision: catalog.revision, ms: clock.now() - started }, 'catalog updated');
    return 'updated';
  }

  #install(catalog: Catalog, checkedAt: number): void {
    this.#catalog = catalog;
    this.#checkedAt = checkedAt;
    this.#resolveFirstLoad();
  }

  #save(files: CatalogFiles, now: number): void {
    const stored: StoredFiles = {
      library: Object.fromEntries(files.library),
      docs: Object.fromEntries(files.docs),
      ...(files.unreadable?.size ? { unreadable: Object.fromEntries(files.unreadable) } : {}),
    };
    const { source, db } = this.#o;
    db.transaction(() => {
      // Only one cached catalog is useful; an old source's row would only waste space.
      db.prepare('DELETE FROM catalog_cache WHERE source <> ?').run(source.name);
      db.prepare(
        `INSERT INTO catalog_cache(source, detail, revision, data_date, fetched_at, files) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(source) DO UPDATE SET detail = excluded.detail, revision = excluded.revision, data_date = excluded.data_date,
           fetched_at = excluded.fetched_at, files = excluded.files`,
      ).run(source.name, source.detail, files.revision, files.dataDate ?? null, now, JSON.stringify(stored));
    })();
  }

  #recordHistory(catalog: Catalog, now: number): void {
    try {
      this.#history.record(catalog, now);
    } catch (err) {
      this.#o.log.warn({ err }, 'cannot record tag history');
    }
  }

  #touch(now: number): void {
    try {
      this.#o.db.prepare('UPDATE catalog_cache SET fetched_at = ? WHERE source = ?').run(now, this.#o.source.name);
    } catch (err) {
      this.#o.log.warn({ err }, 'cannot record catalog check time');
    }
  }

  /** For StatusBoard.addSource: which source, how fresh. */
  info(): DataSourceInfo {
    const src = this.#o.source;
    const cat = this.#catalog;
    const servingOther = this.#cachedSource !== undefined && this.#cachedSource !== src.name;
    const detail = cat
      ? `${src.detail}, ${cat.size} images, ${cat.tagCount()} tags${servingOther ? ` (serving cached data from ${this.#cachedSource} until the first refresh)` : ''}`
      : `${src.detail}, not loaded yet`;
    return {
      name: `catalog (${src.name})`,
      detail,
      ...(this.#checkedAt !== undefined ? { updatedAt: this.#checkedAt } : {}),
      ...(cat?.dataDate !== undefined ? { dataDate: cat.dataDate } : {}),
    };
  }

  /** For StatusBoard.addDetails: refresh failures and manifest problems. */
  details(): string[] {
    const out: string[] = [];
    const now = this.#o.clock.now();
    if (this.#lastError) {
      out.push(`catalog refresh failed ${formatAge(now - this.#lastError.at)} ago: ${this.#lastError.message.slice(0, 200)}${this.#catalog ? ' (answering from the previous catalog)' : ''}`);
    }
    const images = this.#catalog ? this.#catalog.names().map((n) => this.#catalog!.image(n)!) : [];
    for (const image of images.filter((i) => i.unreadable !== undefined)) out.push(`catalog: library/${image.name} not read: ${image.unreadable!.slice(0, 200)}`);
    const problems = images.filter((i) => i.unreadable === undefined).flatMap((i) => [...i.errors]);
    if (problems.length) out.push(`catalog: ${problems.length} manifest problem(s), e.g. ${problems[0]!.message.slice(0, 200)}`);
    return out;
  }
}
