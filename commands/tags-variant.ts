import type { Catalog } from '../src/catalog/catalog.js';
import { UserError } from '../src/core/errors.js';
import { capList, rt } from '../src/core/richtext.js';
import type { CommandContext, Reply } from '../src/dispatch/command.js';
import type { TagFilter } from '../src/understand/types.js';
import { catalogOf, requireImage } from './catalog-common.js';
import { hubTagsUrl } from './catalog-fit.js';

/** Enough to see the shape in a chat line or two. */
const MAX_SHOWN = 15;

/** Windows tags name their base image, never the word "windows". */
const GLOBS: Partial<Record<TagFilter, readonly string[]>> = { windows: ['*windowsservercore*', '*nanoserver*'] };

/** The tags of an image that are a variant ("which python tags are alpine?"), key fact first. */
export async function variantTagsReply(ctx: CommandContext, imageName: string, filter: TagFilter): Promise<Reply> {
  const catalog = await catalogOf(ctx);
  const image = requireImage(catalog, imageName);
  const matches = variantTags(catalog, image.name, filter);
  if (!matches.length) {
    throw new UserError('catalog.no-variant', `No ${image.name} tag is a ${filter} variant (${image.tags.length} tags; try "tags ${image.name}").`);
  }
  const answer = rt.of(rt.line(rt.bold(image.name), ` has ${matches.length} ${filter} ${matches.length === 1 ? 'tag' : 'tags'}: ${capList(matches, MAX_SHOWN)}.`));
  // Hub filters by one substring: a variant spelled by several globs gets the unfiltered page.
  const globs = GLOBS[filter];
  return { ...answer, wholeAnswerUrl: hubTagsUrl(image.name, globs ? undefined : filter) };
}

export function variantTags(catalog: Catalog, image: string, filter: TagFilter): string[] {
  const globs = GLOBS[filter] ?? [`*${filter}*`];
  return [...new Set(globs.flatMap((g) => catalog.matchTags(image, g)))];
}
