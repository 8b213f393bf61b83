/**
 * Rebuild detection: a base-image refresh republishes images without any library/ change, so
 * the publish tracker (which follows library/ changes) never sees it. Each Hub pass spends a
 * small budget (a few tag listings) on the next subscribed images in rotation, compares tag
 * digests with the last ones seen, and records a new digest with no tracked library change as
 * a rebuild. Rebuilds are held for a window and then announced together: one roll-up when many
 * images were republished at once.
 *
 * Honest limits: only the most recently updated page of tags is compared (the tags a rebuild
 * touches first), an image is looked at once per rotation, so a rebuild is noticed up to one
 * rotation late, and a digest change while a library change of that image is being tracked is
 * left to the publish tracker.
 */
import { createHash } from 'node:crypto';
import { bashbrewArchOf } from '../catalog/arch.js';
import type { Clock } from '../core/clock.js';
import { errorMessage, UpstreamError } from '../core/errors.js';
import type { ImagePublish, ImagePublishedEvent } from '../core/events.js';
import type { Logger } from '../core/log.js';
import type { HubLookup } from '../hub/types.js';
import type { Db } from '../store/db.js';
import { imageMatches, kindMatches } from '../subscriptions/model.js';
import type { SubscriptionStore } from '../subscriptions/store.js';
import { LibraryFileStore } from './library-files-store.js';
import type { EventPipeline } from './pipeline.js';
import { PublishRunStore } from './publish-store.js';
import { RebuildStore, type HeldRebuild } from './rebuild-store.js';

export interface RebuildWatcherOptions {
  readonly db: Db;
  readonly hub: HubLookup;
  readonly pipeline: EventPipeline;
  readonly subscriptions: SubscriptionStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Hub tag listings per pass (0 turns rebuild detection off). */
  readonly checksPerPass?: number;
  /** Rebuilds are held this long after the first one, so a refresh storm becomes one roll-up. */
  readonly windowMs?: number;
  /** This many images republished in one window are announced as one roll-up. */
  readonly rollupAt?: number;
  /** A library change this close before the previous look explains a new digest too. */
  readonly attributionMarginMs?: number;
}

const sha = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 16);

export class RebuildWatcher {
  readonly #o: Required<RebuildWatcherOptions>;
  /** Rotation position: the next image to look at is the first name after this one. */
  #after = '';
  lastError: string | undefined;
  readonly #store: RebuildStore;
  readonly #library: LibraryFileStore;
  readonly #runs: PublishRunStore;

  constructor(opts: RebuildWatcherOptions) {
    this.#o = { checksPerPass: 3, windowMs: 30 * 60_000, rollupAt: 5, attributionMarginMs: 60 * 60_000, ...opts };
    this.#store = new RebuildStore(opts.db);
    this.#library = new LibraryFileStore(opts.db);
    this.#runs = new PublishRunStore(opts.db);
  }

  /** Images some subscription would hear about, among those in the library/ tree. */
  watched(): string[] {
    const subs = this.#o.subscriptions.all().filter((s) => kindMatches(s, 'image.published'));
    if (!subs.length) return [];
    return this.#library.images().filter((image) => subs.some((s) => imageMatches(s, image)));
  }

  /** One pass: look at the next few images, then announce the rebuilds whose window closed. */
  async poll(): Promise<{ checked: string[]; announced: number }> {
    const { hub, clock } = this.#o;
    const images = this.watched();
    const count = Math.min(this.#o.checksPerPass, images.length);
    const start = Math.max(0, images.findIndex((i) => i > this.#after));
    const turn = Array.from({ length: count }, (_, k) => images[(start + k) % images.length]!);
    const looked: Array<{ image: string; tags: Awaited<ReturnType<HubLookup['listTags']>> }> = [];
    try {
      for (const image of turn) {
        looked.push({ image, tags: await hub.listTags(image, { maxPages: 1, maxAgeMs: 0 }) });
        this.#after = image;
      }
      this.lastError = undefined;
    } catch (err) {
      // Hub trouble: keep what this pass learned; the rotation resumes where it stopped.
      this.lastError = errorMessage(err);
      if (!(err instanceof UpstreamError)) throw err;
      this.#o.log.warn({ err }, 'hub rebuild check failed; will retry');
    }

    const now = clock.now();
    const detections: Array<{ image: string; key: string; tags: string[]; arches: string[] }> = [];
    const writes: Array<{ image: string; tag: string; digest: string }> = [];
    for (const { image, tags } of looked) {
      const prev = new Map(this.#store.digests(image).map((r) => [r.tag, r]));
      const changed: string[] = [];
      const arches = new Set<string>();
      let since = Infinity;
      for (const t of tags) {
        if (!t.digest) continue;
        writes.push({ image, tag: t.name, digest: t.digest });
        const before = prev.get(t.name);
        // A tag seen for the first time is a new version (the publish tracker's) or first sight.
        if (!before || before.digest === t.digest) continue;
        changed.push(t.name);
        since = Math.min(since, before.checkedAt);
        for (const img of t.images) {
          const arch = bashbrewArchOf(img);
          if (arch) arches.add(arch);
        }
      }
      if (!changed.length) continue;
      // A publish run (tracked or recently finished) or any manifest change since the last look
      // explains the new digests better than a rebuild does.
      if (this.#runs.activeSince(image, since - this.#o.attributionMarginMs) || this.#library.changedAfter(image, since)) continue;
      const digests = tags.filter((t) => changed.includes(t.name)).map((t) => `${t.name}=${t.digest}`).sort();
      detections.push({ image, key: `${image}:${sha(digests.join('\n'))}`, tags: changed, arches: [...arches].sort() });
    }

    // Detections and digests are stored first, so the window below sees this pass's rebuilds.
    this.#store.recordPass(detections, writes, now);
    if (detections.length) this.#o.log.info({ images: detections.map((d) => d.image) }, 'new digests without a library change: rebuilds');

    const held = this.#store.held();
    const due = held.length > 0 && Math.min(...held.map((r) => r.detectedAt)) <= now - this.#o.windowMs;
    if (!due) return { checked: looked.map((l) => l.image), announced: 0 };
    const events = this.#events(held, now);
    this.#o.pipeline.commitEvents(events, () => this.#store.markAnnounced(held.map((r) => r.id)));
    return { checked: looked.map((l) => l.image), announced: held.length };
  }

  #events(held: readonly HeldRebuild[], now: number): ImagePublishedEvent[] {
    const item = (r: HeldRebuild): ImagePublish => ({
      image: r.image,
      tags: r.tags,
      newTags: [],
      arches: r.arches,
      pendingArches: [],
      reason: 'rebuild',
      followUp: false,
    });
    if (held.length >= this.#o.rollupAt) {
      return [{ kind: 'image.published', id: `image.published:rebuild-rollup:${sha(held.map((r) => r.key).join('\n'))}`, occurredAt: now, items: held.map(item) }];
    }
    return held.map((r) => ({ kind: 'image.published', id: `image.published:rebuild:${r.key}`, occurredAt: now, items: [item(r)] }));
  }
}
