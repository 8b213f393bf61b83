/**
 * The feedback commands' answers: the feedback service's results (src/feedback/types.ts) as
 * chat text. Titles and errors from GitHub or the reporter are cleaned and capped here.
 */
import { formatAge } from '../src/core/clock.js';
import { capList, rt, type Line, type RichText } from '../src/core/richtext.js';
import { capChars, cleanText } from '../src/feedback/neutralise.js';
import { newIssueLink, type FeedbackKind } from '../src/feedback/report.js';
import type { FilingLimit, GitHubRouting, ReportInfo, ReportStateResult } from '../src/feedback/types.js';
import type { CancelResult, ConfirmResult, ProposeResult, ReportList, ReportListing } from '../src/services.js';

const FEEDBACK_USAGE = 'Usage: feedback <image>[:tag] <text>';

export const KIND_LABELS: Record<FeedbackKind, string> = {
  image: 'a problem with the image',
  docs: 'the documentation',
  process: 'the Official Images process or a new image',
};

const minutesOf = (ms: number) => Math.round(ms / 60_000);

export function renderProposal(r: ProposeResult): RichText {
  switch (r.kind) {
    case 'too-long':
      return rt.of(
        `That report is too long (${r.length.toLocaleString('en')} characters; the limit is ${r.limit.toLocaleString('en')}). Nothing was filed. Please shorten it, or put logs in a gist and send the link.`,
      );
    case 'too-short':
      return rt.of(`Please describe the problem in a sentence or two (the first line becomes the issue title). ${FEEDBACK_USAGE}`);
    case 'unknown-image': {
      const near = r.suggestions.length ? ` Did you mean ${capList(r.suggestions, 3, ' or ')}?` : '';
      return rt.of(`I don't know an official image called "${shownImage(r.typed)}".${near} ${FEEDBACK_USAGE}`);
    }
    case 'invalid-image-tag':
      return rt.of(`"${shownImage(r.typed)}" is not a valid image:tag.`);
    case 'image-needed':
      return rt.of(`Which image is this about? ${FEEDBACK_USAGE}`);
    case 'known-question':
      return rt.of(
        rt.line('This looks like a known question rather than a bug: ', r.answer.answer),
        rt.line('More: ', rt.link(r.answer.link)),
        rt.line('If it is still a bug in the image, send it again with ', rt.code('--anyway'), ', e.g. ', rt.code(`feedback ${r.image ?? 'process'} --anyway ...`), '.'),
      );
    case 'no-tracker':
      return rt.of(`The docs of ${r.subject} name no issue tracker, so I cannot route this. For questions about the program itself use: feedback process <text>`);
    case 'external-tracker': {
      const lines: (Line | string)[] = [rt.line(`Issues for ${r.subject} are tracked on ${r.trackerName}, not GitHub, so I file nothing: please report it at `, rt.link(r.url), '.')];
      if (r.instructions) lines.push(rt.line("The image's docs say: ", r.instructions));
      return rt.of(...lines);
    }
    case 'no-token':
      return rt.of(...routingLines(r.routing), rt.line('Filing from chat is not configured on this bot (no GitHub token). You can open the issue yourself, prefilled: ', newIssueLink(r.prefillUrl)));
    case 'unidentified':
      return rt.of(
        ...routingLines(r.routing),
        'Only identified users can file through the bot (on IRC: log in to your services account; the bot never trusts a nick). Nothing was filed.',
        rt.line('You can open it yourself, prefilled: ', newIssueLink(r.prefillUrl)),
      );
    case 'limited':
      return rt.of(...routingLines(r.routing), limitText(r.limit));
    case 'no-repo':
      return rt.of(...routingLines(r.routing), rt.line(`GitHub has no repository ${r.routing.repo} (the docs may be out of date), so I file nothing. Please tell the maintainers: `, rt.code('feedback process ...')));
    case 'repo-closed':
      return rt.of(...routingLines(r.routing), `${r.routing.repo} does not take issues on GitHub (${r.archived ? 'archived' : 'issues are turned off'}), so I file nothing.`);
    case 'proposed':
      return renderProposed(r);
  }
}

function renderProposed(r: Extract<ProposeResult, { kind: 'proposed' }>): RichText {
  const { repo } = r.routing;
  // The code first: on IRC a channel shows two lines, and the code is what the reporter needs.
  const lines: (Line | string)[] = [
    rt.line(`To file it in ${repo}, say `, rt.code(`confirm ${r.code}`), ` within ${minutesOf(r.confirmWindowMs)} minutes, or `, rt.code(`cancel ${r.code}`), '.'),
    ...routingLines(r.routing),
    rt.line('Title: ', capChars(r.firstLine, 120)),
  ];
  if (r.similar.kind === 'unchecked') lines.push(`I could not check for similar issues (${r.similar.reason}); please look at the link above first.`);
  else if (r.similar.shown.length) {
    lines.push(`Similar issues (${r.similar.total} found; please check these are not the same problem):`);
    for (const s of r.similar.shown) lines.push(rt.line(`• #${s.number} `, capChars(cleanText(s.title), 100), ` (${s.state.toLowerCase()}) `, rt.link(s.url)));
  } else lines.push('No similar issues found.');
  return rt.withActions({ ...rt.of(...lines), wholeAnswerUrl: `https://github.com/${repo}/issues` }, [
    { label: 'File it', command: `confirm ${r.code}`, style: 'primary' },
    { label: 'Cancel', command: `cancel ${r.code}`, style: 'danger' },
  ]);
}

/** Where a GitHub-bound report goes and why, plus the maintainers' note when they list another place first. */
function routingLines(r: GitHubRouting): Line[] {
  const where = rt.line('About ', rt.bold(r.subject), ` (${KIND_LABELS[r.kind]}): this goes to `, rt.link(`https://github.com/${r.repo}/issues`, r.repo), ` because ${r.why}.`);
  return r.note ? [where, rt.line(r.note, ...(r.external ? [' ', rt.link(r.external)] : []))] : [where];
}

/** The image as the asker typed it, safe to quote. */
function shownImage(typed: string): string {
  return capChars(cleanText(typed), 40);
}

function limitText(limit: FilingLimit): string {
  const wait = limit.kind !== 'off' && limit.waitMs !== undefined ? ` (next possible in ${formatAge(limit.waitMs)})` : '';
  switch (limit.kind) {
    case 'off':
      return 'Filing through the bot is turned off here (limit set to 0). Nothing was filed.';
    case 'per-user':
      return `You have filed ${limit.max} report(s) in the last 24 hours, the most one person may${wait}. Nothing was filed.`;
    case 'global':
      return `The bot has filed ${limit.max} report(s) in the last hour, its limit for everyone together${wait}. Nothing was filed.`;
  }
}

export function renderConfirm(r: ConfirmResult): RichText {
  switch (r.kind) {
    case 'unidentified':
      return rt.of('Only identified users can file reports (on IRC: log in to your services account first).');
    case 'unknown-code':
      return rt.of(`You have no report with code ${capChars(r.code, 12)}. Codes are valid for ${minutesOf(r.confirmWindowMs)} minutes; send the feedback again if it expired.`);
    case 'expired':
      return rt.of(`Report ${r.code} expired (not confirmed within ${minutesOf(r.confirmWindowMs)} minutes). Nothing was filed; send the feedback again to start over.`);
    case 'state':
      return renderState(r);
    case 'limited':
      return rt.of(r.limit ? limitText(r.limit) : 'The filing limit is reached; try again later.', ` Report ${r.code} is still waiting; confirm it again later.`);
    case 'background':
      return rt.of(`Report ${r.code} is saved. GitHub is slow to answer, so it will be filed in the background; I will post the link here.`);
    case 'filed':
      return rt.of(rt.line(`Filed as ${r.repo}#${r.number}: `, rt.link(r.url), '. Thank you!'));
    case 'retrying':
      return rt.of(`Report ${r.code} is saved, but GitHub is not available right now (${r.error}). It will be filed automatically (next try in ${formatAge(r.retryInMs)}); I will post the link here.`);
    case 'refused':
      return rt.of(rt.line(`GitHub refused report ${r.code} (${r.error}). Nothing was filed. You can open it yourself, prefilled: `, newIssueLink(r.selfFileUrl)));
    case 'busy':
      return rt.of(`Report ${r.code} is saved and being filed; I will post the link here.`);
  }
}

export function renderCancel(r: CancelResult): RichText {
  switch (r.kind) {
    case 'unidentified':
      return rt.of('Only identified users can cancel reports.');
    case 'unknown-code':
      return rt.of(`You have no report with code ${capChars(r.code, 12)}.`);
    case 'filing-now':
      return rt.of(`Report ${r.code} is being sent to GitHub right now; check feedback status in a moment.`);
    case 'state':
      return renderState(r);
    case 'cancelled': {
      const warn = r.mayBeOnGitHub ? ' An earlier attempt may have reached GitHub: check the repository before filing again.' : '';
      return rt.of(`Report ${r.code} cancelled; nothing will be filed.${warn}`);
    }
  }
}

/** A report past the step asked for: what became of it. */
function renderState({ report: r, selfFileUrl }: ReportStateResult): RichText {
  switch (r.state) {
    case 'filed':
      return rt.of(rt.line(`Report ${r.code} was already filed: `, rt.link(r.issueUrl ?? `https://github.com/${r.repo}/issues`)));
    case 'queued':
    case 'filing':
      return rt.of(`Report ${r.code} is confirmed and queued; I will post the link when it is filed.`);
    case 'cancelled':
      return rt.of(`Report ${r.code} was cancelled.`);
    case 'expired':
      return rt.of(`Report ${r.code} expired; send the feedback again to start over.`);
    case 'failed':
      return rt.of(
        rt.line(`Report ${r.code} could not be filed (${(r.lastError ?? 'unknown').slice(0, 120)}). You can open it yourself: `, newIssueLink(selfFileUrl ?? `https://github.com/${r.repo}/issues/new`)),
      );
    case 'proposed':
      return rt.of(`Report ${r.code} is waiting for confirm ${r.code}.`);
  }
}

/** `feedback status`: the asker's own reports. */
export function renderStatus(r: ReportListing): RichText {
  if (r.kind === 'unidentified') return rt.of('Reports are kept per verified identity; you are not identified (on IRC: log in to services).');
  if (!r.reports.length) return rt.of('You have no feedback reports.');
  return rt.of('Your feedback reports (newest first):', ...r.reports.map((report) => describe(report, r.now, false)));
}

/** `feedback pending`: everyone's reports not filed yet. */
export function renderPending(r: ReportList): RichText {
  if (!r.reports.length) return rt.of('No feedback reports are waiting.');
  return rt.of(`${r.reports.length} feedback report(s) not filed yet (cancel one with: cancel <code>):`, ...r.reports.map((report) => describe(report, r.now, true)));
}

function describe(r: ReportInfo, now: number, admin: boolean): Line {
  const who = admin ? ` by ${r.reporter}` : '';
  const head: Line = rt.line(rt.code(r.code), ` ${r.repo}${who}: `, capChars(r.title.replace(/`/g, ''), 60), ' — ');
  switch (r.state) {
    case 'proposed':
      return [...head, rt.text(r.expiresAt > now ? `awaiting confirmation (${formatAge(r.expiresAt - now)} left)` : 'expired')];
    case 'queued':
      return [...head, rt.text(`queued, ${r.attempts} attempt(s)${r.nextAt !== null ? `, next in ${formatAge(Math.max(0, r.nextAt - now))}` : ''}${r.lastError ? `; last error: ${r.lastError.slice(0, 80)}` : ''}`)];
    case 'filing':
      return [...head, rt.text('being filed now')];
    case 'filed':
      return [...head, rt.text(`filed ${r.filedAt !== null ? `${formatAge(now - r.filedAt)} ago ` : ''}`), rt.link(r.issueUrl ?? `https://github.com/${r.repo}/issues`)];
    case 'failed':
      return [...head, rt.text(`failed: ${(r.lastError ?? 'unknown').slice(0, 80)}`)];
    case 'cancelled':
      return [...head, rt.text('cancelled')];
    case 'expired':
      return [...head, rt.text('expired (never confirmed)')];
  }
}
