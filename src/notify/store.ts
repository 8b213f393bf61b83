import type { Db } from '../store/db.js';
import type { NotifyRequest } from '../prs/types.js';

export interface NotificationRow {
  id: number;
  kind: 'tag' | 'pr';
  image: string | null;
  tag: string | null;
  pr_number: number | null;
  identity: string;
  target: string;
  state: 'pending' | 'fired' | 'cancelled';
  created_at: number;
  fired_at: number | null;
  outcome: string | null;
}

/** The one module that reads or writes `notifications`: one-shot requests to be told privately. */
export class NotificationStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  countPending(identity: string): number {
    return this.#db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM notifications WHERE identity = ? AND state = 'pending'").get(identity)!.n;
  }

  /** The new row's id; undefined when the same request is pending already. */
  insertPending(req: NotifyRequest, identity: string, target: string, now: number): number | undefined {
    const info = this.#db
      .prepare(
        `INSERT INTO notifications(kind, image, tag, pr_number, identity, target, state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(req.kind, req.kind === 'tag' ? req.image : null, req.kind === 'tag' ? req.tag : null, req.kind === 'pr' ? req.number : null, identity, target, now);
    return info.changes ? Number(info.lastInsertRowid) : undefined;
  }

  pendingOf(identity: string): NotificationRow[] {
    return this.#db.prepare<[string], NotificationRow>("SELECT * FROM notifications WHERE identity = ? AND state = 'pending' ORDER BY id").all(identity);
  }

  lastFiredOf(identity: string, limit: number): NotificationRow[] {
    return this.#db.prepare<[string, number], NotificationRow>("SELECT * FROM notifications WHERE identity = ? AND state = 'fired' ORDER BY fired_at DESC LIMIT ?").all(identity, limit);
  }

  /** true when it was pending and is now cancelled. */
  cancel(id: number): boolean {
    return this.#db.prepare("UPDATE notifications SET state = 'cancelled' WHERE id = ? AND state = 'pending'").run(id).changes > 0;
  }

  /**
   * Marks a pending one fired and runs `alongside` (queueing the message) in the same IMMEDIATE
   * transaction; false, and nothing run, when it was no longer pending.
   */
  fire(id: number, now: number, outcome: string, alongside: () => void): boolean {
    return this.#db
      .transaction(() => {
        const changed = this.#db.prepare("UPDATE notifications SET state = 'fired', fired_at = ?, outcome = ? WHERE id = ? AND state = 'pending'").run(now, outcome.slice(0, 200), id).changes;
        if (!changed) return false;
        alongside();
        return true;
      })
      .immediate();
  }

  allPending(): NotificationRow[] {
    return this.#db.prepare<[], NotificationRow>("SELECT * FROM notifications WHERE state = 'pending' ORDER BY id").all();
  }

  byId(id: number): NotificationRow | undefined {
    return this.#db.prepare<[number], NotificationRow>('SELECT * FROM notifications WHERE id = ?').get(id);
  }

  pendingTag(identity: string, image: string, tag: string): NotificationRow | undefined {
    return this.#db
      .prepare<[string, string, string], NotificationRow>("SELECT * FROM notifications WHERE identity = ? AND kind = 'tag' AND image = ? AND tag = ? AND state = 'pending'")
      .get(identity, image, tag);
  }

  pendingPr(identity: string, number: number): NotificationRow | undefined {
    return this.#db.prepare<[string, number], NotificationRow>("SELECT * FROM notifications WHERE identity = ? AND kind = 'pr' AND pr_number = ? AND state = 'pending'").get(identity, number);
  }
}
