/**
 * Wording of `when <image> <version>`: at most two chat lines, each one IRC message in a channel.
 * Line 1 is the key fact (superseded, on Docker Hub since ..., merged in PR #N, in review in PR
 * #N, only in the source repo) with the estimate for what is left; line 2 starts with the link
 * to the PR or the Docker Hub tag, kept whole, then the other steps as far as they fit. A step
 * the bot could not check is called unknown (or pending, when Docker Hub is only slow), never
 * "not started" or "waiting".
 */
import { formatAge } from '../src/core/clock.js';
import { capList, rt, type Inline, type Line, type RichText } from '../src/core/richtext.js';
import type { PrDetail, WhenAnswer } from '../src/services.js';
import { fitList, LINE_BYTES, lineBytes } from './catalog-fit.js';
import { ago, checksText, oneLine, reviewText, stateText } from './pr-render.js';

const STEP_NAMES = { 'repo-to-pr': 'PR opened', 'pr-to-merge': 'merge', 'merge-to-publish': 'publish' } as const;
const STEP_AFTER = { 'repo-to-pr': 'after the source repo', 'pr-to-merge': 'after the PR opens', 'merge-to-publish': 'after the merge' } as const;
type Step = keyof typeof STEP_NAMES;

const SEP = ' · ';
/** Room kept for the answer's longest list (pending architectures, other tags). */
const LIST_BYTES = 90;

/**
 * One segment of a line: alternatives from the fullest to the shortest; the first that still
 * fits is shown, none when none fits.
 */
type Segment = readonly Line[];

/** `head` and then each segment that still fits in one line, separated by `sep`. */
function fitLine(head: Line, segments: readonly Segment[], sep: string): Line {
  const line: Inline[] = [...head];
  for (const choices of segments) {
    for (const choice of choices) {
      const joined: Line = line.length ? [rt.text(sep), ...choice] : choice;
      if (lineBytes(line) + lineBytes(joined) > LINE_BYTES) continue;
      line.push(...joined);
      break;
    }
  }
  return line;
}

function estimateText(a: WhenAnswer, remaining: readonly Step[]): string | undefined {
  if (!remaining.length) return undefined;
  const known: string[] = [];
  const unknown: string[] = [];
  for (const step of remaining) {
    const e = a.estimates.find((x) => x.step === step);
    if (!e || e.medianMs === undefined || e.samples === 0) unknown.push(STEP_NAMES[step]);
    else known.push(`${STEP_NAMES[step]} ~${formatAge(e.medianMs)} ${STEP_AFTER[step]} (median of ${e.samples} observed)`);
  }
  if (unknown.length) known.push(`${unknown.join(', ')}: no estimate yet (0 samples)`);
  return `Rough estimate: ${known.join('; ')}`;
}

function shortDigest(d: string | undefined): string {
  if (!d) return '?';
  const m = /^(sha256:)([0-9a-f]{12})[0-9a-f]*$/.exec(d);
  return m ? `${m[1]}${m[2]}` : d.slice(0, 20);
}

function hubTagUrl(a: WhenAnswer): string {
  return `https://hub.docker.com/_/${encodeURIComponent(a.image)}/tags?name=${encodeURIComponent(a.version)}`;
}

/** What the answer says about Docker Hub when it has no tag to show. */
function hubUnknownText(hub: WhenAnswer['hub'], image: string, version: string): string {
  switch (hub.kind) {
    case 'pending':
      return 'Docker Hub: pending (slow to answer; ask again in a few seconds)';
    case 'unchecked':
      return `Docker Hub state unknown (${hub.why})`;
    case 'absent':
      return `Docker Hub has no ${image}:${version} tag`;
    case 'published':
      return `Docker Hub has ${image}:${hub.tag}`;
  }
}

function sourceSegment(src: WhenAnswer['repo'], now: number): Segment {
  if (src.kind === 'found') {
    const when =
      src.at === undefined ? '' : src.timing === 'first-seen' ? ` since ${ago(now, src.at)}` : src.timing === 'at-least-since' ? ` for at least ${formatAge(now - src.at)}` : ` (file last changed ${ago(now, src.at)})`;
    return [rt.line(`source: ${src.repo} ${src.file} names it${when} `, rt.link(src.url)), rt.line(`source: ${src.repo} ${src.file} names it${when}`)];
  }
  if (src.kind === 'absent') return [rt.line(`source: ${src.repo} does not name it (checked ${capList(src.checked.length ? src.checked : ['its default branch'], 3)})`), rt.line(`source: ${src.repo} does not name it`)];
  return [rt.line(`source: not checked (${src.why})`), rt.line('source: not checked')];
}

/** "PR #N <url> open 3d ago, checks failing, approved: title", shorter forms after it. */
function prSegment(p: PrDetail, now: number): Segment {
  const status = p.state === 'OPEN' ? `open ${ago(now, p.createdAt)}` : stateText(p, now);
  const link = rt.link(p.url, `PR #${p.number}`);
  return [rt.line(link, ` ${status}: ${oneLine(p.title, 70)}`), rt.line(link, ` ${status}`), rt.line(link)];
}

function prFactSegment(a: WhenAnswer, repo: string): Segment {
  const { pr } = a;
  if (pr.kind === 'in-library') return [rt.line(`library/${a.image} lists it (tags ${fitList(pr.tags, LIST_BYTES)}); no PR found`), rt.line(`library/${a.image} lists it; no PR found`)];
  if (pr.kind === 'none') {
    const search = `https://github.com/${repo}/pulls?q=${encodeURIComponent(`is:pr label:library/${a.image}`)}`;
    return [rt.line(`no official-images PR names ${a.version} yet `, rt.link(search)), rt.line(`no official-images PR names ${a.version} yet`)];
  }
  if (pr.kind === 'unchecked') return [rt.line(`official-images PR state unknown (${pr.why})`), rt.line('official-images PR state unknown')];
  return [];
}

/** `when <image> <version>`: at most two lines, the key fact first. */
export function renderWhen(a: WhenAnswer, repo: string, now: number): RichText {
  const name = `${a.image} ${a.version}`;
  const { repo: src, pr, hub } = a;
  const merged = (pr.kind === 'pr' && pr.pr.state === 'MERGED') || pr.kind === 'in-library';
  const openPr = pr.kind === 'pr' && pr.pr.state === 'OPEN' ? pr.pr : undefined;
  const hubUnknown = hub.kind === 'unchecked' || hub.kind === 'pending';

  if (a.current !== undefined) {
    const still = hub.kind === 'published' ? `; Docker Hub still has ${a.image}:${a.version}, but it gets no updates` : hubUnknown ? `; ${hubUnknownText(hub, a.image, a.version)}` : '';
    return rt.of(rt.line(rt.bold(name), `: superseded: library/${a.image} is at ${a.current}, so ${a.version} will not be built again${still}.`));
  }
  if (hub.kind !== 'published' && !merged && !openPr && src.kind !== 'found') {
    const checked = [
      src.kind === 'absent' ? `${src.repo} does not name it (checked ${capList(src.checked.length ? src.checked : ['its default branch'], 3)})` : `source repo not checked (${src.why})`,
      pr.kind === 'unchecked' ? `official-images PR state unknown (${pr.why})` : pr.kind === 'pr' ? `the only PR naming it, #${pr.pr.number}, was closed without merging` : 'no official-images PR names it',
      hubUnknownText(hub, a.image, a.version),
    ];
    // "Nothing has started" only when every step could be checked.
    const verdict = src.kind !== 'absent' || pr.kind === 'unchecked' || hubUnknown ? 'not seen where I could look, and part of the pipeline is unknown' : 'nothing has started yet';
    return rt.of(rt.line(rt.bold(name), `: ${verdict}: ${checked.join('; ')}.`));
  }

  const prFacts = pr.kind === 'pr' ? prSegment(pr.pr, now) : prFactSegment(a, repo);
  let headline: string;
  let remaining: Step[];
  let first: Segment[] = [];
  let second: Segment[];
  if (hub.kind === 'published') {
    const since = hub.pushedAt !== undefined ? ` since ${ago(now, hub.pushedAt)}` : '';
    const total = hub.arches.length + hub.pendingArches.length;
    headline = hub.pendingArches.length
      ? `on Docker Hub${since} for ${hub.arches.length} of ${total} architectures, still building: ${fitList(hub.pendingArches, LIST_BYTES)}`
      : `on Docker Hub${since}${hub.arches.length ? ` for ${hub.arches.length} architecture${hub.arches.length === 1 ? '' : 's'}` : ''}`;
    remaining = hub.pendingArches.length ? ['merge-to-publish'] : [];
    if (hub.digest) first = [[rt.line('digest ', rt.code(shortDigest(hub.digest)))]];
    second = [
      ...(hub.tags.length ? [[rt.line(`also tagged ${fitList(hub.tags, LIST_BYTES)}`)]] : []),
      prFacts,
      sourceSegment(src, now),
    ];
    return whenLines(name, headline, estimateText(a, remaining), first, rt.line(rt.link(hubTagUrl(a))), second);
  }
  const hubNote = hub.kind === 'absent' ? `not on Docker Hub yet, waiting for the build and push` : `${hubUnknownText(hub, a.image, a.version)}, so whether it is built and pushed is unknown`;
  if (merged) {
    const where = pr.kind === 'pr' ? `merged in official-images PR #${pr.pr.number}${pr.pr.mergedAt !== undefined ? ` ${ago(now, pr.pr.mergedAt)}` : ''}` : `listed in library/${a.image}`;
    headline = `${where}; ${hubNote}`;
    remaining = ['merge-to-publish'];
  } else if (openPr) {
    headline = `in review: official-images PR #${openPr.number} is open${openPr.isDraft ? ' (draft)' : ''}`;
    first = [[rt.line(checksText(openPr)), rt.line(checksText({ ...openPr, failingChecks: [] }))], [rt.line(reviewText(openPr))]];
    remaining = ['pr-to-merge', 'merge-to-publish'];
  } else {
    const where = src.kind === 'found' ? src.repo : 'its source repository';
    headline = pr.kind === 'unchecked' ? `in ${where}; official-images PR state unknown (${pr.why})` : `in ${where} only; no official-images PR yet`;
    remaining = ['repo-to-pr', 'pr-to-merge', 'merge-to-publish'];
  }
  const hubSegment: Segment = merged ? [] : [rt.line(hub.kind === 'absent' ? `Docker Hub: no ${a.image}:${a.version} tag yet` : hubUnknownText(hub, a.image, a.version))];
  const lead = pr.kind === 'pr' ? prFacts[0]! : sourceSegment(src, now)[0]!;
  second = pr.kind === 'pr' ? [sourceSegment(src, now), hubSegment] : [prFacts, hubSegment];
  return whenLines(name, headline, estimateText(a, remaining), first, lead, second);
}

/**
 * Line 1: name, headline, then `first` and the estimate as they fit (the estimate moves to line 2
 * when line 1 is full). Line 2: `lead` (it holds the answer's link), then `second` as it fits.
 */
function whenLines(name: string, headline: string, estimate: string | undefined, first: readonly Segment[], lead: Line, second: readonly Segment[]): RichText {
  const head = rt.line(rt.bold(name), `: ${headline}`);
  const one = fitLine(head, first, '; ');
  const estimateFits = estimate !== undefined && lineBytes(one) + lineBytes(rt.line(`. ${estimate}`)) <= LINE_BYTES;
  const line1 = estimateFits ? [...one, rt.text(`. ${estimate}`)] : one;
  const rest = estimate !== undefined && !estimateFits ? [...second, [rt.line(estimate)]] : second;
  return { lines: [line1, fitLine(lead, rest, SEP)] };
}
