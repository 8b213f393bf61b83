import type { RichText } from '../core/richtext.js';
import type { Db } from '../store/db.js';

export type OutboxState = 'pending' | 'held' | 'sent' | 'dead' | 'folded';

export interface OutboxRow {
  readonly id: number;
  readonly eventId: string;
  readonly channel: string;
  readonly subscriptionId: number | null;
  readonly rule: string;
  readonly code: string;
  readonly kind: string;
  readonly prKey: string | null;
  readonly line: RichText;
  readonly card: RichText | null;
  readonly state: OutboxState;
  readonly stage: number;
  readonly attempts: number;
  readonly nextAt: number;
  readonly occurredAt: number;
  readonly createdAt: number;
  readonly sentAt: number | null;
  readonly lastError: string | null;
  readonly ref: string | null;
}

/** A row to queue: what the caller decides; the delivery state starts empty. */
export type NewOutboxRow = Pick<OutboxRow, 'eventId' | 'channel' | 'subscriptionId' | 'rule' | 'code' | 'kind' | 'line' | 'occurredAt'> & {
  readonly prKey?: string;
  readonly card?: RichText;
  readonly state: 'pending' | 'held';
  readonly now: number;
};

interface Row {
  id: number;
  event_id: string;
  channel_key: string;
  subscription_id: number | null;
  rule: string;
  code: string;
  kind: string;
  pr_key: string | null;
  line: string;
  card: string | null;
  state: OutboxState;
  stage: number;
  attempts: number;
  next_at: number;
  occurred_at: number;
  created_at: number;
  sent_at: number | null;
  last_error: string | null;
  ref: string | null;
}

function fromRow(r: Row): OutboxRow {
  return {
    id: r.id,
    eventId: r.event_id,
    channel: r.channel_key,
    subscriptionId: r.subscription_id,
    rule: r.rule,
    code: r.code,
    kind: r.kind,
    prKey: r.pr_key,
    line: JSON.parse(r.line) as RichText,
    card: r.card === null ? null : (JSON.parse(r.card) as RichText),
    state: r.state,
    stage: r.stage,
    attempts: r.attempts,
    nextAt: r.next_at,
    occurredAt: r.occurred_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    lastError: r.last_error,
    ref: r.ref,
  };
}

/** The persisted announcement queue. Every method is one statement or one transaction. */
export class OutboxStore {
  readonly db: Db;
  readonly #insert;
  readonly #head;
  readonly #headCatchUp;
  readonly #channels;
  readonly #markSent;
  readonly #setStage;
  readonly #cardRef;
  readonly #putCardRef;

  constructor(db: Db) {
    this.db = db;
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO outbox(event_id, channel_key, subscription_id, rule, code, kind, pr_key, line, card, state, next_at, occurred_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#head = db.prepare<[string], Row>("SELECT * FROM outbox WHERE state = 'pending' AND channel_key = ? ORDER BY id LIMIT 1");
    this.#headCatchUp = db.prepare<[string], Row>("SELECT * FROM outbox WHERE state = 'pending' AND channel_key = ? AND kind = 'catch-up' ORDER BY id LIMIT 1");
    this.#markSent = db.prepare("UPDATE outbox SET state = 'sent', sent_at = ?, ref = COALESCE(?, ref), last_error = NULL WHERE id = ?");
    this.#setStage = db.prepare('UPDATE outbox SET stage = ?, ref = COALESCE(?, ref) WHERE id = ?');
    // A skip scan over the outbox_queue index: one probe per channel, not one row per pending
    // message (DISTINCT walks every pending row, and the worker asks on every idle tick).
    this.#channels = db.prepare<[], { channel_key: string }>(
      `WITH RECURSIVE ch(k) AS (
         SELECT (SELECT MIN(channel_key) FROM outbox WHERE state = 'pending')
         UNION ALL
         SELECT (SELECT MIN(channel_key) FROM outbox WHERE state = 'pending' AND channel_key > ch.k) FROM ch WHERE ch.k IS NOT NULL
       ) SELECT k AS channel_key FROM ch WHERE k IS NOT NULL`,
    );
    this.#cardRef = db.prepare<[string, string], { ref: string }>('SELECT ref FROM slack_cards WHERE pr_key = ? AND channel_key = ?');
    this.#putCardRef = db.prepare(
      'INSERT INTO slack_cards(pr_key, channel_key, ref, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(pr_key, channel_key) DO UPDATE SET ref = excluded.ref',
    );
  }

  /** false when this (event, channel) was queued before. */
  enqueue(r: NewOutboxRow): boolean {
    const info = this.#insert.run(
      r.eventId,
      r.channel,
      r.subscriptionId,
      r.rule,
      r.code,
      r.kind,
      r.prKey ?? null,
      JSON.stringify(r.line),
      r.card ? JSON.stringify(r.card) : null,
      r.state,
      r.now,
      r.occurredAt,
      r.now,
    );
    return info.changes > 0;
  }

  pendingChannels(): string[] {
    return this.#channels.all().map((r) => r.channel_key);
  }

  /** The oldest pending row of a channel: channels are delivered strictly in order. */
  head(channel: string): OutboxRow | undefined {
    // A catch-up summary stands for the oldest rows of its channel, so it goes first.
    const r = this.#headCatchUp.get(channel) ?? this.#head.get(channel);
    return r ? fromRow(r) : undefined;
  }

  markSent(id: number, ref: string | undefined, now: number): void {
    this.#markSent.run(now, ref ?? null, id);
  }

  setStage(id: number, stage: number, ref: string | undefined): void {
    this.#setStage.run(stage, ref ?? null, id);
  }

  markRetry(id: number, attempts: number, nextAt: number, error: string): void {
    this.db.prepare('UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?').run(attempts, nextAt, error.slice(0, 500), id);
  }

  markDead(id: number, attempts: number, error: string): void {
    this.db.prepare("UPDATE outbox SET state = 'dead', attempts = ?, last_error = ? WHERE id = ?").run(attempts, error.slice(0, 500), id);
  }

  /** Dead letters back into the queue (operator action after fixing the cause). */
  requeueDead(now: number): number {
    return this.db.prepare("UPDATE outbox SET state = 'pending', attempts = 0, next_at = ? WHERE state = 'dead'").run(now).changes;
  }

  depthByChannel(): Map<string, number> {
    const rows = this.db
      .prepare<[], { channel_key: string; n: number }>("SELECT channel_key, COUNT(*) AS n FROM outbox WHERE state = 'pending' GROUP BY channel_key ORDER BY channel_key")
      .all();
    return new Map(rows.map((r) => [r.channel_key, r.n]));
  }

  countByState(state: OutboxState): number {
    return this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE state = ?').get(state)?.n ?? 0;
  }

  rowsByState(state: OutboxState, limit = 100): OutboxRow[] {
    return this.db.prepare<[string, number], Row>('SELECT * FROM outbox WHERE state = ? ORDER BY id LIMIT ?').all(state, limit).map(fromRow);
  }

  /** `why`: by the short code shown in the message, or the full event id; latest first. */
  findForWhy(channel: string, ref: string): OutboxRow | undefined {
    const r = this.db
      .prepare<[string, string, string], Row>(
        "SELECT * FROM outbox WHERE channel_key = ? AND (code = ? OR event_id = ?) AND state IN ('sent', 'pending', 'held', 'folded', 'dead') ORDER BY id DESC LIMIT 1",
      )
      .get(channel, ref.toLowerCase(), ref);
    return r ? fromRow(r) : undefined;
  }

  lastSent(channel: string): OutboxRow | undefined {
    const r = this.db.prepare<[string], Row>("SELECT * FROM outbox WHERE channel_key = ? AND state = 'sent' ORDER BY sent_at DESC, id DESC LIMIT 1").get(channel);
    return r ? fromRow(r) : undefined;
  }

  cardRef(prKey: string, channel: string): string | undefined {
    return this.#cardRef.get(prKey, channel)?.ref;
  }

  putCardRef(prKey: string, channel: string, ref: string, now: number): void {
    this.#putCardRef.run(prKey, channel, ref, now);
  }

  /** A new card was posted: its ref and the row's sent state in one commit. */
  markSentWithCard(id: number, prKey: string, channel: string, ref: string | undefined, now: number): void {
    this.db.transaction(() => {
      if (ref) this.#putCardRef.run(prKey, channel, ref, now);
      this.#markSent.run(now, ref ?? null, id);
    })();
  }

  /**
   * Folds rows into one summary row in a single transaction: the summary is queued and the
   * originals marked folded, or neither (a summary id that exists already folds nothing).
   */
  fold(ids: readonly number[], summary: NewOutboxRow): boolean {
    return this.db.transaction(() => {
      const inserted = this.enqueue(summary);
      if (!inserted) return false;
      const mark = this.db.prepare("UPDATE outbox SET state = 'folded' WHERE id = ? AND state IN ('pending', 'held')");
      for (const id of ids) mark.run(id);
      return inserted;
    })();
  }

  /** Pending rows of a channel that occurred before `before` (candidates for a catch-up summary). */
  stalePending(channel: string, before: number, limit: number): OutboxRow[] {
    return this.db
      .prepare<[string, number, number], Row>(
        "SELECT * FROM outbox WHERE channel_key = ? AND state = 'pending' AND occurred_at < ? AND stage = 0 AND kind NOT IN ('catch-up', 'digest') ORDER BY id LIMIT ?",
      )
      .all(channel, before, limit)
      .map(fromRow);
  }

  heldFor(subscriptionId: number): OutboxRow[] {
    return this.db.prepare<[number], Row>("SELECT * FROM outbox WHERE subscription_id = ? AND state = 'held' ORDER BY id").all(subscriptionId).map(fromRow);
  }
}
