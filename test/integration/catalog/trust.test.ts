/**
 * Issue 14, "Right": catalog answers checked against the real manifests of the bundled snapshot
 * (assets/snapshot/library) through createApp's dispatcher, a MemoryAdapter, and Docker Hub
 * through the real HubClient over HTTP to the local fake Hub.
 */
import { describe, expect, it } from 'vitest';
import { formatAge } from '../../../src/core/clock.js';
import { useCatalogApp } from '../../support/catalog-app.js';

const app = useCatalogApp();
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const ask = (text: string) => app().ask(text);

describe('shared tags', () => {
  it('a plain tag is not "the same image as" a shared tag that also covers other entries', async () => {
    // library/python: "Tags: 3.14.7-trixie, 3.14-trixie, 3-trixie, trixie" with
    // "SharedTags: 3.14.7, 3.14, 3, latest", which also cover the two Windows entries.
    const [, second] = (await ask('tag python:trixie')).split('\n');
    expect(second).toMatch(/^Same image as 3\.14\.7-trixie, 3\.14-trixie, 3-trixie\. Part of shared 3\.14\.7, 3\.14, 3, latest \(with other entries\)\. /);
  });

  it('a shared tag names each entry it combines with its commit and directory', async () => {
    // library/golang: both windowsservercore entries at 7aa947b, in 1.27/windows/<variant>.
    expect((await ask('tag golang:1.27-windowsservercore')).split('\n')[0]).toBe(
      'golang:1.27-windowsservercore is a shared tag over 2 entries: 1.27.0-windowsservercore-ltsc2025 at 7aa947b 1.27/windows/windowsservercore-ltsc2025; 1.27.0-windowsservercore-ltsc2022 at 7aa947b 1.27/windows/windowsservercore-ltsc2022.',
    );
  });
});

describe('per-architecture fields', () => {
  it('debian:bookworm names the amd64 commit its link points at, and that the architectures differ', async () => {
    // library/debian: GitCommit 7935fc7 globally, amd64-GitCommit b09f23a; bookworm has 5 arches.
    const first = (await ask('tag debian:bookworm')).split('\n')[0]!;
    expect(first).toBe(
      'debian:bookworm: amd64 at b09f23a, OCI index <https://github.com/debuerreotype/docker-debian-artifacts/blob/b09f23ad7aab0cafa864c696dfbf130128e5e452/bookworm/oci/index.json>; 5 architectures, 5 commits: amd64, arm32v7, arm64v8, i386, ppc64le.',
    );
    expect(first).not.toContain('7935fc7');
  });

  it('busybox:latest takes the per-architecture Directory too', async () => {
    // library/busybox: amd64-GitCommit 70ce0fb, amd64-Directory latest/glibc/amd64, 9 arches.
    const first = (await ask('tag busybox:latest')).split('\n')[0]!;
    expect(first).toMatch(/^busybox:latest: amd64 at 70ce0fb, OCI index <https:\/\/github\.com\/docker-library\/busybox\/blob\/70ce0fb98bee360bbcce132660d727bf6ce55a99\/latest\/glibc\/amd64\/index\.json>; 9 architectures, 9 commits: /);
  });
});

describe('usage and did you mean', () => {
  it('tags without arguments gets a usage line; an unknown command gets "did you mean"', async () => {
    expect(await ask('tags')).toBe('Which image? Usage: tags <name> [glob], for example "tags python" or "tags node *-alpine".');
    expect(await ask('tga')).toBe('Unknown command "tga". Did you mean "tag"? Try "help tag".');
    expect(await ask('arhces')).toBe('Unknown command "arhces". Did you mean "arches"? Try "help arches".');
    expect(await ask('image')).toBe('Missing argument. Usage: image <name>');
  });
});

describe('deprecated images and data age', () => {
  it('openjdk is named as deprecated with the alternatives its docs give', async () => {
    // docs/openjdk/deprecated.md links amazoncorretto, eclipse-temurin, ibm-semeru-runtimes, ibmjava, sapmachine.
    const alternatives = 'amazoncorretto, eclipse-temurin, ibm-semeru-runtimes, ibmjava, sapmachine';
    expect(await ask('image openjdk')).toContain(`Deprecated: This image is officially deprecated and all users are recommended to find and use suitable replacements ASAP. Alternatives: ${alternatives}.`);
    expect(await ask('tag openjdk:27-rc')).toContain(`openjdk is deprecated; alternatives: ${alternatives}.`);
    expect(await ask('tags openjdk')).toContain('openjdk is deprecated; alternatives: ');
  });

  it('answers from the months-old bundled snapshot say how old the data is', async () => {
    // assets/snapshot/snapshot.json: 2026-08-21T17:12:02-07:00.
    // The age is rounded as the bot rounds it (minutes, then hours, then days), or the test fails half a day in.
    const age = formatAge(Date.now() - Date.parse('2026-08-21T17:12:02-07:00'));
    for (const q of ['image python', 'tags python', 'tag python:3.14', 'arches python:3.14']) {
      expect(await ask(q)).toContain(`Data from 2026-08-22 (${age} old).`);
    }
  });
});

describe('digest lookup', () => {
  it('names the tags carrying an index digest or an architecture digest', async () => {
    app().hub.world.setTag('python', '3.14-slim', { digest: digest('a'), images: [{ architecture: 'amd64', os: 'linux', digest: digest('1') }, { architecture: 'arm64', variant: 'v8', os: 'linux', digest: digest('2') }] });
    app().hub.world.setTag('python', '3.14.7-slim', { digest: digest('a'), images: [{ architecture: 'amd64', os: 'linux', digest: digest('1') }] });
    app().hub.world.setTag('python', '3.13-slim', { digest: digest('b'), images: [{ architecture: 'amd64', os: 'linux', digest: digest('3') }] });
    expect((await ask(`tag python@${digest('a')}`)).split('\n')[0]).toBe('python@sha256:aaaaaaaaaaaa is the multi-platform index of python:3.14-slim, python:3.14.7-slim (per Docker Hub).');
    expect((await ask(`tag python@sha256:${'2'.repeat(12)}`)).split('\n')[0]).toBe('python@sha256:222222222222 is the arm64v8 image of python:3.14-slim (per Docker Hub).');
    expect(await ask('tag python@sha256:0123')).toBe('"python@sha256:0123" has no valid digest: a digest is sha256: followed by 64 hex digits (the first 12 or more are enough).');
    expect(await ask(`tag python@md5:${'a'.repeat(32)}`)).toMatch(/has no valid digest: a digest is sha256: followed by 64 hex digits/);
    expect(await ask(`tag python@${digest('f')}`)).toMatch(/^python@sha256:ffffffffffff: no tag among the \d+ most recently updated python tags on Docker Hub carries this digest/);
    await app().hub.faults.refuseConnections();
    // (python's listing is cached for a minute; node's was never fetched.)
    expect(await ask(`tag node@${digest('9')}`)).toBe('Docker Hub is unreachable, so which tags carry that digest is unknown; try again later.');
  });
});
