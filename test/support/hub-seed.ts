/**
 * Fills the fake Hub from real manifests: every tag (and shared tag) of an image gets an index
 * digest and one image per architecture the manifest lists, as Docker Hub would show after a
 * complete publish. Digests are derived from image, tag, architecture and GitCommit, so a
 * manifest change (new GitCommit) gives new digests, and the same input always the same ones.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHITECTURES, type BashbrewArch } from '../../src/catalog/arch.js';
import { archValue, parseManifest } from '../../src/catalog/manifest.js';
import type { FakeHubImage, FakeHubWorld } from './fake-hub.js';

export function fakeDigest(...parts: readonly string[]): string {
  return `sha256:${createHash('sha256').update(parts.join('\0')).digest('hex')}`;
}

export function hubImageFor(image: string, tag: string, arch: BashbrewArch, commit: string, lastPushed: string): FakeHubImage {
  const platform: { os: string; architecture: string; variant?: string } = ARCHITECTURES[arch];
  return {
    os: platform.os,
    architecture: platform.architecture,
    ...(platform.variant ? { variant: platform.variant } : {}),
    digest: fakeDigest(image, tag, arch, commit),
    lastPushed,
  };
}

/**
 * Publishes every tag of `images` (names of files in `libraryDir`) in the Hub world. Returns the
 * number of tags set. `publishedAt` is the ISO date all tags get.
 */
export function seedHubFromManifests(world: FakeHubWorld, libraryDir: string, images: readonly string[], publishedAt: string): number {
  let count = 0;
  for (const image of images) {
    const { manifest } = parseManifest(image, readFileSync(join(libraryDir, image), 'utf8'));
    // A shared tag's index spans every entry listing it (e.g. hello-world:latest, Linux + Windows).
    const byTag = new Map<string, FakeHubImage[]>();
    const commits = new Map<string, string[]>();
    for (const entry of manifest.entries) {
      for (const tag of [...entry.tags, ...entry.sharedTags]) {
        const list = byTag.get(tag) ?? [];
        for (const arch of entry.architectures) {
          const commit = archValue(entry, arch, 'GitCommit');
          list.push(hubImageFor(image, tag, arch, commit, publishedAt));
          commits.set(tag, [...(commits.get(tag) ?? []), commit]);
        }
        byTag.set(tag, list);
      }
    }
    for (const [tag, imgs] of byTag) {
      world.setTag(image, tag, { digest: fakeDigest(image, tag, ...(commits.get(tag) ?? [])), images: imgs, lastUpdated: publishedAt });
      count++;
    }
  }
  return count;
}
