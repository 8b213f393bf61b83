import type { Catalog, ImageInfo } from '../src/catalog/catalog.js';
import { capList, rt, type Line } from '../src/core/richtext.js';
import type { CommandContext, Reply } from '../src/dispatch/command.js';
import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import { age, catalogOf, echo, hubTag, pushedAt, requireImage } from './catalog-common.js';
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
  const ref = `${image.name}:${echo(tag)}`;
  const hints = currentLike(image, tag);
  const lines: Line[] = [
    rt.line(
      rt.bold(ref),
      ` is not in the current ${image.name} manifest, so it gets no more updates; tags leave when the maintainers stop building that version, usually at its upstream end of life.`,
    ),
  ];
  const hub = /^\w[\w.-]{0,127}$/.test(tag) ? await hubTag(ctx, image.name, tag) : { kind: 'absent' as const };
  const pushed = hub.kind === 'found' ? pushedAt(hub.tag) : undefined;
  const hubText =
    hub.kind === 'found'
      ? `Docker Hub still serves its last build${pushed ? ` (pushed ${age(ctx, pushed)})` : ''}`
      : hub.kind === 'absent'
        ? 'Docker Hub has no such tag either'
        : `Docker Hub data missing (${hub.why})`;
  lines.push(rt.line(`${hubText}.${hints.length ? ` Maintained: ${capList(hints, 5)}.` : ''}`));
  return { lines };
}

/** Maintained tags of the same shape ("3.8" -> 3.14, 3.13, ...), else the closest names. */
function currentLike(image: ImageInfo, tag: string): string[] {
  const shape = /^(\d+)(\.\d+)*$/.exec(tag);
  if (shape) {
    const depth = tag.split('.').length;
    const same = [...image.tags, ...image.sharedTags].filter((t) => /^\d+(\.\d+)*$/.test(t) && t.split('.').length === depth);
    if (same.length) return [...new Set(same)].slice(0, 5);
  }
  return [];
}

function deprecated(image: ImageInfo): Reply {
  if (!image.deprecation) {
    return rt.of(rt.line(rt.bold('No'), `: ${image.name} has no deprecation notice in its docs; it has ${image.tags.length} maintained tags.`));
  }
  const alternatives = [...image.deprecation.matchAll(/https:\/\/hub\.docker\.com\/_\/([a-z0-9][a-z0-9._-]*)/g)].map((m) => m[1]!);
  const unique = [...new Set(alternatives)].filter((a) => a !== image.name);
  return rt.of(
    rt.line(rt.bold(image.name), `: ${firstSentence(image.deprecation)}`),
    ...(unique.length ? [rt.line(`Official alternatives named in its docs: ${capList(unique, 8)}.`)] : []),
  );
}
