/**
 * The catalog commands end to end: a MemoryAdapter message -> createApp's dispatcher -> the
 * catalog built from the bundled snapshot (real manifests) and a temp SQLite file -> Docker Hub
 * through the real HubClient over HTTP to the local fake Hub -> the reply the adapter sent.
 */
import { describe, expect, it } from 'vitest';
import { HUB_PENDING } from '../../../commands/catalog-common.js';
import { useCatalogApp } from '../../support/catalog-app.js';

// The bundled snapshot is the default source: no GitHub token, no library dir.
const app = useCatalogApp();
const DAY = 86_400_000;
const isoDaysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const ask = (text: string) => app().ask(text);

describe('catalog commands on real manifests', () => {
  it('tags: lists real tags, capped with "and N more", and filters with a glob', async () => {
    const all = await ask('tags python');
    expect(all).toMatch(/^python has 128 tags: 3\.15\.0rc1-trixie, /);
    // Long lists end with a count and the link to all of them.
    expect(all.split('\n')[0]).toMatch(/ and \d+ more\.$/);
    expect(all.split('\n')[1]).toMatch(/^All tags: https:\/\/hub\.docker\.com\/_\/python\/tags\. Shared tags \(multi-platform, several entries\): /);
    const alpine = await ask('tags node *-alpine');
    expect(alpine).toMatch(/^node tags matching "\*-alpine" \(\d+\): /);
    expect(alpine).toContain('22-alpine');
    expect(alpine).not.toContain('22-bookworm');
    expect(await ask('tags node *-nosuch')).toMatch(/^No node tag matches "\*-nosuch"/);
    expect(await ask(`tags node ${'*a'.repeat(12)}*b`)).toBe('That glob has more than 8 wildcards (* and ?).');
  });

  it('image: description, counts, maintainers and where issues go', async () => {
    const text = await ask('image hello-world');
    expect(text).toContain('hello-world: Hello World! (an example of minimal Dockerization). 3 tags in 3 entries plus 2 shared; ');
    expect(text).toContain('windows-amd64');
    expect(text).toContain('Issues: https://github.com/docker-library/hello-world/issues');
  });

  it('image: images whose issues go outside GitHub link to their tracker', async () => {
    expect(await ask('image ubuntu')).toContain('Issues: https://bugs.launchpad.net/cloud-images');
    expect(await ask('image solr')).toContain('Issues: https://solr.apache.org/community.html#mailing-lists-chat');
    expect(await ask('image archlinux')).toContain('Issues: https://gitlab.archlinux.org/archlinux/archlinux-docker/issues');
    expect(await ask('image openjdk')).toMatch(/Deprecated: /);
  });

  it('tag: a shared tag spanning Linux and Windows entries, with Hub digest and push age', async () => {
    app().hub.world.setTag('hello-world', 'latest', {
      digest: digest('a'),
      lastUpdated: isoDaysAgo(3),
      images: [
        { architecture: 'amd64', os: 'linux', digest: digest('1') },
        { architecture: 'arm64', variant: 'v8', os: 'linux', digest: digest('2') },
        { architecture: 'amd64', os: 'windows', digest: digest('3') },
      ],
    });
    const text = await ask('tag hello-world:latest');
    // Each entry the shared tag combines, with its commit and directory (library/hello-world).
    expect(text.split('\n')[0]).toBe(
      'hello-world:latest is a shared tag over 3 entries: linux at 3981a44 amd64; nanoserver-ltsc2025 at 3981a44 amd64/nanoserver-ltsc2025; nanoserver-ltsc2022 at 3981a44 amd64/nanoserver-ltsc2022.',
    );
    expect(text).toMatch(/Docker Hub: sha256:aaaaaaaaaaaa, pushed 3d ago \(\d{4}-\d\d-\d\d\), 3 of 10 architectures published \(waiting for arm32v5, /);
    expect(await ask('tag hello-world latest')).toBe(text);
  });

  it('tag: per-arch overrides decide the build link (ubuntu builds amd64 from its own commit on Launchpad)', async () => {
    app().hub.world.setTag('ubuntu', 'jammy', { digest: digest('b'), images: [{ architecture: 'amd64', os: 'linux', digest: digest('4') }] });
    const text = await ask('tag ubuntu:jammy');
    // Text and link name the same (amd64) commit, and say the architectures differ.
    expect(text.split('\n')[0]).toBe(
      'ubuntu:jammy: amd64 at de4064a, OCI index <https://git.launchpad.net/cloud-images/+oci/ubuntu-base/tree/oci/index.json?h=dist-jammy-amd64-20260810-de4064a9&id=de4064a9284ec1e37b7c260b5e19f0c53e0b7aef>; 6 architectures, 6 commits: amd64, arm32v7, arm64v8, ppc64le, riscv64, s390x.',
    );
    expect(text.split('\n')[1]).toMatch(/^Same image as 22\.04, jammy-20260810\. /);
  });

  it('arches: published with digest and age / supported but not yet published / not supported', async () => {
    app().hub.world.setTag('node', '22-alpine', {
      digest: digest('c'),
      lastUpdated: isoDaysAgo(2),
      images: [
        { architecture: 'amd64', os: 'linux', digest: digest('5'), lastPushed: isoDaysAgo(2) },
        { architecture: 'arm64', variant: 'v8', os: 'linux', digest: digest('6'), lastPushed: isoDaysAgo(1) },
        { architecture: 'unknown', os: 'unknown', digest: digest('7') },
      ],
    });
    const text = await ask('arches node:22-alpine');
    // Only architectures node builds at all are "not supported" (no mips64le, no Windows).
    expect(text.split('\n')).toEqual([
      'node:22-alpine is published for 2 of 5 architectures: amd64 (sha256:555555555555, 2d ago), arm64v8 (sha256:666666666666, 24h ago)',
      expect.stringMatching(/^Supported, not yet published: arm32v6, arm32v7, s390x\. Not supported: ppc64le\. Data from /),
    ]);
  });

  it('arches: a Windows-only entry supports only windows-amd64', async () => {
    const text = await ask('arches python:3.14-windowsservercore-ltsc2025');
    expect(text).toContain('python:3.14-windowsservercore-ltsc2025 is not on Docker Hub yet');
    expect(text).toContain('Supported, not yet published: windows-amd64.');
    // A Windows tag does not list Linux architectures as unsupported.
    expect(text).not.toContain('Not supported');
  });

  it('tag: in the manifest but not on Hub yet', async () => {
    expect(await ask('tag python:3.15-rc-alpine')).toContain('Not on Docker Hub yet: in the manifest but not published.');
  });

  it('when Hub is unreachable the answer still comes from the manifests and says Hub data is missing', async () => {
    await app().hub.faults.refuseConnections();
    const tag = await ask('tag python:3.13-slim');
    expect(tag).toMatch(/^python:3\.13-slim: Dockerfile at /);
    expect(tag).toContain('Docker Hub: unknown (Docker Hub is unreachable); the rest is from the manifest.');
    const arches = await ask('arches python:3.13-slim');
    expect(arches).toContain('per the manifest');
    expect(arches).toContain('Docker Hub data missing');
  });

  it('a slow Docker Hub does not hold the answer: manifest facts now, Hub facts pending, then cached', async () => {
    const { hub } = app();
    hub.world.setTag('python', '3.13-alpine', { digest: digest('f'), lastUpdated: isoDaysAgo(1), images: [{ architecture: 'amd64', os: 'linux', digest: digest('7') }] });
    hub.faults.delay(1, 1500);
    const requestsBefore = hub.requests.length;
    const first = await ask('tag python:3.13-alpine');
    expect(first).toContain('python:3.13-alpine');
    expect(first).toContain(HUB_PENDING);
    expect(first).not.toContain('sha256:ffffffffffff');
    // The lookup the answer did not wait for keeps going and fills the cache.
    expect(hub.requests.length).toBe(requestsBefore + 1);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const requestsAfterFirst = hub.requests.length;
    const second = await ask('tag python:3.13-alpine');
    expect(second).not.toContain(HUB_PENDING);
    expect(second).toMatch(/ffffffffffff/);
    expect(hub.requests.length).toBe(requestsAfterFirst);
  });

  it('typos get "did you mean"; unknown images and tags get a clear answer', async () => {
    expect(await ask('image pyhton')).toBe('No official image "pyhton". Did you mean python or photon?');
    expect(await ask('tags postgresql')).toMatch(/^No official image "postgresql". Did you mean postgres/);
    expect(await ask('image zzzzqqqq')).toBe('No official image "zzzzqqqq". Try "search zzzzqqqq" to look for one.');
    expect(await ask('tag python:3.13-slm')).toMatch(/^python has no tag "3\.13-slm": it is neither in the manifest nor on Docker Hub\. Did you mean python:3\.13-slim/);
    // No tag means latest, as docker does.
    expect(await ask('tag python')).toMatch(/^python:latest is a shared tag over 3 entries/);
    expect(await ask(`image ${'x'.repeat(5000)}`)).toMatch(/^No official image "x{60}…"/);
  });

  it('a tag that left the manifest but is still on Hub is called unmaintained', async () => {
    app().hub.world.setTag('python', '2.7', { digest: digest('d'), lastUpdated: isoDaysAgo(2000), images: [{ architecture: 'amd64', os: 'linux', digest: digest('8') }] });
    expect(await ask('tag python:2.7')).toMatch(
      /^python:2\.7 is no longer maintained: it is not in the current manifest, so it gets no updates, though Docker Hub still serves it \(last pushed 2000d ago\)\. Maintained now: 3\.14, 3\.13, /,
    );
  });

  it('search: names first, then descriptions', async () => {
    const text = await ask('search sql');
    expect(text.split('\n')[0]).toMatch(/^\d+ images match "sql":$/);
    expect(text).toContain('mysql: MySQL is a widely used');
    expect(text).toContain('postgres');
    expect(await ask('search qqqqzzzz')).toBe('No official image matches "qqqqzzzz".');
  });
});

describe('free-form catalog questions', () => {
  it('"does node:22-alpine run on arm64?" answers yes with the digest, then the breakdown', async () => {
    app().hub.world.setTag('node', '22-alpine', {
      digest: digest('c'),
      images: [{ architecture: 'arm64', variant: 'v8', os: 'linux', digest: digest('6'), lastPushed: isoDaysAgo(1) }],
    });
    const text = await ask('does node:22-alpine run on arm64?');
    expect(text.split('\n')[0]).toBe('Yes: node:22-alpine is published for arm64v8 (sha256:666666666666, 24h ago).');
    expect(await ask('does node:22-alpine run on i386?')).toMatch(/^No: node:22-alpine is not built for i386\./);
  });

  it('"what is python:3 right now?" answers like tag; "when was nginx last published?" uses latest', async () => {
    expect(await ask('what is python:3 right now?')).toMatch(/^python:3 is a shared tag over 3 entries: 3\.14\.7-trixie at 228f71e 3\.14\/trixie; /);
    app().hub.world.setTag('nginx', 'latest', { digest: digest('e'), lastUpdated: isoDaysAgo(5), images: [{ architecture: 'amd64', os: 'linux', digest: digest('9') }] });
    const text = await ask('when was nginx last published?');
    // The push time is the key fact: line 1; what it was built from follows.
    expect(text.split('\n')[0]).toBe(`nginx:latest was last pushed 5d ago (${isoDaysAgo(5).slice(0, 10)}): sha256:eeeeeeeeeeee, 1 of 8 architectures published; waiting for arm32v5, arm32v7, arm64v8, i386, ppc64le, riscv64, s390x.`);
    expect(text.split('\n')[1]).toMatch(/^Built from Dockerfile at b8590bd <https:\/\/github\.com\/nginx\/docker-nginx\/blob\/b8590bd36b4504b9b847fcf2e98a9111dcae85fa\/mainline\/debian\/Dockerfile>\./);
    expect(await ask('when was nginx:1.31-alpine last pushed?')).toMatch(/^nginx:1\.31-alpine has not been published: it is in the manifest but not on Docker Hub yet\.\n/);
    // Hub answers are cached for a minute: ask about a tag not asked before.
    await app().hub.faults.refuseConnections();
    expect(await ask('when was nginx:stable last published?')).toMatch(/^nginx:stable: last push unknown \(Docker Hub is unreachable\)\.\nBuilt from Dockerfile at [0-9a-f]{7} </);
  });

  it('tags with a plain word filters by it: a variant word as in questions, any other word as *word*', async () => {
    expect(await ask('tags nginx alpine')).toMatch(/^nginx has 64 alpine tags: 1\.31\.4-alpine, /);
    expect(await ask('tags nginx Slim')).toMatch(/^nginx has 16 slim tags: 1\.31\.4-alpine-slim, /);
    const python = await ask('tags python 3.12');
    expect(python).toMatch(/^python tags matching "\*3\.12\*" \(18\): 3\.12\.14-trixie, /);
    expect(python).not.toMatch(/3\.13|3\.11/);
  });

  it('image: a deprecated image says so in line 1, with what to use instead', async () => {
    expect((await ask('image openjdk')).split('\n')[0]).toMatch(/^openjdk \(deprecated; use amazoncorretto, eclipse-temurin, ibm-semeru-runtimes, ibmjava, sapmachine\): /);
  });

  it('"which tags does postgres have?" lists tags; "what is traefik?" describes the image', async () => {
    expect(await ask('which tags does postgres have?')).toMatch(/^postgres has 72 tags: /);
    expect(await ask('what is traefik?')).toMatch(/^traefik: /);
  });

  it('leaves "when will X be available" to `when`; "is X:tag available on arch?" answers the arch', async () => {
    // The `when` command (another part of the bot) answers versions on their way; the catalog must not.
    expect(await ask('when will python 3.15 be available?')).not.toMatch(/is the same image as|is a shared tag|has \d+ tags|Published:|per the manifest|^(Yes|No|Not yet)\b/);
    expect(await ask('is node:22-alpine available on riscv64?')).toMatch(/^No: node:22-alpine is not built for riscv64\./);
    expect(await ask('hello there, how are you?')).toMatch(/^I don't know that one\. I can answer about official images: /);
  });

  it('status shows the catalog source and its age', async () => {
    const text = await ask('status');
    expect(text).toMatch(/catalog \(bundled snapshot\): docker-library\/official-images@37079fb \+ docker-library\/docs@c4a9ba4, 144 images, 9474 tags, data from 2026-08-2\d/);
  });
});
