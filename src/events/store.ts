import type { PrSnapshot } from '../core/events.js';
import type { Db } from '../store/db.js';

export interface SourceState {
  readonly source: string;
  readonly cursor?: string;
  readonly baselineAt?: number;
  readonly lastSuccessAt?: number;
  readonly lastError?: string;
  readonly lastErrorAt?: number;
  readonly detail?: string;
}

interface SourceRow {
  source: string;
  cursor: string | null;
  baseline_at: number | null;
  last_success_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  detail: string | null;
}

/** The poller's `event_sources` name for a GitHub repository's PR poll. */
export function githubSourceName(repo: string): string {
  return `github:${repo}`;
}

/** The `pr_snapshots` key of one PR. */
export function prKey(repo: string, number: number): string {
  return `${repo}#${number}`;
}

/** A stored PR snapshot and when the poller recorded it. */
export interface StoredPr {
  readonly snap: PrSnapshot;
  readonly recordedAt: number;
}

/**
 * PR snapshots, seen event ids and per-source cursors. The one module that reads or writes
 * `pr_snapshots`, `seen_events`, `event_sources` and `webhook_deliveries`.
 */
export class EventStore {
  readonly db: Db;
  readonly #getSnap;
  readonly #putSnap;
  readonly #seen;

  constructor(db: Db) {
    this.db = db;
    this.#getSnap = db.prepare<[string], { snapshot: string }>('SELECT snapshot FROM pr_snapshots WHERE pr_key = ?');
    this.#putSnap = db.prepare(
      `INSERT INTO pr_snapshots(pr_key, repo, number, state, updated_at, snapshot, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(pr_key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, snapshot = excluded.snapshot, recorded_at = excluded.recorded_at`,
    );
    this.#seen = db.prepare('INSERT OR IGNORE INTO seen_events(id, kind, occurred_at, first_seen_at) VALUES (?, ?, ?, ?)');
  }

  snapshot(key: string): PrSnapshot | undefined {
    const r = this.#getSnap.get(key);
    return r ? (JSON.parse(r.snapshot) as PrSnapshot) : undefined;
  }

  snapshots(keys: readonly string[]): Map<string, PrSnapshot> {
    const out = new Map<string, PrSnapshot>();
    for (const k of keys) {
      const s = this.snapshot(k);
      if (s) out.set(k, s);
    }
    return out;
  }

  putSnapshot(pr: PrSnapshot, now: number): void {
    this.#putSnap.run(prKey(pr.repo, pr.number), pr.repo, pr.number, pr.state, pr.updatedAt, JSON.stringify(pr), now);
  }

  /** One PR of `repo` as last recorded. */
  storedPr(repo: string, number: number): StoredPr | undefined {
    const r = this.db.prepare<[string], { snapshot: string; recorded_at: number }>('SELECT snapshot, recorded_at FROM pr_snapshots WHERE pr_key = ?').get(prKey(repo, number));
    return r ? { snap: JSON.parse(r.snapshot) as PrSnapshot, recordedAt: r.recorded_at } : undefined;
  }

  /** `repo`'s PRs in `state` (any state when absent), most recently updated first, at most `limit` (all when absent). */
  storedPrs(repo: string, opts: { state?: 'OPEN' | 'MERGED'; limit?: number } = {}): StoredPr[] {
    const limit = opts.limit ?? -1; // SQLite: a negative LIMIT is no limit
    const rows = opts.state
      ? this.db
          .prepare<[string, string, number], { snapshot: string; recorded_at: number }>('SELECT snapshot, recorded_at FROM pr_snapshots WHERE repo = ? AND state = ? ORDER BY updated_at DESC LIMIT ?')
          .all(repo, opts.state, limit)
      : this.db
          .prepare<[string, number], { snapshot: string; recorded_at: number }>('SELECT snapshot, recorded_at FROM pr_snapshots WHERE repo = ? ORDER BY updated_at DESC LIMIT ?')
          .all(repo, limit);
    return rows.map((r) => ({ snap: JSON.parse(r.snapshot) as PrSnapshot, recordedAt: r.recorded_at }));
  }

  hasStoredPrs(repo: string): boolean {
    return this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM pr_snapshots WHERE repo = ?').get(repo)!.n > 0;
  }

  /** Merged PRs recorded since `since` (publish tracking attributes library changes to them). */
  mergedSince(since: number): PrSnapshot[] {
    return this.db
      .prepare<[number], { snapshot: string }>("SELECT snapshot FROM pr_snapshots WHERE state = 'MERGED' AND updated_at >= ? ORDER BY updated_at DESC")
      .all(since)
      .map((r) => JSON.parse(r.snapshot) as PrSnapshot);
  }

  /** true the first time an id is seen. */
  markSeen(id: string, kind: string, occurredAt: number, now: number): boolean {
    return this.#seen.run(id, kind, occurredAt, now).changes > 0;
  }

  source(source: string): SourceState {
    const r = this.db.prepare<[string], SourceRow>('SELECT * FROM event_sources WHERE source = ?').get(source);
    if (!r) return { source };
    return {
      source,
      ...(r.cursor !== null ? { cursor: r.cursor } : {}),
      ...(r.baseline_at !== null ? { baselineAt: r.baseline_at } : {}),
      ...(r.last_success_at !== null ? { lastSuccessAt: r.last_success_at } : {}),
      ...(r.last_error !== null ? { lastError: r.last_error } : {}),
      ...(r.last_error_at !== null ? { lastErrorAt: r.last_error_at } : {}),
      ...(r.detail !== null ? { detail: r.detail } : {}),
    };
  }

  /** Records a successful tick: the cursor moves only here, inside the tick's transaction. */
  recordSuccess(source: string, cursor: string | undefined, now: number, detail?: string, baselineAt: number = now): void {
    this.db
      .prepare(
        `INSERT INTO event_sources(source, cursor, baseline_at, last_success_at, detail) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(source) DO UPDATE SET cursor = COALESCE(excluded.cursor, cursor), baseline_at = COALESCE(baseline_at, excluded.baseline_at),
           last_success_at = excluded.last_success_at, last_error = NULL, detail = COALESCE(excluded.detail, detail)`,
      )
      .run(source, cursor ?? null, baselineAt, now, detail ?? null);
  }

  recordError(source: string, error: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO event_sources(source, last_error, last_error_at) VALUES (?, ?, ?)
         ON CONFLICT(source) DO UPDATE SET last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
      )
      .run(source, error.slice(0, 300), now);
  }

  allSources(): SourceState[] {
    return this.db
      .prepare<[], { source: string }>('SELECT source FROM event_sources ORDER BY source')
      .all()
      .map((r) => this.source(r.source));
  }

  /**
   * Forgets seen event ids and webhook delivery ids recorded before `before`. Safe for dedupe:
   * events come from diffs against stored snapshots (kept), so an old id can come back only
   * from a replay, which happens within minutes (crash, overlap window, webhook plus poll), or
   * from a real repeat long after (a label re-added); and an id that does come back still
   * meets the outbox's UNIQUE(event_id, channel_key) row and is not sent twice. GitHub
   * redelivers only recent deliveries, and a redelivery merely triggers a poll.
   */
  prune(before: number): { events: number; deliveries: number } {
    return this.db.transaction(() => ({
      events: this.db.prepare('DELETE FROM seen_events WHERE first_seen_at < ?').run(before).changes,
      deliveries: this.db.prepare('DELETE FROM webhook_deliveries WHERE received_at < ?').run(before).changes,
    }))();
  }

  /**
   * A verified webhook delivery: 'new' the first time; 'duplicate' for a delivery id seen before
   * (GitHub's redelivery); 'replay' for a body seen before under another id (a captured request
   * sent again: the signature covers the body only, not the delivery id).
   */
  recordDelivery(id: string, event: string, bodySha256: string, now: number): 'new' | 'duplicate' | 'replay' {
    return this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM webhook_deliveries WHERE delivery_id = ?').get(id)) return 'duplicate' as const;
      const inserted = this.db
        .prepare('INSERT OR IGNORE INTO webhook_deliveries(delivery_id, event, received_at, body_sha256) VALUES (?, ?, ?, ?)')
        .run(id, event, now, bodySha256).changes;
      return inserted > 0 ? ('new' as const) : ('replay' as const);
    })();
  }
}
