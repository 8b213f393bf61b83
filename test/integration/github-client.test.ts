import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, UpstreamError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/log.js';
import { createGitHubClient, GitHubGraphQLError, type GitHubClient } from '../../src/github/client.js';
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
