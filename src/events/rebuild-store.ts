import type { Db } from '../store/db.js';

/** The digest a watched tag had when last checked on Docker Hub. */
export interface SeenDigest {
  readonly tag: string;
  readonly digest: string;
  readonly checkedAt: number;
}

/** New digests with no library/ change behind them, held until their window closes. */
export interface HeldRebuild {
  readonly id: number;
  readonly image: string;
  readonly key: string;
  readonly tags: readonly string[];
  readonly arches: readonly string[];
  readonly detectedAt: number;
}

interface HeldRow {
  id: number;
  image: string;
  key: string;
  tags: string;
  arches: string;
  detected_at: number;
}

/** The one module that reads or writes `hub_tag_digests` and `hub_rebuilds` (rebuild detection). */
export class RebuildStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  digests(image: string): SeenDigest[] {
    return this.#db
      .prepare<[string], { tag: string; digest: string; checked_at: number }>('SELECT tag, digest, checked_at FROM hub_tag_digests WHERE image = ?')
      .all(image)
      .map((r) => ({ tag: r.tag, digest: r.digest, checkedAt: r.checked_at }));
  }

  /** One pass's detections (held; a key seen before is ignored) and the digests it saw, atomically. */
  recordPass(
    detections: readonly { readonly image: string; readonly key: string; readonly tags: readonly string[]; readonly arches: readonly string[] }[],
    digests: readonly { readonly image: string; readonly tag: string; readonly digest: string }[],
    now: number,
  ): void {
    const db = this.#db;
    const insert = db.prepare("INSERT OR IGNORE INTO hub_rebuilds(image, key, tags, arches, detected_at, state) VALUES (?, ?, ?, ?, ?, 'held')");
    const put = db.prepare(
      'INSERT INTO hub_tag_digests(image, tag, digest, checked_at) VALUES (?, ?, ?, ?) ON CONFLICT(image, tag) DO UPDATE SET digest = excluded.digest, checked_at = excluded.checked_at',
    );
    db.transaction(() => {
      for (const d of detections) insert.run(d.image, d.key, JSON.stringify(d.tags), JSON.stringify(d.arches), now);
      for (const w of digests) put.run(w.image, w.tag, w.digest, now);
    }).immediate();
  }

  /** Rebuilds not announced yet, oldest first. */
  held(): HeldRebuild[] {
    return this.#db
      .prepare<[], HeldRow>("SELECT id, image, key, tags, arches, detected_at FROM hub_rebuilds WHERE state = 'held' ORDER BY id")
      .all()
      .map((r) => ({ id: r.id, image: r.image, key: r.key, tags: JSON.parse(r.tags) as string[], arches: JSON.parse(r.arches) as string[], detectedAt: r.detected_at }));
  }

  /** Inside the caller's transaction (the one that queues the announcement). */
  markAnnounced(ids: readonly number[]): void {
    const mark = this.#db.prepare("UPDATE hub_rebuilds SET state = 'announced' WHERE id = ?");
    for (const id of ids) mark.run(id);
  }
}
