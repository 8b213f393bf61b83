/**
 * Feedback from chat to the right issue tracker (issue 7).
 *
 * `propose` says where a report goes and why, answers known non-bug questions instead, looks
 * for duplicates and hands out a confirm code. `confirm` stores the report ('queued') before
 * GitHub is called and tries to file it at once; whatever is not filed then is filed by the
 * worker (`filing.ts`). Every method answers with data (`types.ts`); the feedback commands
 * render it.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { identityOf, privateKeyOf, type InboundMessage, type Platform } from '../core/chat.js';
import type { Clock } from '../core/clock.js';
import { UpstreamError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Catalog } from '../catalog/catalog.js';
import type { GitHubClient } from '../github/client.js';
import { lookupTarget, type TargetInfo } from '../github/issues.js';
import type { HubLookup } from '../hub/types.js';
import type { FeedbackAnswers } from './answers.js';
import { FeedbackFiler, type FilingOptions } from './filing.js';
import { capChars, cleanText } from './neutralise.js';
import { TEXT_MAX, buildBody, buildTitle, firstLine, prefillFromDraft, prefilledIssueUrl, type FeedbackKind, type ReportContext, type ReportOrigin } from './report.js';
import { resolveImage, routeReport, type FeedbackRepos } from './routing.js';
import type { FeedbackStore, Report } from './store.js';
import type { CancelResult, ConfirmResult, FeedbackRequest, FilingLimit, GitHubRouting, ProposeResult, ReportInfo, ReportList, ReportListing, ReportStateResult } from './types.js';
import type { FeedbackApi } from '../services.js';

export interface FeedbackTuning {
  /** How long a confirm code stays valid. */
  readonly confirmWindowMs?: number;
  /** How long `confirm` waits for GitHub before answering "queued". */
  readonly inCommandMs?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Confirmed reports not filed after this long are given up (the reporter gets a link). */
  readonly giveUpAfterMs?: number;
  /** How often the worker looks for due reports when nobody kicks it. */
  readonly idleMs?: number;
  /** How long to wait for Docker Hub's digest while composing a report. */
  readonly hubWaitMs?: number;
}

export interface FeedbackServiceOptions extends Pick<FilingOptions, 'notify' | 'afterNotify' | 'onOutcome'> {
  readonly store: FeedbackStore;
  readonly catalog: { get(): Promise<Catalog> };
  readonly answers: FeedbackAnswers;
  readonly github?: GitHubClient;
  readonly hub?: HubLookup;
  readonly repos: FeedbackRepos;
  readonly limits: { readonly perUserPerDay: number; readonly globalPerHour: number };
  readonly clock: Clock;
  readonly log: Logger;
  readonly platformName: (platform: Platform) => string; // its adapter's displayName, for the report's origin line
  readonly tuning?: FeedbackTuning;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** Messages longer than this were cut by the dispatcher: refuse rather than file a fragment. */
const DISPATCHER_INPUT_MAX = 4000;

export class FeedbackService implements FeedbackApi {
  readonly #o: FeedbackServiceOptions;
  readonly #t: Required<FeedbackTuning>;
  readonly #store: FeedbackStore;
  readonly #filer: FeedbackFiler;

  constructor(opts: FeedbackServiceOptions) {
    this.#o = opts;
    this.#store = opts.store;
    this.#t = {
      confirmWindowMs: 10 * 60_000,
      inCommandMs: 8000,
      baseBackoffMs: 30_000,
      maxBackoffMs: 30 * 60_000,
      giveUpAfterMs: 2 * DAY,
      idleMs: 15_000,
      hubWaitMs: 3000,
      ...opts.tuning,
    };
    this.#filer = new FeedbackFiler({
      store: opts.store,
      ...(opts.github ? { github: opts.github } : {}),
      clock: opts.clock,
      log: opts.log,
      ...(opts.notify ? { notify: opts.notify } : {}),
      ...(opts.afterNotify ? { afterNotify: opts.afterNotify } : {}),
      ...(opts.onOutcome ? { onOutcome: opts.onOutcome } : {}),
      tuning: this.#t,
    });
  }

  get filingEnabled(): boolean {
    return this.#o.github !== undefined;
  }

  get lastError(): string | undefined {
    return this.#filer.lastError;
  }

  // ---------------------------------------------------------------- propose

  async propose(msg: InboundMessage, req: FeedbackRequest): Promise<ProposeResult> {
    const text = cleanText(req.text).trim();
    if (msg.text.length > DISPATCHER_INPUT_MAX || [...text].length > TEXT_MAX) {
      return { kind: 'too-long', length: Math.max(msg.text.length, [...text].length), limit: TEXT_MAX };
    }
    if ([...firstLine(text)].length < 10) return { kind: 'too-short' };
    const catalog = await this.#o.catalog.get();
    let image: string | undefined;
    let tag: string | undefined;
    if (req.image !== undefined) {
      const resolved = resolveImage(catalog, req.image);
      if ('error' in resolved) {
        return resolved.error === 'unknown-image'
          ? { kind: 'unknown-image', typed: req.image, suggestions: resolved.suggestions }
          : { kind: 'invalid-image-tag', typed: req.image };
      }
      image = resolved.image;
      tag = resolved.tag;
    } else if (req.kind !== 'process') {
      return { kind: 'image-needed' };
    }

    if (!req.anyway) {
      const canned = this.#o.answers.match(text);
      if (canned) return { kind: 'known-question', answer: canned, ...(image !== undefined ? { image } : {}) };
    }

    const route = routeReport(req.kind, image, catalog, this.#o.repos);
    const subject = image ? `${image}${tag ? `:${tag}` : ''}` : 'the Official Images program';
    if (route.type === 'none') return { kind: 'no-tracker', subject };
    if (route.type === 'external') {
      return { kind: 'external-tracker', subject, url: route.url, trackerName: route.trackerName, ...(route.instructions ? { instructions: route.instructions } : {}) };
    }

    const ctx = await this.#context(req.kind, image, tag, catalog);
    const origin = originOf(msg, this.#o.platformName(msg.channel.platform));
    const routing: GitHubRouting = {
      subject,
      kind: req.kind,
      repo: route.repo,
      why: route.why,
      ...(route.note ? { note: route.note } : {}),
      ...(route.external ? { external: route.external } : {}),
    };
    const manual = () => prefilledIssueUrl(route.repo, text, ctx, origin);

    if (!this.#o.github) return { kind: 'no-token', routing, prefillUrl: manual() };
    const reporter = identityOf(msg.author);
    if (!reporter) return { kind: 'unidentified', routing, prefillUrl: manual() };
    const limit = this.#limit(reporter);
    if (limit) return { kind: 'limited', routing, limit };

    const title = buildTitle(text, ctx);
    let target: TargetInfo | undefined;
    let lookupFailed: string | undefined;
    try {
      target = await lookupTarget(this.#o.github, route.repo, title);
    } catch (err) {
      lookupFailed = err instanceof UpstreamError && err.userMessage ? err.userMessage : 'GitHub did not answer';
      this.#o.log.warn({ err, repo: route.repo }, 'feedback: target lookup failed');
    }
    if (target && !target.repo) return { kind: 'no-repo', routing };
    if (target?.repo && (!target.repo.hasIssuesEnabled || target.repo.isArchived)) return { kind: 'repo-closed', routing, archived: target.repo.isArchived };

    const id = randomBytes(12).toString('hex');
    const code = this.#newCode();
    const now = this.#o.clock.now();
    this.#store.insert({
      id,
      code,
      kind: req.kind,
      image: image ?? null,
      tag: tag ?? null,
      repo: route.repo,
      repoId: target?.repo?.id ?? null,
      title,
      body: buildBody(text, ctx, origin, id),
      reporter,
      reporterName: capChars(cleanText(msg.author.name), 64),
      channelKey: (msg.isDirect ? privateKeyOf(msg.author) : undefined) ?? msg.channel.key, // in private: the account, not a nick
      createdAt: now,
      expiresAt: now + this.#t.confirmWindowMs,
    });
    this.#o.log.info({ report: id, code, repo: route.repo, reporter }, 'feedback proposed');
    return {
      kind: 'proposed',
      routing,
      code,
      confirmWindowMs: this.#t.confirmWindowMs,
      firstLine: firstLine(text),
      similar:
        lookupFailed !== undefined || !target
          ? { kind: 'unchecked', reason: lookupFailed ?? 'GitHub did not answer' }
          : { kind: 'checked', total: target.similarCount, shown: target.similar },
    };
  }

  // ---------------------------------------------------------------- confirm / cancel

  async confirm(msg: InboundMessage, rawCode: string): Promise<ConfirmResult> {
    const reporter = identityOf(msg.author);
    if (!reporter) return { kind: 'unidentified' };
    const code = rawCode.trim().toLowerCase();
    const report = this.#store.byCode(code);
    const confirmWindowMs = this.#t.confirmWindowMs;
    if (!report || report.reporter !== reporter) return { kind: 'unknown-code', code, confirmWindowMs };
    const now = this.#o.clock.now();
    if (report.state === 'proposed' && report.expiresAt <= now) {
      this.#store.expire(now);
      return { kind: 'expired', code, confirmWindowMs };
    }
    if (report.state !== 'proposed') return stateOf(report);

    const verdict = this.#store.confirm(report.id, now, {
      reporter,
      perUser: this.#o.limits.perUserPerDay,
      perUserSince: now - DAY,
      global: this.#o.limits.globalPerHour,
      globalSince: now - HOUR,
    });
    if (verdict === 'user-limit' || verdict === 'global-limit') {
      const limit = this.#limit(reporter);
      return { kind: 'limited', code, ...(limit ? { limit } : {}) };
    }
    if (verdict === 'gone') return stateOf(this.#store.byId(report.id) ?? report);
    this.#o.log.info({ report: report.id, code, repo: report.repo }, 'feedback confirmed');

    const outcome = await this.#filer.fileWithin(report.id, this.#t.inCommandMs);
    if (outcome === 'timeout') return { kind: 'background', code };
    switch (outcome.kind) {
      case 'filed':
        return { kind: 'filed', repo: report.repo, number: outcome.number, url: outcome.url };
      case 'queued':
        return { kind: 'retrying', code, error: outcome.error, retryInMs: outcome.nextAt - now };
      case 'failed':
        return { kind: 'refused', code, error: outcome.error, selfFileUrl: prefillFromDraft(report) };
      case 'busy':
        return { kind: 'busy', code };
    }
  }

  cancel(msg: InboundMessage, rawCode: string, asAdmin: boolean): CancelResult {
    const who = identityOf(msg.author);
    if (!who) return { kind: 'unidentified' };
    const code = rawCode.trim().toLowerCase();
    const report = this.#store.byCode(code);
    if (!report || (report.reporter !== who && !asAdmin)) return { kind: 'unknown-code', code };
    if (report.state === 'filing') return { kind: 'filing-now', code };
    if (report.state !== 'proposed' && report.state !== 'queued') return stateOf(report);
    if (!this.#store.cancel(report.id, who)) return stateOf(this.#store.byId(report.id) ?? report);
    this.#o.log.info({ report: report.id, code, by: who }, 'feedback cancelled');
    return { kind: 'cancelled', code, mayBeOnGitHub: report.createSent };
  }

  // ---------------------------------------------------------------- listings

  statusOf(msg: InboundMessage): ReportListing {
    const who = identityOf(msg.author);
    if (!who) return { kind: 'unidentified' };
    return { kind: 'reports', reports: this.#store.ofReporter(who, 10).map(infoOf), now: this.#o.clock.now() };
  }

  pending(): ReportList {
    const now = this.#o.clock.now();
    this.#store.expire(now);
    return { reports: this.#store.open(50).map(infoOf), now };
  }

  details(): string[] {
    const counts = this.#store.countByState();
    const queued = (counts.get('queued') ?? 0) + (counts.get('filing') ?? 0);
    const lastError = this.lastError;
    return [
      `feedback: ${this.#o.github ? 'filing to GitHub' : 'links only (no GitHub token)'}; ${queued} queued, ${counts.get('proposed') ?? 0} awaiting confirmation, ${counts.get('filed') ?? 0} filed, ${counts.get('failed') ?? 0} failed${lastError ? `; last error: ${lastError.slice(0, 120)}` : ''}`,
    ];
  }

  // ---------------------------------------------------------------- limits

  /** Why this reporter may not file now, or undefined when they may. */
  #limit(reporter: string): FilingLimit | undefined {
    const { perUserPerDay, globalPerHour } = this.#o.limits;
    if (perUserPerDay === 0 || globalPerHour === 0) return { kind: 'off' };
    const now = this.#o.clock.now();
    if (this.#store.countByReporterSince(reporter, now - DAY) >= perUserPerDay) {
      const oldest = this.#store.oldestSince(now - DAY, reporter);
      return { kind: 'per-user', max: perUserPerDay, ...(oldest !== undefined ? { waitMs: oldest + DAY - now } : {}) };
    }
    if (this.#store.countSince(now - HOUR) >= globalPerHour) {
      const oldest = this.#store.oldestSince(now - HOUR);
      return { kind: 'global', max: globalPerHour, ...(oldest !== undefined ? { waitMs: oldest + HOUR - now } : {}) };
    }
    return undefined;
  }

  // ---------------------------------------------------------------- report context

  async #context(kind: FeedbackKind, image: string | undefined, tag: string | undefined, catalog: Catalog): Promise<ReportContext> {
    if (!image) return { kind };
    if (!tag) return { kind, image };
    const info = catalog.tag(image, tag);
    const digest = await this.#digest(image, tag);
    return {
      kind,
      image,
      tag,
      ...(info ? { architectures: info.architectures } : { tagUnknown: true }),
      ...(digest ? { digest } : {}),
    };
  }

  /** Hub's digest for the tag, if Hub answers quickly; a report never waits long for it. */
  async #digest(image: string, tag: string): Promise<string | undefined> {
    const hub = this.#o.hub;
    if (!hub) return undefined;
    const stop = new AbortController();
    try {
      const answer = await Promise.race([hub.getTag(image, tag).catch(() => null), this.#o.clock.sleep(this.#t.hubWaitMs, stop.signal).then(() => null)]);
      return answer?.digest && /^sha256:[0-9a-f]{64}$/.test(answer.digest) ? answer.digest : undefined;
    } finally {
      stop.abort();
    }
  }

  #newCode(): string {
    for (;;) {
      let code = '';
      for (let i = 0; i < 6; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
      if (!this.#store.codeExists(code)) return code;
    }
  }

  // ---------------------------------------------------------------- worker

  /** Re-queues reports a previous run left mid-attempt, then files due reports until stopped. */
  start(): void {
    this.#filer.start();
  }

  kick(): void {
    this.#filer.kick();
  }

  stop(deadlineMs = 3000): Promise<void> {
    return this.#filer.stop(deadlineMs);
  }
}

function infoOf(r: Report): ReportInfo {
  const { code, state, repo, reporter, title, expiresAt, attempts, nextAt, lastError, filedAt, issueUrl } = r;
  return { code, state, repo, reporter, title, expiresAt, attempts, nextAt, lastError, filedAt, issueUrl };
}

function stateOf(r: Report): ReportStateResult {
  return { kind: 'state', report: infoOf(r), ...(r.state === 'failed' ? { selfFileUrl: prefillFromDraft(r) } : {}) };
}

function originOf(msg: InboundMessage, platformName: string): ReportOrigin {
  return {
    platformName,
    channelName: msg.channel.name,
    isDirect: msg.isDirect,
    reporter: identityOf(msg.author) ?? `${msg.author.platform}:${msg.author.id} (unidentified)`,
    ...(msg.permalink ? { permalink: msg.permalink } : {}),
  };
}
