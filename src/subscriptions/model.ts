import { imagesOf, type DomainEvent, type EventKind } from '../core/events.js';
import { globMatch } from '../core/glob.js';

export type SubscriptionMode = 'every' | 'merged-and-published' | 'digest';

export interface SubscriptionSpec {
  readonly images: readonly string[];
  readonly events: readonly string[];
  readonly mode: SubscriptionMode;
  /** "HH:MM" UTC, digest mode only. */
  readonly digestTime?: string;
}

export interface Subscription extends SubscriptionSpec {
  readonly id: number;
  readonly channel: string;
  readonly origin: 'config' | 'command';
  readonly createdBy?: string;
  readonly createdAt: number;
}

export const DEFAULT_DIGEST_TIME = '09:00';

/** Kinds that pass a merged-and-published subscription. */
const MERGED_AND_PUBLISHED: ReadonlySet<EventKind> = new Set(['pr.merged', 'image.published']);

export function kindMatches(spec: SubscriptionSpec, kind: EventKind): boolean {
  if (spec.mode === 'merged-and-published' && !MERGED_AND_PUBLISHED.has(kind)) return false;
  return spec.events.some((p) => globMatch(p, kind, { ignoreCase: true }));
}

export function imageMatches(spec: SubscriptionSpec, image: string): boolean {
  return spec.images.some((p) => globMatch(p, image, { ignoreCase: true }));
}

/**
 * The image selector for proposals: PRs official-images' labeller marks `new-image` (they add
 * a library/ file). No official image has this name; `subscribe new-image pr.*` follows them.
 */
export const NEW_IMAGE_SELECTOR = 'new-image';

/**
 * Does this subscription want this event? A PR that touches no library file (README fixes,
 * test changes) matches only subscriptions that take every image ("*").
 */
export function subscriptionMatches(spec: SubscriptionSpec, event: DomainEvent): boolean {
  if (!kindMatches(spec, event.kind)) return false;
  if (event.kind !== 'image.published' && event.pr.labels.includes(NEW_IMAGE_SELECTOR) && spec.images.some((i) => i.toLowerCase() === NEW_IMAGE_SELECTOR)) return true;
  const images = imagesOf(event);
  if (images.length === 0) return spec.images.includes('*');
  return images.some((i) => imageMatches(spec, i));
}

/** Canonical text of a spec: the same rule typed twice (or seeded twice) is one row. */
export function specKey(spec: SubscriptionSpec): string {
  const norm = (xs: readonly string[]) => [...new Set(xs.map((x) => x.toLowerCase()))].sort().join(',');
  return `${norm(spec.images)}|${norm(spec.events)}|${spec.mode}${spec.mode === 'digest' ? `@${spec.digestTime ?? DEFAULT_DIGEST_TIME}` : ''}`;
}

/** "#3: images python, node*; events pr.*; every transition" */
export function describeRule(sub: Subscription): string {
  const mode =
    sub.mode === 'every'
      ? 'every transition'
      : sub.mode === 'merged-and-published'
        ? 'merged and published only'
        : `daily digest at ${sub.digestTime ?? DEFAULT_DIGEST_TIME} UTC`;
  return `#${sub.id}: images ${sub.images.join(', ')}; events ${sub.events.join(', ')}; ${mode}${sub.origin === 'config' ? ' (from the config file)' : sub.createdBy ? ` (added by ${sub.createdBy})` : ''}`;
}

/** Which of a channel's subscriptions sends an event: "every" beats "merged", beats "digest". */
export function pickRule<S extends SubscriptionSpec & { id: number }>(subs: readonly S[], event: DomainEvent): S | undefined {
  const order: Record<SubscriptionMode, number> = { every: 0, 'merged-and-published': 1, digest: 2 };
  return subs
    .filter((s) => subscriptionMatches(s, event))
    .sort((a, b) => order[a.mode] - order[b.mode] || a.id - b.id)[0];
}
