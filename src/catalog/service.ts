import type { Clock } from '../core/clock.js';
import { formatAge } from '../core/clock.js';
import { UserError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { Loop } from '../core/loop.js';
import type { DataSourceInfo } from '../services.js';
import type { Db } from '../store/db.js';
import { Catalog } from './catalog.js';
import { CatalogCacheStore, filesOf, type CachedCatalog } from './cache-store.js';
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
  readonly #cache: CatalogCacheStore;

  constructor(opts: CatalogServiceOptions) {
    this.#o = opts;
    this.#history = new TagHistory(opts.db);
    this.#cache = new CatalogCacheStore(opts.db);
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
    let cached: CachedCatalog | undefined;
    try {
      cached = this.#cache.latest(this.#o.source.name);
    } catch (err) {
      this.#o.log.warn({ err }, 'catalog cache unreadable; starting without it');
      return false;
    }
    if (!cached) return false;
    try {
      this.#install(Catalog.fromFiles(filesOf(cached)), cached.fetchedAt);
      this.#cachedSource = cached.source;
      this.#o.log.info({ images: this.#catalog?.size, revision: cached.revision, source: this.#cachedSource }, 'catalog loaded from cache');
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
      this.#cache.save(source, files, now);
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

  #recordHistory(catalog: Catalog, now: number): void {
    try {
      this.#history.record(catalog, now);
    } catch (err) {
      this.#o.log.warn({ err }, 'cannot record tag history');
    }
  }

  #touch(now: number): void {
    try {
      this.#cache.touch(this.#o.source.name, now);
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
