/**
 * Wording of the PR and release-pipeline answers. Pure: data in, neutral RichText out. Titles,
 * logins, labels and check names are attacker-controlled; they only ever go into text parts,
 * which each adapter escapes for its platform.
 */
import { formatAge } from '../src/core/clock.js';
import { capList, rt, type Inline, type Line, type RichText } from '../src/core/richtext.js';
import type { PrDetail, PrListing, QueueInfo, WhenAnswer } from '../src/services.js';

const TITLE_MAX = 120;
export const LIST_MAX = 8;

export function oneLine(text: string, max = TITLE_MAX): string {
  const t = text.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

const ago = (now: number, t: number) => `${formatAge(now - t)} ago`;

function stateText(pr: PrDetail, now: number): string {
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

/** `pr <n>`: at most four compact lines. */
export function renderPr(pr: PrDetail, now: number): RichText {
  const lines: Line[] = [];
  lines.push(rt.line(rt.bold(`#${pr.number}`), ` ${oneLine(pr.title)} `, rt.link(pr.url)));
  const facts = [
    stateText(pr, now),
    `by ${oneLine(pr.author, 40)}`,
    pr.images.length ? `images: ${capList(pr.images, 4)}` : 'no library/ files',
    ...(pr.labels.length ? [`labels: ${capList(pr.labels.map((l) => oneLine(l, 40)), 4)}`] : []),
    `opened ${ago(now, pr.createdAt)}, updated ${ago(now, pr.updatedAt)}`,
  ];
  lines.push(rt.line(facts.join(' · ')));
  const status = [checksText(pr), reviewText(pr)];
  const mergeable = mergeableText(pr);
  if (mergeable) status.push(mergeable);
  if (pr.changedSinceReview === true) status.push('diff changed since the last review');
  else if (pr.changedSinceReview === false) status.push('no new commits since the last review');
  status.push(`${pr.changedFiles} file${pr.changedFiles === 1 ? '' : 's'} +${pr.additions}/-${pr.deletions}`);
  lines.push(rt.line(status.join(' · ')));
  if (pr.reviews.length) {
    const shown = pr.reviews.slice(0, 4).map((r) => `${oneLine(r.author, 40)} ${reviewVerb(r.state)} ${ago(now, r.submittedAt)}`);
    lines.push(rt.line(`reviews: ${shown.join(', ')}${pr.reviews.length > 4 ? ` and ${pr.reviews.length - 4} more` : ''}`));
  }
  if (pr.source === 'snapshot') {
    const last = lines[lines.length - 1]!;
    lines[lines.length - 1] = [...last, rt.text(` (from the bot's record${pr.recordedAt !== undefined ? ` of ${ago(now, pr.recordedAt)}` : ''}; GitHub did not answer)`)];
  }
  return { lines };
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
  return { lines };
}

// ---- when ----

const STEP_NAMES = { 'repo-to-pr': 'PR opened', 'pr-to-merge': 'merge', 'merge-to-publish': 'publish' } as const;
const STEP_AFTER = { 'repo-to-pr': 'after the source repo', 'pr-to-merge': 'after the PR opens', 'merge-to-publish': 'after the merge' } as const;

function estimateText(a: WhenAnswer, remaining: ReadonlyArray<keyof typeof STEP_NAMES>): string | undefined {
  if (!remaining.length) return undefined;
  const parts = remaining.map((step) => {
    const e = a.estimates.find((x) => x.step === step);
    if (!e || e.medianMs === undefined || e.samples === 0) return `${STEP_NAMES[step]}: no estimate yet (0 samples)`;
    return `${STEP_NAMES[step]} ~${formatAge(e.medianMs)} ${STEP_AFTER[step]} (median of ${e.samples} observed)`;
  });
  return `Rough estimate: ${parts.join('; ')}`;
}

function shortDigest(d: string | undefined): string {
  if (!d) return '?';
  const m = /^(sha256:)([0-9a-f]{12})[0-9a-f]*$/.exec(d);
  return m ? `${m[1]}${m[2]}` : d.slice(0, 20);
}

/** `when <image> <version>`: a headline, then one line per pipeline step. */
export function renderWhen(a: WhenAnswer, repo: string, now: number): RichText {
  const name = `${a.image} ${a.version}`;
  const { repo: src, pr, hub } = a;
  const hubPublished = hub.kind === 'published';
  const merged = (pr.kind === 'pr' && pr.pr.state === 'MERGED') || pr.kind === 'in-library';
  const openPr = pr.kind === 'pr' && pr.pr.state === 'OPEN' ? pr.pr : undefined;

  if (a.current !== undefined) {
    const still = hub.kind === 'published' ? `; Docker Hub still has ${a.image}:${a.version}, but it gets no updates` : hub.kind === 'unchecked' ? `; Docker Hub state unknown (${hub.why})` : '';
    return rt.of(rt.line(rt.bold(name), `: superseded: library/${a.image} is at ${a.current}, so ${a.version} will not be built again${still}.`));
  }
  if (!hubPublished && !merged && !openPr && src.kind !== 'found') {
    const checked = [
      src.kind === 'absent' ? `${src.repo} does not name it (checked ${capList(src.checked.length ? src.checked : ['its default branch'], 3)})` : `source repo not checked (${src.why})`,
      pr.kind === 'unchecked' ? `official-images PR state unknown (${pr.why})` : pr.kind === 'pr' ? `the only PR naming it, #${pr.pr.number}, was closed without merging` : 'no official-images PR names it',
      hub.kind === 'unchecked' ? `Docker Hub state unknown (${hub.why})` : `Docker Hub has no ${a.image}:${a.version} tag`,
    ];
    // "Nothing has started" only when every step could be checked.
    const verdict = pr.kind === 'unchecked' || hub.kind === 'unchecked' ? 'not seen where I could look, and part of the pipeline is unknown' : 'nothing has started yet';
    return rt.of(rt.line(rt.bold(name), `: ${verdict}: ${checked.join('; ')}.`));
  }

  let headline: string;
  let remaining: Array<keyof typeof STEP_NAMES>;
  if (hubPublished && hub.pendingArches.length === 0) {
    headline = `published on Docker Hub${hub.arches.length ? ` for ${hub.arches.length} architecture${hub.arches.length === 1 ? '' : 's'}` : ''}`;
    remaining = [];
  } else if (hubPublished) {
    headline = `published on ${hub.arches.length} of ${hub.arches.length + hub.pendingArches.length} architectures; still building: ${capList(hub.pendingArches, 6)}`;
    remaining = ['merge-to-publish'];
  } else if (merged && hub.kind === 'unchecked') {
    headline = `merged into official-images; Docker Hub state unknown (${hub.why}), so whether it is built and pushed is unknown`;
    remaining = ['merge-to-publish'];
  } else if (merged) {
    headline = 'merged into official-images; waiting for the build and push to Docker Hub';
    remaining = ['merge-to-publish'];
  } else if (openPr) {
    headline = `in review: official-images PR #${openPr.number} is open${openPr.isDraft ? ' (draft)' : ''}`;
    remaining = ['pr-to-merge', 'merge-to-publish'];
  } else {
    const where = src.kind === 'found' ? src.repo : 'its source repository';
    headline = pr.kind === 'unchecked' ? `in ${where}; official-images PR state unknown (${pr.why})` : `in ${where} only; no official-images PR yet`;
    remaining = ['repo-to-pr', 'pr-to-merge', 'merge-to-publish'];
  }
  const lines: Line[] = [rt.line(rt.bold(name), `: ${headline}`)];

  // 1. source repository
  if (src.kind === 'found') {
    const when =
      src.at === undefined ? '' : src.timing === 'first-seen' ? ` since ${ago(now, src.at)}` : src.timing === 'at-least-since' ? ` for at least ${formatAge(now - src.at)}` : ` (file last changed ${ago(now, src.at)})`;
    lines.push(rt.line(`1. source: ${src.repo} ${src.file} names it${when} `, rt.link(src.url)));
  } else if (src.kind === 'absent') {
    lines.push(rt.line(`1. source: ${src.repo} does not name it (checked ${capList(src.checked.length ? src.checked : ['its default branch'], 3)})`));
  } else {
    lines.push(rt.line(`1. source: not checked (${src.why})`));
  }

  // 2. official-images
  if (pr.kind === 'pr') {
    const p = pr.pr;
    const status = p.state === 'OPEN' ? `open ${ago(now, p.createdAt)}, ${checksText(p)}, ${reviewText(p)}` : stateText(p, now);
    lines.push([rt.text('2. official-images: '), rt.link(p.url, `PR #${p.number}`), rt.text(` ${status}: ${oneLine(p.title, 70)}`)]);
  } else if (pr.kind === 'in-library') {
    lines.push(rt.line(`2. official-images: library/${a.image} lists it (tags ${capList(pr.tags, 5)}); no PR found`));
  } else if (pr.kind === 'none') {
    lines.push(rt.line(`2. official-images: no PR names ${a.version} yet `, rt.link(`https://github.com/${repo}/pulls?q=${encodeURIComponent(`is:pr label:library/${a.image}`)}`)));
  } else {
    lines.push(rt.line(`2. official-images: PR state unknown (${pr.why})`));
  }

  // 3. Docker Hub
  if (hub.kind === 'published') {
    const arches = hub.arches.map((x) => `${x.arch} ${shortDigest(x.digest)}`);
    const hubUrl = `https://hub.docker.com/_/${encodeURIComponent(a.image)}/tags?name=${encodeURIComponent(a.version)}`;
    lines.push(
      rt.line(
        `3. Docker Hub: ${a.image}:${hub.tag}${hub.pushedAt !== undefined ? ` pushed ${ago(now, hub.pushedAt)}` : ''}`,
        ...(hub.digest ? [', digest ', rt.code(hub.digest)] : []),
        hub.tags.length ? `; also tagged ${capList(hub.tags, 6)}` : '',
        arches.length ? `; ${capList(arches, 6)}` : '',
        hub.pendingArches.length ? `; pending: ${capList(hub.pendingArches, 6)}` : '',
        ' ',
        rt.link(hubUrl),
      ),
    );
  } else if (hub.kind === 'absent') {
    lines.push(rt.line(`3. Docker Hub: no ${a.image}:${a.version} tag yet`));
  } else {
    lines.push(rt.line(`3. Docker Hub: state unknown (${hub.why})`));
  }
  const estimate = estimateText(a, remaining);
  if (estimate) lines[0] = [...lines[0]!, rt.text(`. ${estimate}`)];
  return { lines };
}
