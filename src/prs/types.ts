/**
 * What the PR and release-pipeline services answer with. Plain data: commands turn it into
 * RichText. Every string that came from GitHub (titles, logins, labels, check names) is
 * attacker-controlled and is only ever placed in RichText text parts, which the adapters escape.
 */
import type { PrReview, PrSnapshot } from '../core/events.js';
import type { HubTag } from '../hub/types.js';

export interface PrReviewInfo extends PrReview {
  /** The commit the review was made on, when GitHub says. */
  readonly commitOid?: string;
}

/** A PR as `pr`, `prs` and `queue` show it: the snapshot's facts plus what only a live query has. */
export interface PrDetail
  extends Pick<
    PrSnapshot,
    | 'number' | 'title' | 'url' | 'author' | 'state' | 'isDraft' | 'createdAt' | 'updatedAt' | 'mergedAt'
    | 'closedAt' | 'headOid' | 'images' | 'labels' | 'checks' | 'failingChecks' | 'changedFiles' | 'additions' | 'deletions'
  > {
  /** APPROVED | CHANGES_REQUESTED | REVIEW_REQUIRED; absent when GitHub gives none. */
  readonly reviewDecision?: string;
  /** Latest review per reviewer, newest first. */
  readonly reviews: readonly PrReviewInfo[];
  /** MERGEABLE | CONFLICTING | UNKNOWN (live answers only). */
  readonly mergeable?: string;
  /** BEHIND | BLOCKED | CLEAN | DIRTY | HAS_HOOKS | UNKNOWN | UNSTABLE (live answers only). */
  readonly mergeStateStatus?: string;
  /** true: new commits since the latest review; undefined: no review or unknown. */
  readonly changedSinceReview?: boolean;
  /** Where the answer came from: a live GitHub query or the bot's stored snapshot. */
  readonly source: 'live' | 'snapshot';
  /** For snapshots: when the bot recorded it (ms). */
  readonly recordedAt?: number;
}

export interface PrListing {
  readonly prs: readonly PrDetail[];
  /** The whole set was read (false: capped). */
  readonly complete: boolean;
  readonly source: 'live' | 'snapshot';
  /** When the data was read (ms). */
  readonly asOf: number;
}

export interface QueueInfo {
  /** Open, not draft, checks green, no review yet: oldest first. */
  readonly ready: readonly PrDetail[];
  /** Open, not draft, checks failing: oldest first. */
  readonly failing: readonly PrDetail[];
  readonly openCount: number;
  readonly source: 'live' | 'snapshot';
  readonly asOf: number;
}

/** A median delay the bot observed for a pipeline step. */
export interface StepEstimate {
  readonly step: 'repo-to-pr' | 'pr-to-merge' | 'merge-to-publish';
  readonly medianMs?: number;
  readonly samples: number;
}

export interface HubArchInfo {
  readonly arch: string;
  readonly digest?: string;
  readonly pushedAt?: number;
}

export interface WhenAnswer {
  readonly image: string;
  readonly version: string;
  /** Step 1: the image's own repository names the version on its default branch. */
  readonly repo:
    | { readonly kind: 'found'; readonly repo: string; readonly file: string; readonly at?: number; readonly timing: 'first-seen' | 'at-least-since' | 'last-changed'; readonly url: string }
    | { readonly kind: 'absent'; readonly repo: string; readonly checked: readonly string[] }
    | { readonly kind: 'unchecked'; readonly why: string };
  /** Step 2: an official-images PR that adds it, or the manifest already holding it. */
  readonly pr:
    | { readonly kind: 'pr'; readonly pr: PrDetail }
    | { readonly kind: 'in-library'; readonly tags: readonly string[] }
    | { readonly kind: 'none' }
    | { readonly kind: 'unchecked'; readonly why: string };
  /** Step 3: Docker Hub. */
  readonly hub:
    | {
        readonly kind: 'published';
        readonly tag: string;
        readonly digest?: string;
        readonly pushedAt?: number;
        readonly arches: readonly HubArchInfo[];
        /** Architectures the manifest lists that Hub does not show yet. */
        readonly pendingArches: readonly string[];
        /** The manifest's other tags for the same entry (3.14.2 -> 3.14, 3, latest). */
        readonly tags: readonly string[];
      }
    | { readonly kind: 'absent' }
    /** Hub did not answer within HUB_WAIT_MS; its lookup goes on, so asking again shows it. */
    | { readonly kind: 'pending' }
    | { readonly kind: 'unchecked'; readonly why: string };
  readonly estimates: readonly StepEstimate[];
  /** A newer version of the same line the manifest holds (3.14.2 asked, "3.14.7" listed): the asked one is superseded. */
  readonly current?: string;
}

export interface NotificationInfo {
  readonly id: number;
  readonly kind: 'tag' | 'pr';
  readonly image?: string;
  readonly tag?: string;
  readonly prNumber?: number;
  readonly createdAt: number;
  readonly state: 'pending' | 'fired' | 'cancelled';
  readonly firedAt?: number;
  /** "python:3.14.2 is published" / "PR #123 is merged or closed" */
  readonly description: string;
}

export type NotifyRequest = { readonly kind: 'tag'; readonly image: string; readonly tag: string } | { readonly kind: 'pr'; readonly number: number };

export type NotifyAddResult =
  | { readonly kind: 'created' | 'exists'; readonly notification: NotificationInfo }
  /** It already happened (as of `asOf`): nothing stored, the answer says what is there. */
  | {
      readonly kind: 'already';
      readonly asOf: number;
      readonly happened:
        | { readonly kind: 'published'; readonly image: string; readonly tag: string; readonly hub: HubTag }
        | { readonly kind: 'settled'; readonly pr: PrDetail };
    };
