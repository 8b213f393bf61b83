import type { Catalog, ImageInfo } from '../src/catalog/catalog.js';
import { capList, rt } from '../src/core/richtext.js';
import type { CommandContext, Reply } from '../src/dispatch/command.js';
import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import { catalogOf, requireImage } from './catalog-common.js';
import { goneTagText } from './catalog-gone.js';
import { firstSentence } from '../src/catalog/deprecation.js';
import { tag as tagCommand } from './tag.js';

/**
 * Questions about an image's or a tag's life: "why is python:3.8 gone?" (tag-gone) and "what
 * replaces openjdk?" (deprecated). The reasons come from the manifest, Docker Hub and the docs'
 * deprecation notice; a reason the data does not give is not made up.
 */
export const lifecycleQuestions: FreeformHandler = {
  name: 'lifecycle',
  async tryAnswer(ctx, _text, u) {
    if (!ctx.services.catalog || u.image === undefined) return undefined;
    if (u.intent === 'tag-gone' && u.tag !== undefined) return tagGone(ctx, await catalogOf(ctx), u.image, u.tag);
    if (u.intent === 'deprecated') return deprecated(requireImage(await catalogOf(ctx), u.image));
    return undefined;
  },
};

async function tagGone(ctx: CommandContext, catalog: Catalog, imageName: string, tag: string): Promise<Reply> {
  const image = requireImage(catalog, imageName);
  if (catalog.tag(image.name, tag)) {
    const answer = await tagCommand.invoke(ctx, [`${image.name}:${tag}`]);
    const still = rt.line(rt.bold(`${image.name}:${tag}`), ' is still maintained: it is in the current manifest.');
    return { lines: [still, ...(answer?.lines.slice(1) ?? [])] };
  }
  // The same explanation `tag` gives: when it left (if the bot saw it), Hub, what is maintained now.
  return rt.of((await goneTagText(ctx, catalog, image, tag)).text);
}

function deprecated(image: ImageInfo): Reply {
  if (!image.deprecation) {
    return rt.of(rt.line(rt.bold('No'), `: ${image.name} has no deprecation notice in its docs; it has ${image.tags.length} maintained tags.`));
  }
  const unique = image.deprecationAlternatives;
  return rt.of(
    rt.line(rt.bold(image.name), `: ${firstSentence(image.deprecation)}`),
    ...(unique.length ? [rt.line(`Official alternatives named in its docs: ${capList(unique, 8)}.`)] : []),
  );
}
