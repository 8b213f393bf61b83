/**
 * The tag the user meant, or a UserError that explains why there is none. Kept apart from
 * catalog-common.ts because it needs catalog-gone.ts, which needs catalog-common.ts.
 */
import type { Catalog, ImageInfo, TagInfo } from '../src/catalog/catalog.js';
import { UserError } from '../src/core/errors.js';
import type { CommandContext } from '../src/dispatch/command.js';
import { refFromWords, requireImage } from './catalog-common.js';
import { noTagsReason } from './catalog-fit.js';
import { goneTagText } from './catalog-gone.js';

/**
 * The Tag (or SharedTag) the user asked for; no tag means `latest`, as docker does. A tag not in
 * the manifest becomes a UserError that explains it (catalog-gone.ts).
 */
export async function requireTag(ctx: CommandContext, catalog: Catalog, image: ImageInfo, tagText: string | undefined, usage: string): Promise<TagInfo> {
  if (!image.entries.length) {
    throw new UserError('catalog.no-tags', `${image.name} has no tags: ${noTagsReason(image)}.${image.deprecation !== undefined ? ` It is deprecated (see "image ${image.name}").` : ''}`);
  }
  if (tagText === undefined || tagText === '') {
    const latest = catalog.tag(image.name, 'latest');
    if (latest) return latest;
    throw new UserError('catalog.no-tag', `${image.name} has no "latest" tag: which tag? Usage: ${usage} (for example ${image.name}:${image.tags[0] ?? '?'}).`);
  }
  const info = catalog.tag(image.name, tagText);
  if (info) return info;
  const gone = await goneTagText(ctx, catalog, image, tagText);
  throw new UserError(gone.code, gone.text);
}

/** The image and tag that `<image>[:tag]` or `<image> <tag>` words name (no tag: `latest`). */
export async function requireTagRef(ctx: CommandContext, catalog: Catalog, words: readonly string[], usage: string): Promise<{ image: ImageInfo; info: TagInfo }> {
  const ref = refFromWords(words);
  const image = requireImage(catalog, ref.image);
  return { image, info: await requireTag(ctx, catalog, image, ref.tag, usage) };
}
