import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesQuery, GitHubCatalogSource } from '../../src/catalog/github-source.js';
import { DOCS_FILES, DirectoryCatalogSource } from '../../src/catalog/dir-source.js';
import type { CatalogFiles } from '../../src/catalog/source.js';
import { silentLogger } from '../../src/core/log.js';
import { createGitHubClient } from '../../src/github/client.js';
import { projectRoot } from '../../src/paths.js';
import { DOCS, GitHubWorld, OFFICIAL_IMAGES, githubSchema, seedCatalogRepos, startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { parse, validate } from 'graphql';

const SNAPSHOT = join(projectRoot(), 'assets/snapshot');
const LIBRARY_DIR = join(SNAPSHOT, 'library');
const DOCS_DIR = join(SNAPSHOT, 'docs');

let gh: FakeGitHub;
let source: GitHubCatalogSource;

beforeAll(async () => {
  gh = await startFakeGitHub({ token: 'ghp_source' });
  seedCatalogRepos(gh.world, { libraryDir: LIBRARY_DIR, docsDir: DOCS_DIR });
  const client = createGitHubClient({ token: 'ghp_source', url: gh.url, log: silentLogger() });
  source = new GitHubCatalogSource({ client, officialImagesRepo: OFFICIAL_IMAGES, docsRepo: DOCS, log: silentLogger() });
});
afterAll(async () => {
  await gh.close();
});

/** What the snapshot holds, read independently of any source code under test. */
function snapshotFiles() {
  const library = new Map(readdirSync(LIBRARY_DIR).map((n) => [n, readFileSync(join(LIBRARY_DIR, n), 'utf8')]));
  const docs = new Map<string, Record<string, string>>();
  for (const image of library.keys()) {
    const files: Record<string, string> = {};
    for (const f of DOCS_FILES) {
      const p = join(DOCS_DIR, image, f);
      if (existsSync(p)) files[f] = readFileSync(p, 'utf8');
    }
    if (Object.keys(files).length) docs.set(image, files);
  }
  return { library, docs };
}

describe('GitHubCatalogSource against the fake GitHub seeded from assets/snapshot', () => {
  let revision = '';
  let first: CatalogFiles | null = null;

  it('fetches every manifest and the docs files the catalog uses, equal to the snapshot', async () => {
    const before = gh.requests.length;
    const files = await source.fetch();
    expect(files).not.toBeNull();
    const expected = snapshotFiles();
    expect(files!.library.size).toBe(144);
    expect(files!.library).toEqual(expected.library);
    expect(files!.docs).toEqual(expected.docs);
    expect(files!.revision).toMatch(/^[0-9a-f]{40}:[0-9a-f]{40}$/);
    expect(files!.dataDate).toBeGreaterThan(Date.now() - 60_000);
    revision = files!.revision;
    first = files;
    const sent = gh.requests.slice(before);
    expect(sent.map((r) => r.operationName ?? /query (\w+)/.exec(r.document)?.[1])).toEqual(['CatalogRevision', 'CatalogFiles']);
    expect(sent.every((r) => r.status === 200 && r.errors.length === 0)).toBe(true);
  });

  it('matches what the directory source reads from the same snapshot', async () => {
    const fromDir = await new DirectoryCatalogSource(SNAPSHOT).fetch();
    const fromGitHub = first;
    expect(fromGitHub!.library).toEqual(fromDir!.library);
    for (const [image, files] of fromGitHub!.docs) expect(fromDir!.docs.get(image)).toEqual(files);
  });

  it('returns null for an unchanged revision after one cheap query', async () => {
    const before = gh.requests.length;
    expect(await source.fetch(revision)).toBeNull();
    const sent = gh.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.document).toContain('query CatalogRevision');
    expect(sent[0]!.document).not.toContain('text');
    expect(sent[0]!.cost).toBe(1);
  });

  it('sees a direct push to library/ and to the docs', async () => {
    const python = gh.world.fileText(OFFICIAL_IMAGES, 'library/python')!;
    gh.world.setFile(OFFICIAL_IMAGES, 'library/python', `${python}\nTags: 9.99\nGitCommit: ${'a'.repeat(40)}\n`);
    let files = await source.fetch(revision);
    expect(files).not.toBeNull();
    expect(files!.library.get('python')).toContain('Tags: 9.99');
    expect(files!.revision).not.toBe(revision);
    revision = files!.revision;

    gh.world.setFile(DOCS, 'python/README-short.txt', 'Python is a <b>language</b>\n');
    files = await source.fetch(revision);
    expect(files!.docs.get('python')!['README-short.txt']).toBe('Python is a <b>language</b>\n');
    expect(files!.revision.split(':')[0]).toBe(revision.split(':')[0]);
    revision = files!.revision;

    gh.world.deleteFile(OFFICIAL_IMAGES, 'library/zookeeper');
    files = await source.fetch(revision);
    expect(files!.library.has('zookeeper')).toBe(false);
    expect(files!.library.size).toBe(143);
  });
});

describe('GitHubCatalogSource edge cases', () => {
  it('resolves docs symlinks into .common-templates and skips binaries and odd names', async () => {
    const world = new GitHubWorld();
    world.addRepository('o/lib', { files: { 'library/alpha': 'Maintainers: a (@a)\n', 'library/Bad Name': 'x', 'library/README.md': 'not an image\n' } });
    world.addRepository('o/docs', {
      files: { 'alpha/github-repo': 'https://github.com/o/alpha\n', '.common-templates/maintainer-community.md': '[the community](%%GITHUB-REPO%%)\n' },
    });
    world.setFile('o/docs', 'alpha/maintainer.md', '../.common-templates/maintainer-community.md', { mode: 'symlink' });
    world.commitFiles('o/lib', { 'library/beta': 'Maintainers: b (@b)\n' }, 'add beta');
    world.repo('o/lib');
    const fake = await startFakeGitHub({ world });
    try {
      world.commitFiles('o/lib', {}, 'noop');
      const blob = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]);
      const head = world.head('o/lib');
      (head.files as Map<string, { content: Buffer; mode: 'file' }>).set('library/gamma', { content: blob, mode: 'file' });
      delete head.root;
      const client = createGitHubClient({ token: 't', url: fake.url, log: silentLogger() });
      const files = await new GitHubCatalogSource({ client, officialImagesRepo: 'o/lib', docsRepo: 'o/docs' }).fetch();
      expect([...files!.library.keys()].sort()).toEqual(['alpha', 'beta']);
      expect(files!.docs.get('alpha')).toEqual({ 'github-repo': 'https://github.com/o/alpha\n', 'maintainer.md': '[the community](%%GITHUB-REPO%%)\n' });
    } finally {
      await fake.close();
    }
  });

  it('names the setting to fix when a repository does not exist', async () => {
    const client = createGitHubClient({ token: 'ghp_source', url: gh.url, log: silentLogger() });
    const err = await new GitHubCatalogSource({ client, officialImagesRepo: 'nobody/nothing', docsRepo: DOCS }).fetch().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'catalog.github-repo', retryable: false });
    expect((err as { userMessage: string }).userMessage).toMatch(/DOIBOT_OFFICIAL_IMAGES_REPO/);
  });

  it('builds a schema-valid content query for any set of image names, including none', () => {
    for (const images of [[], ['python'], ['python', 'node', 'hello-world']]) {
      expect(validate(githubSchema(), parse(filesQuery(images).document))).toEqual([]);
    }
  });
});
