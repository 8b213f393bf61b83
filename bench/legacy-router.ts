/**
 * The free-form routing as it was before src/understand (commands/catalog-freeform.ts and
 * commands/pr-freeform.ts at ee422a8), reduced to the decision it made, so bench/understand.ts
 * can score both on the same corpus. Bench-only: nothing else imports it.
 */
import { ARCH_ALIASES, type BashbrewArch } from '../src/catalog/arch.js';
import { splitImageRef, type Catalog } from '../src/catalog/catalog.js';
import { parseWhenQuestion, prNumberIn } from '../src/prs/pure.js';
import type { Understood } from '../src/understand/types.js';

const NOT_MINE = /\bwhen will\b|\bavailable\b/i;
const ARCH_WORDS = /\b(arch(itecture)?s?|platforms?|run(s|ning)? on|arm)\b/i;
const WHEN_WORDS = /\b(when|last (published|pushed|updated|built)|published|pushed|updated|digest|right now|currently|latest)\b/i;
const TAGS_WORDS = /\b(tags|versions|variants|flavou?rs)\b/i;
const WHAT_WORDS = /\b(what|which|about|tell me|info|describe)\b|\?/i;

export function legacyRoute(text: string, catalog: Catalog): Understood {
  const pr = prNumberIn(text, 'docker-library/official-images');
  if (pr !== undefined) return { intent: 'pr', pr };
  const when = parseWhenQuestion(text);
  const whenImage = when ? catalog.image(when.image) : undefined;
  if (when && whenImage) return { intent: 'when', image: whenImage.name, version: when.version };
  if (NOT_MINE.test(text)) return { intent: 'unknown' };
  const words = text
    .split(/\s+/)
    .slice(0, 40)
    .map((w) => w.replace(/^[("'`]+|[)"'`?!.,;]+$/g, ''))
    .filter(Boolean);
  const ref = findRef(catalog, words);
  if (!ref) return { intent: 'unknown' };
  const image = ref.image;
  const focus = words.map((w) => ARCH_ALIASES[w.toLowerCase()]).find((a): a is BashbrewArch => a !== undefined);
  if (focus || ARCH_WORDS.test(text)) return { intent: 'arches', image, ...(ref.tag ? { tag: ref.tag } : {}), ...(focus ? { arch: focus } : {}) };
  if (ref.tag) return { intent: 'tag', image, tag: ref.tag };
  if (WHEN_WORDS.test(text) && catalog.tag(image, 'latest')) return { intent: 'last-published', image };
  if (TAGS_WORDS.test(text)) return { intent: 'tags', image };
  if (WHAT_WORDS.test(text)) return { intent: 'image-info', image };
  return { intent: 'unknown' };
}

function findRef(catalog: Catalog, words: readonly string[]): { image: string; tag: string | undefined } | undefined {
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
