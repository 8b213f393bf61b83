import type { Db } from '../store/db.js';
import { specKey, type Subscription, type SubscriptionMode, type SubscriptionSpec } from './model.js';
import { eventPatternProblem, imagePatternProblem, repairPatterns } from './patterns.js';

export interface RuleRepair {
  readonly id: number;
  readonly channel: string;
  readonly action: 'repaired' | 'dropped';
  readonly problems: readonly string[];
}

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

  /**
   * Checks every stored rule against today's pattern rules (run at start, before anything
   * matches): bad patterns are removed from a rule, and a rule left with no image or no event
   * pattern, or that became a duplicate of another, is deleted.
   */
  repair(): RuleRepair[] {
    const out: RuleRepair[] = [];
    this.#db.transaction(() => {
      const rows = this.#db.prepare<[], Row>('SELECT * FROM subscriptions ORDER BY id').all();
      for (const r of rows) {
        const images = repairPatterns(parseJson(r.images), imagePatternProblem);
        const events = repairPatterns(parseJson(r.events), eventPatternProblem);
        const problems = [...images.dropped.map((p) => `image ${p}`), ...events.dropped.map((p) => `event ${p}`)];
        const spec: SubscriptionSpec = { images: images.kept, events: events.kept, mode: r.mode, ...(r.digest_time !== null ? { digestTime: r.digest_time } : {}) };
        const unchanged = JSON.stringify(images.kept) === r.images && JSON.stringify(events.kept) === r.events;
        if (unchanged) continue;
        const key = specKey(spec);
        const duplicate = this.#db.prepare<[string, string, number], { id: number }>('SELECT id FROM subscriptions WHERE channel_key = ? AND spec_key = ? AND id <> ?').get(r.channel_key, key, r.id);
        if (!images.kept.length || !events.kept.length || duplicate) {
          this.#db.prepare('DELETE FROM subscriptions WHERE id = ?').run(r.id);
          out.push({ id: r.id, channel: r.channel_key, action: 'dropped', problems: duplicate ? [...problems, `same as rule #${duplicate.id} once repaired`] : problems });
        } else {
          this.#db.prepare('UPDATE subscriptions SET images = ?, events = ?, spec_key = ? WHERE id = ?').run(JSON.stringify(images.kept), JSON.stringify(events.kept), key, r.id);
          out.push({ id: r.id, channel: r.channel_key, action: 'repaired', problems: problems.length ? problems : ['patterns normalised'] });
        }
      }
    })();
    this.#cache = undefined;
    return out;
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
