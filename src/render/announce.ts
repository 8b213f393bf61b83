/**
 * Pure: domain events -> neutral RichText. Every string from GitHub or Docker Hub is placed in
 * a text/code/link node and never concatenated into markup; adapters escape per platform.
 */
import type { DomainEvent, ImagePublish, ImagePublishedEvent, PrEvent, PrSnapshot } from '../core/events.js';
import { capList, rt, type Inline, type Line, type RichText } from '../core/richtext.js';

/** Titles are attacker-controlled and can be long; announcements stay one short line. */
const MAX_TITLE = 120;
const MAX_TAGS_SHOWN = 4;

export function shortTitle(title: string): string {
  const flat = title.replace(/\s+/g, ' ').trim();
  if (flat.length <= MAX_TITLE) return flat || '(no title)';
  return `${Array.from(flat).slice(0, MAX_TITLE - 1).join('')}…`;
}

const shortOid = (oid: string) => oid.slice(0, 7);
const refSuffix = (code: string | undefined): Inline[] => (code ? [rt.text(` (ref ${code})`)] : []);
const imagesPart = (pr: PrSnapshot): string => (pr.images.length ? ` [${capList(pr.images, 5)}]` : '');

function prHead(pr: PrSnapshot, what: string): Inline[] {
  return [rt.bold(`#${pr.number} ${what}`), rt.text(': '), rt.text(shortTitle(pr.title)), rt.text(imagesPart(pr)), rt.text(' '), rt.link(pr.url)];
}

/** What happened, in words: "approved by yosifkit". */
export function prChange(e: PrEvent): string {
  switch (e.kind) {
    case 'pr.opened':
      return `opened by ${e.pr.author}${e.pr.isDraft ? ' (draft)' : ''}`;
    case 'pr.ready':
      return 'ready for review';
    case 'pr.labeled':
      return `labeled ${e.label}`;
    case 'pr.review.approved':
      return `approved by ${e.review.author}`;
    case 'pr.review.changes-requested':
      return `changes requested by ${e.review.author}`;
    case 'pr.checks.failed':
      return e.pr.failingChecks.length ? `checks failed (${capList(e.pr.failingChecks, 3)})` : 'checks failed';
    case 'pr.checks.passed':
      return 'checks passed';
    case 'pr.pushed':
      return `new commits (${shortOid(e.previousHeadOid)} -> ${shortOid(e.pr.headOid)})`;
    case 'pr.merged':
      return 'merged';
    case 'pr.closed':
      return 'closed without merge';
  }
}

/** "3.14.1, 3.14, 3, latest, ... (14 tags)" */
function tagList(tags: readonly string[]): string {
  return tags.length <= MAX_TAGS_SHOWN ? tags.join(', ') : `${tags.slice(0, MAX_TAGS_SHOWN).join(', ')}, ...`;
}

function whyPublished(item: ImagePublish): string {
  const source = item.prNumber !== undefined ? `#${item.prNumber}` : item.commitOid ? `direct push ${shortOid(item.commitOid)}` : undefined;
  const reason =
    item.reason === 'new-version'
      ? `new version ${capList(item.newTags, 3)}`
      : item.reason === 'rebuild'
        ? 'rebuild, same tags'
        : undefined;
  const parts = [reason, source].filter((x): x is string => x !== undefined);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function publishText(item: ImagePublish): string {
  const n = item.tags.length;
  const tags = `${n} tag${n === 1 ? '' : 's'}`;
  const pending = item.pendingArches.length ? `; ${item.pendingArches.join(', ')} pending` : '';
  if (item.followUp) {
    return `${item.image}: now also on ${item.arches.join(', ')} (${tags}: ${tagList(item.tags)})${pending}`;
  }
  return `${item.image}: ${tags} published: ${tagList(item.tags)} on ${item.arches.join(', ')}${pending}${whyPublished(item)}`;
}

function publishLine(event: ImagePublishedEvent, code: string | undefined): Line {
  if (event.items.length === 1) {
    const item = event.items[0]!;
    const link = item.prUrl ? [rt.text(' '), rt.link(item.prUrl)] : [];
    return [rt.bold(item.image), rt.text(publishText(item).slice(item.image.length)), ...link, ...refSuffix(code)];
  }
  const names = event.items.map((i) => `${i.image} (${i.tags.length})`);
  const rebuilds = event.items.every((i) => i.reason === 'rebuild');
  return [
    rt.bold(`${event.items.length} images ${rebuilds ? 'republished (rebuild)' : 'published'}`),
    rt.text(`: ${capList(names, 8)}`),
    ...refSuffix(code),
  ];
}

/** The compact one-line form: IRC messages and Slack thread replies. */
export function renderLine(event: DomainEvent, code?: string): RichText {
  if (event.kind === 'image.published') return { lines: [publishLine(event, code)] };
  return { lines: [[...prHead(event.pr, prChange(event)), ...refSuffix(code)]] };
}

function checksWord(pr: PrSnapshot): string {
  switch (pr.checks) {
    case 'SUCCESS':
      return 'passing';
    case 'FAILURE':
      return pr.failingChecks.length ? `failing (${capList(pr.failingChecks, 3)})` : 'failing';
    case 'PENDING':
      return 'running';
    case 'NONE':
      return 'none';
  }
}

function stateWord(pr: PrSnapshot): string {
  if (pr.state === 'MERGED') return 'merged';
  if (pr.state === 'CLOSED') return 'closed';
  return pr.isDraft ? 'draft' : 'open';
}

/** The Slack card for a PR: its whole current state, edited in place on every change. */
export function renderCard(pr: PrSnapshot, latest: string, code?: string): RichText {
  const approvals = [...new Set(pr.reviews.filter((r) => r.state === 'APPROVED').map((r) => r.author))];
  const changes = [...new Set(pr.reviews.filter((r) => r.state === 'CHANGES_REQUESTED').map((r) => r.author))];
  const reviewParts = [
    approvals.length ? `approved by ${capList(approvals, 3)}` : '',
    changes.length ? `changes requested by ${capList(changes, 3)}` : '',
  ].filter(Boolean);
  return rt.of(
    rt.line(rt.bold(`#${pr.number}`), ' ', rt.link(pr.url, shortTitle(pr.title))),
    rt.line(
      `${stateWord(pr)} · checks ${checksWord(pr)}`,
      reviewParts.length ? ` · ${reviewParts.join(' · ')}` : '',
      ` · by ${pr.author} · ${pr.changedFiles} file${pr.changedFiles === 1 ? '' : 's'} +${pr.additions}/-${pr.deletions}`,
    ),
    rt.line('images: ', pr.images.length ? capList(pr.images, 10) : 'none', pr.labels.length ? ` · labels: ${capList(pr.labels, 6)}` : ''),
    rt.line(`latest: ${latest}`, code ? ` (ref ${code})` : ''),
  );
}
