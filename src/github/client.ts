/**
 * GitHub GraphQL client over @octokit/graphql. It keeps the bot a polite API citizen: requests
 * go one at a time, mutations at least a second apart, every query reports its cost
 * (`rateLimit { cost remaining resetAt }` must be selected) so the budget is always known, and
 * failures become UpstreamError with `retryable` / `retryAfterMs` set the way GitHub's docs say
 * to back off (primary limit: until reset; secondary limit: Retry-After or at least a minute).
 *
 * Low budget: when fewer than `minRemaining` points are left before the reset, `query` throws
 * UpstreamError('github.budget_low', retryable, retryAfterMs = time to reset) without sending.
 * It does not sleep: pollers reschedule from retryAfterMs and chat commands answer at once.
 *
 * Chat commands (requests made inside a command's RequestScope) spend from their own hourly
 * budget and stop at a higher reserve, so whatever people ask, polling and the catalog keep the
 * points below it. The queue is bounded, and a request whose command timed out is dropped
 * before it is sent.
 */
import { graphql, GraphqlResponseError } from '@octokit/graphql';
import { systemClock, type Clock } from '../core/clock.js';
import { ConfigError, UpstreamError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { currentRequestScope } from '../core/request-scope.js';
import { CommandBudget } from './command-budget.js';

export interface GitHubBudget {
  /** Points left in the current window (from the last answer), if known. */
  readonly remaining?: number;
  readonly limit?: number;
  /** When the window resets (ms since epoch), if known. */
  readonly resetAt?: number;
  /** Points charged for the last query. */
  readonly lastCost?: number;
  /** Points charged since start (queries only; mutations report no cost). */
  readonly totalCost: number;
  readonly requests: number;
  readonly rateLimited: number;
  readonly failures: number;
  /** Requests dropped unsent because their command timed out. */
  readonly cancelled: number;
  /** Points chat commands spent in the last hour. */
  readonly commandPointsThisHour: number;
}

export interface QueryOptions {
  /**
   * Refuse to send when fewer points than this remain (default: the client's minRemaining).
   * Background pollers pass more, so interactive commands keep a reserve.
   */
  readonly minRemaining?: number;
  /**
   * Resolve with the partial data instead of throwing when every error is NOT_FOUND (a PR
   * number or repository that does not exist): GitHub then answers null for that field.
   */
  readonly allowNotFound?: boolean;
}

export interface GitHubClient {
  /** A query; the document must select `rateLimit { cost remaining resetAt }`. */
  query<T>(document: string, variables?: Readonly<Record<string, unknown>>, opts?: QueryOptions): Promise<T>;
  /** A mutation (GitHub offers no rateLimit field there; the budget comes from headers). */
  mutate<T>(document: string, variables?: Readonly<Record<string, unknown>>): Promise<T>;
  budget(): GitHubBudget;
  /** One line for `status`: points left and when they reset. */
  describeBudget(): string;
}

/** A GraphQL-level failure: GitHub's `errors` (with `type`) and any partial data. */
export class GitHubGraphQLError extends UpstreamError {
  readonly errors: ReadonlyArray<{ readonly type?: string; readonly message: string; readonly path?: ReadonlyArray<string | number> }>;
  readonly data: unknown;
  constructor(code: string, message: string, opts: { retryable: boolean; retryAfterMs?: number; errors: GitHubGraphQLError['errors']; data: unknown; cause?: unknown }) {
    super(code, message, { retryable: opts.retryable, status: 200, cause: opts.cause, ...(opts.retryAfterMs !== undefined ? { retryAfterMs: opts.retryAfterMs } : {}) });
    this.errors = opts.errors;
    this.data = opts.data;
  }
}

export interface GitHubClientOptions {
  readonly token: string;
  /** The GraphQL endpoint (config.github.graphqlUrl), e.g. https://api.github.com/graphql. */
  readonly url: string;
  readonly log: Logger;
  readonly clock?: Clock;
  readonly fetch?: typeof globalThis.fetch;
  readonly timeoutMs?: number;
  /** Default reserve below which queries are refused until the reset. */
  readonly minRemaining?: number;
  /** Minimum gap between mutations (GitHub asks for at least 1 s). */
  readonly mutationGapMs?: number;
  /** GraphQL points chat commands may spend per rolling hour (config github.commandPointsPerHour). */
  readonly commandPointsPerHour?: number;
  /** Commands are refused below this many points left: the rest is kept for polling and the catalog. */
  readonly commandReserve?: number;
  /** Requests waiting or in flight beyond which new ones are refused at once. */
  readonly maxQueued?: number;
}

/** @octokit/graphql treats these option names as request settings, not variables. */
const RESERVED_VARIABLES = new Set(['query', 'method', 'url', 'baseUrl', 'headers', 'request', 'mediaType', 'operationName']);
const RATE_LIMIT_SELECTION = /\brateLimit\s*(?:\([^)]*\))?\s*\{([^{}]*)\}/;
/** GitHub: without Retry-After, wait at least a minute after a secondary limit. */
const SECONDARY_DEFAULT_WAIT_MS = 60_000;
export const DEFAULT_COMMAND_RESERVE = 500;
export const DEFAULT_MAX_QUEUED = 20;

export function createGitHubClient(opts: GitHubClientOptions): GitHubClient {
  const clock = opts.clock ?? systemClock;
  const baseFetch = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const defaultReserve = opts.minRemaining ?? 50;
  const mutationGapMs = opts.mutationGapMs ?? 1000;
  const log = opts.log;
  const commandBudget = new CommandBudget(opts.commandPointsPerHour ?? Infinity);
  const commandReserve = opts.commandReserve ?? DEFAULT_COMMAND_RESERVE;
  const maxQueued = opts.maxQueued ?? DEFAULT_MAX_QUEUED;
  if (!/\/graphql\/?$/.test(opts.url)) {
    throw new ConfigError([`GITHUB_GRAPHQL_URL: must be the GraphQL endpoint ending in /graphql (got ${opts.url})`]);
  }
  const baseUrl = opts.url.replace(/\/graphql\/?$/, '');
  const gql = graphql.defaults({
    baseUrl,
    headers: { authorization: `bearer ${opts.token}`, 'user-agent': 'doi-bot' },
  });

  const state = {
    remaining: undefined as number | undefined,
    limit: undefined as number | undefined,
    resetAt: undefined as number | undefined,
    lastCost: undefined as number | undefined,
    totalCost: 0,
    requests: 0,
    rateLimited: 0,
    failures: 0,
    cancelled: 0,
  };
  let lastMutationAt = -Infinity;
  // One request at a time: GitHub's secondary limits punish concurrency.
  let queue: Promise<unknown> = Promise.resolve();
  let queued = 0;

  /** Queued behind the others; refused when the queue is full, dropped unsent once `signal` aborts. */
  function serial<T>(operation: string, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    if (queued >= maxQueued) {
      return Promise.reject(
        new UpstreamError('github.queue_full', `GitHub request queue full (${queued} waiting); ${operation} refused`, {
          retryable: true,
          retryAfterMs: 10_000,
          userMessage: 'Too many GitHub questions are waiting right now; try again in a minute',
        }),
      );
    }
    queued++;
    const guarded = async (): Promise<T> => {
      if (signal?.aborted) {
        state.cancelled++;
        throw new UpstreamError('github.cancelled', `${operation} dropped unsent: its command timed out`, { retryable: false });
      }
      return work();
    };
    const run = queue.then(guarded, guarded).finally(() => queued--);
    queue = run.catch(() => undefined);
    return run;
  }

  function noteHeaders(headers: Headers | undefined): void {
    if (!headers || headers.get('x-ratelimit-resource') === 'core') return;
    const remaining = intHeader(headers, 'x-ratelimit-remaining');
    const limit = intHeader(headers, 'x-ratelimit-limit');
    const reset = intHeader(headers, 'x-ratelimit-reset');
    if (remaining !== undefined) state.remaining = remaining;
    if (limit !== undefined) state.limit = limit;
    if (reset !== undefined) state.resetAt = reset * 1000;
  }

  function msUntilReset(): number | undefined {
    return state.resetAt === undefined ? undefined : Math.max(1000, state.resetAt - clock.now());
  }

  async function send<T>(kind: 'query' | 'mutation', document: string, variables: Readonly<Record<string, unknown>>, queryOpts: QueryOptions, signal: AbortSignal | undefined): Promise<T> {
    const operation = operationOf(document, kind);
    const forCommand = signal !== undefined;
    if (forCommand && kind === 'query') commandBudget.check(clock.now());
    const reserve = Math.max(queryOpts.minRemaining ?? defaultReserve, forCommand ? commandReserve : 0);
    if (state.remaining !== undefined && state.resetAt !== undefined && state.remaining < reserve && clock.now() < state.resetAt) {
      const wait = msUntilReset();
      throw new UpstreamError('github.budget_low', `GitHub API budget low (${state.remaining} points left, reserve ${reserve}); waiting for the reset`, {
        retryable: true,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
        userMessage: 'GitHub API budget is nearly used up; try again after it resets',
      });
    }
    if (kind === 'mutation') {
      const wait = lastMutationAt + mutationGapMs - clock.now();
      if (wait > 0) await clock.sleep(wait);
      lastMutationAt = clock.now();
    }

    let headers: Headers | undefined;
    const capturingFetch: typeof globalThis.fetch = async (input, init) => {
      const res = await baseFetch(input, init);
      headers = res.headers;
      return res;
    };
    const started = clock.now();
    state.requests++;
    try {
      const data = await gql<T & { rateLimit?: { cost?: number; remaining?: number; resetAt?: string; limit?: number } }>(document, {
        ...variables,
        request: { fetch: capturingFetch, signal: signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs) },
      });
      noteHeaders(headers);
      if (data === null || typeof data !== 'object') {
        // The body was cut off (e.g. the timeout fired while reading it): no usable answer.
        throw new UpstreamError('github.bad_response', `GitHub sent no usable data for ${operation}`, { retryable: true });
      }
      const rl = data.rateLimit;
      if (rl) {
        if (typeof rl.remaining === 'number') state.remaining = rl.remaining;
        if (typeof rl.limit === 'number') state.limit = rl.limit;
        if (typeof rl.resetAt === 'string' && !Number.isNaN(Date.parse(rl.resetAt))) state.resetAt = Date.parse(rl.resetAt);
        if (typeof rl.cost === 'number') {
          state.lastCost = rl.cost;
          state.totalCost += rl.cost;
          if (forCommand) commandBudget.charge(rl.cost, clock.now());
        }
      }
      log.debug({ operation, cost: rl?.cost, remaining: state.remaining, ms: clock.now() - started }, 'github request');
      return data;
    } catch (err) {
      if (err instanceof UpstreamError) {
        state.failures++;
        throw err;
      }
      noteHeaders(headers ?? responseHeaders(err));
      const mapped = mapError(err, operation, queryOpts);
      if (mapped === null) return (err as GraphqlResponseError<T>).data;
      state.failures++;
      if (mapped.code === 'github.rate_limited' || mapped.code === 'github.secondary_limit') state.rateLimited++;
      log.warn({ operation, code: mapped.code, status: mapped.status, retryAfterMs: mapped.retryAfterMs, ms: clock.now() - started }, 'github request failed');
      throw mapped;
    }
  }

  /** null = acceptable partial answer (allowNotFound). */
  function mapError(err: unknown, operation: string, queryOpts: QueryOptions): UpstreamError | null {
    if (err instanceof GraphqlResponseError) {
      const errors = ((err.errors ?? []) as Array<{ type?: string; code?: string; message?: string; path?: Array<string | number> }>).map((e) => ({
        ...(e.type ? { type: e.type } : {}),
        message: String(e.message ?? 'unknown error'),
        ...(e.path ? { path: e.path } : {}),
      }));
      const raw = (err.errors ?? []) as Array<{ type?: string; code?: string }>;
      if (raw.some((e) => e.type === 'RATE_LIMITED' || e.type === 'RATE_LIMIT' || e.code === 'graphql_rate_limit')) {
        state.remaining = 0;
        const wait = msUntilReset() ?? SECONDARY_DEFAULT_WAIT_MS;
        return new GitHubGraphQLError('github.rate_limited', `GitHub API rate limit exceeded (${operation})`, { retryable: true, retryAfterMs: wait, errors, data: err.data, cause: err });
      }
      if (queryOpts.allowNotFound && errors.length > 0 && errors.every((e) => e.type === 'NOT_FOUND') && err.data != null) return null;
      const notFound = errors.length > 0 && errors.every((e) => e.type === 'NOT_FOUND');
      return new GitHubGraphQLError(notFound ? 'github.not_found' : 'github.query_error', `GitHub rejected ${operation}: ${errors.map((e) => e.message).join('; ')}`, {
        retryable: false,
        errors,
        data: err.data,
        cause: err,
      });
    }
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : undefined;
    const headers = responseHeaders(err);
    const cause = (err as { cause?: unknown }).cause;
    const name = err instanceof Error ? err.name : '';
    const causeName = cause instanceof Error ? cause.name : '';
    if (name === 'TimeoutError' || causeName === 'TimeoutError' || name === 'AbortError') {
      return new UpstreamError('github.timeout', `GitHub did not answer within ${timeoutMs} ms (${operation})`, { retryable: true, cause: err, userMessage: 'GitHub is not answering right now' });
    }
    if (status === undefined || (status === 500 && !headers)) {
      return new UpstreamError('github.unreachable', `GitHub unreachable (${operation}): ${errorMessage(err)}`, { retryable: true, cause: err, userMessage: 'GitHub is not reachable right now' });
    }
    if (status === 401) {
      return new UpstreamError('github.bad_credentials', 'GitHub rejected the token (401 Bad credentials): check GITHUB_TOKEN', { retryable: false, status, cause: err, userMessage: 'the bot cannot reach GitHub (its token was refused); an admin has to fix GITHUB_TOKEN' });
    }
    if (status === 403 || status === 429) {
      const retryAfter = headers?.get('retry-after');
      const seconds = retryAfter && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : undefined;
      const remaining = headers ? intHeader(headers, 'x-ratelimit-remaining') : undefined;
      const secondary = seconds !== undefined || /secondary rate limit|abuse/i.test(errorMessage(err));
      if (secondary || status === 429) {
        return new UpstreamError('github.secondary_limit', `GitHub secondary rate limit (${operation})`, { retryable: true, status, retryAfterMs: seconds ?? SECONDARY_DEFAULT_WAIT_MS, cause: err, userMessage: 'GitHub asked us to slow down; try again in a minute' });
      }
      if (remaining === 0) {
        return new UpstreamError('github.rate_limited', `GitHub API rate limit exceeded (${operation})`, { retryable: true, status, retryAfterMs: msUntilReset() ?? SECONDARY_DEFAULT_WAIT_MS, cause: err });
      }
      return new UpstreamError('github.forbidden', `GitHub refused ${operation} (403): ${errorMessage(err)}`, { retryable: false, status, cause: err });
    }
    if (status >= 500) {
      return new UpstreamError(`github.http_${status}`, `GitHub answered HTTP ${status} (${operation})`, { retryable: true, status, cause: err, userMessage: 'GitHub is having trouble right now' });
    }
    return new UpstreamError(`github.http_${status}`, `GitHub answered HTTP ${status} (${operation}): ${errorMessage(err)}`, { retryable: false, status, cause: err });
  }

  function checkVariables(variables: Readonly<Record<string, unknown>>): void {
    for (const name of Object.keys(variables)) {
      if (RESERVED_VARIABLES.has(name)) throw new Error(`GraphQL variable "$${name}" clashes with an @octokit/graphql option; rename it`);
    }
  }

  return {
    query<T>(document: string, variables: Readonly<Record<string, unknown>> = {}, queryOpts: QueryOptions = {}): Promise<T> {
      const selection = RATE_LIMIT_SELECTION.exec(document)?.[1] ?? '';
      if (!['cost', 'remaining', 'resetAt'].every((f) => new RegExp(`\\b${f}\\b`).test(selection))) {
        // A programming error: without it the budget cannot be tracked.
        throw new Error('every GitHub query must select rateLimit { cost remaining resetAt }');
      }
      checkVariables(variables);
      const signal = currentRequestScope()?.signal;
      return serial(operationOf(document, 'query'), signal, () => send<T>('query', document, variables, queryOpts, signal));
    },
    mutate<T>(document: string, variables: Readonly<Record<string, unknown>> = {}): Promise<T> {
      if (!/^\s*mutation\b/.test(document)) throw new Error('mutate() takes a mutation document');
      checkVariables(variables);
      const signal = currentRequestScope()?.signal;
      return serial(operationOf(document, 'mutation'), signal, () => send<T>('mutation', document, variables, {}, signal));
    },
    budget(): GitHubBudget {
      return {
        totalCost: state.totalCost,
        requests: state.requests,
        rateLimited: state.rateLimited,
        failures: state.failures,
        cancelled: state.cancelled,
        commandPointsThisHour: commandBudget.spent(clock.now()),
        ...(state.remaining !== undefined ? { remaining: state.remaining } : {}),
        ...(state.limit !== undefined ? { limit: state.limit } : {}),
        ...(state.resetAt !== undefined ? { resetAt: state.resetAt } : {}),
        ...(state.lastCost !== undefined ? { lastCost: state.lastCost } : {}),
      };
    },
    describeBudget(): string {
      if (state.remaining === undefined) return 'GitHub API budget: unknown (no request yet)';
      const reset = state.resetAt === undefined ? '' : `, resets in ${Math.max(0, Math.round((state.resetAt - clock.now()) / 60_000))}m`;
      return `GitHub API budget: ${state.remaining}${state.limit ? `/${state.limit}` : ''} points left${reset}; ${state.requests} requests, ${state.totalCost} points used${commandBudget.describe(clock.now())}`;
    },
  };
}

function operationOf(document: string, kind: string): string {
  return /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? kind;
}

function intHeader(headers: Headers, name: string): number | undefined {
  const v = headers.get(name);
  return v !== null && /^\d+$/.test(v.trim()) ? Number(v) : undefined;
}

/** Response headers of an @octokit RequestError (a plain record there). */
function responseHeaders(err: unknown): Headers | undefined {
  const raw = (err as { response?: { headers?: Record<string, string | number | undefined> } }).response?.headers;
  if (!raw || typeof raw !== 'object') return undefined;
  const h = new Headers();
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) h.set(k, String(v));
  return h;
}

/** "owner/name" -> its parts, as GraphQL's repository(owner:, name:) takes them. */
export function splitRepo(repo: string): { owner: string; name: string } {
  const [owner = '', name = ''] = repo.split('/');
  return { owner, name };
}
