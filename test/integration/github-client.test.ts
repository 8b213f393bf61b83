import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, UpstreamError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/log.js';
import { createGitHubClient, GitHubGraphQLError, type GitHubClient } from '../../src/github/client.js';
import { z } from 'zod';
import type { InboundMessage } from '../../src/core/chat.js';
import { systemClock } from '../../src/core/clock.js';
import { runInRequestScope } from '../../src/core/request-scope.js';
import { rt, toPlainText } from '../../src/core/richtext.js';
import { AccessPolicy } from '../../src/dispatch/access.js';
import { defineCommand } from '../../src/dispatch/command.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { CommandRegistry } from '../../src/dispatch/registry.js';
import { StatusBoard } from '../../src/status.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';

const TOKEN = 'ghp_client_test_secret_token';
const VIEWER = `query Viewer { viewer { login } rateLimit { cost remaining resetAt } }`;

let gh: FakeGitHub;
const logLines: string[] = [];
const log = createLogger({ level: 'debug' }, { write: (s: string) => void logLines.push(s) });

beforeAll(async () => {
  gh = await startFakeGitHub({ token: TOKEN });
  gh.world.addRepository('docker-library/official-images', { files: { 'library/python': 'Maintainers: x (@x)\n' } });
  gh.world.openPr({ title: 'Update python', files: ['library/python'] });
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => {
  gh.faults.clear();
  gh.faults.setBudget({ remaining: 5000, used: 0, resetAt: Date.now() + 3_600_000 });
});

function client(opts: Partial<Parameters<typeof createGitHubClient>[0]> = {}): GitHubClient {
  return createGitHubClient({ token: TOKEN, url: gh.url, log, ...opts });
}

async function failure(p: Promise<unknown>): Promise<UpstreamError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

describe('GitHub client against the fake over HTTP', () => {
  it('sends the token, returns data and records the budget from rateLimit', async () => {
    const c = client();
    const data = await c.query<{ viewer: { login: string } }>(VIEWER);
    expect(data.viewer.login).toBe('doi-bot');
    expect(gh.requests.at(-1)!.authorization).toBe(`bearer ${TOKEN}`);
    const b = c.budget();
    expect(b).toMatchObject({ remaining: 4999, limit: 5000, lastCost: 1, totalCost: 1, requests: 1 });
    expect(Math.abs(b.resetAt! - gh.budget.resetAt)).toBeLessThan(1000);
    expect(c.describeBudget()).toMatch(/4999\/5000 points left, resets in (59|60)m/);
  });

  it('refuses documents that do not select rateLimit, without sending them', async () => {
    const before = gh.requests.length;
    expect(() => client().query(`{ viewer { login } }`)).toThrow(/rateLimit \{ cost remaining resetAt \}/);
    expect(() => client().query(`{ viewer { login } rateLimit { cost } }`)).toThrow(/rateLimit/);
    expect(gh.requests.length).toBe(before);
  });

  it('refuses variable names @octokit/graphql would swallow', () => {
    expect(() => client().query(`query($headers: String) { viewer { login } rateLimit { cost remaining resetAt } }`, { headers: 'x' })).toThrow(/clashes/);
  });

  it('maps 502 to a retryable error', async () => {
    gh.faults.serverError(1, 502);
    expect(await failure(client().query(VIEWER))).toMatchObject({ code: 'github.http_502', retryable: true, status: 502 });
  });

  it('maps RATE_LIMITED inside an HTTP 200 to retryable with the wait until the reset', async () => {
    const c = client();
    await c.query(VIEWER);
    gh.faults.rateLimited(1);
    const err = await failure(c.query(VIEWER));
    expect(err).toMatchObject({ code: 'github.rate_limited', retryable: true });
    expect(err.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(3_601_000);
    expect(c.budget()).toMatchObject({ remaining: 0, rateLimited: 1 });
  });

  it('maps a secondary limit (403 + Retry-After) to retryable with that wait', async () => {
    gh.faults.secondaryLimit(1, 30);
    expect(await failure(client().query(VIEWER))).toMatchObject({ code: 'github.secondary_limit', retryable: true, status: 403, retryAfterMs: 30_000 });
    gh.faults.secondaryLimit(1, 7, 429);
    expect(await failure(client().query(VIEWER))).toMatchObject({ code: 'github.secondary_limit', retryAfterMs: 7000 });
  });

  it('maps 401 to a permanent error naming GITHUB_TOKEN, and never logs the token', async () => {
    logLines.length = 0;
    gh.faults.badCredentials(1);
    const err = await failure(client().query(VIEWER));
    expect(err).toMatchObject({ code: 'github.bad_credentials', retryable: false, status: 401 });
    expect(err.message).toMatch(/GITHUB_TOKEN/);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(TOKEN);
  });

  it('turns a slow GitHub into a timeout and a dead one into unreachable', async () => {
    gh.faults.delay(1, 2000);
    expect(await failure(client({ timeoutMs: 200 }).query(VIEWER))).toMatchObject({ code: 'github.timeout', retryable: true });
    await gh.faults.refuseConnections();
    try {
      expect(await failure(client().query(VIEWER))).toMatchObject({ code: 'github.unreachable', retryable: true });
    } finally {
      await gh.faults.acceptConnections();
    }
  });

  it('stops sending when the budget is below the reserve, until the reset', async () => {
    const c = client({ minRemaining: 50 });
    gh.faults.setBudget({ remaining: 40, resetAt: Date.now() + 600_000 });
    await c.query(VIEWER);
    expect(c.budget().remaining).toBe(39);
    const sent = gh.requests.length;
    const err = await failure(c.query(VIEWER));
    expect(err).toMatchObject({ code: 'github.budget_low', retryable: true });
    expect(err.retryAfterMs).toBeGreaterThan(590_000);
    expect(gh.requests.length).toBe(sent);
    // An interactive caller may dip into the reserve.
    await c.query(VIEWER, {}, { minRemaining: 10 });
    expect(gh.requests.length).toBe(sent + 1);
  });

  it('reports NOT_FOUND as an error, or as null data when allowed', async () => {
    const doc = `query Pr($n: Int!) { repository(owner: "docker-library", name: "official-images") { pullRequest(number: $n) { title } } rateLimit { cost remaining resetAt } }`;
    const err = await failure(client().query(doc, { n: 99999 }));
    expect(err).toBeInstanceOf(GitHubGraphQLError);
    expect(err).toMatchObject({ code: 'github.not_found', retryable: false });
    const data = await client().query<{ repository: { pullRequest: null } }>(doc, { n: 99999 }, { allowNotFound: true });
    expect(data.repository.pullRequest).toBeNull();
    expect((await client().query<{ repository: { pullRequest: { title: string } } }>(doc, { n: 1 })).repository.pullRequest.title).toBe('Update python');
  });

  it('rejects an invalid document with the schema error, not retryable', async () => {
    const err = await failure(client().query(`{ viewer { logn } rateLimit { cost remaining resetAt } }`));
    expect(err).toMatchObject({ code: 'github.query_error', retryable: false });
    expect(err.message).toMatch(/Cannot query field "logn"/);
  });

  it('sends requests one at a time and spaces mutations', async () => {
    const c = client({ mutationGapMs: 300 });
    gh.faults.delay(3, 100);
    let started = Date.now();
    await Promise.all([c.query(VIEWER), c.query(VIEWER), c.query(VIEWER)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);

    const { repository } = await c.query<{ repository: { id: string } }>(
      `{ repository(owner: "docker-library", name: "official-images") { id } rateLimit { cost remaining resetAt } }`,
    );
    const create = `mutation File($input: CreateIssueInput!) { createIssue(input: $input) { issue { number url } } }`;
    started = Date.now();
    const [a, b] = await Promise.all([
      c.mutate<{ createIssue: { issue: { number: number } } }>(create, { input: { repositoryId: repository.id, title: 'one' } }),
      c.mutate<{ createIssue: { issue: { number: number } } }>(create, { input: { repositoryId: repository.id, title: 'two' } }),
    ]);
    expect(b.createIssue.issue.number).toBe(a.createIssue.issue.number + 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    // Mutations have no rateLimit field; the budget still follows the response headers.
    expect(c.budget().remaining).toBe(gh.budget.remaining);
  });

  it('refuses a URL that is not a GraphQL endpoint', () => {
    expect(() => createGitHubClient({ token: TOKEN, url: 'https://api.github.com', log })).toThrow(ConfigError);
  });
});

/** As the dispatcher runs a command. */
function asCommand<T>(work: () => Promise<T>, signal = new AbortController().signal): Promise<T> {
  return runInRequestScope({ kind: 'command', signal }, work);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  return (err as UpstreamError).code;
}

describe('GitHub budget for chat commands', () => {
  it('commands stop at their hourly points; polling keeps going', async () => {
    const c = client({ commandPointsPerHour: 3 });
    for (let i = 0; i < 3; i++) await asCommand(() => c.query(VIEWER));
    const sent = gh.requests.length;
    const refused = (await asCommand(() => c.query(VIEWER)).then(() => undefined, (e: unknown) => e)) as UpstreamError;
    expect(refused).toMatchObject({ code: 'github.command_budget', retryable: true });
    expect(refused.userMessage).toMatch(/^Commands have used this hour's GitHub budget; try again in \d+ min$/);
    expect(gh.requests.length).toBe(sent);
    await c.query(VIEWER);
    expect(gh.requests.length).toBe(sent + 1);
    expect(c.budget()).toMatchObject({ commandPointsThisHour: 3, totalCost: 4 });
    expect(c.describeBudget()).toMatch(/commands 3\/3 points this hour/);
  });

  it('a budget of 0 turns live lookups from chat off, and says so', async () => {
    const c = client({ commandPointsPerHour: 0 });
    const sent = gh.requests.length;
    const refused = (await asCommand(() => c.query(VIEWER)).then(() => undefined, (e: unknown) => e)) as UpstreamError;
    expect(refused.userMessage).toBe('Live GitHub lookups from chat are turned off on this bot');
    expect(gh.requests.length).toBe(sent);
  });

  it('commands stop at the reserve kept for polling and the catalog', async () => {
    const c = client({ commandReserve: 500 });
    gh.faults.setBudget({ remaining: 450 });
    await c.query(VIEWER);
    const sent = gh.requests.length;
    expect(await codeOf(asCommand(() => c.query(VIEWER)))).toBe('github.budget_low');
    expect(gh.requests.length).toBe(sent);
    await c.query(VIEWER);
    expect(gh.requests.length).toBe(sent + 1);
  });

  it('the queue is bounded: beyond it requests are refused at once, unsent', async () => {
    const c = client({ maxQueued: 3 });
    gh.faults.delay(1, 300);
    const sent = gh.requests.length;
    const all = Array.from({ length: 6 }, () => c.query(VIEWER).then(() => 'ok', (e: unknown) => (e as UpstreamError).code));
    expect(await Promise.all(all)).toEqual(['ok', 'ok', 'ok', 'github.queue_full', 'github.queue_full', 'github.queue_full']);
    expect(gh.requests.length).toBe(sent + 3);
    expect(await c.query(VIEWER).then(() => 'ok')).toBe('ok');
  });

  it('a timed-out command’s queued requests are dropped before they are sent', async () => {
    const c = client();
    gh.faults.delay(1, 400);
    const sent = gh.requests.length;
    const poll = c.query(VIEWER);
    const abandoned = new AbortController();
    const mine = [asCommand(() => c.query(VIEWER), abandoned.signal), asCommand(() => c.query(VIEWER), abandoned.signal)];
    abandoned.abort();
    expect(await Promise.all(mine.map((p) => codeOf(p)))).toEqual(['github.cancelled', 'github.cancelled']);
    await poll;
    expect(gh.requests.length).toBe(sent + 1);
    expect(c.budget().cancelled).toBe(2);
  });

  it('through the dispatcher: the timeout cancels the command’s queued GitHub requests', async () => {
    const c = client();
    const lookups = defineCommand({
      name: 'lookups',
      summary: 'three GitHub queries in a row',
      usage: 'lookups',
      access: 'anyone',
      args: z.tuple([]),
      timeoutMs: 150,
      async run() {
        for (let i = 0; i < 3; i++) await c.query(VIEWER);
        return rt.of('done');
      },
    });
    const registry = new CommandRegistry([lookups]);
    const dispatcher = new Dispatcher({
      registry,
      access: new AccessPolicy({ admins: [], maintainers: [] }),
      services: { status: new StatusBoard('test', 0), commands: () => registry.all() },
      log,
      clock: systemClock,
      limits: { userCommandsPerMinute: 30, commandTimeoutMs: 1000 },
    });
    gh.faults.delay(1, 400);
    const sent = gh.requests.length;
    const message: InboundMessage = {
      id: 'm1',
      channel: { platform: 'irc', id: '#c', key: 'irc:#c', name: '#c' },
      author: { platform: 'irc', id: 'mallory', name: 'mallory' },
      text: '!lookups',
      isDirect: false,
      addressed: false,
      receivedAt: new Date(0),
    };
    const reply = await dispatcher.handle(message);
    expect(toPlainText(reply!)).toMatch(/took too long/);
    // The first query was in flight when the command gave up; it is aborted, and the other two are never sent.
    await new Promise((r) => setTimeout(r, 600));
    expect(gh.requests.length - sent).toBeLessThanOrEqual(1);
    expect(c.budget().requests).toBe(1);
  });
});
