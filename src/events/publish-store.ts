import type { PublishReason } from '../core/events.js';
import type { Db } from '../store/db.js';
import type { LibraryChange } from './library-diff.js';

export interface PublishRun {
  readonly id: number;
  readonly image: string;
  readonly commitOid: string;
  readonly prNumber: number | null;
  readonly prUrl: string | null;
  readonly changedAt: number;
  readonly reason: PublishReason;
  readonly tags: readonly (readonly [string, readonly string[]])[];
  readonly newTags: readonly string[];
  readonly published: Readonly<Record<string, number>>;
  readonly announced: readonly string[];
  readonly state: 'pending' | 'done' | 'expired';
  readonly createdAt: number;
}

interface RunRow {
  id: number;
  image: string;
  commit_oid: string;
  pr_number: number | null;
  pr_url: string | null;
  changed_at: number;
  reason: PublishReason;
  tags: string;
  new_tags: string;
  published: string;
  announced: string;
  state: 'pending' | 'done' | 'expired';
  created_at: number;
}

const fromRow = (r: RunRow): PublishRun => ({
  id: r.id,
  image: r.image,
  commitOid: r.commit_oid,
  prNumber: r.pr_number,
  prUrl: r.pr_url,
  changedAt: r.changed_at,
  reason: r.reason,
  tags: JSON.parse(r.tags) as [string, string[]][],
  newTags: JSON.parse(r.new_tags) as string[],
  published: JSON.parse(r.published) as Record<string, number>,
  announced: JSON.parse(r.announced) as string[],
  state: r.state,
  createdAt: r.created_at,
});

export interface NewPublishRun {
  readonly image: string;
  readonly commitOid: string;
  readonly prNumber?: number;
  readonly prUrl?: string;
  readonly changedAt: number;
  readonly change: LibraryChange;
}

/** The one module that reads or writes `publish_runs`: library changes followed on Docker Hub. */
export class PublishRunStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Inside the caller's transaction; a change without tags has nothing to follow. */
  record(runs: readonly NewPublishRun[], now: number): void {
    const insert = this.#db.prepare(
      `INSERT OR IGNORE INTO publish_runs(image, commit_oid, pr_number, pr_url, changed_at, reason, tags, new_tags, state, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
    );
    for (const r of runs) {
      if (r.change.tags.length === 0) continue;
      insert.run(r.image, r.commitOid, r.prNumber ?? null, r.prUrl ?? null, r.changedAt, r.change.reason, JSON.stringify(r.change.tags), JSON.stringify(r.change.newTags), now);
    }
  }

  pending(): PublishRun[] {
    return this.#db.prepare<[], RunRow>("SELECT * FROM publish_runs WHERE state = 'pending' ORDER BY id").all().map(fromRow);
  }

  save(id: number, published: Readonly<Record<string, number>>, announced: readonly string[], state: PublishRun['state'], now: number): void {
    this.#db.prepare('UPDATE publish_runs SET published = ?, announced = ?, state = ?, checked_at = ? WHERE id = ?').run(JSON.stringify(published), JSON.stringify(announced), state, now, id);
  }

  /** Whether a run of `image` is pending or was last checked (or created) at `since` or later. */
  activeSince(image: string, since: number): boolean {
    return (
      this.#db
        .prepare<[string, number], { n: number }>("SELECT COUNT(*) AS n FROM publish_runs WHERE image = ? AND (state = 'pending' OR COALESCE(checked_at, created_at) >= ?)")
        .get(image, since)!.n > 0
    );
  }

  /** Delays from a library change to its last architecture on Hub, newest `limit` finished runs of `image`. */
  changeToPublishDelays(image: string, limit: number): number[] {
    return this.#db
      .prepare<[string, number], { changed_at: number; published: string }>("SELECT changed_at, published FROM publish_runs WHERE image = ? AND state = 'done' ORDER BY id DESC LIMIT ?")
      .all(image, limit)
      .flatMap((r) => {
        const times = Object.values(JSON.parse(r.published) as Record<string, number>);
        return times.length ? [Math.max(...times) - r.changed_at] : [];
      })
      .filter((d) => d >= 0);
  }
}
