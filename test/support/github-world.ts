/**
 * The in-memory GitHub the fake GraphQL server answers from: repositories with real git-style
 * object ids (blob/tree/commit oids computed like git, so a byte-identical file has the same
 * blob oid as upstream), commit history, pull requests with labels, files, reviews, checks and
 * comments, issues, and labels. Tests and demos change it through the mutators below; every
 * mutator bumps `updatedAt` like GitHub does.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const OFFICIAL_IMAGES = 'docker-library/official-images';
export const DOCS = 'docker-library/docs';

export type FileMode = 'file' | 'symlink';
export interface WorldFile {
  readonly content: Buffer;
  readonly mode: FileMode;
}

interface TreeNode {
  readonly files: Map<string, WorldFile>;
  readonly dirs: Map<string, TreeNode>;
  oid?: string;
}

export interface WorldCommit {
  readonly oid: string;
  readonly message: string;
  readonly committedDate: string;
  readonly parentOid: string | undefined;
  readonly files: ReadonlyMap<string, WorldFile>;
  /** Built lazily: the nested tree with oids. */
  root?: TreeNode;
}

export interface WorldLabel { readonly id: string; readonly name: string; readonly color: string }

export interface WorldIssue {
  readonly kind: 'issue';
  readonly id: string;
  readonly databaseId: number;
  readonly number: number;
  title: string;
  body: string;
  author: string;
  state: 'OPEN' | 'CLOSED';
  stateReason: 'COMPLETED' | 'NOT_PLANNED' | 'REOPENED' | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  labels: string[];
}

export interface WorldCheck {
  readonly kind: 'check' | 'status';
  readonly name: string;
  /** CheckStatusState for check runs. */
  readonly status: 'COMPLETED' | 'IN_PROGRESS' | 'QUEUED' | 'PENDING' | 'WAITING' | 'REQUESTED';
  /** CheckConclusionState when completed. */
  readonly conclusion: 'SUCCESS' | 'FAILURE' | 'NEUTRAL' | 'CANCELLED' | 'SKIPPED' | 'TIMED_OUT' | 'ACTION_REQUIRED' | 'STARTUP_FAILURE' | 'STALE' | null;
  readonly url: string;
}

export interface WorldPrCommit {
  readonly oid: string;
  readonly message: string;
  readonly committedDate: string;
  checks: WorldCheck[];
}

export interface WorldReview {
  readonly id: string;
  readonly databaseId: number;
  readonly author: string;
  readonly state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  readonly body: string;
  readonly submittedAt: string;
  /** GitHub's CommentAuthorAssociation: MEMBER / OWNER / COLLABORATOR speak for the repo. */
  readonly authorAssociation: Association;
  readonly commitOid: string;
}

export interface WorldComment {
  readonly id: string;
  readonly databaseId: number;
  readonly author: string;
  readonly body: string;
  readonly createdAt: string;
  isMinimized: boolean;
  readonly authorAssociation: Association;
}

export type Association = 'MEMBER' | 'OWNER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'FIRST_TIMER' | 'FIRST_TIME_CONTRIBUTOR' | 'MANNEQUIN' | 'NONE';

export interface WorldChangedFile {
  readonly path: string;
  readonly additions: number;
  readonly deletions: number;
  readonly changeType: 'ADDED' | 'DELETED' | 'RENAMED' | 'COPIED' | 'MODIFIED' | 'CHANGED';
}

export interface WorldPr {
  readonly kind: 'pr';
  readonly id: string;
  readonly databaseId: number;
  readonly number: number;
  title: string;
  body: string;
  author: string;
  state: 'OPEN' | 'CLOSED' | 'MERGED';
  isDraft: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitOid: string | null;
  headRefName: string;
  baseRefName: string;
  mergeable: 'MERGEABLE' | 'CONFLICTING' | 'UNKNOWN';
  labels: string[];
  files: WorldChangedFile[];
  commits: WorldPrCommit[];
  reviews: WorldReview[];
  comments: WorldComment[];
  /** Files the merge writes to the base branch (path -> text, null deletes). */
  changes: Record<string, string | null>;
}

export interface WorldRepo {
  readonly owner: string;
  readonly name: string;
  readonly id: string;
  readonly databaseId: number;
  readonly defaultBranch: string;
  hasIssuesEnabled: boolean;
  isArchived: boolean;
  readonly commits: WorldCommit[];
  readonly labels: Map<string, WorldLabel>;
  readonly pulls: Map<number, WorldPr>;
  readonly issues: Map<number, WorldIssue>;
  nextNumber: number;
}

export type PrRef = number | { readonly repo: string; readonly number: number };

export interface OpenPrInput {
  readonly repo?: string;
  readonly title: string;
  readonly body?: string;
  readonly author?: string;
  readonly isDraft?: boolean;
  readonly labels?: readonly string[];
  readonly headRefName?: string;
  readonly baseRefName?: string;
  /** Changed files; `library/<image>` paths are what the bot reads images from. */
  readonly files?: ReadonlyArray<string | Partial<WorldChangedFile> & { path: string }>;
  /** What merging writes to the base branch (path -> new text, null deletes). */
  readonly changes?: Record<string, string | null>;
}

export type ChecksInput =
  | 'success'
  | 'failure'
  | 'pending'
  | ReadonlyArray<{ name: string; kind?: 'check' | 'status'; status?: WorldCheck['status']; conclusion?: WorldCheck['conclusion']; url?: string }>;

/** Check names official-images CI reports, used by the 'success'/'failure' shorthands. */
export const DEFAULT_CHECK_NAMES = ['Naughty', 'Generate Jobs', 'Build and Test'] as const;

export function gitBlobOid(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** GitHub-style timestamps: ISO 8601 at second resolution. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class GitHubWorld {
  readonly repos = new Map<string, WorldRepo>();
  readonly #now: () => number;
  #seq = 1;
  viewerLogin = 'doi-bot';

  constructor(opts: { now?: () => number } = {}) {
    this.#now = opts.now ?? Date.now;
  }

  now(): string { return isoSeconds(this.#now()); }

  nowMs(): number { return this.#now(); }

  // ---- repositories and files ----

  addRepository(
    nameWithOwner: string,
    opts: { files?: ReadonlyMap<string, WorldFile> | Record<string, string>; defaultBranch?: string; hasIssuesEnabled?: boolean; message?: string } = {},
  ): WorldRepo {
    const [owner, name] = splitRepo(nameWithOwner);
    const existing = this.repos.get(key(owner, name));
    if (existing) return existing;
    const seq = this.#seq++;
    const repo: WorldRepo = {
      owner,
      name,
      id: nodeId('R_kgDO', `${owner}/${name}`),
      databaseId: 1000 + seq,
      defaultBranch: opts.defaultBranch ?? 'master',
      hasIssuesEnabled: opts.hasIssuesEnabled ?? true,
      isArchived: false,
      commits: [],
      labels: new Map(),
      pulls: new Map(),
      issues: new Map(),
      nextNumber: 1,
    };
    this.repos.set(key(owner, name), repo);
    const files = opts.files instanceof Map ? new Map(opts.files) : toFileMap((opts.files ?? {}) as Record<string, string>);
    this.#commit(repo, files, opts.message ?? 'Initial commit');
    return repo;
  }

  repo(nameWithOwner: string): WorldRepo {
    const [owner, name] = splitRepo(nameWithOwner);
    const repo = this.repos.get(key(owner, name));
    if (!repo) throw new Error(`fake GitHub: no repository ${nameWithOwner}`);
    return repo;
  }

  findRepo(owner: string, name: string): WorldRepo | undefined {
    return this.repos.get(key(owner, name));
  }

  head(repo: WorldRepo | string): WorldCommit {
    const r = typeof repo === 'string' ? this.repo(repo) : repo;
    return r.commits[r.commits.length - 1]!;
  }

  /** Direct push of one file to the default branch; returns the new commit oid. */
  setFile(repo: string, path: string, text: string, opts: { mode?: FileMode; message?: string } = {}): string {
    return this.commitFiles(repo, { [path]: text }, opts.message ?? `Update ${path}`, opts.mode);
  }

  deleteFile(repo: string, path: string, message = `Remove ${path}`): string {
    return this.commitFiles(repo, { [path]: null }, message);
  }

  /** One commit changing several files (null deletes); returns the new commit oid. */
  commitFiles(repo: string, changes: Record<string, string | null>, message: string, mode: FileMode = 'file'): string {
    const r = this.repo(repo);
    const files = new Map(this.head(r).files);
    for (const [path, text] of Object.entries(changes)) {
      if (text === null) files.delete(path);
      else files.set(path, { content: Buffer.from(text, 'utf8'), mode });
    }
    return this.#commit(r, files, message).oid;
  }

  /** Blob content of a path at the default branch head (tests assert merges and pushes). */
  fileText(repo: string, path: string): string | undefined {
    return this.head(repo).files.get(path)?.content.toString('utf8');
  }

  #commit(repo: WorldRepo, files: Map<string, WorldFile>, message: string): WorldCommit {
    const parent = repo.commits[repo.commits.length - 1];
    const committedDate = this.now();
    const draft: WorldCommit = { oid: '', message, committedDate, parentOid: parent?.oid, files };
    const treeOid = rootTree(draft).oid!;
    const author = `Docker Library Bot <doi+docker-library-bot@docker.com> ${Math.floor(Date.parse(committedDate) / 1000)} +0000`;
    const body = `tree ${treeOid}\n${parent ? `parent ${parent.oid}\n` : ''}author ${author}\ncommitter ${author}\n\n${message}\n`;
    const oid = createHash('sha1').update(`commit ${Buffer.byteLength(body)}\0${body}`).digest('hex');
    const commit: WorldCommit = { ...draft, oid, root: draft.root! };
    repo.commits.push(commit);
    return commit;
  }

  // ---- labels ----

  label(repo: WorldRepo, name: string): WorldLabel {
    let label = repo.labels.get(name);
    if (!label) {
      label = { id: nodeId('LA_kwDO', `${repo.owner}/${repo.name}:${name}`), name, color: 'ededed' };
      repo.labels.set(name, label);
    }
    return label;
  }

  // ---- pull requests ----

  openPr(input: OpenPrInput): number {
    const repo = this.repo(input.repo ?? OFFICIAL_IMAGES);
    const number = repo.nextNumber++;
    const now = this.now();
    const files = (input.files ?? []).map((f) => (typeof f === 'string' ? { path: f } : f)).map(
      (f): WorldChangedFile => ({ path: f.path, additions: f.additions ?? 3, deletions: f.deletions ?? 1, changeType: f.changeType ?? 'MODIFIED' }),
    );
    const pr: WorldPr = {
      kind: 'pr',
      id: nodeId('PR_kwDO', `${repo.owner}/${repo.name}#${number}`),
      databaseId: 900_000_000 + this.#seq++,
      number,
      title: input.title,
      body: input.body ?? '',
      author: input.author ?? 'docker-library-bot',
      state: 'OPEN',
      isDraft: input.isDraft ?? false,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      mergedBy: null,
      mergeCommitOid: null,
      headRefName: input.headRefName ?? `update-${number}`,
      baseRefName: input.baseRefName ?? repo.defaultBranch,
      mergeable: 'MERGEABLE',
      labels: [],
      files,
      commits: [],
      reviews: [],
      comments: [],
      changes: { ...(input.changes ?? {}) },
    };
    for (const l of input.labels ?? []) {
      this.label(repo, l);
      pr.labels.push(l);
    }
    repo.pulls.set(number, pr);
    this.#pushPrCommit(pr, input.title);
    return number;
  }

  pr(ref: PrRef): WorldPr {
    const { repo, number } = this.#ref(ref);
    const pr = repo.pulls.get(number);
    if (!pr) throw new Error(`fake GitHub: no pull request #${number} in ${repo.owner}/${repo.name}`);
    return pr;
  }

  addLabel(ref: PrRef, name: string): void {
    const pr = this.pr(ref);
    this.label(this.#ref(ref).repo, name);
    if (!pr.labels.includes(name)) pr.labels.push(name);
    this.#touch(pr);
  }

  removeLabel(ref: PrRef, name: string): void {
    const pr = this.pr(ref);
    pr.labels = pr.labels.filter((l) => l !== name);
    this.#touch(pr);
  }

  /** A review on the current head commit; returns the review's databaseId. */
  review(ref: PrRef, review: { author: string; state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED'; body?: string; association?: Association }): number {
    const pr = this.pr(ref);
    const databaseId = 1_500_000_000 + this.#seq++;
    pr.reviews.push({
      id: nodeId('PRR_kwDO', String(databaseId)),
      databaseId,
      author: review.author,
      state: review.state,
      body: review.body ?? '',
      submittedAt: this.now(),
      commitOid: headOf(pr).oid,
      authorAssociation: review.association ?? 'NONE',
    });
    this.#touch(pr);
    return databaseId;
  }

  /** Dismisses an earlier review (as a maintainer would after new pushes). */
  dismissReview(ref: PrRef, databaseId: number): void {
    const pr = this.pr(ref);
    pr.reviews = pr.reviews.map((r) => (r.databaseId === databaseId ? { ...r, state: 'DISMISSED' } : r));
    this.#touch(pr);
  }

  setChecks(ref: PrRef, checks: ChecksInput): void {
    const pr = this.pr(ref);
    const url = (name: string) => `https://github.com/${this.#ref(ref).repo.owner}/${this.#ref(ref).repo.name}/actions/runs/${this.#seq++}?check=${encodeURIComponent(name)}`;
    let list: WorldCheck[];
    if (checks === 'success' || checks === 'failure' || checks === 'pending') {
      list = DEFAULT_CHECK_NAMES.map((name, i) => ({
        kind: 'check' as const,
        name,
        status: checks === 'pending' && i === DEFAULT_CHECK_NAMES.length - 1 ? ('IN_PROGRESS' as const) : ('COMPLETED' as const),
        conclusion: checks === 'pending' && i === DEFAULT_CHECK_NAMES.length - 1 ? null : checks === 'failure' && i === DEFAULT_CHECK_NAMES.length - 1 ? 'FAILURE' : 'SUCCESS',
        url: url(name),
      }));
    } else {
      list = checks.map((c) => ({
        kind: c.kind ?? 'check',
        name: c.name,
        status: c.status ?? (c.conclusion === null ? 'IN_PROGRESS' : 'COMPLETED'),
        conclusion: c.conclusion === undefined ? 'SUCCESS' : c.conclusion,
        url: c.url ?? url(c.name),
      }));
    }
    headOf(pr).checks = list;
    this.#touch(pr);
  }

  /** New commits on the PR branch: a new headRefOid (with no checks yet). Returns the oid. */
  pushCommit(ref: PrRef, opts: { message?: string; files?: OpenPrInput['files']; changes?: Record<string, string | null> } = {}): string {
    const pr = this.pr(ref);
    if (opts.files) {
      for (const f of opts.files) {
        const file = typeof f === 'string' ? { path: f } : f;
        if (!pr.files.some((x) => x.path === file.path)) {
          pr.files.push({ path: file.path, additions: file.additions ?? 1, deletions: file.deletions ?? 0, changeType: file.changeType ?? 'MODIFIED' });
        }
      }
    }
    Object.assign(pr.changes, opts.changes ?? {});
    const commit = this.#pushPrCommit(pr, opts.message ?? 'Update');
    this.#touch(pr);
    return commit.oid;
  }

  markReady(ref: PrRef): void {
    const pr = this.pr(ref);
    pr.isDraft = false;
    this.#touch(pr);
  }

  comment(ref: PrRef, comment: { author: string; body: string; association?: Association }): void {
    const pr = this.pr(ref);
    const databaseId = 2_000_000_000 + this.#seq++;
    const authorAssociation = comment.association ?? 'NONE';
    pr.comments.push({ id: nodeId('IC_kwDO', String(databaseId)), databaseId, author: comment.author, body: comment.body, createdAt: this.now(), isMinimized: false, authorAssociation });
    this.#touch(pr);
  }

  /** Merges: state MERGED, and the PR's `changes` are committed to the base branch. */
  merge(ref: PrRef, opts: { by?: string } = {}): string {
    const pr = this.pr(ref);
    const { repo } = this.#ref(ref);
    if (pr.state !== 'OPEN') throw new Error(`fake GitHub: #${pr.number} is ${pr.state}, cannot merge`);
    const oid = this.commitFiles(`${repo.owner}/${repo.name}`, pr.changes, `${pr.title} (#${pr.number})`);
    const now = this.now();
    Object.assign(pr, { state: 'MERGED', mergedAt: now, closedAt: now, mergedBy: opts.by ?? 'yosifkit', mergeCommitOid: oid });
    this.#touch(pr);
    return oid;
  }

  close(ref: PrRef): void {
    const pr = this.pr(ref);
    Object.assign(pr, { state: 'CLOSED', closedAt: this.now() });
    this.#touch(pr);
  }

  reopen(ref: PrRef): void {
    const pr = this.pr(ref);
    Object.assign(pr, { state: 'OPEN', closedAt: null });
    this.#touch(pr);
  }

  setMergeable(ref: PrRef, mergeable: WorldPr['mergeable']): void {
    this.pr(ref).mergeable = mergeable;
  }

  // ---- issues ----

  addIssue(input: { repo: string; title: string; body?: string; author?: string; state?: 'OPEN' | 'CLOSED'; labels?: readonly string[] }): WorldIssue {
    const repo = this.repo(input.repo);
    const number = repo.nextNumber++;
    const now = this.now();
    const databaseId = 3_000_000_000 + this.#seq++;
    const closed = input.state === 'CLOSED';
    const issue: WorldIssue = {
      kind: 'issue',
      id: nodeId('I_kwDO', `${repo.owner}/${repo.name}#${number}`),
      databaseId,
      number,
      title: input.title,
      body: input.body ?? '',
      author: input.author ?? 'someone',
      state: closed ? 'CLOSED' : 'OPEN',
      stateReason: closed ? 'COMPLETED' : null,
      createdAt: now,
      updatedAt: now,
      closedAt: closed ? now : null,
      labels: [...(input.labels ?? [])],
    };
    for (const l of issue.labels) this.label(repo, l);
    repo.issues.set(number, issue);
    return issue;
  }

  closeIssue(repo: string, number: number, reason: 'COMPLETED' | 'NOT_PLANNED' = 'COMPLETED'): void {
    const issue = this.repo(repo).issues.get(number);
    if (!issue) throw new Error(`fake GitHub: no issue #${number} in ${repo}`);
    Object.assign(issue, { state: 'CLOSED', stateReason: reason, closedAt: this.now(), updatedAt: this.now() });
  }

  /** Every issue filed through createIssue or addIssue, for assertions. */
  issues(repo: string): WorldIssue[] {
    return [...this.repo(repo).issues.values()];
  }

  #ref(ref: PrRef): { repo: WorldRepo; number: number } {
    return typeof ref === 'number' ? { repo: this.repo(OFFICIAL_IMAGES), number: ref } : { repo: this.repo(ref.repo), number: ref.number };
  }

  #touch(pr: WorldPr): void {
    pr.updatedAt = this.now();
  }

  #pushPrCommit(pr: WorldPr, message: string): WorldPrCommit {
    const oid = createHash('sha1').update(`pr ${pr.id} ${pr.commits.length} ${message} ${this.#seq++}`).digest('hex');
    const commit: WorldPrCommit = { oid, message, committedDate: this.now(), checks: [] };
    pr.commits.push(commit);
    return commit;
  }
}

export function headOf(pr: WorldPr): WorldPrCommit {
  return pr.commits[pr.commits.length - 1]!;
}

/** The nested tree of a commit, with git tree oids (computed once per commit). */
export function rootTree(commit: WorldCommit): TreeNode {
  if (commit.root) return commit.root;
  const root: TreeNode = { files: new Map(), dirs: new Map() };
  for (const [path, file] of commit.files) {
    const parts = path.split('/');
    let node = root;
    for (const dir of parts.slice(0, -1)) {
      let next = node.dirs.get(dir);
      if (!next) node.dirs.set(dir, (next = { files: new Map(), dirs: new Map() }));
      node = next;
    }
    node.files.set(parts[parts.length - 1]!, file);
  }
  treeOid(root);
  commit.root = root;
  return root;
}

function treeOid(node: TreeNode): string {
  if (node.oid) return node.oid;
  const entries: Array<{ sortKey: string; bytes: Buffer }> = [];
  for (const [name, file] of node.files) {
    const mode = file.mode === 'symlink' ? '120000' : '100644';
    entries.push({ sortKey: name, bytes: Buffer.concat([Buffer.from(`${mode} ${name}\0`), Buffer.from(gitBlobOid(file.content), 'hex')]) });
  }
  for (const [name, dir] of node.dirs) {
    entries.push({ sortKey: `${name}/`, bytes: Buffer.concat([Buffer.from(`40000 ${name}\0`), Buffer.from(treeOid(dir), 'hex')]) });
  }
  // git orders entries bytewise, a tree's name compared as if it ended in '/'.
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.sortKey), Buffer.from(b.sortKey)));
  const body = Buffer.concat(entries.map((e) => e.bytes));
  node.oid = createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
  return node.oid;
}

/** Finds a path in a commit: a file, a directory node, or undefined. */
export function lookupPath(commit: WorldCommit, path: string): { kind: 'blob'; file: WorldFile } | { kind: 'tree'; node: TreeNode } | undefined {
  const root = rootTree(commit);
  const parts = path.split('/').filter((p) => p !== '');
  let node = root;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (i === parts.length - 1) {
      const file = node.files.get(part);
      if (file) return { kind: 'blob', file };
    }
    const next = node.dirs.get(part);
    if (!next) return undefined;
    node = next;
  }
  return { kind: 'tree', node };
}

export type { TreeNode };

/**
 * Reads a local directory into repository files under `prefix` (e.g. assets/snapshot/library
 * -> "library/"). Symlinks are read as the files they point to, like a checkout would show.
 */
export function filesFromDirectory(dir: string, prefix = ''): Map<string, WorldFile> {
  const out = new Map<string, WorldFile>();
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const childAbs = join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      if (statSync(childAbs).isDirectory()) walk(childAbs, childRel);
      else out.set(`${prefix}${childRel}`, { content: readFileSync(childAbs), mode: 'file' });
    }
  };
  walk(dir, '');
  return out;
}

function toFileMap(files: Record<string, string>): Map<string, WorldFile> {
  return new Map(Object.entries(files).map(([p, t]) => [p, { content: Buffer.from(t, 'utf8'), mode: 'file' as const }]));
}

function splitRepo(nameWithOwner: string): [string, string] {
  const [owner, name, extra] = nameWithOwner.split('/');
  if (!owner || !name || extra !== undefined) throw new Error(`fake GitHub: "${nameWithOwner}" is not owner/name`);
  return [owner, name];
}

function key(owner: string, name: string): string {
  return `${owner.toLowerCase()}/${name.toLowerCase()}`;
}

function nodeId(prefix: string, seed: string): string {
  return `${prefix}${createHash('sha1').update(seed).digest('base64url').slice(0, 16)}`;
}
