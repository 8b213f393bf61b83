/**
 * registry_manifests (migrations/0006_registry.sql): manifests by digest. A digest names its
 * content, so a stored row is valid forever; only the least recently used rows beyond a cap
 * are dropped, to bound the file.
 */
import type { Db } from '../store/db.js';

export interface StoredManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly body: string;
}

const DEFAULT_MAX_ROWS = 5000;

export class ManifestStore {
  readonly #db: Db;
  readonly #maxRows: number;
  readonly #get;
  readonly #has;
  readonly #touch;
  readonly #put;
  readonly #count;
  readonly #prune;

  constructor(db: Db, opts: { maxRows?: number } = {}) {
    this.#db = db;
    this.#maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS;
    this.#get = db.prepare<[string], { digest: string; media_type: string; body: string }>(
      'SELECT digest, media_type, body FROM registry_manifests WHERE digest = ?',
    );
    this.#has = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM registry_manifests WHERE digest = ?');
    this.#touch = db.prepare<[number, string]>('UPDATE registry_manifests SET used_at = ? WHERE digest = ?');
    this.#put = db.prepare<[string, string, string, number, number]>(
      `INSERT INTO registry_manifests (digest, media_type, body, fetched_at, used_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(digest) DO UPDATE SET used_at = excluded.used_at`,
    );
    this.#count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM registry_manifests');
    this.#prune = db.prepare<[number]>(
      'DELETE FROM registry_manifests WHERE digest IN (SELECT digest FROM registry_manifests ORDER BY used_at ASC LIMIT ?)',
    );
  }

  has(digest: string): boolean {
    return this.#has.get(digest) !== undefined;
  }

  get(digest: string, now: number): StoredManifest | undefined {
    const row = this.#get.get(digest);
    if (!row) return undefined;
    this.#touch.run(now, digest);
    return { digest: row.digest, mediaType: row.media_type, body: row.body };
  }

  put(manifest: StoredManifest, now: number): void {
    this.#db.transaction(() => {
      this.#put.run(manifest.digest, manifest.mediaType, manifest.body, now, now);
      const excess = this.#count.get()!.n - this.#maxRows;
      if (excess > 0) this.#prune.run(excess);
    })();
  }

  count(): number {
    return this.#count.get()!.n;
  }
}
