/**
 * What `trust` reports for one tag: its digest (by HEAD) and, per platform, whether BuildKit
 * attached an SBOM and provenance (from the index and the attestation manifests, by digest,
 * cached). Pulls are spent only within the budget; what could not be fetched is reported as
 * unknown with the reason, never guessed.
 */
import { formatAge, systemClock, type Clock } from '../core/clock.js';
import { UpstreamError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Db } from '../store/db.js';
import type { TrustLookup, TrustReport, PlatformAttestations } from './types.js';
import { pullBudgetMessage, RegistryClient } from './client.js';
import { ManifestStore } from './store.js';
import { readAttestation, readIndex, type AttestationKinds, type PlatformManifest } from './manifests.js';

const DEFAULT_CONCURRENCY = 4;

export class TrustService implements TrustLookup {
  readonly #client: RegistryClient;
  readonly #concurrency: number;
  readonly #clock: Clock;

  constructor(client: RegistryClient, opts: { concurrency?: number; clock?: Clock } = {}) {
    this.#client = client;
    this.#clock = opts.clock ?? systemClock;
    this.#concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  }

  details(): string[] {
    const budget = this.#client.budget();
    if (budget.blockedUntil) return [`registry: pulls paused for ${formatAge(budget.blockedUntil - this.#clock.now())} after a 429 (TOOMANYREQUESTS)`];
    if (budget.remaining === undefined) return [];
    return [`registry: ${budget.remaining}${budget.limit !== undefined ? `/${budget.limit}` : ''} pulls left in Docker Hub's window (the last ${budget.remaining - (budget.available ?? 0)} are kept back)`];
  }

  async lookup(image: string, tag: string): Promise<TrustReport | null> {
    const head = await this.#client.resolve(image, tag);
    if (!head) return null;
    const base = { image, tag, digest: head.digest };
    let index;
    try {
      index = await this.#client.manifest(image, head.digest);
    } catch (err) {
      if (err instanceof UpstreamError && err.userMessage) return { ...base, unknown: err.userMessage };
      throw err;
    }
    const content = readIndex(index.body, index.mediaType || head.mediaType);
    if (content.kind === 'single') return { ...base, single: true, platforms: [] };
    if (content.kind === 'invalid') return { ...base, unknown: `Docker Hub sent an index I could not read (${content.why})` };

    const kinds = new Map<string, AttestationKinds>();
    const attested = content.platforms.filter((p): p is PlatformManifest & { attestation: string } => p.attestation !== undefined);
    // Cached attestation manifests cost nothing; the others at most what the budget allows.
    const uncached = attested.filter((p) => !this.#client.isCached(p.attestation));
    const available = this.#client.budget().available ?? uncached.length;
    const skipped = new Set(uncached.slice(available).map((p) => p.attestation));
    let unknown: string | undefined;

    const queue = attested.filter((p) => !skipped.has(p.attestation));
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        try {
          const manifest = await this.#client.manifest(image, next.attestation);
          const read = readAttestation(manifest.body);
          if (read) kinds.set(next.attestation, read);
          else unknown ??= 'Docker Hub sent an attestation manifest I could not read';
        } catch (err) {
          if (!(err instanceof UpstreamError)) throw err;
          unknown ??= err.userMessage ?? 'Docker Hub did not answer';
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, queue.length) }, worker));
    if (skipped.size) unknown ??= pullBudgetMessage(this.#client.budget());

    const platforms: PlatformAttestations[] = content.platforms.map((p) => {
      if (!p.attestation) return { platform: p.platform, sbom: false, provenance: false };
      const found = kinds.get(p.attestation);
      return { platform: p.platform, sbom: found?.sbom, provenance: found?.provenance };
    });
    return { ...base, platforms, ...(unknown ? { unknown } : {}) };
  }
}

/** The `trust` lookups for a configuration: a registry client on its URLs, caching in `db`. */
export function trustFromConfig(
  registry: { readonly url: string; readonly authUrl: string },
  deps: { db: Db; clock: Clock; log: Logger; fetch?: typeof globalThis.fetch },
): TrustService {
  const client = new RegistryClient({
    registryUrl: registry.url,
    authUrl: registry.authUrl,
    store: new ManifestStore(deps.db),
    clock: deps.clock,
    log: deps.log,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  return new TrustService(client, { clock: deps.clock });
}
