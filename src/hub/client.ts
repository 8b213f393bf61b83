/**
 * Docker Hub v2 API client (tags of library/<image>). Hub is a shared, rate-limited, sometimes
 * slow service: every request has a short timeout, identical concurrent requests share one
 * fetch, answers are cached briefly, and 429s are honoured (bounded wait, then UpstreamError).
 * Everything Hub sends is validated at this boundary and treated as data only.
 */
import { z } from 'zod';
import { systemClock, type Clock } from '../core/clock.js';
import { UpstreamError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { HubFreshness, HubImage, HubLookup, HubTag } from './types.js';

/** What each HTTP exchange with Hub ended as; for metrics. */
export interface HubRequestEvent {
  readonly kind: 'tag' | 'tags';
  /** HTTP status, or 'timeout' / 'network' when no response arrived. */
  readonly status: number | 'timeout' | 'network';
  readonly ms: number;
}

export interface HubClientStats {
  /** HTTP requests actually sent (not cache hits, not coalesced callers). */
  readonly requests: number;
  readonly rateLimited: number;
  readonly failures: number;
  readonly cacheHits: number;
  readonly coalesced: number;
}

export interface HubClientOptions {
  /** Hub API base, e.g. https://hub.docker.com (config.hub.url). */
  readonly baseUrl: string;
  readonly fetch?: typeof globalThis.fetch;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Per HTTP request, body included. */
  readonly timeoutMs?: number;
  /** Longest Retry-After we sleep through inside one call; longer ones are thrown to the caller. */
  readonly maxRetryWaitMs?: number;
  /** Extra attempts after a 429 or 5xx within one call. */
  readonly maxRetries?: number;
  readonly cacheTtlMs?: number;
  readonly cacheMaxEntries?: number;
  /** Default page cap for listTags (100 tags per page). */
  readonly maxPages?: number;
  /** Largest response body accepted, in characters. */
  readonly maxBodyChars?: number;
  readonly onRequest?: (event: HubRequestEvent) => void;
}

// Hub's own field names. Hub (and renovate's parser) treat most of them as nullable: be lenient.
const hubImageWire = z.object({
  architecture: z.string().nullish(),
  variant: z.string().nullish(),
  os: z.string().nullish(),
  digest: z.string().nullish(),
  last_pushed: z.string().nullish(),
  status: z.string().nullish(),
  size: z.number().nullish(),
});
const hubTagWire = z.object({
  name: z.string().min(1),
  digest: z.string().nullish(),
  last_updated: z.string().nullish(),
  tag_last_pushed: z.string().nullish(),
  images: z.array(hubImageWire).nullish(),
});
const hubPageWire = z.object({
  count: z.number().nullish(),
  next: z.string().nullish(),
  results: z.array(hubTagWire),
});

type HubTagWire = z.infer<typeof hubTagWire>;

/** Docker repository path component (library images are lowercase). */
export const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** Docker distribution tag grammar. */
export const TAG_NAME = /^\w[\w.-]{0,127}$/;

const DEFAULTS = {
  timeoutMs: 5000,
  maxRetryWaitMs: 10_000,
  maxRetries: 2,
  cacheTtlMs: 60_000,
  cacheMaxEntries: 1000,
  maxPages: 10,
  maxBodyChars: 16 * 1024 * 1024,
};
const PAGE_SIZE = 100;
/** When a 429 or 5xx carries no usable Retry-After. */
const DEFAULT_BACKOFF_MS = 1000;

export class HubClient implements HubLookup {
  readonly #base: URL;
  readonly #fetch: typeof globalThis.fetch;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #opts: typeof DEFAULTS;
  readonly #onRequest: ((event: HubRequestEvent) => void) | undefined;
  readonly #cache = new Map<string, { at: number; value: unknown }>();
  readonly #inFlight = new Map<string, Promise<unknown>>();
  #stats = { requests: 0, rateLimited: 0, failures: 0, cacheHits: 0, coalesced: 0 };

  constructor(opts: HubClientOptions) {
    this.#base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
    this.#fetch = opts.fetch ?? globalThis.fetch;
    this.#clock = opts.clock ?? systemClock;
    this.#log = opts.log;
    this.#onRequest = opts.onRequest;
    this.#opts = {
      timeoutMs: opts.timeoutMs ?? DEFAULTS.timeoutMs,
      maxRetryWaitMs: opts.maxRetryWaitMs ?? DEFAULTS.maxRetryWaitMs,
      maxRetries: opts.maxRetries ?? DEFAULTS.maxRetries,
      cacheTtlMs: opts.cacheTtlMs ?? DEFAULTS.cacheTtlMs,
      cacheMaxEntries: opts.cacheMaxEntries ?? DEFAULTS.cacheMaxEntries,
      maxPages: opts.maxPages ?? DEFAULTS.maxPages,
      maxBodyChars: opts.maxBodyChars ?? DEFAULTS.maxBodyChars,
    };
  }

  stats(): HubClientStats {
    return { ...this.#stats };
  }

  /** Drops cached answers (all, or one repository's). */
  invalidate(repository?: string): void {
    if (repository === undefined) this.#cache.clear();
    else for (const key of [...this.#cache.keys()]) if (key.startsWith(`${repository}:`) || key.startsWith(`${repository}/`)) this.#cache.delete(key);
  }

  async getTag(repository: string, tag: string, opts: HubFreshness = {}): Promise<HubTag | null> {
    // A name outside Docker's grammar cannot exist on Hub; never put it in a URL.
    if (!REPOSITORY_NAME.test(repository) || !TAG_NAME.test(tag)) return null;
    const key = `${repository}:${tag}`;
    return this.#cachedOnce(key, opts.maxAgeMs, async () => {
      const body = await this.#request('tag', this.#repoPath(repository, `tags/${encodeURIComponent(tag)}`));
      if (body === null) return null;
      const parsed = hubTagWire.safeParse(body);
      if (!parsed.success) throw invalidResponse(`tag ${repository}:${tag}`, parsed.error);
      return toHubTag(parsed.data);
    });
  }

  async listTags(repository: string, opts: { maxPages?: number } & HubFreshness = {}): Promise<readonly HubTag[]> {
    if (!REPOSITORY_NAME.test(repository)) return [];
    const maxPages = Math.max(1, opts.maxPages ?? this.#opts.maxPages);
    const key = `${repository}/tags?pages=${maxPages}`;
    return this.#cachedOnce(key, opts.maxAgeMs, async () => {
      const tags: HubTag[] = [];
      // Most recently updated first, so a page cap keeps the tags people ask about.
      let url: URL | null = this.#repoPath(repository, `tags?page_size=${PAGE_SIZE}&ordering=last_updated`);
      for (let page = 0; url && page < maxPages; page++) {
        const body = await this.#request('tags', url);
        if (body === null) return [];
        const parsed = hubPageWire.safeParse(body);
        if (!parsed.success) throw invalidResponse(`tag list of ${repository}`, parsed.error);
        for (const wire of parsed.data.results) {
          const tag = toHubTag(wire);
          tags.push(tag);
          this.#remember(`${repository}:${tag.name}`, tag);
        }
        url = parsed.data.next ? this.#sameOrigin(parsed.data.next) : null;
      }
      if (url) this.#log?.debug({ repository, maxPages }, 'hub tag list capped');
      return tags;
    });
  }

  #repoPath(repository: string, rest: string): URL {
    return new URL(`v2/namespaces/library/repositories/${encodeURIComponent(repository)}/${rest}`, this.#base);
  }

  /** Follows Hub's `next` only on the configured host: a response never steers us elsewhere. */
  #sameOrigin(next: string): URL | null {
    let url: URL;
    try {
      url = new URL(next, this.#base);
    } catch {
      return null;
    }
    if (url.origin === this.#base.origin) return url;
    return new URL(`${url.pathname.replace(/^\//, '')}${url.search}`, this.#base);
  }

  async #cachedOnce<T>(key: string, maxAgeMs: number | undefined, load: () => Promise<T>): Promise<T> {
    const now = this.#clock.now();
    const hit = this.#cache.get(key);
    const ttl = Math.min(maxAgeMs ?? this.#opts.cacheTtlMs, this.#opts.cacheTtlMs);
    if (hit && now - hit.at < ttl) {
      this.#stats.cacheHits++;
      return hit.value as T;
    }
    const pending = this.#inFlight.get(key);
    if (pending) {
      this.#stats.coalesced++;
      return pending as Promise<T>;
    }
    const promise = load().then((value) => {
      this.#remember(key, value);
      return value;
    });
    this.#inFlight.set(key, promise);
    try {
      return await promise;
    } finally {
      this.#inFlight.delete(key);
    }
  }

  #remember(key: string, value: unknown): void {
    if (this.#opts.cacheTtlMs <= 0 || this.#opts.cacheMaxEntries <= 0) return;
    this.#cache.delete(key);
    this.#cache.set(key, { at: this.#clock.now(), value });
    while (this.#cache.size > this.#opts.cacheMaxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
  }

  /** One logical GET with bounded retries. Resolves to parsed JSON, or null on 404. */
  async #request(kind: HubRequestEvent['kind'], url: URL): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const started = this.#clock.now();
      let res: Response;
      let text: string;
      this.#stats.requests++;
      try {
        res = await this.#fetch(url, {
          headers: { accept: 'application/json', 'user-agent': 'doi-bot (+https://github.com/docker-library)' },
          signal: AbortSignal.timeout(this.#opts.timeoutMs),
        });
        text = await res.text();
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        this.#stats.failures++;
        this.#emit(kind, timedOut ? 'timeout' : 'network', started);
        throw new UpstreamError(
          timedOut ? 'hub.timeout' : 'hub.unreachable',
          timedOut ? `Docker Hub did not answer within ${this.#opts.timeoutMs} ms` : `Docker Hub unreachable: ${errorMessage(err)}`,
          { retryable: true, cause: err, userMessage: 'Docker Hub is not answering right now' },
        );
      }
      this.#emit(kind, res.status, started);

      if (res.status === 404) return null;
      if (res.ok) {
        if (text.length > this.#opts.maxBodyChars) {
          this.#stats.failures++;
          throw new UpstreamError('hub.too_large', `Docker Hub answer too large (${text.length} chars)`, { retryable: false, status: res.status });
        }
        try {
          return JSON.parse(text) as unknown;
        } catch (err) {
          this.#stats.failures++;
          throw new UpstreamError('hub.bad_json', 'Docker Hub sent a response that is not JSON', { retryable: true, status: res.status, cause: err });
        }
      }

      const limited = res.status === 429;
      if (limited) this.#stats.rateLimited++;
      const retryable = limited || res.status >= 500;
      const waitMs = retryAfterMs(res.headers, this.#clock.now()) ?? (retryable ? DEFAULT_BACKOFF_MS * 2 ** attempt : undefined);
      if (retryable && attempt < this.#opts.maxRetries && waitMs !== undefined && waitMs <= this.#opts.maxRetryWaitMs) {
        this.#log?.debug({ status: res.status, waitMs, attempt }, 'hub: retrying after wait');
        await this.#clock.sleep(waitMs);
        continue;
      }
      this.#stats.failures++;
      throw new UpstreamError(
        limited ? 'hub.rate_limited' : `hub.http_${res.status}`,
        limited ? 'Docker Hub rate limit reached' : `Docker Hub answered HTTP ${res.status}`,
        {
          retryable,
          status: res.status,
          ...(waitMs !== undefined && retryable ? { retryAfterMs: waitMs } : {}),
          userMessage: limited ? 'Docker Hub is rate limiting us; try again in a minute' : 'Docker Hub is having trouble right now',
        },
      );
    }
  }

  #emit(kind: HubRequestEvent['kind'], status: HubRequestEvent['status'], started: number): void {
    if (!this.#onRequest) return;
    try {
      this.#onRequest({ kind, status, ms: this.#clock.now() - started });
    } catch (err) {
      this.#log?.warn({ err }, 'hub onRequest hook failed');
    }
  }
}

/**
 * Milliseconds to wait from `Retry-After` (seconds or an HTTP date) or Hub's older
 * `X-Retry-After` (a unix timestamp). Undefined when neither is usable.
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const xRetryAfter = headers.get('x-retry-after')?.trim();
  if (xRetryAfter && /^\d+$/.test(xRetryAfter)) return Math.max(0, Number(xRetryAfter) * 1000 - now);
  return undefined;
}

function invalidResponse(what: string, err: z.ZodError): UpstreamError {
  const first = err.issues[0];
  const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unexpected shape';
  return new UpstreamError('hub.bad_response', `Docker Hub sent an unexpected ${what} (${where})`, { retryable: false, cause: err });
}

function toMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function toHubTag(wire: HubTagWire): HubTag {
  const images: HubImage[] = [];
  for (const img of wire.images ?? []) {
    // Entries without a platform (e.g. attestation manifests) say nothing about an architecture.
    if (!img.architecture || img.architecture === 'unknown') continue;
    const lastPushed = toMs(img.last_pushed);
    images.push({
      os: img.os ?? 'linux',
      architecture: img.architecture,
      ...(img.variant ? { variant: img.variant } : {}),
      ...(img.digest ? { digest: img.digest } : {}),
      ...(lastPushed !== undefined ? { lastPushed } : {}),
      ...(img.status ? { status: img.status } : {}),
    });
  }
  const lastUpdated = toMs(wire.last_updated);
  const tagLastPushed = toMs(wire.tag_last_pushed);
  return {
    name: wire.name,
    ...(wire.digest ? { digest: wire.digest } : {}),
    ...(lastUpdated !== undefined ? { lastUpdated } : {}),
    ...(tagLastPushed !== undefined ? { tagLastPushed } : {}),
    images,
  };
}
