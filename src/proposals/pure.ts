/**
 * Pure helpers of `proposals`: a GraphQL PR node -> Proposal (the proposed image's name, the
 * checklist ticked in the PR body, the last maintainer activity), and the free-form question
 * parsing. No I/O. Titles, bodies and logins are attacker-controlled: they are only read here,
 * and only ever reach chat as RichText text parts, which the adapters escape.
 */
import type { ChecksState } from '../core/events.js';
import { toSnapshot } from '../github/pr-poll.js';
import type { ProposalNodeWire } from '../github/proposal-queries.js';

export const NEW_IMAGE_LABEL = 'new-image';

/** Authors who speak for the official-images maintainers on GitHub. */
const MAINTAINER_ASSOCIATIONS: ReadonlySet<string> = new Set(['MEMBER', 'OWNER', 'COLLABORATOR']);

export interface MaintainerActivity {
  readonly login: string;
  readonly kind: 'review' | 'comment';
  /** ms since epoch */
  readonly at: number;
}

export interface Proposal {
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly author: string;
  readonly isDraft: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** The proposed image, when the PR's files, labels or title name it. */
  readonly image: string | undefined;
  /** Carries the `new-image` label (false: found by an added library/ file only). */
  readonly labeled: boolean;
  /** Markdown task items in the PR body: `- [x]` ticked of all. */
  readonly checklist: { readonly ticked: number; readonly total: number };
  readonly checks: ChecksState;
  readonly failingChecks: readonly string[];
  readonly lastMaintainerActivity: MaintainerActivity | undefined;
}

const LIBRARY_PATH = /^library\/([a-z0-9][a-z0-9._-]*)$/;
const TASK_ITEM = /^[ \t]{0,6}(?:[-*+]|\d{1,3}[.)])[ \t]+\[([ xX])\]/gm;
/** "Add foo", "Adding `foo` image", "New image: foo", "foo: new official image". */
const TITLE_NAME = /^\s*(?:\[?new[- ]image\]?:?\s+|add(?:ing|s)?\s+(?:the\s+)?(?:new\s+)?(?:official\s+)?(?:image\s+)?)[`'"]?([a-z0-9][a-z0-9._-]{0,63})[`'"]?/i;
const BODY_LIMIT = 60_000;

function ms(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

export function checklistOf(body: string | null | undefined): Proposal['checklist'] {
  let ticked = 0;
  let total = 0;
  for (const m of (body ?? '').slice(0, BODY_LIMIT).matchAll(TASK_ITEM)) {
    total++;
    if (m[1] !== ' ') ticked++;
  }
  return { ticked, total };
}

/** Paths of library/ files the PR adds. */
export function addedLibraryImages(node: Pick<ProposalNodeWire, 'files'>): string[] {
  return (node.files?.nodes ?? []).flatMap((f) => {
    const m = f && f.changeType === 'ADDED' ? LIBRARY_PATH.exec(f.path) : null;
    return m ? [m[1]!] : [];
  });
}

export function isProposal(node: ProposalNodeWire): boolean {
  return (node.labels?.nodes ?? []).some((l) => l?.name === NEW_IMAGE_LABEL) || addedLibraryImages(node).length > 0;
}

export function latestMaintainerActivity(node: Pick<ProposalNodeWire, 'reviews' | 'comments'>): MaintainerActivity | undefined {
  const acts: MaintainerActivity[] = [];
  for (const r of node.reviews?.nodes ?? []) {
    const at = ms(r?.submittedAt);
    if (r && at !== undefined && MAINTAINER_ASSOCIATIONS.has(r.authorAssociation)) acts.push({ login: r.author?.login ?? 'ghost', kind: 'review', at });
  }
  for (const c of node.comments?.nodes ?? []) {
    const at = ms(c?.createdAt);
    if (c && at !== undefined && MAINTAINER_ASSOCIATIONS.has(c.authorAssociation)) acts.push({ login: c.author?.login ?? 'ghost', kind: 'comment', at });
  }
  return acts.sort((a, b) => b.at - a.at)[0];
}

export function toProposal(repo: string, node: ProposalNodeWire): Proposal {
  const snap = toSnapshot(repo, node);
  const image = addedLibraryImages(node)[0] ?? snap.images[0] ?? TITLE_NAME.exec(node.title)?.[1]?.toLowerCase();
  return {
    number: snap.number,
    url: snap.url,
    title: snap.title,
    author: snap.author,
    isDraft: snap.isDraft,
    createdAt: snap.createdAt,
    updatedAt: snap.updatedAt,
    image,
    labeled: snap.labels.includes(NEW_IMAGE_LABEL),
    checklist: checklistOf(node.body),
    checks: snap.checks,
    failingChecks: snap.failingChecks,
    lastMaintainerActivity: latestMaintainerActivity(node),
  };
}

export type ProposalQuestion = { readonly kind: 'list' } | { readonly kind: 'one'; readonly name: string };

/** Asking how to propose an image, not which are proposed. */
export const HOW_TO_PROPOSE = /\bhow\s+(?:do|can|could|should|would|to)\b|\bwhere\s+(?:do|can|should)\b|\b(?:want|like|wish|plan)\s+to\s+(?:propose|submit|add|get)\b|\bget\s+(?:my|our|an?)\s+image\b/i;
const LIST_QUESTION =
  /\b(?:new[- ]images?\b.{0,40}\bpropos(?:ed|als?)\b|propos(?:ed|als?)\b.{0,40}\bnew[- ]images?\b|new[- ]image\s+(?:proposals|prs|pull requests|queue))|^(?:list\s+|show\s+|open\s+)?(?:the\s+)?proposals\b/i;
const NAME = '([a-z0-9][a-z0-9._-]{0,63})';
const ONE_QUESTION = [
  new RegExp(`\\b(?:status|state|news)\\s+(?:of|on|about)\\s+(?:the\\s+)?${NAME}\\s+(?:new[- ]image\\s+|image\\s+)?proposal\\b`, 'i'),
  new RegExp(`\\b(?:how|where)(?:'s|\\s+is)\\s+(?:the\\s+)?${NAME}\\s+(?:new[- ]image\\s+|image\\s+)?proposal\\b`, 'i'),
  new RegExp(`\\bproposal\\s+(?:for|of|to add)\\s+(?:the\\s+)?(?:new\\s+)?(?:image\\s+)?${NAME}`, 'i'),
];
const NOT_NAMES: ReadonlySet<string> = new Set(['a', 'an', 'the', 'my', 'our', 'your', 'this', 'that', 'new', 'image', 'images', 'new-image']);

/** "what new images are proposed?" / "status of the foo proposal"; undefined: not such a question. */
export function parseProposalQuestion(text: string): ProposalQuestion | undefined {
  const t = text.trim();
  if (t.length > 200 || HOW_TO_PROPOSE.test(t)) return undefined;
  for (const re of ONE_QUESTION) {
    const name = re.exec(t)?.[1]?.toLowerCase();
    if (name && !NOT_NAMES.has(name)) return { kind: 'one', name };
  }
  return LIST_QUESTION.test(t) ? { kind: 'list' } : undefined;
}
