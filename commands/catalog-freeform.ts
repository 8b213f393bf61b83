import type { BashbrewArch } from '../src/catalog/arch.js';
import type { Catalog } from '../src/catalog/catalog.js';
import type { CommandContext, Reply } from '../src/dispatch/command.js';
import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import { archesReply } from './catalog-answers.js';
import { catalogOf, hubTag, requireImage } from './catalog-common.js';
import { requireTag } from './catalog-tag.js';
import { image as imageCommand } from './image.js';
import { lastPublishedReply } from './last-published.js';
import { latestVersionReply } from './latest-version.js';
import { tag as tagCommand } from './tag.js';
import { tags as tagsCommand } from './tags.js';
import { variantTagsReply } from './tags-variant.js';

/**
 * Catalog questions, on what the classifier understood: "does node:22-alpine run on arm64?" ->
 * arches with a yes/no first, "what is python:3 right now?" -> tag, "when was nginx last
 * published?" -> tag of latest, "which python tags are alpine?" -> tags filtered by the variant,
 * "what's the latest node?" -> the version behind latest, "what is traefik?" -> image.
 */
export const catalogQuestions: FreeformHandler = {
  name: 'catalog',
  async tryAnswer(ctx, _text, u) {
    if (!ctx.services.catalog) return undefined;
    if (u.intent === 'unknown' && u.unknownImage !== undefined) {
      // "nosuchimage:1.0 on arm64?": say there is no such image, with "did you mean".
      requireImage(await catalogOf(ctx), u.unknownImage);
      return undefined;
    }
    if (u.image === undefined) return undefined;
    switch (u.intent) {
      case 'image-info':
        return imageCommand.invoke(ctx, [u.image]);
      case 'tags':
        return u.filter ? variantTagsReply(ctx, u.image, u.filter) : tagsCommand.invoke(ctx, [u.image]);
      case 'tag':
        return tagCommand.invoke(ctx, [`${u.image}:${u.tag ?? 'latest'}`]);
      case 'arches':
        return arches(ctx, await catalogOf(ctx), u.image, u.tag, u.arch);
      case 'last-published':
        return lastPublished(ctx, await catalogOf(ctx), u.image, u.tag);
      case 'latest-version':
        return latestVersionReply(ctx, u.image, u.filter);
      default:
        return undefined;
    }
  },
};

/** Of the tag asked about; without a tag, of latest (or the first tag). */
async function lastPublished(ctx: CommandContext, catalog: Catalog, imageName: string, tag: string | undefined): Promise<Reply> {
  const image = requireImage(catalog, imageName);
  const info = await requireTag(ctx, catalog, image, tag ?? defaultTag(catalog, image.name, image.tags), 'tag <name>:<tag>');
  return lastPublishedReply(ctx, catalog, image, info, await hubTag(ctx, info.image, info.tag));
}

async function arches(ctx: CommandContext, catalog: Catalog, imageName: string, tag: string | undefined, focus: BashbrewArch | undefined): Promise<Reply> {
  const image = requireImage(catalog, imageName);
  const info = await requireTag(ctx, catalog, image, tag ?? defaultTag(catalog, image.name, image.tags), 'arches <name>:<tag>');
  return archesReply(ctx, catalog, info, await hubTag(ctx, info.image, info.tag), focus);
}

function defaultTag(catalog: Catalog, image: string, tags: readonly string[]): string {
  return catalog.tag(image, 'latest') ? 'latest' : (tags[0] ?? 'latest');
}
