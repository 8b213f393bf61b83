/**
 * The fake GitHub is what every GitHub-facing test trusts, so it is tested itself: documents
 * are validated against the real schema, paging and cost follow GitHub's rules, the world's
 * git object ids match real git, and each fault looks like GitHub's.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- GraphQL answers here are ad-hoc shapes; each test asserts the fields it reads. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { graphql, GraphqlResponseError } from '@octokit/graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { DOCS, OFFICIAL_IMAGES, seedCatalogRepos, startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';

const root = projectRoot();
const LIBRARY_DIR = join(root, 'assets/snapshot/library');
const DOCS_DIR = join(root, 'assets/snapshot/docs');

let gh: FakeGitHub;
let client: typeof graphql;

beforeAll(async () => {
  gh = await startFakeGitHub({ token: 'ghp_test_token' });
  seedCatalogRepos(gh.world, { libraryDir: LIBRARY_DIR, docsDir: DOCS_DIR });
  gh.world.addRepository('docker-library/python', { files: { 'versions.json': '{"3.14":{"version":"3.14.1"}}\n' } });
  client = graphql.defaults({ baseUrl: gh.url.replace(/\/graphql$/, ''), headers: { authorization: 'token ghp_test_token' } });
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => {
  gh.faults.clear();
  gh.faults.setBudget({ remaining: 5000, used: 0, limit: 5000, resetAt: Date.now() + 3_600_000 });
});

async function errorsOf(p: Promise<unknown>): Promise<Array<{ type?: string; message: string }>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GraphqlResponseError);
  return (err as GraphqlResponseError<unknown>).errors as Array<{ type?: string; message: string }>;
}

describe('schema validation', () => {
  it('rejects a misspelled field with GitHub-style errors in an HTTP 200', async () => {
    const errors = await errorsOf(client(`query { repository(owner: "docker-library", name: "official-images") { pullRequest(number: 1) { titel } } rateLimit { cost } }`));
    expect(errors[0]!.message).toMatch(/Cannot query field "titel" on type "PullRequest"\. Did you mean "title"/);
    expect(gh.requests.at(-1)).toMatchObject({ status: 200, cost: 0 });
  });

  it('rejects wrong argument types and unknown variables', async () => {
    const errors = await errorsOf(client(`query($n: String!) { repository(owner: "a", name: "b") { pullRequest(number: $n) { title } } }`, { n: '1' }));
    expect(errors[0]!.message).toMatch(/Variable "\$n" of type "String!" used in position expecting type "Int!"/);
  });

  it('requires first/last on every connection, at most 100', async () => {
    const missing = await errorsOf(client(`{ repository(owner: "docker-library", name: "official-images") { pullRequests(states: OPEN) { nodes { number } } } }`));
    expect(missing[0]).toMatchObject({ type: 'MISSING_PAGINATION_BOUNDARIES' });
    const tooMany = await errorsOf(client(`query($n: Int!) { repository(owner: "docker-library", name: "official-images") { pullRequests(first: $n) { nodes { number } } } }`, { n: 101 }));
    expect(tooMany[0]!.message).toMatch(/Requesting 101 records on the `pullRequests` connection exceeds the `first` limit of 100/);
  });

  it('records each request with its document, variables and authorization', async () => {
    await client(`query Who { viewer { login } }`);
    const last = gh.requests.at(-1)!;
    expect(last.document).toContain('query Who');
    expect(last.authorization).toBe('token ghp_test_token');
    expect(last.status).toBe(200);
  });
});

describe('repositories and files', () => {
  it('serves the snapshot library/ tree with blob texts and real git object ids', async () => {
    const r = await client<any>(`{
      repository(owner: "docker-library", name: "official-images") {
        defaultBranchRef { name target { ... on Commit { oid committedDate tree { oid } } } }
        object(expression: "HEAD:library") { ... on Tree { oid entries { name type oid mode object { ... on Blob { text byteSize isBinary } } } } }
      }
      rateLimit { cost remaining }
    }`);
    const files = readdirSync(LIBRARY_DIR).sort();
    const tree = r.repository.object;
    expect(tree.entries.map((e: any) => e.name)).toEqual(files);
    const python = tree.entries.find((e: any) => e.name === 'python');
    expect(python.type).toBe('blob');
    expect(python.mode).toBe(0o100644);
    expect(python.object.isBinary).toBe(false);
    // Independent check with real git: same blob id, and the same tree id from git mktree.
    expect(python.oid).toBe(execFileSync('git', ['hash-object', join(LIBRARY_DIR, 'python')], { encoding: 'utf8' }).trim());
    const listing = tree.entries.map((e: any) => `100644 blob ${e.oid}\t${e.name}`).join('\n') + '\n';
    expect(tree.oid).toBe(execFileSync('git', ['mktree', '--missing'], { input: listing, encoding: 'utf8' }).trim());
    expect(python.object.text).toContain('Maintainers:');
    expect(r.repository.defaultBranchRef.name).toBe('master');
    expect(r.repository.defaultBranchRef.target.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(r.rateLimit.cost).toBe(1);
  });

  it('resolves Commit.file paths, pinned commits and missing paths', async () => {
    const head = gh.world.head(DOCS).oid;
    const r = await client<any>(
      `query($oid: GitObjectID!) { repository(owner: "docker-library", name: "docs") {
        object(oid: $oid) { ... on Commit { committedDate
          a: file(path: "python/github-repo") { mode object { ... on Blob { text } } }
          b: file(path: "python/no-such-file") { mode }
          c: file(path: "ubuntu/issues.md") { object { ... on Blob { text } } } } } } }`,
      { oid: head },
    );
    expect(r.repository.object.a.object.text).toBe('https://github.com/docker-library/python\n');
    expect(r.repository.object.b).toBeNull();
    expect(r.repository.object.c.object.text).toMatch(/launchpad/i);
  });

  it('setFile and deleteFile are commits that change the oids and history', async () => {
    const q = `{ repository(owner: "docker-library", name: "python") {
      object(expression: "master:versions.json") { ... on Blob { oid text } }
      defaultBranchRef { target { ... on Commit { oid tree { oid } history(first: 10, path: "versions.json") { totalCount nodes { oid messageHeadline } } } } } } }`;
    const before = await client<any>(q);
    const newOid = gh.world.setFile('docker-library/python', 'versions.json', '{"3.14":{"version":"3.14.2"}}\n', { message: 'Update 3.14 to 3.14.2' });
    const after = await client<any>(q);
    expect(after.repository.defaultBranchRef.target.oid).toBe(newOid);
    expect(after.repository.defaultBranchRef.target.tree.oid).not.toBe(before.repository.defaultBranchRef.target.tree.oid);
    expect(after.repository.object.text).toContain('3.14.2');
    expect(after.repository.defaultBranchRef.target.history.nodes[0].messageHeadline).toBe('Update 3.14 to 3.14.2');
    expect(after.repository.defaultBranchRef.target.history.totalCount).toBe(before.repository.defaultBranchRef.target.history.totalCount + 1);
    gh.world.deleteFile('docker-library/python', 'versions.json');
    const gone = await client<any>(q);
    expect(gone.repository.object).toBeNull();
  });

  it('answers NOT_FOUND for an unknown repository', async () => {
    const errors = await errorsOf(client(`{ repository(owner: "nobody", name: "nothing") { id } }`));
    expect(errors[0]).toMatchObject({ type: 'NOT_FOUND' });
  });
});

const PR_FIELDS = `number id title body url state isDraft createdAt updatedAt closedAt mergedAt merged
  mergedBy { login } author { login } headRefOid baseRefName mergeable reviewDecision
  labels(first: 20) { nodes { name } }
  files(first: 100) { nodes { path additions deletions changeType } }
  reviews(last: 20) { nodes { id databaseId author { login } state submittedAt commit { oid } } }
  commits(last: 1) { nodes { commit { oid committedDate statusCheckRollup { state contexts(first: 50) { nodes {
    __typename ... on CheckRun { name status conclusion detailsUrl } ... on StatusContext { context state targetUrl } } } } } } }`;

describe('pull requests', () => {
  it('follows a PR through its life: open, label, review, checks, push, merge', async () => {
    const w = gh.world;
    const n = w.openPr({ title: 'Update python', body: 'Changes:\n\n- bump', author: 'docker-library-bot', files: ['library/python'], changes: { 'library/python': 'Maintainers: x (@x)\n' } });
    const get = async () => (await client<any>(`query($n: Int!) { repository(owner: "docker-library", name: "official-images") { pullRequest(number: $n) { ${PR_FIELDS} } } rateLimit { cost } }`, { n })).repository.pullRequest;

    let pr = await get();
    expect(pr).toMatchObject({ number: n, title: 'Update python', state: 'OPEN', isDraft: false, merged: false, author: { login: 'docker-library-bot' }, reviewDecision: 'REVIEW_REQUIRED', mergeable: 'MERGEABLE' });
    expect(pr.files.nodes).toEqual([{ path: 'library/python', additions: 3, deletions: 1, changeType: 'MODIFIED' }]);
    expect(pr.commits.nodes[0].commit.statusCheckRollup).toBeNull();
    const firstHead = pr.headRefOid;

    w.addLabel(n, 'library/python');
    w.setChecks(n, 'failure');
    pr = await get();
    expect(pr.labels.nodes).toEqual([{ name: 'library/python' }]);
    const rollup = pr.commits.nodes[0].commit.statusCheckRollup;
    expect(rollup.state).toBe('FAILURE');
    expect(rollup.contexts.nodes.filter((c: any) => c.conclusion === 'FAILURE').map((c: any) => c.name)).toEqual(['Build and Test']);
    expect(rollup.contexts.nodes[0].__typename).toBe('CheckRun');

    w.review(n, { author: 'tianon', state: 'CHANGES_REQUESTED' });
    expect((await get()).reviewDecision).toBe('CHANGES_REQUESTED');

    const newHead = w.pushCommit(n, { message: 'fix' });
    w.setChecks(n, [{ name: 'Build and Test', conclusion: 'SUCCESS' }, { name: 'ci/legacy', kind: 'status', conclusion: 'SUCCESS' }]);
    w.review(n, { author: 'tianon', state: 'APPROVED' });
    pr = await get();
    expect(pr.headRefOid).toBe(newHead);
    expect(pr.headRefOid).not.toBe(firstHead);
    expect(pr.reviewDecision).toBe('APPROVED');
    expect(pr.reviews.nodes.map((r: any) => [r.author.login, r.state, r.commit.oid])).toEqual([
      ['tianon', 'CHANGES_REQUESTED', firstHead],
      ['tianon', 'APPROVED', newHead],
    ]);
    expect(pr.commits.nodes[0].commit.statusCheckRollup.contexts.nodes[1]).toMatchObject({ __typename: 'StatusContext', context: 'ci/legacy', state: 'SUCCESS' });

    const mergeOid = w.merge(n, { by: 'yosifkit' });
    pr = await get();
    expect(pr).toMatchObject({ state: 'MERGED', merged: true, mergedBy: { login: 'yosifkit' } });
    expect(pr.mergedAt).toBe(pr.closedAt);
    expect(w.head(OFFICIAL_IMAGES).oid).toBe(mergeOid);
    expect(w.fileText(OFFICIAL_IMAGES, 'library/python')).toBe('Maintainers: x (@x)\n');
  });

  it('pages pullRequests by cursor, most recently updated first', async () => {
    const numbers: number[] = [];
    for (let i = 0; i < 5; i++) numbers.push(gh.world.openPr({ title: `Update image${i}`, files: [`library/image${i}`] }));
    const pr0 = gh.world.pr(numbers[0]!);
    pr0.updatedAt = '2099-01-01T00:00:00Z';
    const q = `query($after: String) { repository(owner: "docker-library", name: "official-images") {
      pullRequests(states: [OPEN], first: 2, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
        totalCount pageInfo { hasNextPage endCursor } nodes { number updatedAt } } } }`;
    const seen: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const r: any = await client<any>(q, { after });
      seen.push(...r.repository.pullRequests.nodes.map((p: any) => p.number));
      if (!r.repository.pullRequests.pageInfo.hasNextPage) break;
      after = r.repository.pullRequests.pageInfo.endCursor;
    }
    expect(seen[0]).toBe(numbers[0]);
    expect(new Set(seen).size).toBe(seen.length);
    for (const n of numbers) expect(seen).toContain(n);
  });

  it('searches PRs by repo, state, updated date and text', async () => {
    const n = gh.world.openPr({ title: 'Update zookeeper', body: 'bump 3.9.9', files: ['library/zookeeper'] });
    const closed = gh.world.openPr({ title: 'Update zookeeper (old)', files: ['library/zookeeper'] });
    gh.world.close(closed);
    const since = gh.world.now();
    const r = await client<any>(
      `query($q: String!) { search(query: $q, type: ISSUE, first: 20) { issueCount nodes { __typename ... on PullRequest { number state } } } }`,
      { q: `repo:docker-library/official-images is:pr is:open updated:>=${since} zookeeper` },
    );
    expect(r.search.nodes).toEqual([{ __typename: 'PullRequest', number: n, state: 'OPEN' }]);
    const future = await client<any>(`query($q: String!) { search(query: $q, type: ISSUE, first: 5) { issueCount } }`, {
      q: 'repo:docker-library/official-images is:pr updated:>=2100-01-01T00:00:00Z',
    });
    expect(future.search.issueCount).toBe(0);
  });
});

describe('issues and createIssue', () => {
  it('finds likely duplicates with is:issue in:title,body and files new issues', async () => {
    gh.world.addIssue({ repo: 'docker-library/python', title: 'SSL error in slim image', body: 'openssl fails on arm64' });
    gh.world.addIssue({ repo: 'docker-library/python', title: 'Old bug', body: 'ssl something', state: 'CLOSED' });
    const search = await client<any>(
      `query($q: String!) { search(query: $q, type: ISSUE, first: 10) { issueCount nodes { ... on Issue { number title url state createdAt } } } }`,
      { q: 'repo:docker-library/python is:issue ssl in:title,body' },
    );
    expect(search.search.issueCount).toBe(2);
    expect(search.search.nodes.map((i: any) => i.state).sort()).toEqual(['CLOSED', 'OPEN']);

    const repo = await client<any>(`{ repository(owner: "docker-library", name: "python") { id hasIssuesEnabled } }`);
    const created = await client<any>(
      `mutation($input: CreateIssueInput!) { createIssue(input: $input) { issue { number url title } } }`,
      { input: { repositoryId: repo.repository.id, title: 'From chat: pip warns', body: 'quoted text' } },
    );
    expect(created.createIssue.issue.url).toBe(`https://github.com/docker-library/python/issues/${created.createIssue.issue.number}`);
    expect(gh.world.issues('docker-library/python').at(-1)).toMatchObject({ title: 'From chat: pip warns', body: 'quoted text', author: 'doi-bot' });

    const tooLong = await errorsOf(
      client(`mutation($input: CreateIssueInput!) { createIssue(input: $input) { issue { number } } }`, {
        input: { repositoryId: repo.repository.id, title: 't', body: 'x'.repeat(70_000) },
      }),
    );
    expect(tooLong[0]).toMatchObject({ type: 'UNPROCESSABLE', message: expect.stringMatching(/Body is too long/) });
  });
});

describe('rate limit accounting', () => {
  it('costs queries with GitHub formula and spends the budget', async () => {
    const q = (n: number) => `{ repository(owner: "docker-library", name: "official-images") {
      pullRequests(first: ${n}) { nodes { labels(first: 20) { nodes { name } } files(first: 100) { nodes { path } } reviews(first: 10) { nodes { state } } } } }
      rateLimit { cost remaining used resetAt limit } }`;
    const small = await client<any>(q(10));
    expect(small.rateLimit.cost).toBe(1); // 1 + 10*3 = 31 requests
    const big = await client<any>(q(100));
    expect(big.rateLimit.cost).toBe(3); // 1 + 100*3 = 301 requests
    expect(big.rateLimit.remaining).toBe(small.rateLimit.remaining - 3);
    expect(gh.requests.at(-1)!.connectionRequests).toBe(301);
  });

  it('answers RATE_LIMITED in an HTTP 200 when the budget is spent', async () => {
    gh.faults.setBudget({ remaining: 0 });
    const errors = await errorsOf(client(`{ viewer { login } rateLimit { remaining } }`));
    expect(errors[0]).toMatchObject({ type: 'RATE_LIMITED' });
    expect(gh.requests.at(-1)!.status).toBe(200);
  });
});

describe('faults', () => {
  const status = async (p: Promise<unknown>) => p.then(() => 200, (e: any) => ({ status: e.status, retryAfter: e.response?.headers?.['retry-after'], message: String(e.message) }));

  it('502, secondary limit 403 with Retry-After, 401, forced RATE_LIMITED', async () => {
    gh.faults.serverError(1);
    expect(await status(client(`{ viewer { login } }`))).toMatchObject({ status: 502 });
    gh.faults.secondaryLimit(1, 30);
    expect(await status(client(`{ viewer { login } }`))).toMatchObject({ status: 403, retryAfter: '30', message: expect.stringMatching(/secondary rate limit/) });
    gh.faults.badCredentials(1);
    expect(await status(client(`{ viewer { login } }`))).toMatchObject({ status: 401, message: expect.stringMatching(/Bad credentials/) });
    gh.faults.rateLimited(1);
    expect((await errorsOf(client(`{ viewer { login } }`)))[0]).toMatchObject({ type: 'RATE_LIMITED' });
    expect(await status(client(`{ viewer { login } }`))).toBe(200);
  });

  it('refuses a wrong token and a missing one', async () => {
    const wrong = graphql.defaults({ baseUrl: gh.url.replace(/\/graphql$/, ''), headers: { authorization: 'token nope' } });
    expect(await status(wrong(`{ viewer { login } }`))).toMatchObject({ status: 401 });
    const none = graphql.defaults({ baseUrl: gh.url.replace(/\/graphql$/, '') });
    expect(await status(none(`{ viewer { login } }`))).toMatchObject({ status: 401 });
  });

  it('a lost response still applies the mutation (what exactly-once filing must survive)', async () => {
    const repo = await client<any>(`{ repository(owner: "docker-library", name: "python") { id } }`);
    const before = gh.world.issues('docker-library/python').length;
    gh.faults.loseResponses(1);
    const result = await status(
      client(`mutation($input: CreateIssueInput!) { createIssue(input: $input) { issue { number } } }`, { input: { repositoryId: repo.repository.id, title: 'lost', body: 'b' } }),
    );
    expect(result).toMatchObject({ status: 502 });
    expect(gh.world.issues('docker-library/python')).toHaveLength(before + 1);
  });
});
