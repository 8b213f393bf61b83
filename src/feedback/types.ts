/**
 * What the feedback service answers with: plain data, one discriminated union per request.
 * The feedback commands turn it into chat text (commands/feedback-render.ts). Titles and errors
 * that came from GitHub or the reporter are raw here; the renderer cleans and caps them.
 */
import type { CannedAnswer } from './answers.js';
import type { FeedbackKind } from './report.js';
import type { Report } from './store.js';

export type { FeedbackKind };

/** What `feedback` asks for; the text is verbatim user input. */
export interface FeedbackRequest {
  readonly kind: FeedbackKind;
  /** As typed; may carry a tag ("python:3.13"). Required except for kind "process". */
  readonly image?: string;
  readonly text: string;
  /** File even when a canned answer matches (--anyway). */
  readonly anyway?: boolean;
}

/** Why the bot files nothing more right now. */
export type FilingLimit =
  | { readonly kind: 'off' }
  | { readonly kind: 'per-user'; readonly max: number; /** Until the oldest counted report leaves the day, when known. */ readonly waitMs?: number }
  | { readonly kind: 'global'; readonly max: number; readonly waitMs?: number };

/** A report that goes to a GitHub repository: where, and why there. */
export interface GitHubRouting {
  /** "python:3.13", "python" or "the Official Images program". */
  readonly subject: string;
  readonly kind: FeedbackKind;
  readonly repo: string;
  readonly why: string;
  /** Said after the routing line, with `external` as its link. */
  readonly note?: string;
  readonly external?: string;
}

/** A similar issue GitHub's search found. */
export interface SimilarIssue {
  readonly number: number;
  readonly title: string;
  readonly state: string;
  readonly url: string;
}

export type ProposeResult =
  | { readonly kind: 'too-long'; readonly length: number; readonly limit: number }
  | { readonly kind: 'too-short' }
  | { readonly kind: 'unknown-image'; readonly typed: string; readonly suggestions: readonly string[] }
  | { readonly kind: 'invalid-image-tag'; readonly typed: string }
  | { readonly kind: 'image-needed' }
  /** A canned answer matched; `image` is the one named, for the "--anyway" example. */
  | { readonly kind: 'known-question'; readonly answer: CannedAnswer; readonly image?: string }
  | { readonly kind: 'no-tracker'; readonly subject: string }
  | { readonly kind: 'external-tracker'; readonly subject: string; readonly url: string; readonly trackerName: string; readonly instructions?: string }
  /** The bot cannot file (no GitHub token, or the asker is not identified): a prefilled link instead. */
  | { readonly kind: 'no-token' | 'unidentified'; readonly routing: GitHubRouting; readonly prefillUrl: string }
  | { readonly kind: 'limited'; readonly routing: GitHubRouting; readonly limit: FilingLimit }
  | { readonly kind: 'no-repo'; readonly routing: GitHubRouting }
  | { readonly kind: 'repo-closed'; readonly routing: GitHubRouting; readonly archived: boolean }
  | {
      readonly kind: 'proposed';
      readonly routing: GitHubRouting;
      readonly code: string;
      readonly confirmWindowMs: number;
      /** The first line of the text, uncut. */
      readonly firstLine: string;
      readonly similar:
        | { readonly kind: 'unchecked'; readonly reason: string }
        | { readonly kind: 'checked'; readonly total: number; readonly shown: readonly SimilarIssue[] };
    };

/** A stored report as the asker sees it. */
export type ReportInfo = Pick<
  Report,
  'code' | 'state' | 'repo' | 'reporter' | 'title' | 'expiresAt' | 'attempts' | 'nextAt' | 'lastError' | 'filedAt' | 'issueUrl'
>;

/** A report that is past the step asked for: its state says what became of it. */
export interface ReportStateResult {
  readonly kind: 'state';
  readonly report: ReportInfo;
  /** For a failed report: a "new issue" link prefilled from its draft. */
  readonly selfFileUrl?: string;
}

export type ConfirmResult =
  | { readonly kind: 'unidentified' }
  | { readonly kind: 'unknown-code' | 'expired'; readonly code: string; readonly confirmWindowMs: number }
  | ReportStateResult
  /** `limit` is undefined when the store saw the limit but a recount does not (a race): "try later". */
  | { readonly kind: 'limited'; readonly code: string; readonly limit?: FilingLimit }
  | { readonly kind: 'filed'; readonly repo: string; readonly number: number; readonly url: string }
  | { readonly kind: 'retrying'; readonly code: string; readonly error: string; readonly retryInMs: number }
  | { readonly kind: 'refused'; readonly code: string; readonly error: string; readonly selfFileUrl: string }
  /** GitHub did not answer within the command, or another attempt holds the report. */
  | { readonly kind: 'background' | 'busy'; readonly code: string };

export type CancelResult =
  | { readonly kind: 'unidentified' }
  | { readonly kind: 'unknown-code' | 'filing-now'; readonly code: string }
  | ReportStateResult
  /** `mayBeOnGitHub`: an earlier attempt sent the create request and its answer never came. */
  | { readonly kind: 'cancelled'; readonly code: string; readonly mayBeOnGitHub: boolean };

/** Reports as of `now`. */
export interface ReportList {
  readonly reports: readonly ReportInfo[];
  readonly now: number;
}

/** `feedback status`: the asker's own reports, kept per verified identity. */
export type ReportListing = { readonly kind: 'unidentified' } | ({ readonly kind: 'reports' } & ReportList);

/** What the reporter is told later, through the outbox, about a confirmed report. */
export type FeedbackNotice =
  | { readonly event: 'filed'; readonly code: string; readonly repo: string; readonly number: number; readonly url: string }
  | { readonly event: 'failed'; readonly code: string; readonly error: string; readonly selfFileUrl: string };
