import { z } from 'zod';
import { defineCommand } from '../src/dispatch/command.js';
import { archesReply, tagReply } from './catalog-answers.js';
import { catalogOf, hubTag, refFromWords, requireImage } from './catalog-common.js';
import { requireTag } from './catalog-tag.js';
import { digestReply, splitDigestRef } from './catalog-digest.js';

const refArgs = z.array(z.string().min(1)).min(1).max(2);

export const tag = defineCommand({
  name: 'tag',
  summary: 'One tag: what it is built from, its other names, architectures, and its Docker Hub digest and push time; or which tags carry a digest',
  usage: 'tag <name>[:<tag>] or tag <name>@sha256:<digest>',
  access: 'anyone',
  args: refArgs,
  async run(ctx, words) {
    const catalog = await catalogOf(ctx);
    const byDigest = splitDigestRef(words[0]!);
    if (byDigest) return digestReply(ctx, catalog, requireImage(catalog, byDigest.image), byDigest.digest);
    const ref = refFromWords(words);
    const image = requireImage(catalog, ref.image);
    const info = await requireTag(ctx, catalog, image, ref.tag, 'tag <name>:<tag>');
    return tagReply(ctx, catalog, image, info, await hubTag(ctx, info.image, info.tag));
  },
});

export const arches = defineCommand({
  name: 'arches',
  aliases: ['archs'],
  summary: 'Per architecture: published (digest, age), supported but not yet published, or not supported',
  usage: 'arches <name>[:<tag>]',
  access: 'anyone',
  args: refArgs,
  async run(ctx, words) {
    const catalog = await catalogOf(ctx);
    const ref = refFromWords(words);
    const image = requireImage(catalog, ref.image);
    const info = await requireTag(ctx, catalog, image, ref.tag, 'arches <name>:<tag>');
    return archesReply(ctx, catalog, info, await hubTag(ctx, info.image, info.tag));
  },
});
