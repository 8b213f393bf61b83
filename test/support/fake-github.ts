/**
 * A local GitHub GraphQL API: node:http on 127.0.0.1 port 0, POST /graphql. Every document is
 * parsed and validated against GitHub's published schema (@octokit/graphql-schema's schema.json,
 * the schema the package itself builds), then checked for GitHub's pagination rules, costed
 * with GitHub's documented formula, charged to a rate-limit budget, and executed over an
 * in-memory world (github-world.ts). Invalid documents get HTTP 200 {errors} like GitHub.
 * Faults reproduce what GitHub really does: 502s, RATE_LIMITED inside a 200, secondary limits
 * as 403 + Retry-After, 401 bad credentials, slowness, and responses lost after a mutation.
 *
 * Sources for the behaviour: docs.github.com "Rate limits and query limits for the GraphQL API"
 * (cost formula, first/last 1..100, 500,000 nodes, RATE_LIMITED in a 200) and the secondary
 * rate limit docs (403/429 with retry-after), as summarised in the team notes.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  buildClientSchema,
  execute,
  getNamedType,
  isInterfaceType,
  isObjectType,
  parse,
  specifiedRules,
  validate,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type IntrospectionQuery,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DOCS, GitHubWorld, OFFICIAL_IMAGES, filesFromDirectory, isoSeconds } from './github-world.js';
import { GitHubTypedError, ViewBuilder } from './github-views.js';

export { DOCS, GitHubWorld, OFFICIAL_IMAGES } from './github-world.js';

let cachedSchema: GraphQLSchema | undefined;

/** GitHub's public schema, built once per process (about 90 ms). */
export function githubSchema(): GraphQLSchema {
  if (!cachedSchema) {
    // The package exports only "."; its data files sit next to index.js.
    const dir = new URL('./', import.meta.resolve('@octokit/graphql-schema'));
    const introspection = JSON.parse(readFileSync(new URL('schema.json', dir), 'utf8')) as IntrospectionQuery;
    cachedSchema = buildClientSchema(introspection);
  }
  return cachedSchema;
}

export interface FakeGitHubRequest {
  readonly document: string;
  readonly variables: Record<string, unknown> | undefined;
  readonly operationName: string | undefined;
  readonly authorization: string | undefined;
  /** HTTP status answered. */
  status: number;
  /** Points charged (0 when the document was rejected before execution). */
  cost: number;
  /** Connection requests GitHub's formula counted (before dividing by 100). */
  connectionRequests: number;
  errors: Array<{ type?: string; message: string }>;
  readonly at: number;
}

export interface FakeGitHubBudget {
  limit: number;
  remaining: number;
  used: number;
  /** ms since epoch */
  resetAt: number;
}

export interface FakeGitHubFaults {
  /** The next `count` requests answer this 5xx status (GitHub sends 502/504 on timeouts). */
  serverError(count: number, status?: 500 | 502 | 503 | 504): void;
  /** The next `count` requests get HTTP 200 with a RATE_LIMITED error and no data. */
  rateLimited(count: number): void;
  /** The next `count` requests get a secondary rate limit: 403 (or 429) with Retry-After. */
  secondaryLimit(count: number, retryAfterSeconds: number, status?: 403 | 429): void;
  /** The next `count` requests get 401 Bad credentials. */
  badCredentials(count: number): void;
  /** The next `count` requests wait `ms` before being handled. */
  delay(count: number, ms: number): void;
  /** The next `count` requests are executed (mutations take effect) but answered 502. */
  loseResponses(count: number): void;
  /** Sets the primary budget (e.g. nearly exhausted, resetting soon). */
  setBudget(budget: Partial<FakeGitHubBudget>): void;
  refuseConnections(): Promise<void>;
  acceptConnections(): Promise<void>;
  clear(): void;
}

export interface FakeGitHubOptions {
  /** Accept only this token (`token X` / `bearer X`); undefined accepts any non-empty one. */
  token?: string;
  port?: number;
  now?: () => number;
  /** Points per hour (GitHub: 5,000 for a user token). */
  limit?: number;
  world?: GitHubWorld;
}

export interface FakeGitHub {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:1234/graphql (what GITHUB_GRAPHQL_URL holds). */
  readonly url: string;
  readonly world: GitHubWorld;
  readonly faults: FakeGitHubFaults;
  readonly requests: FakeGitHubRequest[];
  readonly budget: FakeGitHubBudget;
  /** Sum of points charged so far. */
  pointsUsed(): number;
  close(): Promise<void>;
}

const MAX_FIRST = 100;
const MAX_NODES = 500_000;

export async function startFakeGitHub(opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const schema = githubSchema();
  const now = opts.now ?? Date.now;
  const world = opts.world ?? new GitHubWorld({ now });
  const views = new ViewBuilder(world);
  const requests: FakeGitHubRequest[] = [];
  const limit = opts.limit ?? 5000;
  const budget: FakeGitHubBudget = { limit, remaining: limit, used: 0, resetAt: now() + 3_600_000 };
  const pending = { serverError: 0, serverStatus: 502, rateLimited: 0, secondary: 0, secondaryAfter: 60, secondaryStatus: 403, badCredentials: 0, delay: 0, delayMs: 0, lose: 0 };
  const sockets = new Set<Socket>();
  const checkedDocuments = new Map<string, { document: DocumentNode } | { errors: Array<{ message: string; locations: unknown }> }>();

  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function rollWindow(): void {
    if (now() >= budget.resetAt) {
      budget.remaining = budget.limit;
      budget.used = 0;
      budget.resetAt = now() + 3_600_000;
    }
  }

  function rateHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(budget.limit),
      'x-ratelimit-remaining': String(budget.remaining),
      'x-ratelimit-used': String(budget.used),
      'x-ratelimit-reset': String(Math.ceil(budget.resetAt / 1000)),
      'x-ratelimit-resource': 'graphql',
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== '/graphql') return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/graphql' });

    let payload: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      payload = JSON.parse(raw) as typeof payload;
    } catch {
      return send(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' });
    }
    const record: FakeGitHubRequest = {
      document: typeof payload.query === 'string' ? payload.query : '',
      variables: payload.variables && typeof payload.variables === 'object' ? (payload.variables as Record<string, unknown>) : undefined,
      operationName: typeof payload.operationName === 'string' ? payload.operationName : undefined,
      authorization: req.headers.authorization,
      status: 200,
      cost: 0,
      connectionRequests: 0,
      errors: [],
      at: now(),
    };
    requests.push(record);
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      const errs = (body as { errors?: Array<{ type?: string; message: string }> }).errors;
      if (errs) record.errors = errs.map((e) => ({ ...(e.type ? { type: e.type } : {}), message: e.message }));
      else if (status >= 400) record.errors = [{ message: String((body as { message?: unknown }).message) }];
      send(status, body, headers);
    };

    if (pending.delay > 0) {
      pending.delay--;
      await new Promise((r) => setTimeout(r, pending.delayMs));
    }
    const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!auth) return answer(401, { message: 'This endpoint requires you to be authenticated.', documentation_url: 'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql' });
    if (pending.badCredentials > 0 || (opts.token !== undefined && auth !== opts.token)) {
      if (pending.badCredentials > 0) pending.badCredentials--;
      return answer(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/graphql', status: '401' });
    }
    if (pending.serverError > 0) {
      pending.serverError--;
      return answer(pending.serverStatus, {
        data: null,
        errors: [{ message: 'Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug.' }],
      });
    }
    if (pending.secondary > 0) {
      pending.secondary--;
      return answer(
        pending.secondaryStatus,
        {
          documentation_url: 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        },
        { 'retry-after': String(pending.secondaryAfter), ...rateHeaders() },
      );
    }
    rollWindow();
    if (pending.rateLimited > 0) {
      pending.rateLimited--;
      return answer(200, rateLimitedBody(), { ...rateHeaders(), 'x-ratelimit-remaining': '0' });
    }

    const checked = checkDocument(record.document);
    if ('errors' in checked) return answer(200, { errors: checked.errors });
    const document = checked.document;

    const analysis = analyse(schema, document, record.operationName, record.variables ?? {});
    record.connectionRequests = analysis.requests;
    if (analysis.errors.length) return answer(200, { errors: analysis.errors });
    const cost = Math.max(1, Math.round(analysis.requests / 100));
    if (budget.remaining < cost) return answer(200, rateLimitedBody(), rateHeaders());
    budget.remaining -= cost;
    budget.used += cost;
    record.cost = cost;

    const rootValue = {
      repository: ({ owner, name }: { owner: string; name: string }) => {
        const repo = world.findRepo(owner, name);
        if (!repo) throw new GitHubTypedError('NOT_FOUND', `Could not resolve to a Repository with the name '${owner}/${name}'.`);
        return views.repository(repo);
      },
      search: (args: Record<string, unknown>) => views.search(args),
      rateLimit: () => ({ cost, limit: budget.limit, nodeCount: analysis.nodes, remaining: budget.remaining, used: budget.used, resetAt: isoSeconds(budget.resetAt) }),
      viewer: () => ({ __typename: 'User', id: 'U_viewer', login: world.viewerLogin, url: `https://github.com/${world.viewerLogin}` }),
      node: ({ id }: { id: string }) => views.node(id),
      nodes: ({ ids }: { ids: string[] }) => ids.map((id) => views.node(id)),
      createIssue: ({ input }: { input: Record<string, unknown> }) => createIssue(input),
    };

    const result = await execute({ schema, document, rootValue, variableValues: record.variables ?? {}, ...(record.operationName ? { operationName: record.operationName } : {}) });
    if (pending.lose > 0) {
      pending.lose--;
      return answer(502, { message: 'Server Error' });
    }
    const body: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors?.length) body.errors = result.errors.map(formatExecutionError);
    answer(200, body, rateHeaders());
  }

  /** Parse + validate, remembered per document text (pure; pollers resend the same text). */
  function checkDocument(text: string): { document: DocumentNode } | { errors: Array<{ message: string; locations: unknown }> } {
    const known = checkedDocuments.get(text);
    if (known) return known;
    let result: { document: DocumentNode } | { errors: Array<{ message: string; locations: unknown }> };
    try {
      const document = parse(text);
      const invalid = validate(schema, document, specifiedRules);
      result = invalid.length ? { errors: invalid.map((e) => ({ message: e.message, locations: e.locations })) } : { document };
    } catch (err) {
      const e = err as GraphQLError;
      result = { errors: [{ message: e.message, locations: e.locations }] };
    }
    if (checkedDocuments.size > 200) checkedDocuments.clear();
    checkedDocuments.set(text, result);
    return result;
  }

  function createIssue(input: Record<string, unknown>) {
    const repo = [...world.repos.values()].find((r) => r.id === input.repositoryId);
    if (!repo) throw new GitHubTypedError('NOT_FOUND', `Could not resolve to a node with the global id of '${String(input.repositoryId)}'`);
    if (!repo.hasIssuesEnabled) throw new GitHubTypedError('UNPROCESSABLE', 'Repository has issues disabled.');
    const title = typeof input.title === 'string' ? input.title : '';
    const body = typeof input.body === 'string' ? input.body : '';
    if (!title.trim()) throw new GitHubTypedError('UNPROCESSABLE', "Title can't be blank");
    if (title.length > 256) throw new GitHubTypedError('UNPROCESSABLE', 'Title is too long (maximum is 256 characters)');
    if (body.length > 65_536) throw new GitHubTypedError('UNPROCESSABLE', 'Body is too long (maximum is 65536 characters)');
    const labelIds = (input.labelIds as string[] | undefined) ?? [];
    const labels = labelIds.map((id) => {
      const label = [...repo.labels.values()].find((l) => l.id === id);
      if (!label) throw new GitHubTypedError('NOT_FOUND', `Could not resolve to a node with the global id of '${id}'`);
      return label.name;
    });
    const issue = world.addIssue({ repo: `${repo.owner}/${repo.name}`, title, body, author: world.viewerLogin, labels });
    return { clientMutationId: input.clientMutationId ?? null, issue: () => views.issue(repo, issue) };
  }

  async function listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }
  async function stopListening(): Promise<void> {
    if (!server.listening) return;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
    await closed;
  }
  const port = await listen(opts.port ?? 0);

  const faults: FakeGitHubFaults = {
    serverError(count, status = 502) {
      pending.serverError = count;
      pending.serverStatus = status;
    },
    rateLimited(count) {
      pending.rateLimited = count;
    },
    secondaryLimit(count, retryAfterSeconds, status = 403) {
      pending.secondary = count;
      pending.secondaryAfter = retryAfterSeconds;
      pending.secondaryStatus = status;
    },
    badCredentials(count) {
      pending.badCredentials = count;
    },
    delay(count, ms) {
      pending.delay = count;
      pending.delayMs = ms;
    },
    loseResponses(count) {
      pending.lose = count;
    },
    setBudget(b) {
      Object.assign(budget, b);
    },
    refuseConnections: stopListening,
    async acceptConnections() {
      if (!server.listening) await listen(port);
    },
    clear() {
      Object.assign(pending, { serverError: 0, rateLimited: 0, secondary: 0, badCredentials: 0, delay: 0, lose: 0 });
    },
  };

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    world,
    faults,
    requests,
    budget,
    pointsUsed: () => requests.reduce((n, r) => n + r.cost, 0),
    close: stopListening,
  };
}

/** Seeds official-images (library/) and docs from local directories, e.g. assets/snapshot. */
export function seedCatalogRepos(
  world: GitHubWorld,
  dirs: { libraryDir: string; docsDir: string; officialImagesRepo?: string; docsRepo?: string },
): void {
  world.addRepository(dirs.officialImagesRepo ?? OFFICIAL_IMAGES, { files: filesFromDirectory(dirs.libraryDir, 'library/'), message: 'Snapshot of library/' });
  world.addRepository(dirs.docsRepo ?? DOCS, { files: filesFromDirectory(dirs.docsDir), message: 'Snapshot of image docs' });
}

function rateLimitedBody() {
  return { errors: [{ type: 'RATE_LIMITED', code: 'graphql_rate_limit', message: 'API rate limit already exceeded for user ID 1.' }] };
}

function formatExecutionError(e: GraphQLError): Record<string, unknown> {
  const typed = e.originalError instanceof GitHubTypedError ? e.originalError.type : undefined;
  return { ...(typed ? { type: typed } : {}), path: e.path, locations: e.locations, message: e.message };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * GitHub's static checks and cost: every connection needs `first` or `last` in 1..100; a
 * connection costs one request per parent node (the product of enclosing `first`/`last`);
 * points = round(requests / 100), at least 1; at most 500,000 nodes.
 */
export function analyse(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): { requests: number; nodes: number; errors: Array<{ type: string; message: string; path: string[] }> } {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  const vars: Record<string, unknown> = {};
  for (const def of op?.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    vars[name] = name in variables ? variables[name] : def.defaultValue ? valueFromASTUntyped(def.defaultValue) : undefined;
  }
  const out = { requests: 0, nodes: 0, errors: [] as Array<{ type: string; message: string; path: string[] }> };
  if (!op) return out;
  const rootType = op.operation === OperationTypeNode.MUTATION ? schema.getMutationType() : schema.getQueryType();
  if (!rootType) return out;

  const walk = (set: SelectionSetNode, parent: GraphQLNamedType, multiplier: number, path: string[], seen: Set<string>) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const type = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : parent;
        if (type) walk(sel.selectionSet, type, multiplier, path, seen);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (!frag || seen.has(frag.name.value)) continue;
        const type = schema.getType(frag.typeCondition.name.value);
        if (type) walk(frag.selectionSet, type, multiplier, path, new Set([...seen, frag.name.value]));
        continue;
      }
      if (sel.name.value.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const field = parent.getFields()[sel.name.value];
      if (!field) continue;
      const named = getNamedType(field.type);
      const here = [...path, sel.alias?.value ?? sel.name.value];
      let childMultiplier = multiplier;
      if (isObjectType(named) && named.name.endsWith('Connection') && 'pageInfo' in named.getFields()) {
        const arg = (name: string) => {
          const node = sel.arguments?.find((a) => a.name.value === name);
          if (!node) return undefined;
          const v = node.value.kind === Kind.VARIABLE ? vars[node.value.name.value] : valueFromASTUntyped(node.value);
          return typeof v === 'number' ? v : undefined;
        };
        const first = arg('first');
        const last = arg('last');
        const n = first ?? last;
        if (n === undefined) {
          out.errors.push({ type: 'MISSING_PAGINATION_BOUNDARIES', path: here, message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${sel.name.value}\` connection.` });
          continue;
        }
        if (n < 0 || n > MAX_FIRST) {
          out.errors.push({
            type: 'EXCESSIVE_PAGINATION',
            path: here,
            message: `Requesting ${n} records on the \`${sel.name.value}\` connection exceeds the \`${first !== undefined ? 'first' : 'last'}\` limit of ${MAX_FIRST} records.`,
          });
          continue;
        }
        out.requests += multiplier;
        out.nodes += multiplier * n;
        childMultiplier = multiplier * n;
      }
      if (sel.selectionSet) walk(sel.selectionSet, named, childMultiplier, here, seen);
    }
  };
  walk(op.selectionSet, rootType, 1, [op.operation], new Set());
  if (out.nodes > MAX_NODES) {
    out.errors.push({ type: 'MAX_NODE_LIMIT_EXCEEDED', path: [op.operation], message: `This query requests up to ${out.nodes} possible nodes which exceeds the maximum limit of ${MAX_NODES}.` });
  }
  return out;
}
