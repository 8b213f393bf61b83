import { formatAge } from '../src/core/clock.js';
import { UserError } from '../src/core/errors.js';
import { rt, type RichText } from '../src/core/richtext.js';
import { defineCommand, type CommandContext } from '../src/dispatch/command.js';
import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import { HOW_TO_PROPOSE, parseProposalQuestion, type Proposal } from '../src/proposals/pure.js';
import type { ProposalListing, ProposalLookup } from '../src/services.js';
import { imageNameArg, optionalWord } from './args.js';
import { fitList } from './chat-fit.js';
import { checksText, oneLine } from './pr-render.js';

function proposalsOf(ctx: CommandContext): ProposalLookup {
  const svc = ctx.services.proposals;
  if (!svc) throw new UserError('proposals.unavailable', 'New-image proposals are not available in this setup.');
  return svc;
}

const nameOf = (p: Proposal) => (p.image ? oneLine(p.image, 40) : 'unnamed');

function checklistText(p: Proposal): string {
  return p.checklist.total ? `checklist ${p.checklist.ticked}/${p.checklist.total}` : 'no checklist';
}

function maintainerText(p: Proposal, now: number, long: boolean): string {
  const m = p.lastMaintainerActivity;
  if (!m) return long ? 'no maintainer review or comment yet' : 'no maintainer activity';
  const when = `${formatAge(now - m.at)} ago`;
  return long ? `last maintainer activity: ${oneLine(m.login, 40)} ${m.kind === 'review' ? 'reviewed' : 'commented'} ${when}` : `maintainer ${when}`;
}

function shortChecks(p: Proposal): string {
  return { SUCCESS: 'checks pass', FAILURE: 'checks fail', PENDING: 'checks running', NONE: 'no checks' }[p.checks];
}

/** Count first, then as many proposals as fit on one line (oldest first), then the link. */
export function renderProposalList(l: ProposalListing, repo: string, now: number): RichText {
  if (l.total === 0) return rt.of(rt.line(rt.bold('No new-image proposals'), ` are open in ${repo}.`));
  const count = `${l.total} new-image proposal${l.total === 1 ? '' : 's'} open`;
  const items = l.proposals.map(
    (p) =>
      `${nameOf(p)} #${p.number} (${oneLine(p.author, 30)}, ${formatAge(now - p.createdAt)}${p.isDraft ? ', draft' : ''}, ${checklistText(p)}, ${shortChecks(p)}, ${maintainerText(p, now, false)})`,
  );
  const first = fitList(`${count}, oldest first: `, items, l.total);
  return rt.of(rt.line(rt.bold(count), first.slice(count.length)), rt.line('All: ', rt.link(l.listUrl)));
}

export function renderProposal(p: Proposal, now: number): RichText {
  const facts = [
    `#${p.number} by ${oneLine(p.author, 30)}, opened ${formatAge(now - p.createdAt)} ago${p.isDraft ? ' (draft)' : ''}`,
    `${checklistText(p)}${p.checklist.total ? ' ticked' : ' in the PR body'}`,
    checksText(p),
    maintainerText(p, now, true),
  ];
  return rt.of(rt.line(rt.bold(`${nameOf(p)} proposal`), `: ${facts.join(' · ')}`), rt.line(rt.link(p.url)));
}

async function answer(ctx: CommandContext, name: string | undefined): Promise<RichText> {
  const svc = proposalsOf(ctx);
  const now = ctx.clock.now();
  if (name === undefined) return renderProposalList(await svc.list(), svc.repo, now);
  const byNumber = /^#?(\d{1,9})$/.exec(name);
  if (byNumber) {
    const listing = await svc.list();
    const proposal = listing.proposals.find((p) => p.number === Number(byNumber[1]));
    if (proposal) return renderProposal(proposal, now);
    const verdict = listing.complete ? 'is not an open new-image proposal' : `is not among the ${listing.proposals.length} oldest of ${listing.total} open new-image proposals`;
    return rt.of(rt.line(`#${byNumber[1]} ${verdict} in ${svc.repo} ("pr ${byNumber[1]}" says what it is): `, rt.link(listing.listUrl)));
  }
  const { proposal, listing } = await svc.find(name);
  if (proposal) return renderProposal(proposal, now);
  return rt.of(rt.line(`No open new-image proposal for ${oneLine(name, 64)} among the ${listing.total} open in ${svc.repo}: `, rt.link(listing.listUrl)));
}

export const proposals = defineCommand({
  name: 'proposals',
  aliases: ['proposal'],
  summary: 'Open new-image proposals (official-images PRs adding an image), or the status of one',
  usage: 'proposals [image or #PR]',
  access: 'anyone',
  args: optionalWord,
  async run(ctx, [name]) {
    if (name === undefined || /^#?\d{1,9}$/.test(name)) return answer(ctx, name);
    return answer(ctx, imageNameArg(name, 'proposals', 'proposals [image or #PR]'));
  },
});

/**
 * "what new images are proposed?", "status of the foo proposal". How to propose an image is a
 * knowledge question, left to the knowledge handler.
 */
export const proposalQuestion: FreeformHandler = {
  name: 'proposals',
  async tryAnswer(ctx, text, understood) {
    if (!ctx.services.proposals) return undefined;
    const q = parseProposalQuestion(text);
    if (q) return answer(ctx, q.kind === 'one' ? q.name : undefined);
    if (understood.intent === 'proposals' && !HOW_TO_PROPOSE.test(text)) return answer(ctx, undefined);
    return undefined;
  },
};
