/**
 * The service interfaces commands receive through CommandContext. Commands depend on these
 * shapes only; concrete implementations are wired in src/app.ts.
 */
import type { AdapterStatus, ChannelKey, InboundMessage, UserRef } from './core/chat.js';
import type { RichText } from './core/richtext.js';
import type { AccessLevel } from './dispatch/levels.js';
import type { Catalog } from './catalog/catalog.js';
import type { CannedAnswer } from './feedback/answers.js';
import type { CancelResult, ConfirmResult, FeedbackRequest, ProposeResult, ReportList, ReportListing } from './feedback/types.js';
import type { KnowledgeAnswer } from './knowledge/base.js';
import type { DctFacts } from './knowledge/dct.js';
import type { TagPresence } from './catalog/tag-history.js';
import type { HubLookup } from './hub/types.js';
import type { TrustLookup } from './registry/types.js';
import type { NotificationInfo, NotifyAddResult, NotifyRequest, PrDetail, PrListing, QueueInfo, WhenAnswer } from './prs/types.js';
import type { Proposal } from './proposals/pure.js';
import type { ProposalListing } from './proposals/service.js';

export interface DataSourceInfo {
  readonly name: string;
  readonly detail: string;
  /** When the data was last refreshed (ms since epoch), if known. */
  readonly updatedAt?: number;
  /** The age of the underlying data itself (snapshot commit date), if known. */
  readonly dataDate?: number;
}

export interface StatusInfo {
  readonly version: string;
  readonly startedAt: number;
  adapters(): readonly AdapterStatus[];
  sources(): readonly DataSourceInfo[];
  /** Extra lines from subsystems (outbox depth, dead letters, poll state). */
  details(): readonly string[];
}

/** A channel's announcement rule, as the subscription commands show it. */
export interface SubscriptionInfo {
  readonly id: number;
  readonly channel: string;
  readonly images: readonly string[];
  readonly events: readonly string[];
  readonly mode: 'every' | 'merged-and-published' | 'digest';
  readonly digestTime?: string;
  /** "#3: images python; events pr.*; every transition" */
  readonly description: string;
}

/** What `why` says about one announcement. */
export interface WhyAnswer {
  readonly eventId: string;
  readonly code: string;
  readonly state: string;
  /** The rule as it read when the announcement was queued. */
  readonly rule: string;
  readonly ruleStillExists: boolean;
  readonly sentAt?: number;
}

/** Review and publish announcements: subscriptions per channel and `why`. */
export interface AnnouncementService {
  list(channel: string): readonly SubscriptionInfo[];
  subscribe(
    channel: string,
    spec: { images: readonly string[]; events: readonly string[]; mode: SubscriptionInfo['mode']; digestTime?: string },
    by: string,
  ): { subscription: SubscriptionInfo; created: boolean };
  unsubscribe(channel: string, id: number): SubscriptionInfo | undefined;
  /** By the ref shown in the message or the event id; no ref = the channel's last announcement. */
  why(channel: string, ref: string | undefined): WhyAnswer | undefined;
}

/** What `help` shows of a registered command (a `CommandDef` is one). */
export interface CommandSummary {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly access: AccessLevel;
}

export interface CommandServices {
  readonly status: StatusInfo;
  /** The registry, for help. */
  readonly commands: () => readonly CommandSummary[];
  /** Absent when the app runs without the announcement subsystem. */
  readonly announcements?: AnnouncementService;
  /** The image catalog (official-images manifests + docs). Absent in apps built without it. */
  readonly catalog?: CatalogLookup;
  /** Docker Hub tag facts; throws UpstreamError when Hub is unreachable. */
  readonly hub?: HubLookup;
  /** Official-images PRs and the release pipeline (`pr`, `prs`, `queue`, `when`). */
  readonly prs?: PrLookup;
  /** Open new-image proposals (`proposals`). */
  readonly proposals?: ProposalLookup;
  /** One-shot private notifications (`notify ...`). */
  readonly notify?: NotifyLookup;
  /** Feedback routing and filing (`feedback`, `confirm`, `cancel`). */
  readonly feedback?: FeedbackApi;
  /** Signing, SBOM and provenance of a tag, from the registry (`trust`). */
  readonly trust?: TrustLookup;
  /** Answers to common non-bug questions (CVE scanners, HEALTHCHECK, ...), for free-form answers too. */
  readonly knownAnswers?: { match(text: string): CannedAnswer | undefined };
  /** The DOI knowledge base: general questions answered in chat (`about` shows its review date). */
  readonly knowledge?: KnowledgeLookup;
  /** The rest of long private answers, for `more`. */
  readonly pages?: PageLookup;
}

export interface PageLookup {
  /** The next page kept for `asker` in `channel`; undefined when nothing (current) is kept. */
  next(channel: ChannelKey, asker: UserRef, pageLines: number): RichText | undefined;
}

export type { NotificationInfo, NotifyAddResult, NotifyRequest, PrDetail, PrListing, QueueInfo, WhenAnswer };

export interface PrLookup {
  /** "docker-library/official-images" */
  readonly repo: string;
  /** undefined: GitHub says there is no such PR. */
  get(number: number): Promise<PrDetail | undefined>;
  open(image?: string): Promise<PrListing>;
  queue(): Promise<QueueInfo>;
  when(image: string, version: string): Promise<WhenAnswer>;
}

export type { Proposal, ProposalListing };

export interface ProposalLookup {
  /** "docker-library/official-images" */
  readonly repo: string;
  list(): Promise<ProposalListing>;
  find(name: string): Promise<{ proposal: Proposal | undefined; listing: ProposalListing }>;
}

export interface KnowledgeLookup {
  /** YYYY-MM-DD */
  readonly lastReviewed: string;
  readonly size: number;
  /** Where Docker Content Trust stands (dates and sources), for `trust` answers. */
  readonly dct: DctFacts;
  match(text: string, now: number): KnowledgeAnswer | undefined;
}

export interface NotifyLookup {
  add(user: UserRef, request: NotifyRequest): Promise<NotifyAddResult>;
  list(user: UserRef): readonly NotificationInfo[];
  cancel(user: UserRef, id: number): NotificationInfo | undefined;
}

export interface CatalogLookup {
  /** The current catalog; waits briefly for the first load, then throws a UserError. */
  get(): Promise<Catalog>;
  /** What the bot has seen of a tag across catalog refreshes; undefined when never seen. */
  tagPresence?(image: string, tag: string): TagPresence | undefined;
}

export type { CancelResult, ConfirmResult, FeedbackRequest, ProposeResult, ReportList, ReportListing };

/** Feedback routing and filing (issue 7); each method answers the asker with data the feedback commands render. */
export interface FeedbackApi {
  propose(msg: InboundMessage, req: FeedbackRequest): Promise<ProposeResult>;
  confirm(msg: InboundMessage, code: string): Promise<ConfirmResult>;
  /** `asAdmin`: may cancel anyone's report. */
  cancel(msg: InboundMessage, code: string, asAdmin: boolean): CancelResult;
  /** The asker's own reports. */
  statusOf(msg: InboundMessage): ReportListing;
  /** Everyone's reports not filed yet (admins). */
  pending(): ReportList;
}
