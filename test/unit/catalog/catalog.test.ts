import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog, dockerfileUrl, normaliseImageName, splitImageRef } from '../../../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import { projectRoot } from '../../../src/paths.js';

interface ExpectedRoute {
  repo: string | null;
  githubRepoFile: string | null;
  issuesOverride: boolean;
  issuesText?: string;
  issuesUrl: string | null;
  issuesTracker: string | null;
  issuesRepo: string | null;
  githubIssuesRepo: string | null;
  alternateUrls?: string[];
}

const expectedRoutes = JSON.parse(readFileSync(join(projectRoot(), 'assets', 'snapshot', 'feedback-routing.json'), 'utf8')) as Record<string, ExpectedRoute>;
let catalog: Catalog;

beforeAll(async () => {
  const files = await new BundledSnapshotSource().fetch();
  catalog = Catalog.fromFiles(files!);
});

describe('Catalog from the bundled snapshot', () => {
  it('has every image, with no manifest errors', () => {
    expect(catalog.size).toBe(144);
    expect(catalog.tagCount()).toBe(9474);
    expect(catalog.errors()).toEqual([]);
    expect(catalog.dataDate).toBe(Date.parse('2026-08-21T17:12:02-07:00'));
    expect(catalog.revision).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('answers image facts: description, maintainers, GitRepo', () => {
    const python = catalog.image('Python')!;
    expect(python.description).toBe('Python is an interpreted, interactive, object-oriented, open-source programming language.');
    expect(python.gitRepo).toBe('https://github.com/docker-library/python.git');
    expect(python.maintainers.map((m) => m.handle)).toContain('tianon');
    expect(catalog.image('library/python')?.name).toBe('python');
    expect(catalog.image('docker.io/library/python')?.name).toBe('python');
    expect(catalog.image('nosuchimage')).toBeUndefined();
    expect(catalog.image('../../etc')).toBeUndefined();
    expect(catalog.image('openjdk')?.deprecation).toMatch(/deprecated/i);
  });

  it('resolves tags and shared tags (hello-world:latest spans Linux and Windows entries)', () => {
    const latest = catalog.tag('hello-world', 'latest')!;
    expect(latest.shared).toBe(true);
    expect(latest.entries).toHaveLength(3);
    expect(latest.architectures).toContain('windows-amd64');
    expect(latest.architectures).toContain('arm64v8');
    const linux = catalog.tag('hello-world', 'linux')!;
    expect([linux.shared, linux.architectures.includes('windows-amd64')]).toEqual([false, false]);
    expect(catalog.tag('hello-world', 'nope')).toBeUndefined();
    expect(catalog.tag('nope', 'latest')).toBeUndefined();
  });

  it('matches tag globs, case-sensitively', () => {
    const alpine = catalog.matchTags('node', '*-alpine');
    expect(alpine.length).toBeGreaterThan(3);
    expect(alpine.every((t) => t.endsWith('-alpine'))).toBe(true);
    expect(catalog.matchTags('python', '3.1?')).toEqual(expect.arrayContaining(['3.13', '3.14']));
    expect(catalog.matchTags('node', 'Alpine*')).toEqual([]);
  });

  it('suggests images and tags for typos', () => {
    expect(catalog.suggestImages('pyhton')[0]).toBe('python');
    expect(catalog.suggestImages('postgresql')[0]).toBe('postgres');
    expect(catalog.suggestImages('zzzzzzzzzz')).toEqual([]);
    expect(catalog.suggestTags('python', '3.13-slm')).toContain('3.13-slim');
  });

  it('searches names and descriptions, best first', () => {
    const results = catalog.search('sql');
    expect(results.map((r) => r.image.name)).toEqual(expect.arrayContaining(['mysql', 'postgres']));
    expect(results[0]!.match).not.toBe('description');
    expect(catalog.search('mongo')[0]!.image.name).toBe('mongo');
    expect(catalog.search('')).toEqual([]);
  });

  it('links tags to their Dockerfile like the docs repo does', () => {
    const e = catalog.tag('hello-world', 'nanoserver-ltsc2025')!.entries[0]!;
    expect(dockerfileUrl(e)).toBe('https://github.com/docker-library/hello-world/blob/3981a44a531e7c844d844e12cbbda232d10d5dfb/amd64/nanoserver-ltsc2025/Dockerfile');
    const jammy = catalog.tag('ubuntu', 'jammy')!.entries[0]!;
    expect(dockerfileUrl(jammy)).toBe(
      'https://git.launchpad.net/cloud-images/+oci/ubuntu-base/tree/oci/index.json?h=dist-jammy-amd64-20260810-de4064a9&id=de4064a9284ec1e37b7c260b5e19f0c53e0b7aef',
    );
  });

  it('normalises names and splits references', () => {
    expect(normaliseImageName('hub.docker.com/_/Node')).toBe('node');
    expect(normaliseImageName('a b')).toBeUndefined();
    expect(splitImageRef('node:22-alpine')).toEqual({ image: 'node', tag: '22-alpine' });
    expect(splitImageRef('node')).toEqual({ image: 'node', tag: undefined });
  });
});

describe('feedback routing', () => {
  it('covers every image in feedback-routing.json (144 images and scratch)', () => {
    expect(Object.keys(expectedRoutes)).toHaveLength(145);
  });

  it.each(Object.keys(expectedRoutes))('%s routes as the docs repo renders it', (image) => {
    const want = expectedRoutes[image]!;
    const got = catalog.routeFor(image)!;
    expect(got).toBeDefined();
    expect({
      repo: got.repo,
      githubRepoFile: got.githubRepoUrl,
      issuesOverride: got.override,
      issuesText: got.text ?? undefined,
      issuesUrl: got.issuesUrl,
      issuesTracker: got.tracker,
      issuesRepo: got.issuesRepo,
      githubIssuesRepo: got.githubIssuesRepo,
      alternateUrls: got.alternateUrls.length ? got.alternateUrls : undefined,
    }).toEqual({
      repo: want.repo,
      githubRepoFile: want.githubRepoFile,
      issuesOverride: want.issuesOverride,
      issuesText: want.issuesText,
      issuesUrl: want.issuesUrl,
      issuesTracker: want.issuesTracker,
      issuesRepo: want.issuesRepo,
      githubIssuesRepo: want.githubIssuesRepo,
      alternateUrls: want.alternateUrls,
    });
  });

  it('never routes by the manifest GitRepo', () => {
    // ubuntu's Dockerfiles live on Launchpad and so do its issues; elasticsearch's GitRepo is
    // docker-library-style but its issues go to elastic/elasticsearch.
    expect(catalog.image('elasticsearch')!.gitRepo).not.toContain('elastic/elasticsearch.git');
    expect(catalog.routeFor('elasticsearch')!.githubIssuesRepo).toBe('elastic/elasticsearch');
    expect(catalog.routeFor('ubuntu')!.githubIssuesRepo).toBeNull();
    expect(catalog.routeFor('nosuch')).toBeUndefined();
  });
});
