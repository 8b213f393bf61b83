import type { BashbrewArch } from '../src/catalog/arch.js';
import { splitImageRef, type Catalog } from '../src/catalog/catalog.js';
import type { CommandContext, Reply } from '../src/dispatch/command.js';
import type { FreeformHandler } from '../src/dispatch/dispatcher.js';
import { ARCH_ALIASES, archesReply, catalogOf, hubTag, requireTag } from './catalog-common.js';
import { image as imageCommand } from './image.js';
import { tag as tagCommand } from './tag.js';
import { tags as tagsCommand } from './tags.js';

/** Questions about future versions belong to `when`, which another handler answers. */
const NOT_MINE = /\bwhen will\b|\bavailable\b/i;
const ARCH_WORDS = /\b(arch(itecture)?s?|platforms?|run(s|ning)? on|arm)\b/i;
const WHEN_WORDS = /\b(when|last (published|pushed|updated|built)|published|pushed|updated|digest|right now|currently|latest)\b/i;
const TAGS_WORDS = /\b(tags|versions|variants|flavou?rs)\b/i;
const WHAT_WORDS = /\b(what|which|about|tell me|info|describe)\b|\?/i;
const MAX_WORDS = 40;

/**
 * Answers addressed questions that name an image or image:tag, with the most fitting catalog
 * command: "does node:22-alpine run on arm64?" -> arches (with a yes/no first), "what is
 * python:3 right now?" -> tag, "when was nginx last published?" -> tag of latest,
 * "which tags does postgres have?" -> tags, "what is traefik?" -> image.
 */
export const catalogQuestions: FreeformHandler = {
  name: 'catalog',
  async tryAnswer(ctx, text) {
    if (NOT_MINE.test(text) || !ctx.services.catalog) return undefined;
    const words = questionWords(text);
    let catalog: Catalog;
    try {
      catalog = await catalogOf(ctx);
    } catch {
      return undefined;
    }
    const ref = findRef(catalog, words);
    if (!ref) return undefined;

    const focus = words.map((w) => ARCH_ALIASES[w.toLowerCase()]).find((a): a is BashbrewArch => a !== undefined);
    if (focus || ARCH_WORDS.test(text)) return arches(ctx, catalog, ref.image, ref.tag, focus);
    if (ref.tag) return tagCommand.invoke(ctx, [`${ref.image}:${ref.tag}`]);
    if (WHEN_WORDS.test(text) && catalog.tag(ref.image, 'latest')) return tagCommand.invoke(ctx, [`${ref.image}:latest`]);
    if (TAGS_WORDS.test(text)) return tagsCommand.invoke(ctx, [ref.image]);
    if (WHAT_WORDS.test(text)) return imageCommand.invoke(ctx, [ref.image]);
    return undefined;
  },
};

/** The words of a question, without the quotes and punctuation around them. */
export function questionWords(text: string): string[] {
  return text
    .split(/\s+/)
    .slice(0, MAX_WORDS)
    .map((w) => w.replace(/^[("'`]+|[)"'`?!.,;]+$/g, ''))
    .filter(Boolean);
}

/** The first image:tag naming a known image, else the first word that is an image name. */
export function findRef(catalog: Catalog, words: readonly string[]): { image: string; tag: string | undefined } | undefined {
  for (const w of words) {
    const { image, tag } = splitImageRef(w);
    if (tag && catalog.image(image)) return { image: catalog.image(image)!.name, tag };
  }
  for (const w of words) {
    const found = catalog.image(w);
    if (found) return { image: found.name, tag: undefined };
  }
  return undefined;
}

async function arches(ctx: CommandContext, catalog: Catalog, imageName: string, tag: string | undefined, focus: BashbrewArch | undefined): Promise<Reply> {
  const image = catalog.image(imageName)!;
  const info = await requireTag(ctx, catalog, image, tag ?? (catalog.tag(image.name, 'latest') ? 'latest' : image.tags[0]), 'arches <name>:<tag>');
  return archesReply(ctx, info, await hubTag(ctx, info.image, info.tag), focus);
}
