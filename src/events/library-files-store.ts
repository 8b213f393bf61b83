import type { Db } from '../store/db.js';

/** One `library/` file as the poller last saw it on the default branch. */
export interface LibraryFile {
  readonly image: string;
  readonly blobOid: string;
  readonly commitOid: string;
  readonly recordedAt: number;
}

interface Row {
  image: string;
  blob_oid: string;
  commit_oid: string;
  recorded_at: number;
}

/**
 * The one module that reads or writes `library_files`: the `library/` tree as last seen (a
 * changed blob is a changed manifest). The GitHub poller writes it; rebuild detection reads it.
 */
export class LibraryFileStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  all(): LibraryFile[] {
    return this.#db
      .prepare<[], Row>('SELECT image, blob_oid, commit_oid, recorded_at FROM library_files')
      .all()
      .map((r) => ({ image: r.image, blobOid: r.blob_oid, commitOid: r.commit_oid, recordedAt: r.recorded_at }));
  }

  /** Every image with a file in the tree, by name. */
  images(): string[] {
    return this.#db
      .prepare<[], { image: string }>('SELECT image FROM library_files ORDER BY image')
      .all()
      .map((r) => r.image);
  }

  /** Whether `image`'s file changed after `since`. */
  changedAfter(image: string, since: number): boolean {
    return this.#db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM library_files WHERE image = ? AND recorded_at > ?').get(image, since)!.n > 0;
  }

  /**
   * Records the tree at `commitOid` (inside the caller's transaction): a file whose blob changed
   * is stamped `now`, an unchanged one keeps its time, a file no longer in the tree is forgotten.
   */
  sync(entries: readonly { readonly name: string; readonly oid: string }[], commitOid: string, now: number): void {
    const stored = new Map(this.all().map((f) => [f.image, f.blobOid]));
    const put = this.#db.prepare(
      'INSERT INTO library_files(image, blob_oid, commit_oid, recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT(image) DO UPDATE SET blob_oid = excluded.blob_oid, commit_oid = excluded.commit_oid, recorded_at = excluded.recorded_at',
    );
    const del = this.#db.prepare('DELETE FROM library_files WHERE image = ?');
    const names = new Set(entries.map((e) => e.name));
    for (const e of entries) if (stored.get(e.name) !== e.oid) put.run(e.name, e.oid, commitOid, now);
    for (const name of stored.keys()) if (!names.has(name)) del.run(name);
  }
}
