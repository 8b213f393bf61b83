/**
 * feedback_reports (migrations/0004_feedback.sql). Every state change is one guarded UPDATE
 * (`WHERE state = ...`), so two parties (the confirm command and the worker) can never both
 * move the same report forward.
 */
import type { Db } from '../store/db.js';
import type { FeedbackKind } from './report.js';

export type ReportState = 'proposed' | 'queued' | 'filing' | 'filed' | 'cancelled' | 'expired' | 'failed';

export interface Report {
  readonly id: string;
  readonly code: string;
  readonly state: ReportState;
  readonly kind: FeedbackKind;
  readonly image: string | null;
  readonly tag: string | null;
  readonly repo: string;
  readonly repoId: string | null;
  readonly title: string;
  readonly body: string;
  readonly reporter: string;
  readonly reporterName: string;
  readonly channelKey: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly confirmedAt: number | null;
  readonly attempts: number;
  readonly nextAt: number | null;
  readonly attemptId: string | null;
  readonly createSent: boolean;
  readonly issueNumber: number | null;
  readonly issueUrl: string | null;
  readonly filedAt: number | null;
  readonly lastError: string | null;
  readonly closedBy: string | null;
}

/** What `propose` stores; the filing state starts empty. */
export type NewReport = Pick<
  Report,
  'id' | 'code' | 'kind' | 'image' | 'tag' | 'repo' | 'repoId' | 'title' | 'body' | 'reporter' | 'reporterName' | 'channelKey' | 'createdAt' | 'expiresAt'
>;

interface Row {
  id: string;
  code: string;
  state: ReportState;
  kind: FeedbackKind;
  image: string | null;
  tag: string | null;
  repo: string;
  repo_id: string | null;
  title: string;
  body: string;
  reporter: string;
  reporter_name: string;
  channel_key: string;
  created_at: number;
  expires_at: number;
  confirmed_at: number | null;
  attempts: number;
  next_at: number | null;
  attempt_id: string | null;
  create_sent: number;
  issue_number: number | null;
  issue_url: string | null;
  filed_at: number | null;
  last_error: string | null;
  closed_by: string | null;
}

function fromRow(r: Row): Report {
  return {
    id: r.id,
    code: r.code,
    state: r.state,
    kind: r.kind,
    image: r.image,
    tag: r.tag,
    repo: r.repo,
    repoId: r.repo_id,
    title: r.title,
    body: r.body,
    reporter: r.reporter,
    reporterName: r.reporter_name,
    channelKey: r.channel_key,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    confirmedAt: r.confirmed_at,
    attempts: r.attempts,
    nextAt: r.next_at,
    attemptId: r.attempt_id,
    createSent: r.create_sent === 1,
    issueNumber: r.issue_number,
    issueUrl: r.issue_url,
    filedAt: r.filed_at,
    lastError: r.last_error,
    closedBy: r.closed_by,
  };
}

/** States that count against the filing limits: confirmed, whatever happened next. */
const COUNTED = "('queued', 'filing', 'filed', 'failed')";

export class FeedbackStore {
  readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  insert(r: NewReport): void {
    this.db
      .prepare(
        `INSERT INTO feedback_reports(id, code, state, kind, image, tag, repo, repo_id, title, body, reporter, reporter_name, channel_key, created_at, expires_at)
         VALUES (?, ?, 'proposed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.id, r.code, r.kind, r.image, r.tag, r.repo, r.repoId, r.title, r.body, r.reporter, r.reporterName, r.channelKey, r.createdAt, r.expiresAt);
  }

  codeExists(code: string): boolean {
    return this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM feedback_reports WHERE code = ?').get(code)!.n > 0;
  }

  byCode(code: string): Report | undefined {
    const r = this.db.prepare<[string], Row>('SELECT * FROM feedback_reports WHERE code = ?').get(code.toLowerCase());
    return r ? fromRow(r) : undefined;
  }

  byId(id: string): Report | undefined {
    const r = this.db.prepare<[string], Row>('SELECT * FROM feedback_reports WHERE id = ?').get(id);
    return r ? fromRow(r) : undefined;
  }

  /** Confirmed reports of one reporter since `since`. */
  countByReporterSince(reporter: string, since: number): number {
    return this.db
      .prepare<[string, number], { n: number }>(`SELECT COUNT(*) AS n FROM feedback_reports WHERE reporter = ? AND confirmed_at >= ? AND state IN ${COUNTED}`)
      .get(reporter, since)!.n;
  }

  countSince(since: number): number {
    return this.db.prepare<[number], { n: number }>(`SELECT COUNT(*) AS n FROM feedback_reports WHERE confirmed_at >= ? AND state IN ${COUNTED}`).get(since)!.n;
  }

  /** Earliest confirmation inside the window (to say when a limit frees up). */
  oldestSince(since: number, reporter?: string): number | undefined {
    const row = reporter
      ? this.db
          .prepare<[number, string], { t: number | null }>(`SELECT MIN(confirmed_at) AS t FROM feedback_reports WHERE confirmed_at >= ? AND reporter = ? AND state IN ${COUNTED}`)
          .get(since, reporter)
      : this.db.prepare<[number], { t: number | null }>(`SELECT MIN(confirmed_at) AS t FROM feedback_reports WHERE confirmed_at >= ? AND state IN ${COUNTED}`).get(since);
    return row?.t ?? undefined;
  }

  /**
   * proposed -> queued, only if the limits still allow it: the count and the update in one
   * IMMEDIATE transaction, so two confirmations at once cannot both squeeze under a limit.
   */
  confirm(
    id: string,
    now: number,
    limits: { perUser: number; perUserSince: number; global: number; globalSince: number; reporter: string },
  ): 'ok' | 'user-limit' | 'global-limit' | 'gone' {
    const run = this.db.transaction(() => {
      if (this.countByReporterSince(limits.reporter, limits.perUserSince) >= limits.perUser) return 'user-limit' as const;
      if (this.countSince(limits.globalSince) >= limits.global) return 'global-limit' as const;
      const changed = this.db
        .prepare("UPDATE feedback_reports SET state = 'queued', confirmed_at = ?, next_at = ? WHERE id = ? AND state = 'proposed' AND expires_at > ?")
        .run(now, now, id, now).changes;
      return changed === 1 ? ('ok' as const) : ('gone' as const);
    });
    return run.immediate();
  }

  /** queued -> filing under a fresh attempt id; false when someone else has it. */
  claim(id: string, attemptId: string): boolean {
    return this.db.prepare("UPDATE feedback_reports SET state = 'filing', attempt_id = ? WHERE id = ? AND state = 'queued'").run(attemptId, id).changes === 1;
  }

  setRepoId(id: string, repoId: string): void {
    this.db.prepare('UPDATE feedback_reports SET repo_id = ? WHERE id = ?').run(repoId, id);
  }

  /** Recorded before createIssue is sent: from now on a retry looks for the issue first. */
  markCreateSent(id: string, attemptId: string): void {
    this.db.prepare("UPDATE feedback_reports SET create_sent = 1 WHERE id = ? AND attempt_id = ? AND state = 'filing'").run(id, attemptId);
  }

  /**
   * Marks a filing attempt filed (or failed for good) and runs `alongside` (queueing the
   * reporter's notice) in the same transaction, so both commit or neither; false, and nothing
   * run, when the attempt no longer holds the report.
   */
  settleWith(outcome: { filed: { number: number; url: string }; now: number } | { failed: string }, id: string, attemptId: string, alongside: () => void): boolean {
    return this.db.transaction(() => {
      const settled = 'filed' in outcome ? this.markFiled(id, attemptId, outcome.filed, outcome.now) : this.markFailed(id, attemptId, outcome.failed);
      if (settled) alongside();
      return settled;
    })();
  }

  markFiled(id: string, attemptId: string, issue: { number: number; url: string }, now: number): boolean {
    return (
      this.db
        .prepare("UPDATE feedback_reports SET state = 'filed', issue_number = ?, issue_url = ?, filed_at = ?, last_error = NULL WHERE id = ? AND attempt_id = ? AND state = 'filing'")
        .run(issue.number, issue.url, now, id, attemptId).changes === 1
    );
  }

  markRetry(id: string, attemptId: string, nextAt: number, error: string): void {
    this.db
      .prepare("UPDATE feedback_reports SET state = 'queued', attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ? AND attempt_id = ? AND state = 'filing'")
      .run(nextAt, error.slice(0, 500), id, attemptId);
  }

  markFailed(id: string, attemptId: string, error: string): boolean {
    return (
      this.db
        .prepare("UPDATE feedback_reports SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ? AND attempt_id = ? AND state = 'filing'")
        .run(error.slice(0, 500), id, attemptId).changes === 1
    );
  }

  /** Only reports nobody is filing right now can be cancelled. */
  cancel(id: string, by: string): boolean {
    return this.db.prepare("UPDATE feedback_reports SET state = 'cancelled', closed_by = ? WHERE id = ? AND state IN ('proposed', 'queued')").run(by, id).changes === 1;
  }

  /** proposed past its deadline -> expired; returns how many. */
  expire(now: number): number {
    return this.db.prepare("UPDATE feedback_reports SET state = 'expired' WHERE state = 'proposed' AND expires_at <= ?").run(now).changes;
  }

  /** After a restart nothing is in flight: 'filing' rows go back to the queue, due now. */
  requeueOrphans(now: number): number {
    return this.db.prepare("UPDATE feedback_reports SET state = 'queued', next_at = ? WHERE state = 'filing'").run(now).changes;
  }

  due(now: number, limit = 10): Report[] {
    return this.db
      .prepare<[number, number], Row>("SELECT * FROM feedback_reports WHERE state = 'queued' AND next_at <= ? ORDER BY next_at, confirmed_at LIMIT ?")
      .all(now, limit)
      .map(fromRow);
  }

  nextDueAt(): number | undefined {
    return this.db.prepare<[], { t: number | null }>("SELECT MIN(next_at) AS t FROM feedback_reports WHERE state = 'queued'").get()?.t ?? undefined;
  }

  ofReporter(reporter: string, limit = 10): Report[] {
    return this.db
      .prepare<[string, number], Row>('SELECT * FROM feedback_reports WHERE reporter = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(reporter, limit)
      .map(fromRow);
  }

  /** Everything not finished: proposals awaiting confirmation and confirmed reports not yet filed. */
  open(limit = 50): Report[] {
    return this.db
      .prepare<[number], Row>("SELECT * FROM feedback_reports WHERE state IN ('proposed', 'queued', 'filing') ORDER BY created_at LIMIT ?")
      .all(limit)
      .map(fromRow);
  }

  countByState(): Map<ReportState, number> {
    const rows = this.db.prepare<[], { state: ReportState; n: number }>('SELECT state, COUNT(*) AS n FROM feedback_reports GROUP BY state').all();
    return new Map(rows.map((r) => [r.state, r.n]));
  }
}
