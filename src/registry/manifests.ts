/**
 * What the bot reads in registry manifests, per the OCI image spec and BuildKit's attestation
 * storage format (docs.docker.com/build/metadata/attestations/attestation-storage): an image
 * index lists one manifest per platform and, for BuildKit builds, one attestation manifest per
 * platform (platform `unknown/unknown`, annotations `vnd.docker.reference.type:
 * attestation-manifest` and `vnd.docker.reference.digest`), whose in-toto layers name their
 * predicate type in the `in-toto.io/predicate-type` annotation. Pure; never throws on content.
 */
import { z } from 'zod';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

/** What we accept, as docker does: indexes first, single-platform manifests as a fallback. */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ');

export const DIGEST = /^sha256:[a-f0-9]{64}$/;

const ATTESTATION_TYPE = 'attestation-manifest';
const IN_TOTO = 'application/vnd.in-toto+json';
const SBOM_PREDICATES = [/^https:\/\/spdx\.dev\/Document/, /^https:\/\/cyclonedx\.org\/bom/];
const PROVENANCE_PREDICATE = /^https:\/\/slsa\.dev\/provenance\//;

const annotations = z.record(z.string(), z.string()).optional();
const descriptor = z.object({
  mediaType: z.string().optional(),
  digest: z.string().regex(DIGEST),
  platform: z
    .object({ os: z.string(), architecture: z.string(), variant: z.string().optional(), 'os.version': z.string().optional() })
    .optional(),
  annotations,
});
const indexSchema = z.object({ schemaVersion: z.literal(2), manifests: z.array(descriptor).max(2000) });
const imageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  layers: z.array(z.object({ mediaType: z.string(), annotations })).max(2000),
});

export interface PlatformManifest {
  /** "linux/amd64", "linux/arm/v7", "windows/amd64" */
  readonly platform: string;
  readonly digest: string;
  /** The digest of the attestation manifest that describes this platform, if any. */
  readonly attestation?: string;
}

export type IndexContent =
  | { readonly kind: 'index'; readonly platforms: readonly PlatformManifest[] }
  /** A single-platform manifest: no index, so no attestation manifests either. */
  | { readonly kind: 'single' }
  | { readonly kind: 'invalid'; readonly why: string };

export interface AttestationKinds {
  readonly sbom: boolean;
  readonly provenance: boolean;
}

export function isIndexType(mediaType: string): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_LIST;
}

/** The runnable platforms of an index, each with its attestation manifest when BuildKit made one. */
export function readIndex(body: string, mediaType: string): IndexContent {
  if (!isIndexType(mediaType)) return [OCI_MANIFEST, DOCKER_MANIFEST].includes(mediaType) ? { kind: 'single' } : { kind: 'invalid', why: `unexpected media type ${mediaType}` };
  const parsed = indexSchema.safeParse(parseJson(body));
  if (!parsed.success) return { kind: 'invalid', why: `not an image index (${parsed.error.issues[0]?.message ?? 'bad shape'})` };
  const attestationFor = new Map<string, string>();
  const runnable: { platform: string; digest: string }[] = [];
  for (const m of parsed.data.manifests) {
    const type = m.annotations?.['vnd.docker.reference.type'];
    const target = m.annotations?.['vnd.docker.reference.digest'];
    if (type !== undefined) {
      // The format says: any other reference type means the whole manifest is to be ignored.
      if (type === ATTESTATION_TYPE && target && DIGEST.test(target)) attestationFor.set(target, m.digest);
      continue;
    }
    if (!m.platform || m.platform.os === 'unknown' || m.platform.architecture === 'unknown') continue;
    const { os, architecture, variant } = m.platform;
    runnable.push({ platform: [os, architecture, variant].filter(Boolean).join('/'), digest: m.digest });
  }
  return {
    kind: 'index',
    platforms: runnable.map((p) => {
      const attestation = attestationFor.get(p.digest);
      return attestation ? { ...p, attestation } : p;
    }),
  };
}

/** Which attestations an attestation manifest carries, read from its layers' annotations. */
export function readAttestation(body: string): AttestationKinds | undefined {
  const parsed = imageManifestSchema.safeParse(parseJson(body));
  if (!parsed.success) return undefined;
  const predicates = parsed.data.layers
    .filter((l) => l.mediaType === IN_TOTO)
    .map((l) => l.annotations?.['in-toto.io/predicate-type'] ?? '');
  return {
    sbom: predicates.some((p) => SBOM_PREDICATES.some((re) => re.test(p))),
    provenance: predicates.some((p) => PROVENANCE_PREDICATE.test(p)),
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
