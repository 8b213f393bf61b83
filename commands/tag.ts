import { archesReply, tagReply } from './catalog-answers.js';
import { imageRefWords } from './args.js';
import { defineCatalogCommand, hubTag, requireImage } from './catalog-common.js';
import { requireTagRef } from './catalog-tag.js';
import { digestReply, splitDigestRef } from './catalog-digest.js';

export const tag = defineCatalogCommand({
  name: 'tag',
  summary: 'One tag: what it is built from, its other names, architectures, and its Docker Hub digest and push time; or which tags carry a digest',
  usage: 'tag <name>[:<tag>] or tag <name>@sha256:<digest>',
  args: imageRefWords,
  async run(ctx, words, catalog) {
    const byDigest = splitDigestRef(words[0]!);
    if (byDigest) return digestReply(ctx, catalog, requireImage(catalog, byDigest.image), byDigest.digest);
    const { image, info } = await requireTagRef(ctx, catalog, words, 'tag <name>:<tag>');
    return tagReply(ctx, catalog, image, info, await hubTag(ctx, info.image, info.tag));
  },
});

export const arches = defineCatalogCommand({
  name: 'arches',
  aliases: ['archs'],
  summary: 'Per architecture: published (digest, age), supported but not yet published, or not supported',
  usage: 'arches <name>[:<tag>]',
  args: imageRefWords,
  async run(ctx, words, catalog) {
    const { info } = await requireTagRef(ctx, catalog, words, 'arches <name>:<tag>');
    return archesReply(ctx, catalog, info, await hubTag(ctx, info.image, info.tag));
  },
});
