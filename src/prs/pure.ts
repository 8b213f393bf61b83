/**
 * Pure helpers of the PR and release-pipeline answers: wire -> PrDetail, version matching,
 * medians, and request parsing for the free-form handlers. No I/O.
 */
import type { PrSnapshot } from '../core/events.js';
import { toSnapshot } from '../github/pr-poll.js';
import type { PrDetailWire } from '../github/pr-fields.js';
import type { PrDetail, PrReviewInfo } from './types.js';

/** Version text users and manifests use: 3.14.1, 24.1, 1.27.0-alpine is not one (tags are). */
export const VERSION = /^v?\d+(?:\.\d+){0,3}(?:[-.]?(?:rc|alpha|beta|a|b|pre|preview)\.?\d*)?$/i;

export function normaliseVersion(text: string): string | undefined {
  const t = text.trim().replace(/^v(?=\d)/i, '');
  return VERSION.test(t) && t.length <= 40 ? t : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Matches a version inside text: "3.14.1" matches "3.14.1", "3.14.1-slim" and "3.14.1.2" but
 * not "3.14.10", "13.14.1" or "3.14.1rc1"; "24.1" also matches "24.1.0" (the user asked for
 * the 24.1 line).
 */
export function versionPattern(version: string): RegExp {
  return new RegExp(`(?<![\\w.])v?${escapeRegExp(version)}(?:\\.\\d+)*(?![\\w])`, 'i');
}

export function namesVersion(text: string | null | undefined, version: string): boolean {
  return typeof text === 'string' && versionPattern(version).test(text);
}

export function median(values: readonly number[]): number | undefined {
  if (!values.length) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : Math.round((s[mid - 1]! + s[mid]!) / 2);
}

/** Pure: a live GraphQL PR node -> PrDetail. */
export function detailFromWire(repo: string, node: PrDetailWire): PrDetail {
  const snap = toSnapshot(repo, node);
  const reviews: PrReviewInfo[] = (node.latestReviews?.nodes ?? [])
    .flatMap((r) => {
      if (!r?.submittedAt) return [];
      const at = Date.parse(r.submittedAt);
      return [{ id: r.id, state: r.state, author: r.author?.login ?? 'ghost', submittedAt: Number.isFinite(at) ? at : 0, ...(r.commit?.oid ? { commitOid: r.commit.oid } : {}) }];
    })
    .sort((a, b) => b.submittedAt - a.submittedAt);
  // Comments never change the code: only the latest review that judged the diff counts.
  const judged = reviews.find((r) => r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED') ?? reviews[0];
  return {
    ...fromSnapshotFields(snap),
    reviews,
    ...(node.reviewDecision ? { reviewDecision: node.reviewDecision } : {}),
    ...(node.mergeable ? { mergeable: node.mergeable } : {}),
    ...(node.mergeStateStatus ? { mergeStateStatus: node.mergeStateStatus } : {}),
    ...(judged?.commitOid ? { changedSinceReview: judged.commitOid !== snap.headOid } : {}),
    source: 'live',
  };
}

/** Pure: the events pipeline's stored snapshot -> PrDetail (no mergeability, no review commits). */
export function detailFromSnapshot(snap: PrSnapshot, recordedAt: number | undefined): PrDetail {
  const reviews = [...snap.reviews].sort((a, b) => b.submittedAt - a.submittedAt);
  return {
    ...fromSnapshotFields(snap),
    reviews,
    ...(decisionOf(reviews) ? { reviewDecision: decisionOf(reviews)! } : {}),
    source: 'snapshot',
    ...(recordedAt !== undefined ? { recordedAt } : {}),
  };
}

function decisionOf(reviews: readonly PrReviewInfo[]): string | undefined {
  if (reviews.some((r) => r.state === 'CHANGES_REQUESTED')) return 'CHANGES_REQUESTED';
  if (reviews.some((r) => r.state === 'APPROVED')) return 'APPROVED';
  return undefined;
}

function fromSnapshotFields(snap: PrSnapshot): Omit<PrDetail, 'reviews' | 'source'> {
  return {
    number: snap.number,
    title: snap.title,
    url: snap.url,
    author: snap.author,
    state: snap.state,
    isDraft: snap.isDraft,
    createdAt: snap.createdAt,
    updatedAt: snap.updatedAt,
    ...(snap.mergedAt !== undefined ? { mergedAt: snap.mergedAt } : {}),
    ...(snap.closedAt !== undefined ? { closedAt: snap.closedAt } : {}),
    headOid: snap.headOid,
    images: snap.images,
    labels: snap.labels,
    checks: snap.checks,
    failingChecks: snap.failingChecks,
    changedFiles: snap.changedFiles,
    additions: snap.additions,
    deletions: snap.deletions,
  };
}

/** "#12345", "pr 12345", ".../official-images/pull/12345" -> 12345 for that repo. */
export function prNumberIn(text: string, repo: string): number | undefined {
  const t = text.trim();
  const bare = /^(?:pr\s*)?#(\d{1,7})[?.!]*$/i.exec(t);
  if (bare) return Number(bare[1]);
  const url = /^<?https?:\/\/(?:www\.)?github\.com\/([\w.-]+\/[\w.-]+)\/pull\/(\d{1,7})(?:[/#?][^\s>]*)?>?$/i.exec(t);
  if (url && url[1]!.toLowerCase() === repo.toLowerCase()) return Number(url[2]);
  return undefined;
}

/**
 * "when will python 3.14.1 be available?", "when is node 24.1 out", "is python 3.14.1 out yet",
 * "when python:3.14.1" -> image word and version; undefined when the text is not such a question.
 */
export function parseWhenQuestion(text: string): { image: string; version: string } | undefined {
  const t = text.trim().replace(/[?!.]+$/, '');
  if (t.length > 200) return undefined;
  if (!/^(?:when\b|is\b|has\b|any news\b|eta\b)/i.test(t)) return undefined;
  if (!/\b(?:available|out|released?|published|land|ship(?:ped)?|ready|arrive|be there|come|eta)\b|^when\b/i.test(t)) return undefined;
  const words = t.split(/\s+/).map((w) => w.replace(/^[("'`]+|[)"'`,;]+$/g, ''));
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const colon = w.indexOf(':');
    if (colon > 0) {
      const version = normaliseVersion(w.slice(colon + 1));
      if (version) return { image: w.slice(0, colon).toLowerCase(), version };
    }
    const version = normaliseVersion(w);
    if (version && i > 0 && /^[a-z0-9][a-z0-9._-]*$/i.test(words[i - 1]!) && !STOP_WORDS.has(words[i - 1]!.toLowerCase())) {
      return { image: words[i - 1]!.toLowerCase(), version };
    }
  }
  return undefined;
}

const STOP_WORDS = new Set(['when', 'is', 'will', 'be', 'has', 'the', 'version', 'of', 'for', 'eta', 'out']);
