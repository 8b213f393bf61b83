/**
 * Publish tracking: a library/ change (merged PR or direct push) is followed on Docker Hub until
 * every changed tag shows a push after the change on each architecture. Announcements are
 * grouped per image, late architectures come as a follow-up, and many images finishing in one
 * pass are rolled up into one message.
 */
import { createHash } from 'node:crypto';
import { bashbrewArchOf } from '../catalog/arch.js';
import type { Clock } from '../core/clock.js';
import { errorMessage, UpstreamError } from '../core/errors.js';
import { publishEventId, type ImagePublish, type ImagePublishedEvent } from '../core/events.js';
import type { Logger } from '../core/log.js';
import type { HubLookup, HubTag } from '../hub/types.js';
import type { Db } from '../store/db.js';
import type { EventPipeline } from './pipeline.js';
import { PublishRunStore, type NewPublishRun, type PublishRun } from './publish-store.js';

export type { NewPublishRun, PublishRun } from './publish-store.js';

export interface PublishTrackerOptions {
  readonly db: Db;
  readonly hub: HubLookup;
  readonly pipeline: EventPipeline;
  readonly clock: Clock;
  readonly log: Logger;
  /** Announce what is there once this long has passed since the first architecture landed. */
  readonly settleMs?: number;
  /** This many images announced in one pass become one roll-up message. */
  readonly rollupAt?: number;
  /** Give up waiting after this long. */
  readonly expireMs?: number;
  /** Hub requests per pass, so a storm of merges cannot flood Hub. */
  readonly maxRequestsPerPass?: number;
}

export class PublishTracker {
  readonly #o: Required<PublishTrackerOptions>;
  readonly #runs: PublishRunStore;
  lastSuccessAt: number | undefined;
  lastError: string | undefined;

  constructor(opts: PublishTrackerOptions) {
    this.#runs = new PublishRunStore(opts.db);
    this.#o = { settleMs: 20 * 60_000, rollupAt: 5, expireMs: 48 * 3600_000, maxRequestsPerPass: 60, ...opts };
  }

  /** Inside the caller's transaction (the poll tick that saw the library change). */
  record(runs: readonly NewPublishRun[]): void {
    this.#runs.record(runs, this.#o.clock.now());
  }

  pending(): PublishRun[] {
    return this.#runs.pending();
  }

  pendingImages(): string[] {
    return [...new Set(this.pending().map((r) => r.image))];
  }

  /** One pass: ask Hub about pending tags only, then record progress and announcements atomically. */
  async poll(): Promise<{ requests: number; announced: number }> {
    const now = this.#o.clock.now();
    const runs = this.pending();
    let requests = 0;
    const updates: Array<{ run: PublishRun; published: Record<string, number>; announce?: ImagePublish; digest?: string; done: boolean; expired: boolean }> = [];
    try {
      for (const run of runs) {
        if (now - run.changedAt > this.#o.expireMs) {
          updates.push({ run, published: { ...run.published }, done: false, expired: true });
          continue;
        }
        const published = { ...run.published };
        const allArches = [...new Set(run.tags.flatMap(([, a]) => a))].sort();
        const waiting = allArches.filter((a) => published[a] === undefined);
        const seen = new Map<string, HubTag | null>();
        let budgetLeft = true;
        for (const [tag, arches] of run.tags) {
          if (!arches.some((a) => waiting.includes(a))) continue;
          if (requests >= this.#o.maxRequestsPerPass) {
            budgetLeft = false;
            break;
          }
          requests++;
          seen.set(tag, await this.#o.hub.getTag(run.image, tag));
        }
        if (!budgetLeft && seen.size === 0) continue;
        for (const arch of waiting) {
          const relevant = run.tags.filter(([, a]) => a.includes(arch));
          const complete = relevant.every(([tag]) => {
            const hub = seen.get(tag);
            return hub ? this.#pushedSince(hub, arch, run.changedAt) : false;
          });
          if (complete && relevant.every(([tag]) => seen.has(tag))) published[arch] = now;
        }
        const firstTag = run.tags[0]?.[0];
        const digest = (firstTag && seen.get(firstTag)?.digest) || undefined;
        const unannounced = allArches.filter((a) => published[a] !== undefined && !run.announced.includes(a));
        const stillPending = allArches.filter((a) => published[a] === undefined);
        const firstLanding = Math.min(...Object.values(published));
        const settled = stillPending.length === 0 || now - firstLanding >= this.#o.settleMs;
        if (unannounced.length && settled) {
          const followUp = run.announced.length > 0;
          updates.push({
            run,
            published,
            ...(digest ? { digest } : {}),
            announce: {
              image: run.image,
              tags: run.tags.map(([t]) => t),
              newTags: run.newTags,
              arches: followUp ? unannounced : allArches.filter((a) => published[a] !== undefined),
              pendingArches: stillPending,
              reason: run.reason,
              followUp,
              ...(run.prNumber !== null ? { prNumber: run.prNumber } : { commitOid: run.commitOid }),
              ...(run.prUrl !== null ? { prUrl: run.prUrl } : {}),
            },
            done: stillPending.length === 0,
            expired: false,
          });
        } else if (JSON.stringify(published) !== JSON.stringify(run.published)) {
          updates.push({ run, published, done: false, expired: false });
        }
      }
    } catch (err) {
      // Hub trouble (429, 5xx): keep what we learned this pass, try again next pass.
      this.lastError = errorMessage(err);
      if (!(err instanceof UpstreamError)) throw err;
      this.#o.log.warn({ err }, 'hub poll failed; will retry');
    }

    const announced = updates.filter((u) => u.announce);
    const events = this.#events(announced, now);
    this.#o.pipeline.commitEvents(events, () => {
      for (const u of updates) {
        const announcedArches = u.announce ? [...u.run.announced, ...u.announce.arches] : u.run.announced;
        const state = u.expired ? 'expired' : u.done ? 'done' : 'pending';
        this.#runs.save(u.run.id, u.published, [...new Set(announcedArches)].sort(), state, now);
      }
    });
    if (!this.lastError || announced.length || requests) this.lastSuccessAt = now;
    return { requests, announced: announced.length };
  }

  #events(announced: ReadonlyArray<{ run: PublishRun; announce?: ImagePublish; digest?: string }>, now: number): ImagePublishedEvent[] {
    const items = announced.flatMap((u) => (u.announce ? [{ item: u.announce, id: publishEventId(u.run.image, u.digest ?? `${u.run.commitOid}:${u.announce.arches.join('+')}`) }] : []));
    if (items.length >= this.#o.rollupAt) {
      const id = `image.published:rollup:${createHash('sha1').update(items.map((i) => i.id).sort().join('\n')).digest('hex').slice(0, 16)}`;
      return [{ kind: 'image.published', id, occurredAt: now, items: items.map((i) => i.item) }];
    }
    return items.map(({ item, id }) => ({ kind: 'image.published', id, occurredAt: now, items: [item] }));
  }

  /** Hub shows this architecture of the tag pushed at or after the change. */
  #pushedSince(tag: HubTag, arch: string, since: number): boolean {
    return tag.images.some((img) => bashbrewArchOf(img) === arch && (img.lastPushed ?? tag.tagLastPushed ?? tag.lastUpdated ?? 0) >= since);
  }
}
