/**
 * Domain events: what the bot announces. Every event has a deterministic id built from the
 * facts that make it unique, so replaying a poll (after a crash, or a webhook plus a poll)
 * produces the same ids and the dedupe in seen_events / outbox catches it.
 */

export const EVENT_KINDS = [
  'pr.opened',
  'pr.ready',
  'pr.labeled',
  'pr.review.approved',
  'pr.review.changes-requested',
  'pr.checks.failed',
  'pr.checks.passed',
  'pr.pushed',
  'pr.merged',
  'pr.closed',
  'image.published',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

export type PrState = 'OPEN' | 'CLOSED' | 'MERGED';
export type ChecksState = 'SUCCESS' | 'FAILURE' | 'PENDING' | 'NONE';

export interface PrReview {
  readonly id: string;
  readonly state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  readonly author: string;
  /** ms since epoch */
  readonly submittedAt: number;
}

/** Everything the diff and the renderers need about one pull request at one moment. */
export interface PrSnapshot {
  /** "docker-library/official-images" */
  readonly repo: string;
  readonly number: number;
  /** Attacker-controlled: escaped by the adapters' renderers. */
  readonly title: string;
  readonly url: string;
  readonly author: string;
  readonly state: PrState;
  readonly isDraft: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly mergedAt?: number;
  readonly closedAt?: number;
  readonly headOid: string;
  readonly labels: readonly string[];
  /** Images touched, from changed library/* paths (and library/* labels), sorted. */
  readonly images: readonly string[];
  readonly changedFiles: number;
  readonly additions: number;
  readonly deletions: number;
  readonly reviews: readonly PrReview[];
  readonly checks: ChecksState;
  /** Names of failing checks (capped), for the failure message. */
  readonly failingChecks: readonly string[];
  /** library/<image> paths the PR adds, modifies or deletes. */
  readonly libraryFiles: readonly string[];
}

interface PrEventBase {
  readonly id: string;
  /** ms since epoch: when it happened upstream (review time, merge time, or the PR's updatedAt). */
  readonly occurredAt: number;
  readonly pr: PrSnapshot;
}

export type PrEvent =
  | (PrEventBase & { readonly kind: 'pr.opened' })
  | (PrEventBase & { readonly kind: 'pr.ready' })
  | (PrEventBase & { readonly kind: 'pr.labeled'; readonly label: string })
  | (PrEventBase & { readonly kind: 'pr.review.approved' | 'pr.review.changes-requested'; readonly review: PrReview })
  | (PrEventBase & { readonly kind: 'pr.checks.failed' | 'pr.checks.passed' })
  | (PrEventBase & { readonly kind: 'pr.pushed'; readonly previousHeadOid: string })
  | (PrEventBase & { readonly kind: 'pr.merged' })
  | (PrEventBase & { readonly kind: 'pr.closed' });

/** Why a tag was published, when the manifest change tells us. */
export type PublishReason = 'new-version' | 'rebuild' | 'unknown';

export interface ImagePublish {
  readonly image: string;
  /** Tags published, in manifest order. */
  readonly tags: readonly string[];
  /** Tags that did not exist before the change (a release). */
  readonly newTags: readonly string[];
  readonly arches: readonly string[];
  readonly pendingArches: readonly string[];
  readonly reason: PublishReason;
  /** True for a late-architecture follow-up to an earlier announcement. */
  readonly followUp: boolean;
  readonly prNumber?: number;
  readonly prUrl?: string;
  /** Set when the change reached library/ without a pull request. */
  readonly commitOid?: string;
}

export interface ImagePublishedEvent {
  readonly kind: 'image.published';
  readonly id: string;
  readonly occurredAt: number;
  /** One item per image; more than one is a roll-up. */
  readonly items: readonly ImagePublish[];
}

export type DomainEvent = PrEvent | ImagePublishedEvent;

export const prKey = (repo: string, number: number): string => `${repo}#${number}`;

/** Images an event concerns, for subscription matching. */
export function imagesOf(event: DomainEvent): readonly string[] {
  return event.kind === 'image.published' ? event.items.map((i) => i.image) : event.pr.images;
}

export function prEventId(kind: PrEvent['kind'], pr: Pick<PrSnapshot, 'repo' | 'number'>, suffix?: string): string {
  return `${kind}:${prKey(pr.repo, pr.number)}${suffix === undefined ? '' : `:${suffix}`}`;
}

export function publishEventId(image: string, digest: string): string {
  return `image.published:${image}:${digest}`;
}
