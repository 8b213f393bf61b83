/**
 * Wording of the PR and release-pipeline answers. Pure: data in, neutral RichText out. Titles,
 * logins, labels and check names are attacker-controlled; they only ever go into text parts,
 * which each adapter escapes for its platform.
 */
import { formatAge } from '../src/core/clock.js';
import { capList, rt, type Inline, type Line, type RichText } from '../src/core/richtext.js';
import type { PrDetail, PrListing, QueueInfo } from '../src/services.js';

const TITLE_MAX = 120;
export const LIST_MAX = 8;

export function oneLine(text: string, max = TITLE_MAX): string {
  const t = text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export const ago = (now: number, t: number) => `${formatAge(now - t)} ago`;

export function stateText(pr: PrDetail, now: number): string {
  if (pr.state === 'MERGED') return `merged${pr.mergedAt !== undefined ? ` ${ago(now, pr.mergedAt)}` : ''}`;
  if (pr.state === 'CLOSED') return `closed without merging${pr.closedAt !== undefined ? ` ${ago(now, pr.closedAt)}` : ''}`;
  return pr.isDraft ? 'open, draft' : 'open';
}

export function checksText(pr: Pick<PrDetail, 'checks' | 'failingChecks'>): string {
  switch (pr.checks) {
    case 'SUCCESS':
      return 'checks passing';
    case 'FAILURE':
      return `checks failing${pr.failingChecks.length ? ` (${capList(pr.failingChecks.map((c) => oneLine(c, 60)), 3)})` : ''}`;
    case 'PENDING':
      return 'checks running';
    case 'NONE':
      return 'no checks yet';
  }
}

export function reviewText(pr: PrDetail): string {
  switch (pr.reviewDecision) {
    case 'APPROVED':
      return 'approved';
    case 'CHANGES_REQUESTED':
      return 'changes requested';
    default:
      return pr.reviews.length ? 'reviewed (no decision)' : 'no review yet';
  }
}

function reviewVerb(state: string): string {
  return state === 'APPROVED' ? 'approved' : state === 'CHANGES_REQUESTED' ? 'requested changes' : state === 'DISMISSED' ? 'was dismissed' : 'commented';
}

function mergeableText(pr: PrDetail): string | undefined {
  if (pr.state !== 'OPEN' || !pr.mergeable) return undefined;
  if (pr.mergeable === 'CONFLICTING') return 'merge conflicts';
  if (pr.mergeable === 'MERGEABLE') return `mergeable${pr.mergeStateStatus && pr.mergeStateStatus !== 'CLEAN' ? ` (${pr.mergeStateStatus.toLowerCase()})` : ''}`;
  return 'mergeability unknown';
}

/**
 * `pr <n>`: two lines. What a maintainer asks a PR for (state, checks, review, mergeability)
 * comes first, with the link; who, what and when follow.
 */
export function renderPr(pr: PrDetail, now: number): RichText {
  const status = [stateText(pr, now), checksText(pr), reviewText(pr)];
  const mergeable = mergeableText(pr);
  if (mergeable) status.push(mergeable);
  const record = pr.source === 'snapshot' ? ` (from the bot's record${pr.recordedAt !== undefined ? ` of ${ago(now, pr.recordedAt)}` : ''}; GitHub did not answer)` : '';
  const first = rt.line(rt.bold(`#${pr.number}`), ` ${oneLine(pr.title)}: ${status.join(' · ')}${record} `, rt.link(pr.url));
  const facts = [
    `by ${oneLine(pr.author, 40)}`,
    pr.images.length ? `images: ${capList(pr.images, 4)}` : 'no library/ files',
    ...(pr.labels.length ? [`labels: ${capList(pr.labels.map((l) => oneLine(l, 40)), 4)}`] : []),
    `opened ${ago(now, pr.createdAt)}, updated ${ago(now, pr.updatedAt)}`,
  ];
  if (pr.changedSinceReview === true) facts.push('diff changed since the last review');
  else if (pr.changedSinceReview === false) facts.push('no new commits since the last review');
  facts.push(`${pr.changedFiles} file${pr.changedFiles === 1 ? '' : 's'} +${pr.additions}/-${pr.deletions}`);
  if (pr.reviews.length) {
    const shown = pr.reviews.slice(0, 4).map((r) => `${oneLine(r.author, 40)} ${reviewVerb(r.state)} ${ago(now, r.submittedAt)}`);
    facts.push(`reviews: ${shown.join(', ')}${pr.reviews.length > 4 ? ` and ${pr.reviews.length - 4} more` : ''}`);
  }
  return { lines: [first, rt.line(facts.join(' · '))], wholeAnswerUrl: pr.url };
}

/** One compact line per PR in lists. */
export function prListLine(pr: PrDetail, now: number, extra?: string): Line {
  const parts: Inline[] = [rt.link(pr.url, `#${pr.number}`), rt.text(` ${oneLine(pr.title, 70)}`)];
  const facts = [
    ...(pr.images.length ? [capList(pr.images, 3)] : []),
    ...(pr.isDraft ? ['draft'] : []),
    checksText(pr),
    reviewText(pr),
    extra ?? `updated ${ago(now, pr.updatedAt)}`,
  ];
  parts.push(rt.text(` · ${facts.join(' · ')}`));
  return parts;
}

function sourceNote(source: 'live' | 'snapshot', asOf: number, now: number): string {
  return source === 'snapshot' ? ` (as of the bot's last poll, ${ago(now, asOf)})` : '';
}

export function renderPrs(listing: PrListing, image: string | undefined, repo: string, now: number): RichText {
  const prs = listing.prs;
  const what = image ? `open PRs touching ${image}` : 'open PRs';
  if (!prs.length) return rt.of(`No ${what} in ${repo}${sourceNote(listing.source, listing.asOf, now)}.`);
  const shown = prs.slice(0, LIST_MAX);
  const count = listing.complete ? `${prs.length}` : `${prs.length}+`;
  const more = prs.length - shown.length;
  const searchUrl = `https://github.com/${repo}/pulls?q=${encodeURIComponent(`is:pr is:open${image ? ` label:library/${image}` : ''} sort:updated-desc`)}`;
  return {
    lines: [
      rt.line(rt.bold(`${count} ${what}`), `, newest activity first${sourceNote(listing.source, listing.asOf, now)}:`),
      ...shown.map((p) => prListLine(p, now)),
      ...(more > 0 ? [rt.line(`…and ${more} more: `, rt.link(searchUrl))] : []),
    ],
    // A channel that shows only the start links to the same list on GitHub.
    wholeAnswerUrl: searchUrl,
  };
}

export function renderQueue(q: QueueInfo, repo: string, now: number): RichText {
  const lines: Line[] = [
    rt.line(
      rt.bold('Waiting on maintainers: '),
      `${q.ready.length} ready for review (checks green, no review yet), ${q.failing.length} with failing checks, of ${q.openCount} open PRs${sourceNote(q.source, q.asOf, now)}`,
    ),
  ];
  const half = Math.floor(LIST_MAX / 2);
  const ready = q.ready.slice(0, q.failing.length ? half : LIST_MAX);
  const failing = q.failing.slice(0, LIST_MAX - ready.length);
  for (const p of ready) lines.push([rt.text('ready: '), ...prListLine(p, now, `waiting ${formatAge(now - p.createdAt)}`)]);
  if (q.ready.length > ready.length) lines.push(rt.line(`…and ${q.ready.length - ready.length} more ready for review`));
  for (const p of failing) lines.push([rt.text('failing: '), ...prListLine(p, now, `opened ${ago(now, p.createdAt)}`)]);
  if (q.failing.length > failing.length) lines.push(rt.line(`…and ${q.failing.length - failing.length} more with failing checks`));
  if (!q.ready.length && !q.failing.length) lines.push(rt.line('Nothing waits on a review and nothing is failing in ', rt.link(`https://github.com/${repo}/pulls`)));
  return { lines, wholeAnswerUrl: `https://github.com/${repo}/pulls?q=${encodeURIComponent('is:pr is:open sort:created-asc')}` };
}
