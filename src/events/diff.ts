import { prEventId, type PrEvent, type PrSnapshot } from '../core/events.js';

export interface DiffContext {
  /**
   * When the bot first recorded the present (ms). A PR we have never seen is "opened" only if it
   * was created after this; older unseen PRs are recorded silently except for transitions whose
   * own timestamps are after it (a merge, a close, a review).
   */
  readonly baselineAt: number;
}

/** Pure: the events that take `prev` to `next` (prev undefined = first sight of this PR). */
export function diffPr(prev: PrSnapshot | undefined, next: PrSnapshot, ctx: DiffContext): PrEvent[] {
  const out: PrEvent[] = [];
  let before: PrSnapshot;
  if (prev) {
    before = prev;
  } else if (next.createdAt >= ctx.baselineAt) {
    out.push({ kind: 'pr.opened', id: prEventId('pr.opened', next), occurredAt: next.createdAt, pr: next });
    // The opened message already shows labels, draft state and head; what follows is news.
    before = { ...next, state: 'OPEN', reviews: [], checks: 'PENDING', failingChecks: [] };
  } else {
    before = {
      ...next,
      state: next.state === 'MERGED' && (next.mergedAt ?? 0) >= ctx.baselineAt ? 'OPEN' : next.state === 'CLOSED' && (next.closedAt ?? 0) >= ctx.baselineAt ? 'OPEN' : next.state,
      reviews: next.reviews.filter((r) => r.submittedAt < ctx.baselineAt),
    };
  }

  if (before.isDraft && !next.isDraft && next.state === 'OPEN') {
    out.push({ kind: 'pr.ready', id: prEventId('pr.ready', next, next.headOid), occurredAt: next.updatedAt, pr: next });
  }
  if (before.headOid !== next.headOid) {
    out.push({
      kind: 'pr.pushed',
      id: prEventId('pr.pushed', next, next.headOid),
      occurredAt: next.updatedAt,
      pr: next,
      previousHeadOid: before.headOid,
    });
  }
  const hadLabels = new Set(before.labels);
  for (const label of next.labels) {
    if (hadLabels.has(label)) continue;
    out.push({ kind: 'pr.labeled', id: prEventId('pr.labeled', next, label), occurredAt: next.updatedAt, pr: next, label });
  }
  const hadReviews = new Set(before.reviews.map((r) => r.id));
  for (const review of [...next.reviews].sort((a, b) => a.submittedAt - b.submittedAt)) {
    if (hadReviews.has(review.id)) continue;
    const kind = review.state === 'APPROVED' ? 'pr.review.approved' : review.state === 'CHANGES_REQUESTED' ? 'pr.review.changes-requested' : undefined;
    if (!kind) continue;
    out.push({ kind, id: prEventId(kind, next, review.id), occurredAt: review.submittedAt, pr: next, review });
  }
  const checksChanged = before.checks !== next.checks || before.headOid !== next.headOid;
  if (checksChanged && (next.checks === 'FAILURE' || next.checks === 'SUCCESS')) {
    const kind = next.checks === 'FAILURE' ? 'pr.checks.failed' : 'pr.checks.passed';
    out.push({ kind, id: prEventId(kind, next, next.headOid), occurredAt: next.updatedAt, pr: next });
  }
  if (before.state !== 'MERGED' && next.state === 'MERGED') {
    out.push({ kind: 'pr.merged', id: prEventId('pr.merged', next), occurredAt: next.mergedAt ?? next.updatedAt, pr: next });
  } else if (before.state === 'OPEN' && next.state === 'CLOSED') {
    out.push({ kind: 'pr.closed', id: prEventId('pr.closed', next), occurredAt: next.closedAt ?? next.updatedAt, pr: next });
  }
  return out;
}

/**
 * Pure: events for a batch of PR snapshots against the stored ones. A PR updated twice between
 * two polls gives one coherent set of transitions (we only ever see the latest state).
 */
export function diffPrs(previous: ReadonlyMap<string, PrSnapshot>, next: readonly PrSnapshot[], ctx: DiffContext): PrEvent[] {
  return next.flatMap((pr) => diffPr(previous.get(`${pr.repo}#${pr.number}`), pr, ctx));
}
