/**
 * GraphQL resolvers for the fake GitHub: objects shaped like GitHub's schema types, built from
 * the in-memory world on demand. Fields are plain values or `(args) => value` functions (graphql's
 * default resolver calls them); anything nested is a function so views are built only when a
 * document selects them. Interfaces and unions carry `__typename`.
 */
import {
  OFFICIAL_IMAGES,
  gitBlobOid,
  headOf,
  lookupPath,
  rootTree,
  type GitHubWorld,
  type TreeNode,
  type WorldCheck,
  type WorldCommit,
  type WorldIssue,
  type WorldPr,
  type WorldPrCommit,
  type WorldRepo,
  type WorldReview,
} from './github-world.js';

/** An error GitHub reports with a `type` (NOT_FOUND, UNPROCESSABLE, FORBIDDEN, ...). */
export class GitHubTypedError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Args = Record<string, unknown>;
interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const WEB = 'https://github.com';

export function encodeCursor(index: number): string { return Buffer.from(`cursor:v2:${index}`).toString('base64'); }

function decodeCursor(cursor: string, argName: string): number {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!m) throw new GitHubTypedError('INVALID_CURSOR_ARGUMENTS', `\`${argName}\` does not appear to be a valid cursor.`);
  return Number(m[1]);
}

/** A GitHub connection over `items` with first/last/after/before paging. */
export function connection<T>(items: readonly T[], args: PageArgs, view: (item: T) => unknown, extra: Record<string, unknown> = {}) {
  let start = 0;
  let end = items.length;
  if (args.after) start = Math.max(start, decodeCursor(args.after, 'after') + 1);
  if (args.before) end = Math.min(end, decodeCursor(args.before, 'before'));
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  if (end < start) end = start;
  const slice = items.slice(start, end);
  return {
    totalCount: items.length,
    nodes: () => slice.map(view),
    edges: () => slice.map((item, i) => ({ cursor: encodeCursor(start + i), node: () => view(item) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? encodeCursor(start) : null,
      endCursor: slice.length ? encodeCursor(end - 1) : null,
    },
    ...extra,
  };
}

export function actorView(login: string | null) {
  if (!login) return null;
  const isBot = login.endsWith('[bot]');
  return {
    __typename: isBot ? 'Bot' : 'User',
    id: `U_${Buffer.from(login).toString('base64url')}`,
    login,
    url: `${WEB}/${isBot ? 'apps/' + login.replace(/\[bot\]$/, '') : login}`,
    resourcePath: `/${login}`,
    avatarUrl: () => `https://avatars.githubusercontent.com/${encodeURIComponent(login)}`,
  };
}

function repoUrl(repo: WorldRepo): string {
  return `${WEB}/${repo.owner}/${repo.name}`;
}

export class ViewBuilder {
  constructor(private readonly world: GitHubWorld) {}

  // ---- repository ----

  repository(repo: WorldRepo): Record<string, unknown> {
    const w = this.world;
    return {
      __typename: 'Repository',
      id: repo.id,
      databaseId: repo.databaseId,
      name: repo.name,
      nameWithOwner: `${repo.owner}/${repo.name}`,
      owner: { __typename: 'Organization', id: `O_${repo.owner}`, login: repo.owner, url: `${WEB}/${repo.owner}`, resourcePath: `/${repo.owner}` },
      url: repoUrl(repo),
      resourcePath: `/${repo.owner}/${repo.name}`,
      description: null,
      isPrivate: false,
      isFork: false,
      isArchived: repo.isArchived,
      hasIssuesEnabled: repo.hasIssuesEnabled,
      defaultBranchRef: () => ({
        id: `REF_${repo.id}`,
        name: repo.defaultBranch,
        prefix: 'refs/heads/',
        target: () => this.commit(repo, w.head(repo)),
      }),
      object: (args: Args) => this.object(repo, args),
      pullRequest: ({ number }: Args) => {
        const pr = repo.pulls.get(number as number);
        if (!pr) throw new GitHubTypedError('NOT_FOUND', `Could not resolve to a PullRequest with the number of ${String(number)}.`);
        return this.pullRequest(repo, pr);
      },
      pullRequests: (args: Args) => this.pullRequests(repo, args),
      issue: ({ number }: Args) => {
        const issue = repo.issues.get(number as number);
        if (!issue) throw new GitHubTypedError('NOT_FOUND', `Could not resolve to an Issue with the number of ${String(number)}.`);
        return this.issue(repo, issue);
      },
      issueOrPullRequest: ({ number }: Args) => {
        const pr = repo.pulls.get(number as number);
        if (pr) return this.pullRequest(repo, pr);
        const issue = repo.issues.get(number as number);
        if (!issue) throw new GitHubTypedError('NOT_FOUND', `Could not resolve to an issue or pull request with the number of ${String(number)}.`);
        return this.issue(repo, issue);
      },
      issues: (args: Args) => {
        const states = args.states as string[] | undefined;
        const labels = args.labels as string[] | undefined;
        let list = [...repo.issues.values()].filter((i) => (!states || states.includes(i.state)) && (!labels || labels.some((l) => i.labels.includes(l))));
        list = orderBy(list, args.orderBy as { field: string; direction: string } | undefined);
        return connection(list, args, (i) => this.issue(repo, i));
      },
      labels: (args: Args) => {
        const q = typeof args.query === 'string' ? args.query.toLowerCase() : undefined;
        const list = [...repo.labels.values()].filter((l) => !q || l.name.toLowerCase().includes(q));
        return connection(list, args, (l) => this.label(repo, l.name));
      },
      label: ({ name }: Args) => (repo.labels.has(name as string) ? this.label(repo, name as string) : null),
    };
  }

  label(repo: WorldRepo, name: string) {
    const label = this.world.label(repo, name);
    return { id: label.id, name: label.name, color: label.color, description: null, isDefault: false, url: `${repoUrl(repo)}/labels/${encodeURIComponent(name)}` };
  }

  pullRequests(repo: WorldRepo, args: Args) {
    const states = args.states as string[] | undefined;
    const labels = args.labels as string[] | undefined;
    let list = [...repo.pulls.values()].filter(
      (p) =>
        (!states || states.includes(p.state)) &&
        (!labels || labels.some((l) => p.labels.includes(l))) &&
        (args.baseRefName == null || p.baseRefName === args.baseRefName) &&
        (args.headRefName == null || p.headRefName === args.headRefName),
    );
    list = orderBy(list, args.orderBy as { field: string; direction: string } | undefined);
    return connection(list, args, (p) => this.pullRequest(repo, p));
  }

  /** `object(oid:)` or `object(expression: "HEAD:library")` / "master" / "<oid>:path". */
  object(repo: WorldRepo, args: Args): unknown {
    let rev: string;
    let path: string | undefined;
    if (typeof args.oid === 'string') rev = args.oid;
    else if (typeof args.expression === 'string') {
      const colon = args.expression.indexOf(':');
      rev = colon === -1 ? args.expression : args.expression.slice(0, colon);
      path = colon === -1 ? undefined : args.expression.slice(colon + 1);
    } else return null;
    const commit = this.resolveRev(repo, rev);
    if (!commit) return null;
    if (path === undefined) return this.commit(repo, commit);
    const found = lookupPath(commit, path);
    if (!found) return null;
    return found.kind === 'blob' ? this.blob(repo, found.file.content) : this.tree(repo, commit, path.replace(/^\/+|\/+$/g, ''), found.node);
  }

  resolveRev(repo: WorldRepo, rev: string): WorldCommit | undefined {
    const head = this.world.head(repo);
    if (rev === '' || rev === 'HEAD' || rev === repo.defaultBranch || rev === `refs/heads/${repo.defaultBranch}`) return head;
    if (/^[0-9a-f]{7,40}$/.test(rev)) return [...repo.commits].reverse().find((c) => c.oid.startsWith(rev));
    return undefined;
  }

  commit(repo: WorldRepo, commit: WorldCommit): Record<string, unknown> {
    const url = `${repoUrl(repo)}/commit/${commit.oid}`;
    const [headline, ...rest] = commit.message.split('\n');
    const person = { name: 'Docker Library Bot', email: 'doi+docker-library-bot@docker.com', date: commit.committedDate, user: null };
    return {
      __typename: 'Commit',
      id: `C_${commit.oid}`,
      oid: commit.oid,
      abbreviatedOid: commit.oid.slice(0, 7),
      committedDate: commit.committedDate,
      authoredDate: commit.committedDate,
      message: commit.message,
      messageHeadline: headline ?? '',
      messageBody: rest.join('\n').trim(),
      url,
      commitUrl: url,
      resourcePath: `/${repo.owner}/${repo.name}/commit/${commit.oid}`,
      commitResourcePath: `/${repo.owner}/${repo.name}/commit/${commit.oid}`,
      author: person,
      committer: person,
      statusCheckRollup: null,
      repository: () => this.repository(repo),
      tree: () => this.tree(repo, commit, '', rootTree(commit)),
      file: ({ path }: Args) => {
        const p = String(path).replace(/^\/+|\/+$/g, '');
        const found = lookupPath(commit, p);
        if (!found || p === '') return null;
        const slash = p.lastIndexOf('/');
        const dir = slash === -1 ? '' : p.slice(0, slash);
        const name = p.slice(slash + 1);
        return found.kind === 'blob'
          ? this.treeEntry(repo, commit, dir, name, { kind: 'blob', content: found.file.content, mode: found.file.mode })
          : this.treeEntry(repo, commit, dir, name, { kind: 'tree', node: found.node });
      },
      history: (args: Args) => this.history(repo, commit, args),
      parents: (args: Args) => {
        const parent = repo.commits.find((c) => c.oid === commit.parentOid);
        return connection(parent ? [parent] : [], args, (c) => this.commit(repo, c));
      },
    };
  }

  history(repo: WorldRepo, from: WorldCommit, args: Args) {
    const idx = repo.commits.findIndex((c) => c.oid === from.oid);
    const ancestry = repo.commits.slice(0, idx + 1).reverse();
    const path = typeof args.path === 'string' ? args.path.replace(/^\/+|\/+$/g, '') : undefined;
    const since = typeof args.since === 'string' ? Date.parse(args.since) : undefined;
    const until = typeof args.until === 'string' ? Date.parse(args.until) : undefined;
    const list = ancestry.filter((c) => {
      const t = Date.parse(c.committedDate);
      if (since !== undefined && t < since) return false;
      if (until !== undefined && t > until) return false;
      if (path === undefined) return true;
      const parent = repo.commits.find((p) => p.oid === c.parentOid);
      return pathOid(c, path) !== (parent ? pathOid(parent, path) : undefined);
    });
    return connection(list, args, (c) => this.commit(repo, c));
  }

  tree(repo: WorldRepo, commit: WorldCommit, path: string, node: TreeNode): Record<string, unknown> {
    return {
      __typename: 'Tree',
      id: `T_${node.oid!}`,
      oid: node.oid,
      abbreviatedOid: node.oid!.slice(0, 7),
      commitUrl: `${repoUrl(repo)}/commit/${commit.oid}`,
      commitResourcePath: `/${repo.owner}/${repo.name}/commit/${commit.oid}`,
      repository: () => this.repository(repo),
      entries: () => {
        const entries: Array<Record<string, unknown>> = [];
        for (const [name, dir] of node.dirs) entries.push({ sort: name, view: this.treeEntry(repo, commit, path, name, { kind: 'tree', node: dir }) });
        for (const [name, file] of node.files) entries.push({ sort: name, view: this.treeEntry(repo, commit, path, name, { kind: 'blob', content: file.content, mode: file.mode }) });
        return entries.sort((a, b) => String(a.sort).localeCompare(String(b.sort))).map((e) => e.view);
      },
    };
  }

  treeEntry(
    repo: WorldRepo,
    commit: WorldCommit,
    dir: string,
    name: string,
    what: { kind: 'tree'; node: TreeNode } | { kind: 'blob'; content: Buffer; mode: 'file' | 'symlink' },
  ): Record<string, unknown> {
    const path = dir ? `${dir}/${name}` : name;
    const isTree = what.kind === 'tree';
    const oid = isTree ? what.node.oid! : gitBlobOid(what.content);
    const dot = name.lastIndexOf('.');
    return {
      name,
      path,
      nameRaw: Buffer.from(name).toString('base64'),
      pathRaw: Buffer.from(path).toString('base64'),
      oid,
      type: isTree ? 'tree' : 'blob',
      mode: isTree ? 0o40000 : what.mode === 'symlink' ? 0o120000 : 0o100644,
      size: isTree ? 0 : what.content.length,
      extension: !isTree && dot > 0 ? name.slice(dot) : null,
      isGenerated: false,
      language: null,
      submodule: null,
      lineCount: isTree || isBinary(what.content) ? null : what.content.toString('utf8').split('\n').length,
      repository: () => this.repository(repo),
      object: () => (isTree ? this.tree(repo, commit, path, what.node) : this.blob(repo, what.content)),
    };
  }

  blob(repo: WorldRepo, content: Buffer): Record<string, unknown> {
    const oid = gitBlobOid(content);
    const binary = isBinary(content);
    return {
      __typename: 'Blob',
      id: `B_${oid}`,
      oid,
      abbreviatedOid: oid.slice(0, 7),
      byteSize: content.length,
      isBinary: binary,
      isTruncated: false,
      text: binary ? null : content.toString('utf8'),
      commitUrl: `${repoUrl(repo)}/blob/${oid}`,
      commitResourcePath: `/${repo.owner}/${repo.name}/blob/${oid}`,
      repository: () => this.repository(repo),
    };
  }

  // ---- pull requests ----

  pullRequest(repo: WorldRepo, pr: WorldPr): Record<string, unknown> {
    const url = `${repoUrl(repo)}/pull/${pr.number}`;
    const head = headOf(pr);
    const decision = reviewDecision(pr.reviews);
    const rollup = rollupState(head.checks);
    return {
      __typename: 'PullRequest',
      id: pr.id,
      databaseId: pr.databaseId,
      number: pr.number,
      title: pr.title,
      body: pr.body,
      bodyText: pr.body,
      url,
      permalink: url,
      resourcePath: `/${repo.owner}/${repo.name}/pull/${pr.number}`,
      state: pr.state,
      closed: pr.state !== 'OPEN',
      merged: pr.state === 'MERGED',
      isDraft: pr.isDraft,
      isCrossRepository: false,
      createdAt: pr.createdAt,
      updatedAt: pr.updatedAt,
      closedAt: pr.closedAt,
      mergedAt: pr.mergedAt,
      mergedBy: () => actorView(pr.mergedBy),
      author: () => actorView(pr.author),
      headRefName: pr.headRefName,
      headRefOid: head.oid,
      baseRefName: pr.baseRefName,
      baseRefOid: this.world.head(repo).oid,
      mergeable: pr.state === 'OPEN' ? pr.mergeable : 'UNKNOWN',
      mergeStateStatus:
        pr.mergeable === 'CONFLICTING' ? 'DIRTY' : pr.isDraft ? 'DRAFT' : rollup === 'FAILURE' ? 'UNSTABLE' : decision === 'APPROVED' ? 'CLEAN' : 'BLOCKED',
      reviewDecision: decision,
      changedFiles: pr.files.length,
      additions: pr.files.reduce((n, f) => n + f.additions, 0),
      deletions: pr.files.reduce((n, f) => n + f.deletions, 0),
      totalCommentsCount: pr.comments.length,
      repository: () => this.repository(repo),
      mergeCommit: () => {
        const c = pr.mergeCommitOid ? repo.commits.find((x) => x.oid === pr.mergeCommitOid) : undefined;
        return c ? this.commit(repo, c) : null;
      },
      labels: (args: Args) => connection(pr.labels, args, (name) => this.label(repo, name)),
      files: (args: Args) => connection(pr.files, args, (f) => ({ ...f, viewerViewedState: 'UNVIEWED' })),
      reviews: (args: Args) => {
        const states = args.states as string[] | undefined;
        const author = args.author as string | undefined;
        const list = pr.reviews.filter((r) => (!states || states.includes(r.state)) && (!author || r.author === author));
        return connection(list, args, (r) => this.review(repo, pr, r));
      },
      latestReviews: (args: Args) => connection(latestReviews(pr.reviews), args, (r) => this.review(repo, pr, r)),
      commits: (args: Args) =>
        connection(pr.commits, args, (c) => ({
          id: `PURC_${c.oid}`,
          url: `${url}/commits/${c.oid}`,
          resourcePath: `/${repo.owner}/${repo.name}/pull/${pr.number}/commits/${c.oid}`,
          commit: () => this.prCommit(repo, pr, c),
          pullRequest: () => this.pullRequest(repo, pr),
        })),
      comments: (args: Args) =>
        connection(pr.comments, args, (c) => ({
          id: c.id,
          databaseId: c.databaseId,
          author: () => actorView(c.author),
          body: c.body,
          bodyText: c.body,
          authorAssociation: c.authorAssociation,
          createdAt: c.createdAt,
          updatedAt: c.createdAt,
          isMinimized: c.isMinimized,
          minimizedReason: null,
          url: `${url}#issuecomment-${c.databaseId}`,
        })),
      statusCheckRollup: () => this.rollup(repo, pr, head),
    };
  }

  prCommit(repo: WorldRepo, pr: WorldPr, c: WorldPrCommit): Record<string, unknown> {
    const url = `${repoUrl(repo)}/commit/${c.oid}`;
    return {
      __typename: 'Commit',
      id: `C_${c.oid}`,
      oid: c.oid,
      abbreviatedOid: c.oid.slice(0, 7),
      committedDate: c.committedDate,
      authoredDate: c.committedDate,
      message: c.message,
      messageHeadline: c.message.split('\n')[0] ?? '',
      url,
      commitUrl: url,
      resourcePath: `/${repo.owner}/${repo.name}/commit/${c.oid}`,
      repository: () => this.repository(repo),
      statusCheckRollup: () => this.rollup(repo, pr, c),
    };
  }

  rollup(repo: WorldRepo, pr: WorldPr, c: WorldPrCommit): Record<string, unknown> | null {
    const state = rollupState(c.checks);
    if (!state) return null;
    const runs = c.checks.filter((k) => k.kind === 'check');
    const statuses = c.checks.filter((k) => k.kind === 'status');
    return {
      id: `SCR_${c.oid}`,
      state,
      commit: () => this.prCommit(repo, pr, c),
      contexts: (args: Args) =>
        connection(c.checks, args, (k) => checkView(k, c), {
          checkRunCount: runs.length,
          statusContextCount: statuses.length,
          checkRunCountsByState: countBy(runs.map((k) => (k.status === 'COMPLETED' ? k.conclusion ?? 'NEUTRAL' : k.status))),
          statusContextCountsByState: countBy(statuses.map((k) => statusState(k))),
        }),
    };
  }

  review(repo: WorldRepo, pr: WorldPr, r: WorldReview): Record<string, unknown> {
    return {
      id: r.id,
      databaseId: r.databaseId,
      fullDatabaseId: String(r.databaseId),
      author: () => actorView(r.author),
      state: r.state,
      authorAssociation: r.authorAssociation,
      body: r.body,
      bodyText: r.body,
      submittedAt: r.submittedAt,
      publishedAt: r.submittedAt,
      createdAt: r.submittedAt,
      updatedAt: r.submittedAt,
      url: `${repoUrl(repo)}/pull/${pr.number}#pullrequestreview-${r.databaseId}`,
      commit: () => {
        const c = pr.commits.find((x) => x.oid === r.commitOid);
        return c ? this.prCommit(repo, pr, c) : null;
      },
      pullRequest: () => this.pullRequest(repo, pr),
    };
  }

  // ---- issues ----

  issue(repo: WorldRepo, issue: WorldIssue): Record<string, unknown> {
    return {
      __typename: 'Issue',
      id: issue.id,
      databaseId: issue.databaseId,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      bodyText: issue.body,
      url: `${repoUrl(repo)}/issues/${issue.number}`,
      resourcePath: `/${repo.owner}/${repo.name}/issues/${issue.number}`,
      state: issue.state,
      stateReason: issue.stateReason,
      closed: issue.state === 'CLOSED',
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
      closedAt: issue.closedAt,
      author: () => actorView(issue.author),
      repository: () => this.repository(repo),
      labels: (args: Args) => connection(issue.labels, args, (name) => this.label(repo, name)),
    };
  }

  // ---- search ----

  search(args: Args): Record<string, unknown> {
    const empty = { issueCount: 0, codeCount: 0, discussionCount: 0, repositoryCount: 0, userCount: 0, wikiCount: 0 };
    if (args.type !== 'ISSUE') return connection([], args, () => null, empty);
    const q = parseSearch(String(args.query));
    const hits: Array<{ repo: WorldRepo; item: WorldPr | WorldIssue }> = [];
    for (const repo of this.world.repos.values()) {
      if (q.repos.length && !q.repos.includes(`${repo.owner}/${repo.name}`.toLowerCase())) continue;
      const items: Array<WorldPr | WorldIssue> = [...repo.pulls.values(), ...repo.issues.values()];
      for (const item of items) if (matches(item, q)) hits.push({ repo, item });
    }
    const dir = q.sort.endsWith('-asc') ? 1 : -1;
    const field = q.sort.startsWith('created') ? 'createdAt' : 'updatedAt';
    hits.sort((a, b) => dir * a.item[field].localeCompare(b.item[field]) || dir * (a.item.number - b.item.number));
    return connection(hits, args, ({ repo, item }) => (item.kind === 'pr' ? this.pullRequest(repo, item) : this.issue(repo, item)), {
      ...empty,
      issueCount: hits.length,
    });
  }

  // ---- node ids ----

  node(id: string): unknown {
    for (const repo of this.world.repos.values()) {
      if (repo.id === id) return this.repository(repo);
      for (const pr of repo.pulls.values()) if (pr.id === id) return this.pullRequest(repo, pr);
      for (const issue of repo.issues.values()) if (issue.id === id) return this.issue(repo, issue);
    }
    return null;
  }
}

function pathOid(commit: WorldCommit, path: string): string | undefined {
  const found = lookupPath(commit, path);
  if (!found) return undefined;
  return found.kind === 'blob' ? gitBlobOid(found.file.content) : found.node.oid;
}

function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

function orderBy<T extends { createdAt: string; updatedAt: string; number: number }>(list: T[], order: { field: string; direction: string } | undefined): T[] {
  if (!order) return list.sort((a, b) => a.number - b.number);
  const field = order.field === 'UPDATED_AT' ? 'updatedAt' : 'createdAt';
  const dir = order.direction === 'DESC' ? -1 : 1;
  return list.sort((a, b) => dir * a[field].localeCompare(b[field]) || dir * (a.number - b.number));
}

function countBy(values: readonly string[]) {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([state, count]) => ({ state, count }));
}

function checkView(k: WorldCheck, c: WorldPrCommit): Record<string, unknown> {
  if (k.kind === 'status') {
    return {
      __typename: 'StatusContext',
      id: `SC_${c.oid}_${k.name}`,
      context: k.name,
      state: statusState(k),
      targetUrl: k.url,
      description: null,
      createdAt: c.committedDate,
      avatarUrl: null,
      creator: null,
      isRequired: () => false,
    };
  }
  return {
    __typename: 'CheckRun',
    id: `CR_${c.oid}_${k.name}`,
    databaseId: Math.abs(hashCode(`${c.oid}${k.name}`)),
    name: k.name,
    status: k.status,
    conclusion: k.status === 'COMPLETED' ? k.conclusion : null,
    detailsUrl: k.url,
    url: k.url,
    permalink: k.url,
    title: null,
    summary: null,
    text: null,
    startedAt: c.committedDate,
    completedAt: k.status === 'COMPLETED' ? c.committedDate : null,
    isRequired: () => false,
  };
}

function statusState(k: WorldCheck): string {
  if (k.status !== 'COMPLETED' || k.conclusion === null) return 'PENDING';
  if (k.conclusion === 'SUCCESS' || k.conclusion === 'NEUTRAL' || k.conclusion === 'SKIPPED') return 'SUCCESS';
  if (k.conclusion === 'FAILURE') return 'FAILURE';
  return 'ERROR';
}

/** The commit's combined state the way GitHub rolls it up. */
export function rollupState(checks: readonly WorldCheck[]): 'SUCCESS' | 'FAILURE' | 'PENDING' | null {
  if (checks.length === 0) return null;
  const states = checks.map(statusState);
  if (states.some((s) => s === 'FAILURE' || s === 'ERROR')) return 'FAILURE';
  if (states.some((s) => s === 'PENDING')) return 'PENDING';
  return 'SUCCESS';
}

/** Latest review per author, deciding reviews (approve / request changes / dismissed) first. */
export function latestReviews(reviews: readonly WorldReview[]): WorldReview[] {
  const byAuthor = new Map<string, WorldReview>();
  for (const r of reviews) {
    const prev = byAuthor.get(r.author);
    if (!prev || r.state !== 'COMMENTED' || prev.state === 'COMMENTED') byAuthor.set(r.author, r);
  }
  return [...byAuthor.values()];
}

export function reviewDecision(reviews: readonly WorldReview[]): 'APPROVED' | 'CHANGES_REQUESTED' | 'REVIEW_REQUIRED' {
  const latest = latestReviews(reviews);
  if (latest.some((r) => r.state === 'CHANGES_REQUESTED')) return 'CHANGES_REQUESTED';
  if (latest.some((r) => r.state === 'APPROVED')) return 'APPROVED';
  return 'REVIEW_REQUIRED';
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

// ---- search query language (the subset the bot uses) ----

interface SearchQuery {
  repos: string[];
  kind: 'pr' | 'issue' | undefined;
  states: Array<'open' | 'closed' | 'merged'>;
  draft: boolean | undefined;
  labels: string[];
  notLabels: string[];
  authors: string[];
  updated: Array<(iso: string) => boolean>;
  created: Array<(iso: string) => boolean>;
  inFields: Array<'title' | 'body'>;
  terms: string[];
  sort: string;
}

const TOKEN = /(-?)([A-Za-z]+):("[^"]*"|\S+)|"([^"]*)"|(\S+)/g;

export function parseSearch(query: string): SearchQuery {
  const q: SearchQuery = { repos: [], kind: undefined, states: [], draft: undefined, labels: [], notLabels: [], authors: [], updated: [], created: [], inFields: [], terms: [], sort: 'updated-desc' };
  for (const m of query.matchAll(TOKEN)) {
    const [, neg, rawKey, rawValue, phrase, word] = m;
    if (phrase !== undefined) {
      if (phrase.trim()) q.terms.push(phrase.toLowerCase());
      continue;
    }
    if (word !== undefined) {
      if (!/^(AND|OR)$/.test(word)) q.terms.push(word.toLowerCase());
      continue;
    }
    const k = rawKey!.toLowerCase();
    const value = rawValue!.replace(/^"|"$/g, '');
    const v = value.toLowerCase();
    if (k === 'repo') q.repos.push(v);
    else if ((k === 'is' || k === 'type') && (v === 'pr' || v === 'issue')) q.kind = v;
    else if ((k === 'is' || k === 'state') && (v === 'open' || v === 'closed' || v === 'merged')) q.states.push(v);
    else if (k === 'is' && v === 'draft') q.draft = neg !== '-';
    else if (k === 'label') (neg === '-' ? q.notLabels : q.labels).push(value);
    else if (k === 'author') q.authors.push(v);
    else if (k === 'updated') q.updated.push(dateFilter(value));
    else if (k === 'created') q.created.push(dateFilter(value));
    else if (k === 'in') q.inFields.push(...v.split(',').filter((f): f is 'title' | 'body' => f === 'title' || f === 'body'));
    else if (k === 'sort') q.sort = v;
    else q.terms.push(`${k}:${v}`);
  }
  return q;
}

function dateFilter(expr: string): (iso: string) => boolean {
  const range = /^(.+)\.\.(.+)$/.exec(expr);
  if (range) {
    const lo = range[1] === '*' ? -Infinity : Date.parse(range[1]!);
    const hi = range[2] === '*' ? Infinity : endOfDay(range[2]!);
    return (iso) => Date.parse(iso) >= lo && Date.parse(iso) <= hi;
  }
  const m = /^(>=|<=|>|<)?(.+)$/.exec(expr)!;
  const op = m[1] ?? '';
  const at = Date.parse(m[2]!);
  if (Number.isNaN(at)) return () => false;
  if (op === '>=') return (iso) => Date.parse(iso) >= at;
  if (op === '>') return (iso) => Date.parse(iso) > (isDateOnly(m[2]!) ? endOfDay(m[2]!) : at);
  if (op === '<=') return (iso) => Date.parse(iso) <= (isDateOnly(m[2]!) ? endOfDay(m[2]!) : at);
  if (op === '<') return (iso) => Date.parse(iso) < at;
  return (iso) => Date.parse(iso) >= at && Date.parse(iso) <= endOfDay(m[2]!);
}

function isDateOnly(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s);
}

function endOfDay(s: string): number {
  return isDateOnly(s) ? Date.parse(s) + 86_399_999 : Date.parse(s);
}

function matches(item: WorldPr | WorldIssue, q: SearchQuery): boolean {
  if (q.kind && item.kind !== q.kind) return false;
  if (q.states.length) {
    const ok = q.states.some((s) => (s === 'open' ? item.state === 'OPEN' : s === 'merged' ? item.state === 'MERGED' : item.state !== 'OPEN'));
    if (!ok) return false;
  }
  if (q.draft !== undefined && (item.kind !== 'pr' || item.isDraft !== q.draft)) return false;
  if (q.labels.some((l) => !item.labels.includes(l))) return false;
  if (q.notLabels.some((l) => item.labels.includes(l))) return false;
  if (q.authors.length && !q.authors.includes(item.author.toLowerCase())) return false;
  if (q.updated.some((f) => !f(item.updatedAt))) return false;
  if (q.created.some((f) => !f(item.createdAt))) return false;
  const fields = q.inFields.length ? q.inFields : (['title', 'body'] as const);
  const haystack = fields.map((f) => item[f].toLowerCase()).join('\n');
  return q.terms.every((t) => haystack.includes(t));
}

export { OFFICIAL_IMAGES };
