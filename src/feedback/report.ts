/**
 * The issue a feedback report becomes: title, body and the prefilled "new issue" link for
 * setups without a GitHub token. Pure; all user- and platform-supplied text goes through
 * neutralise.ts.
 */
import { rt, type Inline } from '../core/richtext.js';
import { GITHUB_BODY_LIMIT, capChars, cleanText, codeSpan, neutraliseInline, neutraliseTitle, quoteBlock } from './neutralise.js';

export type FeedbackKind = 'image' | 'docs' | 'process';

/** Title length we aim for (GitHub allows 256; long titles are unreadable in lists). */
export const TITLE_MAX = 120;
/** Longest feedback text accepted from chat. */
export const TEXT_MAX = 3000;
/** Our own cap on the body, below GitHub's 65,536. */
export const BODY_MAX = 60_000;
/** Browsers and GitHub refuse very long URLs; prefilled links stay below this. */
export const PREFILL_URL_MAX = 7500;

export interface ReportContext {
  readonly kind: FeedbackKind;
  readonly image?: string;
  readonly tag?: string;
  /** From the catalog, when the tag is known. */
  readonly architectures?: readonly string[];
  /** The tag's index digest on Docker Hub, when Hub answered. */
  readonly digest?: string;
  /** The tag was named but the catalog does not list it. */
  readonly tagUnknown?: boolean;
}

export interface ReportOrigin {
  /** The platform as people call it ("IRC", "Slack"): its adapter's displayName. */
  readonly platformName: string;
  readonly channelName: string;
  readonly isDirect: boolean;
  /** Verified identity, e.g. "irc:alice". */
  readonly reporter: string;
  readonly permalink?: string;
}

export interface IssueDraft {
  readonly title: string;
  readonly body: string;
}


export function markerFor(reportId: string): string {
  return `<!-- doi-bot-report: ${reportId} -->`;
}

/** The first non-empty line, cleaned; the title before neutralising. */
export function firstLine(text: string): string {
  return cleanText(text).split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
}

export function buildTitle(text: string, ctx: ReportContext): string {
  const line = firstLine(text);
  // Docs and process trackers hold every image: say which one this is about.
  const prefix = ctx.kind !== 'image' && ctx.image ? `${ctx.image}${ctx.tag ? `:${ctx.tag}` : ''}: ` : '';
  return neutraliseTitle(prefix + line, TITLE_MAX);
}

/**
 * The body: the user's text quoted, what the bot knows about the image, and where it came
 * from. `reportId` adds the hidden marker used to find the issue again after a crash.
 */
export function buildBody(text: string, ctx: ReportContext, origin: ReportOrigin, reportId?: string): string {
  const tail = [contextLines(ctx), footer(origin), reportId ? markerFor(reportId) : ''].filter(Boolean).join('\n\n');
  const room = Math.min(BODY_MAX, GITHUB_BODY_LIMIT) - tail.length - 200;
  return `${fitQuote(cleanText(text).trim(), room)}\n\n${tail}\n`;
}

/** The quote, shortened from the end (whole lines where possible) until it fits. */
function fitQuote(text: string, room: number): string {
  let quoted = quoteBlock(text);
  if (quoted.length <= room) return quoted;
  let chars = [...text];
  while (chars.length > 0 && quoted.length > room) {
    chars = chars.slice(0, Math.floor(chars.length * Math.min(0.9, room / quoted.length)));
    quoted = quoteBlock(chars.join(''));
  }
  return `${quoted}\n>\n> *[…] (shortened: the full text was ${[...text].length} characters)*`;
}

function contextLines(ctx: ReportContext): string {
  if (!ctx.image) return '';
  const ref = ctx.tag ? `${ctx.image}:${ctx.tag}` : ctx.image;
  const facts: string[] = [];
  if (ctx.tagUnknown) facts.push('tag not in the current library file');
  if (ctx.architectures?.length) facts.push(`architectures: ${ctx.architectures.join(', ')}`);
  if (ctx.digest) facts.push(`Docker Hub digest ${codeSpan(ctx.digest)}`);
  return `**Image:** ${codeSpan(ref)}${facts.length ? ` (${facts.join('; ')})` : ''}`;
}

function footer(origin: ReportOrigin): string {
  const where = origin.isDirect ? 'a direct message' : neutraliseInline(capChars(cleanText(origin.channelName), 80));
  const platform = neutraliseInline(origin.platformName);
  const link = origin.permalink && /^https:\/\/[\w.-]+\.slack\.com\/archives\/[\w/?=&.-]+$/.test(origin.permalink) ? ` ([message](${origin.permalink}))` : '';
  return `---\n<sub>Reported from ${platform}, ${where}${link}, by ${codeSpan(capChars(cleanText(origin.reporter), 100))} through doi-bot, the Docker Official Images chat bot.</sub>`;
}

/**
 * `https://github.com/<repo>/issues/new?title=..&body=..`, URL-encoded, the body shortened
 * until the whole link fits PREFILL_URL_MAX.
 */
export function prefilledIssueUrl(repo: string, text: string, ctx: ReportContext, origin: ReportOrigin): string {
  const base = `https://github.com/${repo}/issues/new`;
  const title = buildTitle(text, ctx);
  return fitPrefill(
    cleanText(text),
    (t) => `${base}?title=${encodeURIComponent(title)}&body=${encodeURIComponent(buildBody(t, ctx, origin))}`,
    (kept) => `${kept.trimEnd()} […]`,
    `${base}?title=${encodeURIComponent(title)}`,
  );
}

/** A "new issue" link prefilled from a stored report's draft (for reports GitHub refused); no marker. */
export function prefillFromDraft(draft: { readonly repo: string; readonly title: string; readonly body: string }): string {
  const body = draft.body.replace(/\n?<!-- doi-bot-report: [0-9a-f]+ -->\n?/, '\n');
  const base = `https://github.com/${draft.repo}/issues/new?title=${encodeURIComponent(draft.title)}`;
  return fitPrefill(body, (b) => `${base}&body=${encodeURIComponent(b)}`, (kept) => `${kept}\n[…]`, base);
}

/** `withBody(text)`, the text cut to 80% at a time (`marked` shows the cut) until the link fits PREFILL_URL_MAX; else `fallback`. */
function fitPrefill(text: string, withBody: (text: string) => string, marked: (kept: string) => string, fallback: string): string {
  let chars = [...text];
  let url = withBody(text);
  while (url.length > PREFILL_URL_MAX && chars.length > 0) {
    chars = chars.slice(0, Math.floor(chars.length * 0.8));
    url = withBody(marked(chars.join('')));
  }
  return url.length > PREFILL_URL_MAX ? fallback : url;
}

/** Title-only prefilled links stay below this, so one IRC line holds them. */
const SHORT_PREFILL_MAX = 300;

/**
 * A prefilled "new issue" link with a shorter form for chat lines that cannot hold the body
 * (IRC): the title only, cut until it fits, else the plain new-issue page.
 */
export function newIssueLink(prefilled: string): Inline {
  const url = new URL(prefilled);
  const page = `${url.origin}${url.pathname}`;
  let title = [...(url.searchParams.get('title') ?? '')];
  let shorter = page;
  while (title.length > 0) {
    const candidate = `${page}?title=${encodeURIComponent(title.join(''))}`;
    if (candidate.length <= SHORT_PREFILL_MAX) {
      shorter = candidate;
      break;
    }
    title = title.slice(0, Math.floor(title.length * 0.8));
  }
  return rt.link(prefilled, 'new issue', shorter);
}
