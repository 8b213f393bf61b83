import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBearerChallenge } from '../../../src/registry/client.js';
import { DOCKER_LIST, OCI_INDEX, OCI_MANIFEST, readAttestation, readIndex } from '../../../src/registry/manifests.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('readIndex (BuildKit attestation storage)', () => {
  // Shape from docs.docker.com/build/metadata/attestations/attestation-storage ("Examples").
  const index = {
    mediaType: OCI_INDEX,
    schemaVersion: 2,
    manifests: [
      { mediaType: OCI_MANIFEST, digest: d('a'), size: 1234, platform: { architecture: 'amd64', os: 'linux' } },
      { mediaType: OCI_MANIFEST, digest: d('b'), size: 1234, platform: { architecture: 'arm', os: 'linux', variant: 'v7' } },
      {
        mediaType: OCI_MANIFEST,
        digest: d('c'),
        size: 1234,
        annotations: { 'vnd.docker.reference.digest': d('a'), 'vnd.docker.reference.type': 'attestation-manifest' },
        platform: { architecture: 'unknown', os: 'unknown' },
      },
      {
        mediaType: OCI_MANIFEST,
        digest: d('e'),
        annotations: { 'vnd.docker.reference.digest': d('b'), 'vnd.docker.reference.type': 'something-else' },
        platform: { architecture: 'unknown', os: 'unknown' },
      },
    ],
  };

  it('pairs each runnable platform with its attestation manifest and ignores other reference types', () => {
    expect(readIndex(JSON.stringify(index), OCI_INDEX)).toEqual({
      kind: 'index',
      platforms: [
        { platform: 'linux/amd64', digest: d('a'), attestation: d('c') },
        { platform: 'linux/arm/v7', digest: d('b') },
      ],
    });
  });

  it('reads a Docker manifest list the same way, and tells a single manifest and junk apart', () => {
    expect(readIndex(JSON.stringify({ ...index, mediaType: DOCKER_LIST }), DOCKER_LIST).kind).toBe('index');
    expect(readIndex('{}', OCI_MANIFEST)).toEqual({ kind: 'single' });
    expect(readIndex('not json', OCI_INDEX).kind).toBe('invalid');
    expect(readIndex(JSON.stringify(index), 'text/html').kind).toBe('invalid');
  });

  it('never throws on hostile content', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(OCI_INDEX, DOCKER_LIST, OCI_MANIFEST), (value, type) => {
        expect(['index', 'single', 'invalid']).toContain(readIndex(JSON.stringify(value), type).kind);
        readAttestation(JSON.stringify(value));
      }),
    );
  });
});

describe('readAttestation', () => {
  const manifest = (...types: string[]) =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      layers: types.map((t, i) => ({ mediaType: 'application/vnd.in-toto+json', digest: d(String(i)), annotations: { 'in-toto.io/predicate-type': t } })),
    });

  it('tells SBOM (SPDX) from SLSA provenance v0.2 and v1 by the predicate-type annotation', () => {
    expect(readAttestation(manifest('https://spdx.dev/Document', 'https://slsa.dev/provenance/v0.2'))).toEqual({ sbom: true, provenance: true });
    expect(readAttestation(manifest('https://slsa.dev/provenance/v1'))).toEqual({ sbom: false, provenance: true });
    expect(readAttestation(manifest('https://spdx.dev/Document'))).toEqual({ sbom: true, provenance: false });
    expect(readAttestation(manifest('https://example.com/other'))).toEqual({ sbom: false, provenance: false });
    expect(readAttestation('[]')).toBeUndefined();
  });
});

describe('parseBearerChallenge', () => {
  it('reads realm, service and scope from a registry challenge', () => {
    expect(
      parseBearerChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull"'),
    ).toEqual({ realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/python:pull' });
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
  });
});
