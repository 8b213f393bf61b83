/**
 * A local Docker registry + token service on 127.0.0.1 port 0, at the real paths and with the
 * real headers: `GET /token?service=registry.docker.io&scope=repository:library/<name>:pull`
 * answers `{token, access_token, expires_in, issued_at}`; `HEAD|GET
 * /v2/library/<name>/manifests/<tag|digest>` answers 401 with a `WWW-Authenticate: Bearer
 * realm=...,service=...,scope=...` challenge without a token for that scope, negotiates the
 * media type against `Accept` (an index asked for without the index types is "not found", as
 * Docker Hub does), and sends `Docker-Content-Digest`, `ratelimit-limit`/`ratelimit-remaining`
 * (`N;w=21600`). GETs count against the limit, HEADs do not; at zero a GET gets 429
 * TOOMANYREQUESTS. Content follows the OCI image spec and BuildKit's attestation storage format
 * (docs.docker.com/build/metadata/attestations/attestation-storage).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const SPDX = 'https://spdx.dev/Document';
const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';

export interface FakePlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
}

/** Which attestations BuildKit attached for one platform; null = no attestation manifest. */
export type FakeAttestation = { readonly sbom: boolean; readonly provenance: boolean } | null;

export interface FakeRegistryRequest {
  readonly method: string;
  readonly path: string;
  readonly accept: string;
  readonly authorization: string;
  readonly status: number;
}

const digestOf = (body: string) => `sha256:${createHash('sha256').update(body).digest('hex')}`;

export class FakeRegistryWorld {
  readonly #manifests = new Map<string, { mediaType: string; body: string }>();
  readonly #tags = new Map<string, string>();
  /** Pulls left in the window; each GET of a manifest takes one. */
  remaining = 100;
  limit = 100;

  /** Stores a manifest as the registry would (its bytes are what the digest names). */
  put(mediaType: string, content: object): string {
    const body = JSON.stringify(content, null, 3);
    const digest = digestOf(body);
    this.#manifests.set(digest, { mediaType, body });
    return digest;
  }

  manifest(digest: string): { mediaType: string; body: string } | undefined {
    return this.#manifests.get(digest);
  }

  /** Replaces stored bytes without changing the digest: a registry that lies. */
  tamper(digest: string): void {
    const m = this.#manifests.get(digest);
    if (m) this.#manifests.set(digest, { ...m, body: `${m.body} ` });
  }

  setTag(repository: string, tag: string, digest: string): void {
    this.#tags.set(`${repository}:${tag}`, digest);
  }

  resolve(repository: string, reference: string): string | undefined {
    return reference.startsWith('sha256:') ? (this.#manifests.has(reference) ? reference : undefined) : this.#tags.get(`${repository}:${reference}`);
  }

  /**
   * A tag built by BuildKit (or the classic builder, with `attest` null): one image manifest per
   * platform and, after them, one attestation manifest per attested platform. Returns the index digest.
   */
  image(repository: string, tag: string, platforms: readonly FakePlatform[], attest: FakeAttestation | ((p: FakePlatform) => FakeAttestation), indexType = OCI_INDEX): string {
    const salt = randomBytes(4).toString('hex');
    const images = platforms.map((platform) => ({
      platform,
      digest: this.put(OCI_MANIFEST, imageManifest(`${repository}:${tag}:${salt}:${JSON.stringify(platform)}`)),
    }));
    const attestations = images.flatMap(({ platform, digest }) => {
      const kinds = typeof attest === 'function' ? attest(platform) : attest;
      if (!kinds) return [];
      const layers = [
        ...(kinds.sbom ? [inToto(SPDX, `${digest}:sbom`)] : []),
        ...(kinds.provenance ? [inToto(SLSA_V02, `${digest}:provenance`)] : []),
      ];
      const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: blob('application/vnd.oci.image.config.v1+json', `${digest}:config`), layers };
      return [
        {
          mediaType: OCI_MANIFEST,
          digest: this.put(OCI_MANIFEST, manifest),
          size: 840,
          annotations: { 'vnd.docker.reference.digest': digest, 'vnd.docker.reference.type': 'attestation-manifest' },
          platform: { architecture: 'unknown', os: 'unknown' },
        },
      ];
    });
    const index = {
      schemaVersion: 2,
      mediaType: indexType,
      manifests: [...images.map(({ platform, digest }) => ({ mediaType: OCI_MANIFEST, digest, size: 2010, platform })), ...attestations],
    };
    const digest = this.put(indexType, index);
    this.setTag(repository, tag, digest);
    return digest;
  }
}

function blob(mediaType: string, seed: string) {
  return { mediaType, digest: digestOf(seed), size: 1024 };
}

function inToto(predicateType: string, seed: string) {
  return { ...blob('application/vnd.in-toto+json', seed), annotations: { 'in-toto.io/predicate-type': predicateType } };
}

function imageManifest(seed: string) {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: blob('application/vnd.oci.image.config.v1+json', `${seed}:config`),
    layers: [blob('application/vnd.oci.image.layer.v1.tar+gzip', `${seed}:layer`)],
  };
}

export interface FakeRegistry {
  readonly url: string;
  readonly world: FakeRegistryWorld;
  readonly requests: FakeRegistryRequest[];
  /** The next `n` manifest requests (of `method` only, when given) answer 429 TOOMANYREQUESTS, with Retry-After when given. */
  fail429(n: number, opts?: { retryAfterSeconds?: number; method?: 'HEAD' | 'GET' }): void;
  count(method: 'HEAD' | 'GET' | 'TOKEN'): number;
  close(): Promise<void>;
}

export async function startFakeRegistry(world = new FakeRegistryWorld()): Promise<FakeRegistry> {
  const requests: FakeRegistryRequest[] = [];
  const tokens = new Map<string, string>();
  let forced429 = 0;
  let retryAfter: number | undefined;
  let forcedMethod: string | undefined;
  let base = '';

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const send = (status: number, headers: Record<string, string>, body = '') => {
      requests.push({
        method: url.pathname === '/token' ? 'TOKEN' : req.method ?? '',
        path: `${url.pathname}${url.search}`,
        accept: String(req.headers.accept ?? ''),
        authorization: String(req.headers.authorization ?? ''),
        status,
      });
      res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const errors = (code: string, message: string) => JSON.stringify({ errors: [{ code, message, detail: null }] });
    const json = { 'content-type': 'application/json' };

    if (req.method === 'GET' && url.pathname === '/token') {
      const scope = url.searchParams.get('scope') ?? '';
      if (url.searchParams.get('service') !== 'registry.docker.io' || !/^repository:library\/[a-z0-9._-]+:pull$/.test(scope)) {
        return send(400, json, JSON.stringify({ details: 'bad service or scope' }));
      }
      const token = `tok-${randomBytes(8).toString('hex')}`;
      tokens.set(token, scope);
      return send(200, json, JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
    }

    const m = /^\/v2\/library\/([a-z0-9._-]+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (!m || (req.method !== 'GET' && req.method !== 'HEAD')) return send(404, json, errors('NAME_UNKNOWN', 'repository name not known to registry'));
    const [, name, reference] = m as unknown as [string, string, string];
    const scope = `repository:library/${name}:pull`;
    const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!bearer || tokens.get(bearer) !== scope) {
      return send(
        401,
        { ...json, 'www-authenticate': `Bearer realm="${base}/token",service="registry.docker.io",scope="${scope}"` },
        errors('UNAUTHORIZED', 'authentication required'),
      );
    }
    const limits = () => ({
      'ratelimit-limit': `${world.limit};w=21600`,
      'ratelimit-remaining': `${Math.max(0, world.remaining)};w=21600`,
      'docker-ratelimit-source': '127.0.0.1',
    });
    const tooMany = () =>
      send(
        429,
        { ...json, ...limits(), ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}) },
        errors('TOOMANYREQUESTS', 'You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit'),
      );
    if (forced429 > 0 && (!forcedMethod || forcedMethod === req.method)) {
      forced429--;
      return tooMany();
    }
    const digest = world.resolve(name, decodeURIComponent(reference));
    const manifest = digest ? world.manifest(digest) : undefined;
    if (!digest || !manifest) return send(404, { ...json, ...limits() }, errors('MANIFEST_UNKNOWN', 'manifest unknown'));
    const accepted = String(req.headers.accept ?? '')
      .split(',')
      .map((t) => t.split(';')[0]!.trim());
    if (!accepted.includes(manifest.mediaType)) {
      const what = manifest.mediaType === OCI_INDEX ? 'OCI index found, but accept header does not support OCI indexes' : 'manifest unknown';
      return send(404, { ...json, ...limits() }, errors('MANIFEST_UNKNOWN', what));
    }
    if (req.method === 'GET') {
      if (world.remaining <= 0) return tooMany();
      world.remaining--;
    }
    return send(200, { 'content-type': manifest.mediaType, 'docker-content-digest': digest, etag: `"${digest}"`, ...limits() }, manifest.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    world,
    requests,
    fail429(n, opts = {}) {
      forced429 = n;
      retryAfter = opts.retryAfterSeconds;
      forcedMethod = opts.method;
    },
    count(method) {
      return requests.filter((r) => r.method === method).length;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The eight Linux platforms python:3.13 is published for (library/python, 3.13-trixie). */
export const PYTHON_PLATFORMS: readonly FakePlatform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm', variant: 'v5' },
  { os: 'linux', architecture: 'arm', variant: 'v7' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
  { os: 'linux', architecture: '386' },
  { os: 'linux', architecture: 'ppc64le' },
  { os: 'linux', architecture: 'riscv64' },
  { os: 'linux', architecture: 's390x' },
];

