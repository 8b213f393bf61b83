import { z } from 'zod';
import { rt } from '../src/core/richtext.js';
import { defineCommand } from '../src/dispatch/command.js';
import { archesReply, catalogOf, describeTag, hubLine, hubTag, refFromWords, requireImage, requireTag } from './catalog-common.js';

const refArgs = z.array(z.string().min(1)).min(1).max(2);

export const tag = defineCommand({
  name: 'tag',
  summary: 'One tag: what it points to, its architectures, and its Docker Hub digest and push time',
  usage: 'tag <name>:<tag>',
  access: 'anyone',
  args: refArgs,
  async run(ctx, words) {
    const catalog = await catalogOf(ctx);
    const ref = refFromWords(words);
    const image = requireImage(catalog, ref.image);
    const info = await requireTag(ctx, catalog, image, ref.tag, 'tag <name>:<tag>');
    const hub = await hubTag(ctx, info.image, info.tag);
    return rt.of(...describeTag(info), hubLine(ctx, `${info.image}:${info.tag}`, hub, info));
  },
});

export const arches = defineCommand({
  name: 'arches',
  aliases: ['archs'],
  summary: 'Per architecture: published (digest, age), supported but not yet published, or not supported',
  usage: 'arches <name>:<tag>',
  access: 'anyone',
  args: refArgs,
  async run(ctx, words) {
    const catalog = await catalogOf(ctx);
    const ref = refFromWords(words);
    const image = requireImage(catalog, ref.image);
    const info = await requireTag(ctx, catalog, image, ref.tag ?? (catalog.tag(image.name, 'latest') ? 'latest' : undefined), 'arches <name>:<tag>');
    return archesReply(ctx, info, await hubTag(ctx, info.image, info.tag));
  },
});
