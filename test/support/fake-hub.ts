/**
 * A local Docker Hub: node:http on 127.0.0.1 port 0 answering the real v2 paths
 * (`/v2/namespaces/library/repositories/<repo>/tags[/<tag>]`) with Hub's field names, from an
 * in-memory world tests change, plus faults (429 with Retry-After, 5xx, slowness, refused
 * connections). Field names follow docker/docs content/reference/api/hub/latest.yaml and real
 * responses (tag `digest`, `images[]` as an array); see ../shared notes on Docker Hub.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeHubImage {
  architecture: string;
  variant?: string | null;
  os?: string;
  digest: string;
  /** ISO date; defaults to the tag's lastUpdated. */
  lastPushed?: string;
  size?: number;
}

export interface FakeHubTagInput {
  digest: string;
  images: readonly FakeHubImage[];
  /** ISO date; defaults to now. */
  lastUpdated?: string;
}

interface StoredTag {
  id: number;
  name: string;
  digest: string;
  lastUpdated: string;
  images: FakeHubImage[];
}

export interface FakeHubRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly at: number;
}

export class FakeHubWorld {
  readonly #repos = new Map<string, Map<string, StoredTag>>();
  #nextId = 1;

  setTag(repository: string, tag: string, input: FakeHubTagInput): void {
    let tags = this.#repos.get(repository);
    if (!tags) this.#repos.set(repository, (tags = new Map()));
    const lastUpdated = input.lastUpdated ?? new Date().toISOString();
    tags.set(tag, {
      id: tags.get(tag)?.id ?? this.#nextId++,
      name: tag,
      digest: input.digest,
      lastUpdated,
      images: input.images.map((i) => ({ ...i, lastPushed: i.lastPushed ?? lastUpdated })),
    });
  }

  removeTag(repository: string, tag: string): boolean {
    return this.#repos.get(repository)?.delete(tag) ?? false;
  }

  /** Creates an empty repository (listing answers 200 with no results). */
  addRepository(repository: string): void {
    if (!this.#repos.has(repository)) this.#repos.set(repository, new Map());
  }

  repositories(): string[] {
    return [...this.#repos.keys()];
  }

  tag(repository: string, tag: string): StoredTag | undefined {
    return this.#repos.get(repository)?.get(tag);
  }

  /** Most recently updated first (Hub's `ordering=last_updated`), then by name. */
  tags(repository: string): StoredTag[] | undefined {
    const tags = this.#repos.get(repository);
    if (!tags) return undefined;
    return [...tags.values()].sort((a, b) => b.lastUpdated.localeCompare(a.lastUpdated) || a.name.localeCompare(b.name));
  }
}

export interface FakeHubFaults {
  /** The next `count` requests answer 429 with `Retry-After: seconds` (or X-Retry-After, a unix time). */
  rateLimit(count: number, seconds: number, header?: 'retry-after' | 'x-retry-after' | 'none'): void;
  /** The next `count` requests answer this 5xx status. */
  serverError(count: number, status?: 500 | 502 | 503 | 504): void;
  /** The next `count` requests wait `ms` before answering. */
  delay(count: number, ms: number): void;
  /** The next `count` requests get a 200 with a body that is not the expected shape. */
  garbage(count: number): void;
  /** Stop listening (connections are refused) until acceptConnections(). */
  refuseConnections(): Promise<void>;
  acceptConnections(): Promise<void>;
  clear(): void;
}

export interface FakeHub {
  readonly url: string;
  readonly world: FakeHubWorld;
  readonly faults: FakeHubFaults;
  readonly requests: FakeHubRequest[];
  close(): Promise<void>;
}

const TAG_PATH = /^\/v2\/namespaces\/([^/]+)\/repositories\/([^/]+)\/tags(?:\/([^/]+))?\/?$/;

export async function startFakeHub(opts: { port?: number } = {}): Promise<FakeHub> {
  const world = new FakeHubWorld();
  const requests: FakeHubRequest[] = [];
  const pending = { rateLimit: 0, rateLimitSeconds: 1, rateLimitHeader: 'retry-after' as string, serverError: 0, serverStatus: 500, delay: 0, delayMs: 0, garbage: 0 };
  const sockets = new Set<Socket>();
  let url = '';

  const server = createServer((req, res) => void handle(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', url);
    const query = Object.fromEntries(parsed.searchParams);
    requests.push({ method: req.method ?? 'GET', path: parsed.pathname, query, at: Date.now() });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };

    if (pending.delay > 0) {
      pending.delay--;
      await new Promise((r) => setTimeout(r, pending.delayMs));
    }
    if (pending.rateLimit > 0) {
      pending.rateLimit--;
      const headers: Record<string, string> = {};
      if (pending.rateLimitHeader === 'retry-after') headers['retry-after'] = String(pending.rateLimitSeconds);
      if (pending.rateLimitHeader === 'x-retry-after') headers['x-retry-after'] = String(Math.ceil(Date.now() / 1000) + pending.rateLimitSeconds);
      return send(429, { message: 'Too Many Requests' }, headers);
    }
    if (pending.serverError > 0) {
      pending.serverError--;
      return send(pending.serverStatus, { message: 'internal error' });
    }
    if (pending.garbage > 0) {
      pending.garbage--;
      return send(200, { results: 'not a list', name: 42 });
    }

    const m = TAG_PATH.exec(parsed.pathname);
    if (req.method !== 'GET' || !m) return send(404, { message: 'page not found' });
    const namespace = decodeURIComponent(m[1]!);
    const repository = decodeURIComponent(m[2]!);
    const tagName = m[3] === undefined ? undefined : decodeURIComponent(m[3]);
    const tags = namespace === 'library' ? world.tags(repository) : undefined;
    const notFound = () => send(404, { txnid: 'fake', message: 'httperror 404: object not found', errinfo: { namespace, repository, ...(tagName ? { tag: tagName } : {}) } });
    if (!tags) return notFound();

    if (tagName !== undefined) {
      const tag = world.tag(repository, tagName);
      return tag ? send(200, tagWire(tag)) : notFound();
    }

    const pageSize = query.page_size === undefined ? 10 : Number(query.page_size);
    const page = query.page === undefined ? 1 : Number(query.page);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      return send(400, { message: 'page_size must be an integer between 1 and 100', errinfo: { page_size: query.page_size } });
    }
    if (!Number.isInteger(page) || page < 1) return send(400, { message: 'invalid page', errinfo: { page: query.page } });
    const start = (page - 1) * pageSize;
    if (start > 0 && start >= tags.length) return notFound();
    const link = (p: number) => {
      const u = new URL(parsed.pathname, url);
      for (const [k, v] of parsed.searchParams) u.searchParams.set(k, v);
      u.searchParams.set('page', String(p));
      return u.toString();
    };
    return send(200, {
      count: tags.length,
      next: start + pageSize < tags.length ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: tags.slice(start, start + pageSize).map((t) => tagWire(t)),
    });
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
  url = `http://127.0.0.1:${port}`;

  const faults: FakeHubFaults = {
    rateLimit(count, seconds, header = 'retry-after') {
      pending.rateLimit = count;
      pending.rateLimitSeconds = seconds;
      pending.rateLimitHeader = header;
    },
    serverError(count, status = 500) {
      pending.serverError = count;
      pending.serverStatus = status;
    },
    delay(count, ms) {
      pending.delay = count;
      pending.delayMs = ms;
    },
    garbage(count) {
      pending.garbage = count;
    },
    refuseConnections: stopListening,
    async acceptConnections() {
      if (!server.listening) await listen(port);
    },
    clear() {
      Object.assign(pending, { rateLimit: 0, serverError: 0, delay: 0, garbage: 0 });
    },
  };

  return { url, world, faults, requests, close: stopListening };
}

/** A tag object as Hub's API sends it (the fields the bot reads, plus the usual others). */
function tagWire(tag: StoredTag) {
  return {
    creator: 7,
    id: tag.id,
    images: tag.images.map((i) => ({
      architecture: i.architecture,
      features: '',
      variant: i.variant ?? null,
      digest: i.digest,
      os: i.os ?? 'linux',
      os_features: '',
      os_version: null,
      size: i.size ?? 30_000_000,
      status: 'active',
      last_pulled: tag.lastUpdated,
      last_pushed: i.lastPushed ?? tag.lastUpdated,
    })),
    last_updated: tag.lastUpdated,
    last_updater: 1156886,
    last_updater_username: 'doijanky',
    name: tag.name,
    repository: 1,
    full_size: tag.images.reduce((n, i) => n + (i.size ?? 30_000_000), 0),
    v2: true,
    tag_status: 'active',
    tag_last_pulled: tag.lastUpdated,
    tag_last_pushed: tag.lastUpdated,
    media_type: 'application/vnd.oci.image.index.v1+json',
    content_type: 'image',
    digest: tag.digest,
  };
}
