/**
 * Polls GitHub for PR changes: one GraphQL query per tick (more pages only when more than a
 * page of PRs changed since the last tick), never two ticks at once, jittered interval, and a
 * back-off that honours Retry-After and the GraphQL budget. Webhooks call pollNow(), which
 * runs the same path.
 */
import type { Clock } from '../core/clock.js';
import { UpstreamError, errorMessage } from '../core/errors.js';
import type { PrSnapshot } from '../core/events.js';
import type { Logger } from '../core/log.js';
import { Loop, jittered } from '../core/loop.js';
import type { Db } from '../store/db.js';
import {
  BASELINE_PAGE_SIZE,
  POLL_QUERY,
  PR_PAGE_SIZE,
  blobsQuery,
  blobsResponseWire,
  pollResponseWire,
  toSnapshot,
  type PollResponse,
} from '../github/pr-poll.js';
import { diffLibraryFile } from './library-diff.js';
import { LibraryFileStore } from './library-files-store.js';
import type { EventPipeline, TickResult } from './pipeline.js';
import type { NewPublishRun, PublishTracker } from './publish.js';
import { githubSourceName } from './store.js';

/** The part of the GitHub client the poller uses. */
export interface GraphQLClient {
  query<T>(document: string, variables: Record<string, unknown>): Promise<T>;
}

export interface GitHubPollerOptions {
  readonly graphql: GraphQLClient;
  readonly pipeline: EventPipeline;
  readonly db: Db;
  readonly publish?: PublishTracker;
  /** "docker-library/official-images" */
  readonly repo: string;
  readonly pollSeconds: number;
  readonly clock: Clock;
  readonly log: Logger;
  /** ± fraction of the interval. */
  readonly jitter?: number;
  /** PRs updated this long before the cursor are fetched again (GitHub's updatedAt can lag). */
  readonly overlapMs?: number;
  /** Stop spending when this few points remain, until the budget resets. */
  readonly budgetReserve?: number;
  readonly maxPages?: number;
  /** Points each poll query cost, for metrics. */
  readonly onQueryCost?: (cost: number) => void;
}

export interface BudgetInfo {
  readonly remaining?: number;
  readonly resetAt?: number;
  readonly lastCost?: number;
  /** Points spent since start. */
  readonly spent: number;
  readonly queries: number;
}

const MAX_BLOBS_PER_QUERY = 20;

export class GitHubPoller {
  readonly source: string;
  readonly #o: Required<Omit<GitHubPollerOptions, 'publish' | 'onQueryCost'>> & Pick<GitHubPollerOptions, 'publish' | 'onQueryCost'>;
  readonly #owner: string;
  readonly #name: string;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #loop: Loop;
  #failures = 0;
  #budget: { remaining?: number; resetAt?: number; lastCost?: number; spent: number; queries: number } = { spent: 0, queries: 0 };
  lastError: string | undefined;
  readonly #library: LibraryFileStore;

  constructor(opts: GitHubPollerOptions) {
    this.#library = new LibraryFileStore(opts.db);
    this.#o = { jitter: 0.2, overlapMs: 2 * 60_000, budgetReserve: 100, maxPages: 4, ...opts };
    this.source = githubSourceName(opts.repo);
    const [owner = '', name = ''] = opts.repo.split('/');
    this.#owner = owner;
    this.#name = name;
    this.#loop = new Loop({
      clock: this.#o.clock,
      intervalMs: this.#o.pollSeconds * 1000,
      pass: async () => {
        await this.tick();
        this.#failures = 0;
        return this.#nextInterval();
      },
      onError: (err) => {
        this.#failures++;
        const waitMs = this.#backoff(err);
        this.#o.log.warn({ err, source: this.source, waitMs, failures: this.#failures }, 'github poll failed; backing off');
        return waitMs;
      },
    });
  }

  budget(): BudgetInfo {
    return { ...this.#budget };
  }

  start(): void {
    this.#loop.start();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    await this.#chain.catch(() => undefined);
  }

  /** A webhook said something changed: poll now instead of at the next interval. */
  pollNow(): void {
    this.#loop.kick();
  }

  #nextInterval(): number {
    let wait = jittered(this.#o.pollSeconds * 1000, this.#o.jitter);
    const { remaining, resetAt } = this.#budget;
    if (remaining !== undefined && resetAt !== undefined && remaining < this.#o.budgetReserve) {
      wait = Math.max(wait, resetAt - this.#o.clock.now());
    }
    return Math.round(wait);
  }

  #backoff(err: unknown): number {
    const base = this.#o.pollSeconds * 1000;
    const exp = Math.min(base * 2 ** (this.#failures - 1), 15 * 60_000);
    const asked = err instanceof UpstreamError ? (err.retryAfterMs ?? 0) : 0;
    // Secondary limits: never sooner than a minute (GitHub's guidance).
    const floor = err instanceof UpstreamError && (err.status === 403 || err.status === 429) ? 60_000 : 0;
    return Math.round(Math.max(exp, asked, floor) * (1 + Math.random() * 0.1));
  }

  /** One tick; ticks never overlap (a second caller waits for the first to finish). */
  tick(): Promise<TickResult> {
    const run = this.#chain.then(
      () => this.#tickInner(),
      () => this.#tickInner(),
    );
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #tickInner(): Promise<TickResult> {
    const { pipeline, log } = this.#o;
    const now = this.#o.clock.now();
    try {
      const state = pipeline.events.source(this.source);
      const firstRun = state.baselineAt === undefined;
      const cursorMs = state.cursor ? Date.parse(state.cursor) : 0;
      const snapshots: PrSnapshot[] = [];
      let first: PollResponse | undefined;
      let after: string | undefined;
      for (let page = 0; page < (firstRun ? 10 : this.#o.maxPages); page++) {
        const res = await this.#query(POLL_QUERY, pollResponseWire, {
          owner: this.#owner,
          name: this.#name,
          first: firstRun ? BASELINE_PAGE_SIZE : PR_PAGE_SIZE,
          ...(after ? { after } : {}),
          ...(firstRun ? { states: ['OPEN'] } : {}),
        });
        first ??= res;
        const conn = res.repository?.pullRequests;
        if (!res.repository || !conn) throw new UpstreamError('github.no-repo', `repository ${this.#o.repo} not found or not visible`, { retryable: false });
        let older = false;
        for (const node of conn.nodes) {
          if (!node) continue;
          const snap = toSnapshot(this.#o.repo, node);
          if (!firstRun && snap.updatedAt < cursorMs - this.#o.overlapMs) {
            older = true;
            continue;
          }
          snapshots.push(snap);
        }
        if (older || !conn.pageInfo.hasNextPage || !conn.pageInfo.endCursor) break;
        after = conn.pageInfo.endCursor;
      }
      const maxUpdated = Math.max(cursorMs, ...snapshots.map((s) => s.updatedAt));
      const cursor = maxUpdated > 0 ? new Date(maxUpdated).toISOString() : undefined;
      const library = await this.#libraryChanges(first, snapshots, firstRun);
      const result = pipeline.commitPrTick(this.source, snapshots, cursor, this.#detail(), () => {
        if (library) {
          library.save();
          this.#o.publish?.record(library.runs);
        }
      });
      this.lastError = undefined;
      if (result.fresh) log.info({ source: this.source, events: result.fresh, queued: result.enqueued }, 'github poll: new events');
      return result;
    } catch (err) {
      this.lastError = errorMessage(err);
      pipeline.events.recordError(this.source, this.lastError, now);
      throw err;
    }
  }

  #detail(): string {
    const b = this.#budget;
    return b.remaining !== undefined ? `GraphQL budget ${b.remaining} points left` : 'GraphQL budget unknown';
  }

  async #query<T>(document: string, schema: { parse(v: unknown): T }, variables: Record<string, unknown>): Promise<T & { rateLimit?: { cost: number; remaining: number; resetAt: string } | null | undefined }> {
    const raw = await this.#o.graphql.query<unknown>(document, variables);
    let data: T & { rateLimit?: { cost: number; remaining: number; resetAt: string } | null | undefined };
    try {
      data = schema.parse(raw) as typeof data;
    } catch (err) {
      throw new UpstreamError('github.shape', `GitHub answered in an unexpected shape: ${errorMessage(err).slice(0, 200)}`, { retryable: true, cause: err });
    }
    this.#budget.queries++;
    const rl = data.rateLimit;
    if (rl) {
      this.#budget.spent += rl.cost;
      this.#budget.lastCost = rl.cost;
      this.#o.onQueryCost?.(rl.cost);
      this.#budget.remaining = rl.remaining;
      const reset = Date.parse(rl.resetAt);
      if (Number.isFinite(reset)) this.#budget.resetAt = reset;
    }
    return data;
  }

  /**
   * Library tree changes on the default branch: which manifests changed (by blob oid), what
   * that means in tags, and which merged PR did it (none = a direct push).
   */
  async #libraryChanges(res: PollResponse | undefined, snapshots: readonly PrSnapshot[], firstRun: boolean): Promise<{ save: () => void; runs: NewPublishRun[] } | undefined> {
    const target = res?.repository?.defaultBranchRef?.target;
    const entries = target?.file?.object?.entries?.filter((e) => e.type === 'blob');
    const commitOid = target?.oid;
    if (!entries || !commitOid) return undefined;
    const rows = this.#library.all();
    const stored = new Map(rows.map((r) => [r.image, r.blobOid]));
    const recordedAt = new Map(rows.map((r) => [r.image, r.recordedAt]));
    const now = this.#o.clock.now();
    const save = () => this.#library.sync(entries, commitOid, now);
    // The first look at the tree (or the first run) records it: nothing was "changed" yet.
    if (firstRun || stored.size === 0) return { save, runs: [] };
    const changed = entries.filter((e) => stored.get(e.name) !== e.oid);
    if (!changed.length) return { save, runs: [] };

    const previousCommit = new Map(rows.map((r) => [r.image, r.commitOid]));
    // Each changed file before (at the commit we last saw it) and after (at the new head).
    const wanted = changed.flatMap((e) => {
      const before = previousCommit.get(e.name);
      return [`${commitOid}:library/${e.name}`, ...(before ? [`${before}:library/${e.name}`] : [])];
    });
    const texts = new Map<string, string>();
    for (let i = 0; i < wanted.length; i += MAX_BLOBS_PER_QUERY) {
      const chunk = wanted.slice(i, i + MAX_BLOBS_PER_QUERY);
      const vars: Record<string, unknown> = { owner: this.#owner, name: this.#name };
      chunk.forEach((expr, j) => (vars[`e${j}`] = expr));
      const data = await this.#query(blobsQuery(chunk.length), blobsResponseWire, vars);
      chunk.forEach((expr, j) => {
        const blob = data.repository?.[`b${j}`];
        if (blob?.text != null && !blob.isTruncated) texts.set(expr, blob.text);
      });
    }

    const committedAt = target.committedDate ? Date.parse(target.committedDate) : now;
    const merged = [...snapshots.filter((s) => s.state === 'MERGED'), ...this.#o.pipeline.events.mergedSince(now - 7 * 86_400_000)];
    const runs: NewPublishRun[] = [];
    for (const e of changed) {
      const prevCommit = previousCommit.get(e.name);
      const before = prevCommit ? texts.get(`${prevCommit}:library/${e.name}`) : undefined;
      const after = texts.get(`${commitOid}:library/${e.name}`);
      if (after === undefined) {
        this.#o.log.warn({ image: e.name }, 'library file text unavailable (truncated or missing); not tracking its publish');
        continue;
      }
      const diff = diffLibraryFile(e.name, before, after);
      if (!diff.ok) {
        this.#o.log.warn({ image: e.name, error: diff.error }, 'library change not tracked');
        continue;
      }
      const path = `library/${e.name}`;
      // Only a merge after we last saw this file can have changed it (minus a clock-skew margin).
      const since = (recordedAt.get(e.name) ?? 0) - this.#o.overlapMs;
      const pr = merged
        .filter((p) => p.libraryFiles.includes(path) && p.mergedAt !== undefined && p.mergedAt >= since)
        .sort((a, b) => (b.mergedAt ?? 0) - (a.mergedAt ?? 0))[0];
      runs.push({
        image: e.name,
        commitOid,
        ...(pr ? { prNumber: pr.number, prUrl: pr.url } : {}),
        changedAt: pr?.mergedAt ?? committedAt,
        change: diff.change,
      });
    }
    return { save, runs };
  }
}
