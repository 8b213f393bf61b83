/**
 * Tags that left the manifest, and manifests that are broken, through a directory catalog
 * source the test rewrites between refreshes (createApp + MemoryAdapter + a real SQLite file +
 * the fake Docker Hub). The python manifest is the bundled snapshot's, plus an entry shaped like
 * the 3.8 entry official-images carried until 3.8 reached its end of life.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryCatalogSource } from '../../../src/catalog/dir-source.js';
import { projectRoot } from '../../../src/paths.js';
import { startCatalogApp, type CatalogApp } from '../../support/catalog-app.js';

const PYTHON = readFileSync(join(projectRoot(), 'assets/snapshot/library/python'), 'utf8');
const PY38 = `
Tags: 3.8.20-bookworm, 3.8-bookworm, 3.8.20, 3.8
Architectures: amd64, arm32v5, arm32v7, arm64v8, i386, mips64le, ppc64le, s390x
GitCommit: 2f9e6d5aa4fa2d6a9a4e1e8d7d7b1b8f0e7a0f43
Directory: 3.8/bookworm
`;
const BROKEN = `Maintainers: Someone <someone@example.com> (@someone)
GitRepo: https://github.com/example/broken.git

Tags: 1.0, latest
Architectures: amd64, sparc
GitCommit: 0123456789abcdef0123456789abcdef01234567
Directory: 1.0
`;

let t: CatalogApp;
let dir: string;
const today = () => new Date().toISOString().slice(0, 10);
const ask = (text: string) => t.ask(text);

function write(name: string, text: string): void {
  writeFileSync(join(dir, 'library', name), text);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'doibot-history-'));
  mkdirSync(join(dir, 'library'));
  write('python', PYTHON + PY38);
  write('broken', BROKEN);
  // Bigger than any manifest can be (the directory source reads at most 1 MiB).
  write('huge', `Maintainers: A <a@example.com> (@a)\n${'#'.repeat(1_200_000)}\n`);
  t = await startCatalogApp({ catalogSource: new DirectoryCatalogSource(dir) });
});

afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('tags that left the manifest', () => {
  it('says when a tag the bot saw left, whether Hub still has it, and what replaces it', async () => {
    expect(await ask('tag python:3.8')).toMatch(/^python:3\.8: Dockerfile at 2f9e6d5 /);
    write('python', PYTHON);
    expect(await t.app.catalog.refresh()).toBe('updated');

    // python's current X.Y tags, newest first: 3.14 and 3.13 lead (library/python).
    expect(await ask('tag python:3.8')).toBe(
      `python:3.8 is no longer maintained. It left the manifest on ${today()} (seen since ${today()}). Docker Hub no longer has it. Maintained now: 3.14, 3.13, 3.12, 3.11, 3.10.`,
    );
    t.hub.world.setTag('python', '3.8-bookworm', { digest: `sha256:${'8'.repeat(64)}`, lastUpdated: new Date(Date.now() - 400 * 86_400_000).toISOString(), images: [{ architecture: 'amd64', os: 'linux', digest: `sha256:${'1'.repeat(64)}` }] });
    expect(await ask('tag python:3.8-bookworm')).toBe(
      `python:3.8-bookworm is no longer maintained: it is not in the current manifest, so it gets no updates, though Docker Hub still serves it (last pushed 400d ago). It left the manifest on ${today()} (seen since ${today()}). Maintained now: 3.14-bookworm, 3.13-bookworm, 3.12-bookworm, 3.11-bookworm, 3.10-bookworm.`,
    );
  });

  it('a tag the bot never saw is explained too, never only "did you mean"', async () => {
    expect(await ask('tag python:2.7')).toBe('python has no tag "2.7": it is neither in the manifest nor on Docker Hub. Maintained now: 3.14, 3.13, 3.12, 3.11, 3.10.');
    expect(await ask('tag python:3.99')).toBe('python has no tag "3.99" yet: the newest of that line in the manifest is python:3.14.');
  });
});

describe('broken manifests are named', () => {
  it('an image whose manifest has errors says so, with the first problem and its line', async () => {
    const image = await ask('image broken');
    expect(image).toContain('No tags: none can be listed. Manifest problem at library/broken:5: ');
    expect(image).toContain('sparc');
    expect(image).not.toMatch(/0 tags in 0 entries|Maintainers: \./);
    expect(await ask('tags broken')).toMatch(/^broken has 0 tags: none can be listed\. Manifest problem at library\/broken:5: /);
  });

  it('a library file too large to read is reported in status and in its answers', async () => {
    const status = await ask('status');
    expect(status).toContain('catalog: library/huge not read: the file is 1.1 MB, over the 1.0 MB limit, so it was not read');
    const image = await ask('image huge');
    expect(image).toMatch(/^huge\. No tags: none can be listed\. Manifest problem at library\/huge: the file is 1\.1 MB, over the 1\.0 MB limit, so it was not read\./);
    expect(image).not.toContain('Maintainers: .');
    expect(await ask('tag huge:latest')).toMatch(/^huge has no tags: none can be listed\. Manifest problem at library\/huge: /);
  });
});
