/**
 * Feedback from chat to the right issue tracker (issue 7).
 *
 * `propose` says where a report goes and why, answers known non-bug questions instead, looks
 * for duplicates and hands out a confirm code. `confirm` stores the report ('queued') before
 * GitHub is called and tries to file it at once; whatever is not filed then is filed by the
 * worker loop with back-off. Exactly one issue per report: every attempt claims the row under
 * a fresh attempt id, `create_sent` is committed before createIssue is sent, and a report
 * with `create_sent` is first looked up on GitHub by its hidden marker. The reporter learns the
 * issue URL in the confirm reply or, later, through the outbox (`notify`).
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { identityOf, privateKeyOf, type InboundMessage, type Platform } from '../core/chat.js';
import { formatAge, type Clock } from '../core/clock.js';
import { UpstreamError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { Loop } from '../core/loop.js';
import { capList, rt, type Line, type RichText } from '../core/richtext.js';
import type { Catalog, FeedbackRoute } from '../catalog/catalog.js';
import { normaliseImageName } from '../catalog/catalog.js';
import type { GitHubClient } from '../github/client.js';
import type { HubLookup } from '../hub/types.js';
import type { FeedbackAnswers } from './answers.js';
import { createIssue, findByMarker, lookupTarget, type TargetInfo } from '../github/issues.js';
import { capChars, cleanText } from './neutralise.js';
import { TEXT_MAX, buildBody, buildTitle, firstLine, newIssueLink, prefilledIssueUrl, type FeedbackKind, type ReportContext, type ReportOrigin } from './report.js';
import { FeedbackStore, type Report } from './store.js';
import type { FeedbackApi, FeedbackRequest } from '../services.js';

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

export interface FeedbackServiceOptions {
  readonly store: FeedbackStore;
  readonly catalog: { get(): Promise<Catalog> };
  readonly answers: FeedbackAnswers;
  readonly github?: GitHubClient;
  readonly hub?: HubLookup;
  readonly repos: { readonly officialImages: string; readonly docs: string };
  readonly limits: { readonly perUserPerDay: number; readonly globalPerHour: number };
  readonly clock: Clock;
  readonly log: Logger;
  readonly platformName: (platform: Platform) => string; // its adapter's displayName, for the report's origin line
  /**
   * Queues a message to the report's channel (the outbox). Called inside the transaction that
   * marks the report filed or failed, so the notice and the state change commit together.
   */
  readonly notify?: (report: Report, body: RichText, event: 'filed' | 'failed') => void;
  /** Called after a notify()'s transaction committed (wake the outbox worker). */
  readonly afterNotify?: () => void;
  /** Each filing attempt's result, for metrics. */
  readonly onOutcome?: (outcome: 'filed' | 'queued' | 'failed') => void;
  readonly tuning?: FeedbackTuning;
}

type Outcome =
  | { readonly kind: 'filed'; readonly url: string; readonly number: number; readonly found: boolean }
  | { readonly kind: 'queued'; readonly error: string; readonly nextAt: number }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'busy' };

type Route =
  | { readonly type: 'github'; readonly repo: string; readonly why: string; readonly note?: string; readonly external?: string }
  | { readonly type: 'external'; readonly url: string; readonly trackerName: string; readonly instructions?: string }
  | { readonly type: 'none' };

const DAY = 86_400_000;
const HOUR = 3_600_000;
const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** Messages longer than this were cut by the dispatcher: refuse rather than file a fragment. */
const DISPATCHER_INPUT_MAX = 4000;
const TRACKER_NAMES: Record<string, string> = {
  jira: 'Jira',
  bugzilla: 'Bugzilla',
  launchpad: 'Launchpad',
  gitlab: 'GitLab',
  phabricator: 'Phabricator',
  'bug-tracker': 'its own bug tracker',
  other: 'a tracker outside GitHub',
};
export const KIND_LABELS: Record<FeedbackKind, string> = {
  image: 'a problem with the image',
  docs: 'the documentation',
  process: 'the Official Images process or a new image',
};

export class FeedbackService implements FeedbackApi {
  readonly #o: FeedbackServiceOptions;
  readonly #t: Required<FeedbackTuning>;
  readonly #store: FeedbackStore;
  readonly #loop: Loop;
  #inFlight = new Set<Promise<unknown>>();
  lastError: string | undefined;

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
    this.#loop = new Loop({
      clock: opts.clock,
      intervalMs: this.#t.idleMs,
      pass: () => this.#pass(),
      onError: (err) => {
        this.lastError = errorMessage(err);
        this.#o.log.error({ err }, 'feedback worker pass failed');
      },
    });
  }

  get filingEnabled(): boolean {
    return this.#o.github !== undefined;
  }

  // ---------------------------------------------------------------- propose

  async propose(msg: InboundMessage, req: FeedbackRequest): Promise<RichText> {
    const text = cleanText(req.text).trim();
    if (msg.text.length > DISPATCHER_INPUT_MAX || [...text].length > TEXT_MAX) {
      return rt.of(
        `That report is too long (${Math.max(msg.text.length, [...text].length).toLocaleString('en')} characters; the limit is ${TEXT_MAX.toLocaleString('en')}). Nothing was filed. Please shorten it, or put logs in a gist and send the link.`,
      );
    }
    if ([...firstLine(text)].length < 10) {
      return rt.of('Please describe the problem in a sentence or two (the first line becomes the issue title). Usage: feedback <image>[:tag] <text>');
    }
    const catalog = await this.#o.catalog.get();
    let image: string | undefined;
    let tag: string | undefined;
    if (req.image !== undefined) {
      const resolved = resolveImage(catalog, req.image);
      if ('error' in resolved) return rt.of(resolved.error);
      image = resolved.image;
      tag = resolved.tag;
    } else if (req.kind !== 'process') {
      return rt.of('Which image is this about? Usage: feedback <image>[:tag] <text>');
    }

    if (!req.anyway) {
      const canned = this.#o.answers.match(text);
      if (canned) {
        return rt.of(
          rt.line('This looks like a known question rather than a bug: ', canned.answer),
          rt.line('More: ', rt.link(canned.link)),
          rt.line('If it is still a bug in the image, send it again with ', rt.code('--anyway'), ', e.g. ', rt.code(`feedback ${image ?? 'process'} --anyway ...`), '.'),
        );
      }
    }

    const route = this.#route(req.kind, image, catalog);
    const subject = image ? `${image}${tag ? `:${tag}` : ''}` : 'the Official Images program';
    if (route.type === 'none') {
      return rt.of(
        `The docs of ${subject} name no issue tracker, so I cannot route this. For questions about the program itself use: feedback process <text>`,
      );
    }
    if (route.type === 'external') {
      const lines: (Line | string)[] = [
        rt.line(`Issues for ${subject} are tracked on ${route.trackerName}, not GitHub, so I file nothing: please report it at `, rt.link(route.url), '.'),
      ];
      if (route.instructions) lines.push(rt.line("The image's docs say: ", route.instructions));
      return rt.of(...lines);
    }

    const ctx = await this.#context(req.kind, image, tag, catalog);
    const origin = originOf(msg, this.#o.platformName(msg.channel.platform));
    const where = rt.line('About ', rt.bold(subject), ` (${KIND_LABELS[req.kind]}): this goes to `, rt.link(`https://github.com/${route.repo}/issues`, route.repo), ` because ${route.why}.`);
    const head: (Line | string)[] = [where];
    if (route.note) head.push(rt.line(route.note, ...(route.external ? [' ', rt.link(route.external)] : [])));
    const manual = () => prefilledIssueUrl(route.repo, text, ctx, origin);

    if (!this.#o.github) {
      return rt.of(...head, rt.line('Filing from chat is not configured on this bot (no GitHub token). You can open the issue yourself, prefilled: ', newIssueLink(manual())));
    }
    const reporter = reporterOf(msg);
    if (!reporter) {
      return rt.of(
        ...head,
        'Only identified users can file through the bot (on IRC: log in to your services account; the bot never trusts a nick). Nothing was filed.',
        rt.line('You can open it yourself, prefilled: ', newIssueLink(manual())),
      );
    }
    const limited = this.#limitMessage(reporter);
    if (limited) return rt.of(...head, limited);

    const title = buildTitle(text, ctx);
    let target: TargetInfo | undefined;
    let lookupFailed: string | undefined;
    try {
      target = await lookupTarget(this.#o.github, route.repo, title);
    } catch (err) {
      lookupFailed = err instanceof UpstreamError && err.userMessage ? err.userMessage : 'GitHub did not answer';
      this.#o.log.warn({ err, repo: route.repo }, 'feedback: target lookup failed');
    }
    if (target && !target.repo) {
      return rt.of(...head, rt.line(`GitHub has no repository ${route.repo} (the docs may be out of date), so I file nothing. Please tell the maintainers: `, rt.code('feedback process ...')));
    }
    if (target?.repo && (!target.repo.hasIssuesEnabled || target.repo.isArchived)) {
      return rt.of(...head, `${route.repo} does not take issues on GitHub (${target.repo.isArchived ? 'archived' : 'issues are turned off'}), so I file nothing.`);
    }

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

    const minutes = Math.round(this.#t.confirmWindowMs / 60_000);
    // The code first: on IRC a channel shows two lines, and the code is what the reporter needs.
    const lines: (Line | string)[] = [rt.line(`To file it in ${route.repo}, say `, rt.code(`confirm ${code}`), ` within ${minutes} minutes, or `, rt.code(`cancel ${code}`), '.'), ...head, rt.line('Title: ', capChars(firstLine(text), 120))];
    if (lookupFailed) lines.push(`I could not check for similar issues (${lookupFailed}); please look at the link above first.`);
    else if (target?.similar.length) {
      lines.push(`Similar issues (${target.similarCount} found; please check these are not the same problem):`);
      for (const s of target.similar) lines.push(rt.line(`• #${s.number} `, capChars(cleanText(s.title), 100), ` (${s.state.toLowerCase()}) `, rt.link(s.url)));
    } else lines.push('No similar issues found.');
    return rt.withActions({ ...rt.of(...lines), wholeAnswerUrl: `https://github.com/${route.repo}/issues` }, [
      { label: 'File it', command: `confirm ${code}`, style: 'primary' },
      { label: 'Cancel', command: `cancel ${code}`, style: 'danger' },
    ]);
  }

  // ---------------------------------------------------------------- confirm / cancel

  async confirm(msg: InboundMessage, rawCode: string): Promise<RichText> {
    const reporter = reporterOf(msg);
    if (!reporter) return rt.of('Only identified users can file reports (on IRC: log in to your services account first).');
    const code = rawCode.trim().toLowerCase();
    const report = this.#store.byCode(code);
    if (!report || report.reporter !== reporter) return rt.of(`You have no report with code ${capChars(code, 12)}. Codes are valid for ${Math.round(this.#t.confirmWindowMs / 60_000)} minutes; send the feedback again if it expired.`);
    const now = this.#o.clock.now();
    if (report.state === 'proposed' && report.expiresAt <= now) {
      this.#store.expire(now);
      return rt.of(`Report ${code} expired (not confirmed within ${Math.round(this.#t.confirmWindowMs / 60_000)} minutes). Nothing was filed; send the feedback again to start over.`);
    }
    if (report.state !== 'proposed') return this.#stateReply(report);

    const verdict = this.#store.confirm(report.id, now, {
      reporter,
      perUser: this.#o.limits.perUserPerDay,
      perUserSince: now - DAY,
      global: this.#o.limits.globalPerHour,
      globalSince: now - HOUR,
    });
    if (verdict === 'user-limit' || verdict === 'global-limit') return rt.of(this.#limitMessage(reporter) ?? 'The filing limit is reached; try again later.', ` Report ${code} is still waiting; confirm it again later.`);
    if (verdict === 'gone') return this.#stateReply(this.#store.byId(report.id) ?? report);
    this.#o.log.info({ report: report.id, code, repo: report.repo }, 'feedback confirmed');

    // File now if GitHub answers quickly; otherwise the worker finishes it and the reporter is
    // told through the outbox. `replyPending` decides which of the two says so.
    const live = { replyPending: true };
    let settled = false;
    const attempt = this.#track(this.#file(report.id, live)).finally(() => {
      settled = true;
    });
    const stop = new AbortController();
    const deadline = this.#o.clock.sleep(this.#t.inCommandMs, stop.signal).then(() => {
      if (settled) return undefined;
      live.replyPending = false;
      return 'timeout' as const;
    });
    const outcome = await Promise.race([attempt, deadline]);
    stop.abort();
    if (outcome === undefined || outcome === 'timeout') {
      return rt.of(`Report ${code} is saved. GitHub is slow to answer, so it will be filed in the background; I will post the link here.`);
    }
    switch (outcome.kind) {
      case 'filed':
        return rt.of(rt.line(`Filed as ${report.repo}#${outcome.number}: `, rt.link(outcome.url), '. Thank you!'));
      case 'queued':
        return rt.of(`Report ${code} is saved, but GitHub is not available right now (${outcome.error}). It will be filed automatically (next try in ${formatAge(outcome.nextAt - now)}); I will post the link here.`);
      case 'failed':
        return rt.of(rt.line(`GitHub refused report ${code} (${outcome.error}). Nothing was filed. You can open it yourself, prefilled: `, newIssueLink(prefillFromDraft(report))));
      case 'busy':
        return rt.of(`Report ${code} is saved and being filed; I will post the link here.`);
    }
  }

  cancel(msg: InboundMessage, rawCode: string, asAdmin: boolean): RichText {
    const who = reporterOf(msg);
    if (!who) return rt.of('Only identified users can cancel reports.');
    const code = rawCode.trim().toLowerCase();
    const report = this.#store.byCode(code);
    if (!report || (report.reporter !== who && !asAdmin)) return rt.of(`You have no report with code ${capChars(code, 12)}.`);
    if (report.state === 'filing') return rt.of(`Report ${code} is being sent to GitHub right now; check feedback status in a moment.`);
    if (report.state !== 'proposed' && report.state !== 'queued') return this.#stateReply(report);
    if (!this.#store.cancel(report.id, who)) return this.#stateReply(this.#store.byId(report.id) ?? report);
    this.#o.log.info({ report: report.id, code, by: who }, 'feedback cancelled');
    const warn = report.createSent ? ' An earlier attempt may have reached GitHub: check the repository before filing again.' : '';
    return rt.of(`Report ${code} cancelled; nothing will be filed.${warn}`);
  }

  // ---------------------------------------------------------------- listings

  statusOf(msg: InboundMessage): RichText {
    const who = reporterOf(msg);
    if (!who) return rt.of('Reports are kept per verified identity; you are not identified (on IRC: log in to services).');
    const reports = this.#store.ofReporter(who, 10);
    if (!reports.length) return rt.of('You have no feedback reports.');
    const now = this.#o.clock.now();
    return rt.of('Your feedback reports (newest first):', ...reports.map((r) => this.#describe(r, now, false)));
  }

  pending(): RichText {
    const now = this.#o.clock.now();
    this.#store.expire(now);
    const open = this.#store.open(50);
    if (!open.length) return rt.of('No feedback reports are waiting.');
    return rt.of(`${open.length} feedback report(s) not filed yet (cancel one with: cancel <code>):`, ...open.map((r) => this.#describe(r, now, true)));
  }

  details(): string[] {
    const counts = this.#store.countByState();
    const queued = (counts.get('queued') ?? 0) + (counts.get('filing') ?? 0);
    return [
      `feedback: ${this.#o.github ? 'filing to GitHub' : 'links only (no GitHub token)'}; ${queued} queued, ${counts.get('proposed') ?? 0} awaiting confirmation, ${counts.get('filed') ?? 0} filed, ${counts.get('failed') ?? 0} failed${this.lastError ? `; last error: ${this.lastError.slice(0, 120)}` : ''}`,
    ];
  }

  #describe(r: Report, now: number, admin: boolean): Line {
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

  #stateReply(r: Report): RichText {
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
        return rt.of(rt.line(`Report ${r.code} could not be filed (${(r.lastError ?? 'unknown').slice(0, 120)}). You can open it yourself: `, newIssueLink(prefillFromDraft(r))));
      case 'proposed':
        return rt.of(`Report ${r.code} is waiting for confirm ${r.code}.`);
    }
  }

  // ---------------------------------------------------------------- limits

  #limitMessage(reporter: string): string | undefined {
    const { perUserPerDay, globalPerHour } = this.#o.limits;
    if (perUserPerDay === 0 || globalPerHour === 0) return 'Filing through the bot is turned off here (limit set to 0). Nothing was filed.';
    const now = this.#o.clock.now();
    if (this.#store.countByReporterSince(reporter, now - DAY) >= perUserPerDay) {
      const oldest = this.#store.oldestSince(now - DAY, reporter);
      const wait = oldest !== undefined ? ` (next possible in ${formatAge(oldest + DAY - now)})` : '';
      return `You have filed ${perUserPerDay} report(s) in the last 24 hours, the most one person may${wait}. Nothing was filed.`;
    }
    if (this.#store.countSince(now - HOUR) >= globalPerHour) {
      const oldest = this.#store.oldestSince(now - HOUR);
      const wait = oldest !== undefined ? ` (next possible in ${formatAge(oldest + HOUR - now)})` : '';
      return `The bot has filed ${globalPerHour} report(s) in the last hour, its limit for everyone together${wait}. Nothing was filed.`;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- routing and context

  #route(kind: FeedbackKind, image: string | undefined, catalog: Catalog): Route {
    if (kind === 'docs') return { type: 'github', repo: this.#o.repos.docs, why: 'the image descriptions on Docker Hub are maintained in the docs repository' };
    if (kind === 'process') return { type: 'github', repo: this.#o.repos.officialImages, why: 'the review, build and publish process and requests for new images are handled there' };
    const route = image ? catalog.routeFor(image) : undefined;
    if (!route) return { type: 'none' };
    return routeOf(route);
  }

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

  // ---------------------------------------------------------------- filing

  /** One attempt for one queued report. Never throws. */
  async #file(id: string, live?: { replyPending: boolean }): Promise<Outcome> {
    const gh = this.#o.github;
    const report = this.#store.byId(id);
    if (!gh || !report || report.state !== 'queued') return { kind: 'busy' };
    const attemptId = randomUUID();
    if (!this.#store.claim(id, attemptId)) return { kind: 'busy' };
    const log = this.#o.log.child({ report: id, code: report.code, attempt: attemptId });
    try {
      if (report.createSent) {
        const since = (report.confirmedAt ?? report.createdAt) - 10 * 60_000;
        const existing = await findByMarker(gh, report.repo, report.id, since);
        if (existing) {
          log.info({ issue: existing.url }, 'feedback: found the issue an earlier attempt created');
          return this.#finish(report, attemptId, existing, true, live);
        }
      }
      let repoId = report.repoId;
      if (!repoId) {
        const target = await lookupTarget(gh, report.repo, '');
        if (!target.repo) throw new PermanentError(`GitHub has no repository ${report.repo}`);
        if (!target.repo.hasIssuesEnabled || target.repo.isArchived) throw new PermanentError(`${report.repo} does not take issues`);
        repoId = target.repo.id;
        this.#store.setRepoId(id, repoId);
      }
      // Committed before the request leaves: if we never hear back, the next attempt searches.
      this.#store.markCreateSent(id, attemptId);
      const issue = await createIssue(gh, { repositoryId: repoId, title: report.title, body: report.body, clientMutationId: attemptId });
      log.info({ issue: issue.url }, 'feedback filed');
      return this.#finish(report, attemptId, issue, false, live);
    } catch (err) {
      return this.#failed(report, attemptId, err, live, log);
    }
  }

  #finish(report: Report, attemptId: string, issue: { number: number; url: string }, found: boolean, live?: { replyPending: boolean }): Outcome {
    const now = this.#o.clock.now();
    let notified = false;
    this.#store.settleWith({ filed: issue, now }, report.id, attemptId, () => {
      if (live?.replyPending) return;
      if (this.#o.notify) {
        this.#o.notify(report, rt.of(rt.line(`Your report ${report.code} is filed as ${report.repo}#${issue.number}: `, rt.link(issue.url), '. Thank you!')), 'filed');
        notified = true;
      }
    });
    if (notified) this.#o.afterNotify?.();
    this.lastError = undefined;
    this.#o.onOutcome?.('filed');
    return { kind: 'filed', url: issue.url, number: issue.number, found };
  }

  #failed(report: Report, attemptId: string, err: unknown, live: { replyPending: boolean } | undefined, log: Logger): Outcome {
    const now = this.#o.clock.now();
    const message = err instanceof UpstreamError && err.userMessage ? err.userMessage : errorMessage(err);
    this.lastError = errorMessage(err);
    const permanent =
      err instanceof PermanentError ||
      (err instanceof UpstreamError && !err.retryable && err.code !== 'github.bad_credentials' && err.code !== 'github.forbidden') ||
      now - (report.confirmedAt ?? report.createdAt) > this.#t.giveUpAfterMs;
    if (permanent) {
      let notified = false;
      this.#store.settleWith({ failed: errorMessage(err) }, report.id, attemptId, () => {
        if (live?.replyPending || !this.#o.notify) return;
        this.#o.notify(
          report,
          rt.of(rt.line(`Your report ${report.code} could not be filed on GitHub (${message.slice(0, 120)}). You can open it yourself, prefilled: `, newIssueLink(prefillFromDraft(report)))),
          'failed',
        );
        notified = true;
      });
      if (notified) this.#o.afterNotify?.();
      log.error({ err }, 'feedback filing failed for good');
      this.#o.onOutcome?.('failed');
      return { kind: 'failed', error: message.slice(0, 200) };
    }
    const attempts = report.attempts + 1;
    const backoff = Math.min(this.#t.baseBackoffMs * 2 ** (attempts - 1), this.#t.maxBackoffMs);
    const asked = err instanceof UpstreamError ? (err.retryAfterMs ?? 0) : 0;
    // Without a token GitHub accepts, retrying often only adds to the failures: wait long.
    const floor = err instanceof UpstreamError && (err.code === 'github.bad_credentials' || err.code === 'github.forbidden') ? 15 * 60_000 : 0;
    const wait = Math.round(Math.max(asked, floor, backoff * (0.8 + Math.random() * 0.4)));
    this.#store.markRetry(report.id, attemptId, now + wait, errorMessage(err));
    log.warn({ err, attempts, waitMs: wait }, 'feedback filing failed; will retry');
    this.#loop.kick();
    this.#o.onOutcome?.('queued');
    return { kind: 'queued', error: message.slice(0, 200), nextAt: now + wait };
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  // ---------------------------------------------------------------- worker

  /** Re-queues reports a previous run left mid-attempt, then files due reports until stopped. */
  start(): void {
    if (this.#loop.running) return;
    const orphans = this.#store.requeueOrphans(this.#o.clock.now());
    if (orphans) this.#o.log.warn({ orphans }, 'feedback: re-queued reports a previous run left mid-filing (they are checked on GitHub before filing again)');
    this.#loop.start();
  }

  kick(): void {
    this.#loop.kick();
  }

  async stop(deadlineMs = 3000): Promise<void> {
    if (!this.#loop.running) return;
    const loopDone = this.#loop.stop();
    const stop = new AbortController();
    const deadline = this.#o.clock.sleep(deadlineMs, stop.signal).then(() => 'timeout' as const);
    const r = await Promise.race([Promise.allSettled([loopDone, ...this.#inFlight]).then(() => 'ok' as const), deadline]);
    stop.abort();
    if (r === 'timeout') this.#o.log.warn('feedback: stopped with a filing in flight; it is checked on GitHub at the next start');
  }

  /** Files the due reports; returns the wait until the next one is due (at most the idle interval). */
  async #pass(): Promise<number> {
    this.#store.expire(this.#o.clock.now());
    if (this.#o.github) {
      for (const report of this.#store.due(this.#o.clock.now())) {
        if (!this.#loop.running) break;
        await this.#track(this.#file(report.id));
      }
    }
    const next = this.#store.nextDueAt();
    return next === undefined ? this.#t.idleMs : Math.max(0, Math.min(this.#t.idleMs, next - this.#o.clock.now()));
  }
}

class PermanentError extends Error {}

/** The bot's routing decision for an image, from the docs-derived route. */
export function routeOf(route: FeedbackRoute): Route {
  if (route.githubIssuesRepo) {
    const why = route.override ? "the image's docs (issues.md) name it as the place for issues" : "it is the image's GitHub repository in its docs (github-repo)";
    const primaryElsewhere = route.issuesUrl && route.tracker !== 'github' && !route.issuesUrl.startsWith(`https://github.com/${route.githubIssuesRepo}`);
    return {
      type: 'github',
      repo: route.githubIssuesRepo,
      why,
      ...(primaryElsewhere && route.issuesUrl ? { note: 'The maintainers list another place first (GitHub issues are accepted too):', external: route.issuesUrl } : {}),
    };
  }
  if (route.issuesUrl) {
    const trackerName = route.issuesUrl.startsWith('mailto:') ? 'a mailing list' : (TRACKER_NAMES[route.tracker ?? 'other'] ?? 'a tracker outside GitHub');
    const instructions = route.text ? capChars(markdownToPlain(route.text), 300) : undefined;
    return { type: 'external', url: route.issuesUrl, trackerName, ...(instructions ? { instructions } : {}) };
  }
  return { type: 'none' };
}

/** "[label](url)" -> "label (url)"; whitespace collapsed. For showing issues.md in chat. */
function markdownToPlain(md: string): string {
  return md
    .replace(/\[([^\]]*)\]\(([^)\s]+)\)/g, (_, label: string, url: string) => (label === url || !label ? url : `${label} (${url})`))
    .replace(/\s+/g, ' ')
    .trim();
}

function resolveImage(catalog: Catalog, typed: string): { image: string; tag: string | undefined } | { error: string } {
  const at = typed.lastIndexOf(':');
  const rawImage = at > 0 && !typed.slice(at).startsWith('://') ? typed.slice(0, at) : typed;
  const rawTag = at > 0 && !typed.slice(at).startsWith('://') ? typed.slice(at + 1) : undefined;
  const image = normaliseImageName(rawImage);
  const shown = capChars(cleanText(typed), 40);
  if (!image || (!catalog.image(image) && !catalog.routeFor(image))) {
    const near = catalog.suggestImages(rawImage, 3);
    return { error: `I don't know an official image called "${shown}".${near.length ? ` Did you mean ${capList(near, 3, ' or ')}?` : ''} Usage: feedback <image>[:tag] <text>` };
  }
  if (rawTag !== undefined && !/^\w[\w.-]{0,127}$/.test(rawTag)) return { error: `"${shown}" is not a valid image:tag.` };
  return { image, tag: rawTag };
}

function reporterOf(msg: InboundMessage): string | undefined {
  return identityOf(msg.author);
}

function originOf(msg: InboundMessage, platformName: string): ReportOrigin {
  return {
    platformName,
    channelName: msg.channel.name,
    isDirect: msg.isDirect,
    reporter: reporterOf(msg) ?? `${msg.author.platform}:${msg.author.id} (unidentified)`,
    ...(msg.permalink ? { permalink: msg.permalink } : {}),
  };
}

/** A "new issue" link from a stored draft (for reports GitHub refused). */
function prefillFromDraft(r: Report): string {
  const body = r.body.replace(/\n?<!-- doi-bot-report: [0-9a-f]+ -->\n?/, '\n');
  const base = `https://github.com/${r.repo}/issues/new?title=${encodeURIComponent(r.title)}`;
  let chars = [...body];
  let url = `${base}&body=${encodeURIComponent(body)}`;
  while (url.length > 7500 && chars.length > 0) {
    chars = chars.slice(0, Math.floor(chars.length * 0.8));
    url = `${base}&body=${encodeURIComponent(`${chars.join('')}\n[…]`)}`;
  }
  return url.length > 7500 ? base : url;
}
