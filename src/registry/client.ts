/**
 * Docker registry client for library/<image> manifests, spending Docker Hub's pull limit the
 * way docker does and no more: an anonymous bearer token from the auth service named by the
 * 401 challenge, `HEAD` for a tag's digest (HEAD is not a pull), and `GET` only by digest for
 * content not seen before (a GET is a pull; content by digest never changes, so it is kept in
 * SQLite). `ratelimit-remaining` is read from every answer and GETs stop a reserve short of
 * zero; after a 429 GETs wait out Retry-After without asking again.
 */
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '../core/clock.js';
import { UpstreamError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { REPOSITORY_NAME, TAG_NAME, retryAfterMs } from '../hub/client.js';
import { DIGEST, MANIFEST_ACCEPT } from './manifests.js';
import type { ManifestStore, StoredManifest } from './store.js';

export interface RegistryRequestEvent {
  readonly method: 'HEAD' | 'GET' | 'TOKEN';
  /** HTTP status, or 'timeout' / 'network' when no response arrived. */
  readonly status: number | 'timeout' | 'network';
  readonly ms: number;
}

export interface RegistryStats {
  readonly heads: number;
  readonly gets: number;
  readonly tokens: number;
  /** Manifests answered from the digest cache instead of a GET. */
  readonly cacheHits: number;
  readonly rateLimited: number;
}

export interface PullBudget {
  /** From the last `ratelimit-remaining` header; undefined until one was seen. */
  readonly remaining: number | undefined;
  readonly limit: number | undefined;
  /** GETs we allow ourselves now (remaining minus the reserve), undefined = not known. */
  readonly available: number | undefined;
  /** Set while a 429 is being waited out. */
  readonly blockedUntil: number | undefined;
}

export interface RegistryClientOptions {
  /** e.g. https://registry-1.docker.io (config.registry.url) */
  readonly registryUrl: string;
  /** e.g. https://auth.docker.io (config.registry.authUrl): the only place tokens are asked from. */
  readonly authUrl: string;
  readonly store: ManifestStore;
  readonly fetch?: typeof globalThis.fetch;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly timeoutMs?: number;
  /** Pulls left untouched, so the bot never takes the last ones of its address. */
  readonly pullReserve?: number;
  readonly onRequest?: (event: RegistryRequestEvent) => void;
}

/** The OCI distribution spec caps manifests at 4 MiB. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_RESERVE = 2;
/** A 429 without Retry-After: Docker Hub's limits are per hour or longer, so a minute is modest. */
const DEFAULT_429_WAIT_MS = 60_000;
const USER_AGENT = 'doi-bot (+https://github.com/docker-library)';

export class RegistryClient {
  readonly #registry: URL;
  readonly #auth: URL;
  readonly #store: ManifestStore;
  readonly #fetch: typeof globalThis.fetch;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #timeoutMs: number;
  readonly #reserve: number;
  readonly #onRequest: ((event: RegistryRequestEvent) => void) | undefined;
  readonly #tokens = new Map<string, { token: string; expiresAt: number }>();
  readonly #tokenInFlight = new Map<string, Promise<string>>();
  #remaining: number | undefined;
  #limit: number | undefined;
  #blockedUntil: number | undefined;
  /** The last 401 challenge: a new repository's token is fetched before its first request. */
  #challenge: string | undefined;
  #stats = { heads: 0, gets: 0, tokens: 0, cacheHits: 0, rateLimited: 0 };

  constructor(opts: RegistryClientOptions) {
    this.#registry = new URL(opts.registryUrl.endsWith('/') ? opts.registryUrl : `${opts.registryUrl}/`);
    this.#auth = new URL(opts.authUrl);
    this.#store = opts.store;
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.log;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#reserve = opts.pullReserve ?? DEFAULT_RESERVE;
    this.#onRequest = opts.onRequest;
  }

  stats(): RegistryStats {
    return { ...this.#stats };
  }

  budget(): PullBudget {
    const blocked = this.#blockedUntil !== undefined && this.#blockedUntil > this.#clock.now() ? this.#blockedUntil : undefined;
    return {
      remaining: this.#remaining,
      limit: this.#limit,
      available: blocked ? 0 : this.#remaining === undefined ? undefined : Math.max(0, this.#remaining - this.#reserve),
      blockedUntil: blocked,
    };
  }

  /** Whether a GET of this digest would be answered from the cache. */
  isCached(digest: string): boolean {
    return this.#store.has(digest);
  }

  /** The digest library/<repository>:<tag> points at, by HEAD (not a pull). null: no such tag. */
  async resolve(repository: string, tag: string): Promise<{ digest: string; mediaType: string } | null> {
    if (!REPOSITORY_NAME.test(repository) || !TAG_NAME.test(tag)) return null;
    const res = await this.#exchange('HEAD', repository, tag);
    if (res.status === 404) return null;
    if (!res.ok) throw await this.#failure('HEAD', res);
    const digest = res.headers.get('docker-content-digest') ?? '';
    if (!DIGEST.test(digest)) {
      throw new UpstreamError('registry.bad_response', `registry sent no usable Docker-Content-Digest for ${repository}:${tag}`, {
        retryable: true,
        userMessage: 'Docker Hub sent an answer I could not read',
      });
    }
    return { digest, mediaType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim() };
  }

  /**
   * The manifest with this digest: from the cache, else one GET (a pull) whose body must hash to
   * the digest. Throws UpstreamError `registry.pull_budget` instead of spending the reserve.
   */
  async manifest(repository: string, digest: string): Promise<StoredManifest> {
    if (!REPOSITORY_NAME.test(repository) || !DIGEST.test(digest)) {
      throw new UpstreamError('registry.bad_reference', `not a manifest reference: ${repository}@${digest}`, { retryable: false });
    }
    const cached = this.#store.get(digest, this.#clock.now());
    if (cached) {
      this.#stats.cacheHits++;
      return cached;
    }
    const budget = this.budget();
    if (budget.available === 0) {
      throw new UpstreamError('registry.pull_budget', `pull budget held back (remaining ${budget.remaining ?? 'unknown'})`, {
        retryable: true,
        ...(budget.blockedUntil ? { retryAfterMs: budget.blockedUntil - this.#clock.now() } : {}),
        userMessage: pullBudgetMessage(budget),
      });
    }
    const res = await this.#exchange('GET', repository, digest);
    if (!res.ok) throw await this.#failure('GET', res);
    const bytes = await readBounded(res);
    const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (actual !== digest) {
      throw new UpstreamError('registry.digest_mismatch', `manifest ${digest} of ${repository} hashed to ${actual}`, {
        retryable: false,
        userMessage: 'Docker Hub sent a manifest that does not match its digest',
      });
    }
    const manifest: StoredManifest = {
      digest,
      mediaType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(),
      body: bytes.toString('utf8'),
    };
    this.#store.put(manifest, this.#clock.now());
    return manifest;
  }

  /** One request, with one retry after fetching a token when the registry challenges us. */
  async #exchange(method: 'HEAD' | 'GET', repository: string, reference: string): Promise<Response> {
    const scope = `repository:library/${repository}:pull`;
    const url = new URL(`v2/library/${repository}/manifests/${encodeURIComponent(reference)}`, this.#registry);
    let token = this.#cachedToken(scope) ?? (this.#challenge ? await this.#token(scope, this.#challenge) : undefined);
    for (let attempt = 0; ; attempt++) {
      const res = await this.#fetchTimed(method, url, {
        accept: MANIFEST_ACCEPT,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      });
      if (method === 'HEAD') this.#stats.heads++;
      else this.#stats.gets++;
      this.#noteRateLimit(res.headers);
      if (res.status === 401 && attempt === 0) {
        await res.body?.cancel();
        this.#tokens.delete(scope);
        const challenge = res.headers.get('www-authenticate') ?? '';
        token = await this.#token(scope, challenge);
        this.#challenge = challenge;
        continue;
      }
      return res;
    }
  }

  #cachedToken(scope: string): string | undefined {
    const hit = this.#tokens.get(scope);
    return hit && hit.expiresAt > this.#clock.now() ? hit.token : undefined;
  }

  /** An anonymous pull token, shared by concurrent callers. */
  async #token(scope: string, challenge: string | null): Promise<string> {
    const pending = this.#tokenInFlight.get(scope);
    if (pending) return pending;
    const promise = this.#fetchToken(scope, challenge);
    this.#tokenInFlight.set(scope, promise);
    try {
      return await promise;
    } finally {
      this.#tokenInFlight.delete(scope);
    }
  }

  async #fetchToken(scope: string, challenge: string | null): Promise<string> {
    const params = parseBearerChallenge(challenge ?? '');
    const realm = params?.realm ? safeUrl(params.realm) : undefined;
    // The challenge names the token service; we only ever go to the one configured.
    if (!realm || realm.origin !== this.#auth.origin) {
      throw new UpstreamError('registry.auth_challenge', `registry challenge names an unexpected token service: ${(challenge ?? '(none)').slice(0, 200)}`, {
        retryable: false,
        userMessage: 'Docker Hub asked for a login I cannot give',
      });
    }
    realm.searchParams.set('service', params!.service ?? 'registry.docker.io');
    realm.searchParams.set('scope', scope);
    const res = await this.#fetchTimed('TOKEN', realm, { accept: 'application/json' });
    this.#stats.tokens++;
    if (!res.ok) throw await this.#failure('TOKEN', res);
    let token: string | undefined;
    let expiresIn = 60;
    try {
      const body = JSON.parse((await readBounded(res)).toString('utf8')) as { token?: unknown; access_token?: unknown; expires_in?: unknown };
      token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
      if (typeof body.expires_in === 'number' && body.expires_in > 0) expiresIn = body.expires_in;
    } catch (err) {
      this.#log?.warn({ error: errorMessage(err) }, 'registry token answer is not JSON');
    }
    if (!token) throw new UpstreamError('registry.no_token', 'the token service sent no token', { retryable: true, userMessage: 'Docker Hub did not give me an access token' });
    // Renew a little early: a token that expires in flight costs a second challenge.
    this.#tokens.set(scope, { token, expiresAt: this.#clock.now() + Math.max(1, expiresIn - 10) * 1000 });
    return token;
  }

  async #fetchTimed(method: RegistryRequestEvent['method'], url: URL, headers: Record<string, string>): Promise<Response> {
    const started = this.#clock.now();
    try {
      const res = await this.#fetch(url, {
        method: method === 'TOKEN' ? 'GET' : method,
        headers: { ...headers, 'user-agent': USER_AGENT },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      this.#emit(method, res.status, started);
      return res;
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      this.#emit(method, timedOut ? 'timeout' : 'network', started);
      throw new UpstreamError(
        timedOut ? 'registry.timeout' : 'registry.unreachable',
        timedOut ? `registry did not answer within ${this.#timeoutMs} ms` : `registry unreachable: ${errorMessage(err)}`,
        { retryable: true, cause: err, userMessage: 'Docker Hub is not answering right now' },
      );
    }
  }

  /** `ratelimit-remaining: 76;w=21600` */
  #noteRateLimit(headers: Headers): void {
    const remaining = leadingInt(headers.get('ratelimit-remaining'));
    if (remaining !== undefined) this.#remaining = remaining;
    const limit = leadingInt(headers.get('ratelimit-limit'));
    if (limit !== undefined) this.#limit = limit;
  }

  async #failure(method: RegistryRequestEvent['method'], res: Response): Promise<UpstreamError> {
    let code = '';
    try {
      const body = JSON.parse((await readBounded(res)).toString('utf8')) as { errors?: { code?: unknown }[] };
      if (typeof body.errors?.[0]?.code === 'string') code = body.errors[0].code;
    } catch {
      // HEAD answers and some proxies carry no JSON body; the status says enough.
    }
    if (res.status === 429) {
      this.#stats.rateLimited++;
      const waitMs = retryAfterMs(res.headers, this.#clock.now()) ?? DEFAULT_429_WAIT_MS;
      this.#blockedUntil = this.#clock.now() + waitMs;
      this.#log?.warn({ method, waitMs, remaining: this.#remaining }, 'registry: 429 too many requests');
      return new UpstreamError('registry.rate_limited', `registry answered 429 ${code || 'TOOMANYREQUESTS'}`, {
        retryable: true,
        status: 429,
        retryAfterMs: waitMs,
        userMessage: `Docker Hub refused: too many requests (${code || 'TOOMANYREQUESTS'})`,
      });
    }
    return new UpstreamError(`registry.http_${res.status}`, `registry ${method} answered HTTP ${res.status}${code ? ` ${code}` : ''}`, {
      retryable: res.status >= 500,
      status: res.status,
      userMessage: 'Docker Hub is having trouble right now',
    });
  }

  #emit(method: RegistryRequestEvent['method'], status: RegistryRequestEvent['status'], started: number): void {
    try {
      this.#onRequest?.({ method, status, ms: this.#clock.now() - started });
    } catch (err) {
      this.#log?.warn({ err }, 'registry onRequest hook failed');
    }
  }
}

/** Why no more GETs are made now, for the asker. */
export function pullBudgetMessage(budget: PullBudget): string {
  return budget.blockedUntil
    ? 'Docker Hub refused more pulls (TOOMANYREQUESTS)'
    : `Docker Hub pull limit nearly used up (${budget.remaining ?? 'unknown'} left)`;
}

/** `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="..."` */
export function parseBearerChallenge(header: string): { realm?: string; service?: string; scope?: string } | undefined {
  const match = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const p of match[1]!.matchAll(/([a-zA-Z]+)="([^"]*)"/g)) params[p[1]!.toLowerCase()] = p[2]!;
  return {
    ...(params.realm !== undefined ? { realm: params.realm } : {}),
    ...(params.service !== undefined ? { service: params.service } : {}),
    ...(params.scope !== undefined ? { scope: params.scope } : {}),
  };
}

function safeUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function leadingInt(value: string | null): number | undefined {
  const m = value ? /^\s*(\d+)/.exec(value) : null;
  return m ? Number(m[1]) : undefined;
}

async function readBounded(res: Response): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_MANIFEST_BYTES) {
    await res.body?.cancel();
    throw new UpstreamError('registry.too_large', `registry answer of ${declared} bytes is over the manifest limit`, { retryable: false });
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_MANIFEST_BYTES) throw new UpstreamError('registry.too_large', `registry answer of ${bytes.length} bytes is over the manifest limit`, { retryable: false });
  return bytes;
}
