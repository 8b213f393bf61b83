/**
 * Filing confirmed feedback reports on GitHub, exactly once each. Every attempt claims the
 * row under a fresh attempt id; `create_sent` is committed before createIssue is sent, and a
 * report with `create_sent` is first looked up on GitHub by its hidden marker. What is not filed
 * at once is retried by the worker loop with back-off; the reporter hears the result in the
 * confirm reply or, later, through `notify` (the outbox).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { UpstreamError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { Loop, settledWithin } from '../core/loop.js';
import type { GitHubClient } from '../github/client.js';
import { createIssue, findByMarker, lookupTarget } from '../github/issues.js';
import { prefillFromDraft } from './report.js';
import type { FeedbackStore, Report } from './store.js';
import type { FeedbackNotice } from './types.js';

export interface FilingTuning {
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Confirmed reports not filed after this long are given up (the reporter gets a link). */
  readonly giveUpAfterMs: number;
  /** How often the worker looks for due reports when nobody kicks it. */
  readonly idleMs: number;
}

export interface FilingOptions {
  readonly store: FeedbackStore;
  readonly github?: GitHubClient;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * Queues a notice to the report's channel (the outbox). Called inside the transaction that
   * marks the report filed or failed, so the notice and the state change commit together.
   */
  readonly notify?: (report: Report, notice: FeedbackNotice) => void;
  /** Called after a notify()'s transaction committed (wake the outbox worker). */
  readonly afterNotify?: () => void;
  /** Each filing attempt's result, for metrics. */
  readonly onOutcome?: (outcome: 'filed' | 'queued' | 'failed') => void;
  readonly tuning: FilingTuning;
}

/** One attempt's result. `busy`: the report was not queued, or another attempt holds it. */
export type FilingOutcome =
  | { readonly kind: 'filed'; readonly url: string; readonly number: number; readonly found: boolean }
  | { readonly kind: 'queued'; readonly error: string; readonly nextAt: number }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'busy' };

/** Whether the confirm command still answers the reporter (then no notice is queued). */
interface Live {
  replyPending: boolean;
}

class PermanentError extends Error {}

/** Without a token GitHub accepts, retrying often only adds to the failures. */
function isCredentialError(err: unknown): boolean {
  return err instanceof UpstreamError && (err.code === 'github.bad_credentials' || err.code === 'github.forbidden');
}

export class FeedbackFiler {
  readonly #o: FilingOptions;
  readonly #store: FeedbackStore;
  readonly #loop: Loop;
  readonly #inFlight = new Set<Promise<unknown>>();
  lastError: string | undefined;

  constructor(opts: FilingOptions) {
    this.#o = opts;
    this.#store = opts.store;
    this.#loop = new Loop({
      clock: opts.clock,
      intervalMs: opts.tuning.idleMs,
      pass: () => this.#pass(),
      onError: (err) => {
        this.lastError = errorMessage(err);
        this.#o.log.error({ err }, 'feedback worker pass failed');
      },
    });
  }

  /**
   * Files a just-confirmed report if GitHub answers within `waitMs`; otherwise the attempt
   * goes on, the worker finishes the report, and the reporter is told through the outbox.
   */
  async fileWithin(id: string, waitMs: number): Promise<FilingOutcome | 'timeout'> {
    const live: Live = { replyPending: true };
    let settled = false;
    const attempt = this.#track(this.#file(id, live)).finally(() => {
      settled = true;
    });
    const stop = new AbortController();
    const deadline = this.#o.clock.sleep(waitMs, stop.signal).then(() => {
      if (settled) return undefined;
      live.replyPending = false;
      return 'timeout' as const;
    });
    const outcome = await Promise.race([attempt, deadline]);
    stop.abort();
    return outcome ?? 'timeout';
  }

  /** One attempt for one queued report. Never throws. */
  async #file(id: string, live?: Live): Promise<FilingOutcome> {
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

  /** Settles the report and, unless the confirm reply still says so, queues the notice in the same transaction. */
  #settle(report: Report, attemptId: string, settlement: Parameters<FeedbackStore['settleWith']>[0], notice: () => FeedbackNotice, live?: Live): void {
    let notified = false;
    this.#store.settleWith(settlement, report.id, attemptId, () => {
      if (live?.replyPending || !this.#o.notify) return;
      this.#o.notify(report, notice());
      notified = true;
    });
    if (notified) this.#o.afterNotify?.();
  }

  #finish(report: Report, attemptId: string, issue: { number: number; url: string }, found: boolean, live?: Live): FilingOutcome {
    const now = this.#o.clock.now();
    this.#settle(report, attemptId, { filed: issue, now }, () => ({ event: 'filed', code: report.code, repo: report.repo, number: issue.number, url: issue.url }), live);
    this.lastError = undefined;
    this.#o.onOutcome?.('filed');
    return { kind: 'filed', url: issue.url, number: issue.number, found };
  }

  #failed(report: Report, attemptId: string, err: unknown, live: Live | undefined, log: Logger): FilingOutcome {
    const now = this.#o.clock.now();
    const t = this.#o.tuning;
    const message = err instanceof UpstreamError && err.userMessage ? err.userMessage : errorMessage(err);
    this.lastError = errorMessage(err);
    const permanent =
      err instanceof PermanentError ||
      (err instanceof UpstreamError && !err.retryable && !isCredentialError(err)) ||
      now - (report.confirmedAt ?? report.createdAt) > t.giveUpAfterMs;
    if (permanent) {
      this.#settle(report, attemptId, { failed: errorMessage(err) }, () => ({ event: 'failed', code: report.code, error: message.slice(0, 120), selfFileUrl: prefillFromDraft(report) }), live);
      log.error({ err }, 'feedback filing failed for good');
      this.#o.onOutcome?.('failed');
      return { kind: 'failed', error: message.slice(0, 200) };
    }
    const attempts = report.attempts + 1;
    const backoff = Math.min(t.baseBackoffMs * 2 ** (attempts - 1), t.maxBackoffMs);
    const asked = err instanceof UpstreamError ? (err.retryAfterMs ?? 0) : 0;
    const floor = isCredentialError(err) ? 15 * 60_000 : 0;
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

  async stop(deadlineMs: number): Promise<void> {
    if (!this.#loop.running) return;
    const loopDone = this.#loop.stop();
    if (!(await settledWithin(this.#o.clock, deadlineMs, [loopDone, ...this.#inFlight]))) {
      this.#o.log.warn('feedback: stopped with a filing in flight; it is checked on GitHub at the next start');
    }
  }

  /** Files the due reports; returns the wait until the next one is due (at most the idle interval). */
  async #pass(): Promise<number> {
    const idleMs = this.#o.tuning.idleMs;
    this.#store.expire(this.#o.clock.now());
    if (this.#o.github) {
      for (const report of this.#store.due(this.#o.clock.now())) {
        if (!this.#loop.running) break;
        await this.#track(this.#file(report.id));
      }
    }
    const next = this.#store.nextDueAt();
    return next === undefined ? idleMs : Math.max(0, Math.min(idleMs, next - this.#o.clock.now()));
  }
}
