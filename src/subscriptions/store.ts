import type { Db } from '../store/db.js';
import { specKey, type Subscription, type SubscriptionMode, type SubscriptionSpec } from './model.js';

interface Row {
  id: number;
  channel_key: string;
  images: string;
  events: string;
  mode: SubscriptionMode;
  digest_time: string | null;
  origin: 'config' | 'command';
  created_by: string | null;
  created_at: number;
}

function fromRow(r: Row): Subscription {
  return {
    id: r.id,
    channel: r.channel_key,
    images: JSON.parse(r.images) as string[],
    events: JSON.parse(r.events) as string[],
    mode: r.mode,
    ...(r.digest_time !== null ? { digestTime: r.digest_time } : {}),
    origin: r.origin,
    ...(r.created_by !== null ? { createdBy: r.created_by } : {}),
    createdAt: r.created_at,
  };
}

/** Subscriptions in SQLite, cached in memory; the cache is reloaded after every change. */
export class SubscriptionStore {
  readonly #db: Db;
  #cache: Subscription[] | undefined;

  constructor(db: Db) {
    this.#db = db;
  }

  all(): readonly Subscription[] {
    this.#cache ??= this.#db.prepare<[], Row>('SELECT * FROM subscriptions ORDER BY id').all().map(fromRow);
    return this.#cache;
  }

  forChannel(channel: string): readonly Subscription[] {
    return this.all().filter((s) => s.channel === channel);
  }

  byId(id: number): Subscription | undefined {
    return this.all().find((s) => s.id === id);
  }

  /** Adds a rule; the same rule twice in a channel returns the existing one (created false). */
  add(channel: string, spec: SubscriptionSpec, origin: 'config' | 'command', createdBy: string | undefined, now: number): { sub: Subscription; created: boolean } {
    const key = specKey(spec);
    const info = this.#db
      .prepare(
        `INSERT OR IGNORE INTO subscriptions(channel_key, images, events, mode, digest_time, origin, created_by, created_at, spec_key)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(channel, JSON.stringify(spec.images), JSON.stringify(spec.events), spec.mode, spec.digestTime ?? null, origin, createdBy ?? null, now, key);
    this.#cache = undefined;
    const row = this.#db.prepare<[string, string], Row>('SELECT * FROM subscriptions WHERE channel_key = ? AND spec_key = ?').get(channel, key);
    if (!row) throw new Error('subscription vanished after insert');
    return { sub: fromRow(row), created: info.changes > 0 };
  }

  remove(channel: string, id: number): Subscription | undefined {
    const existing = this.forChannel(channel).find((s) => s.id === id);
    if (!existing) return undefined;
    this.#db.prepare('DELETE FROM subscriptions WHERE id = ? AND channel_key = ?').run(id, channel);
    this.#cache = undefined;
    return existing;
  }

  /** Config seeds: inserted once; restarting with the same file adds nothing. */
  seed(seeds: readonly (SubscriptionSpec & { channel: string })[], now: number): number {
    let added = 0;
    this.#db.transaction(() => {
      for (const s of seeds) if (this.add(s.channel, s, 'config', undefined, now).created) added++;
    })();
    return added;
  }
}
