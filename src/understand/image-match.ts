/**
 * Which official image a question is about, only with evidence: `name:tag` beats a plain name,
 * which beats a typo of one, which beats an everyday word that happens to be an image name
 * ("docker content trust", "which python tags are alpine") and counts only in an image position.
 */
import { normaliseImageName, splitImageRef } from '../catalog/catalog.js';
import { COMMON_WORDS, COMPOUND_NEXT, GENERIC_IMAGE_NAMES, IMAGE_ALIASES, IMAGE_NOUNS, IMAGE_POINTERS } from './vocabulary.js';
import { uniqueClosest, type Word } from './words.js';

/** What the classifier needs of the catalog (a `Catalog` fits). */
export interface CatalogView {
  names(): readonly string[];
  image(name: string): { readonly name: string; readonly tags: readonly string[]; readonly sharedTags: readonly string[] } | undefined;
}

export interface ImageFound {
  readonly image?: string;
  /** The tag as the catalog spells it when it knows it, else as typed. */
  readonly tag?: string;
  /** Index of the word naming the image. */
  readonly at?: number;
  /** The word after the image when it reads as a version ("python 3.14.1"). */
  readonly versionAfter?: string;
  readonly unknownImage?: string;
}

const REPLACEMENT_WORDS: ReadonlySet<string> = new Set(['alternative', 'alternatives', 'instead', 'successor', 'replacement', 'replacements']);

/** Evidence ranks: a higher rank wins; ties go to the earlier word. */
const RANK = { ref: 4, name: 3, typo: 2, generic: 1 } as const;

interface Candidate {
  readonly image: string;
  readonly at: number;
  readonly rank: number;
  readonly tag?: string;
}

export function findImage(words: readonly Word[], catalog: CatalogView): ImageFound {
  const candidates: Candidate[] = [];
  let unknownImage: string | undefined;
  words.forEach((word, at) => {
    const ref = refIn(word);
    if (ref) {
      const image = imageNamed(catalog, ref.name) ?? typoOf(catalog, ref.name);
      if (image) candidates.push({ image, at, rank: RANK.ref, tag: tagOf(catalog, image, ref.tag) });
      else if (unknownImage === undefined) unknownImage = ref.name;
      return;
    }
    const pair = at + 1 < words.length ? `${word.text} ${words[at + 1]!.text}` : undefined;
    const exact = imageNamed(catalog, word.text) ?? (pair !== undefined ? imageNamed(catalog, pair) : undefined);
    if (exact) {
      if (!GENERIC_IMAGE_NAMES.has(exact)) candidates.push({ image: exact, at, rank: RANK.name });
      else if (genericEvidence(words, at)) candidates.push({ image: exact, at, rank: RANK.generic });
      return;
    }
    const typo = typoOf(catalog, word.text);
    if (typo && !GENERIC_IMAGE_NAMES.has(typo)) candidates.push({ image: typo, at, rank: RANK.typo });
  });
  const best = candidates.sort((a, b) => b.rank - a.rank || a.at - b.at)[0];
  if (!best) return unknownImage !== undefined ? { unknownImage } : {};
  const next = words[best.at + 1];
  const found: { image: string; at: number; tag?: string; versionAfter?: string } = { image: best.image, at: best.at };
  if (best.tag !== undefined) found.tag = best.tag;
  else if (next && /^v?\d/.test(next.text)) {
    const tag = tagOf(catalog, best.image, next.raw);
    if (catalog.image(best.image)!.tags.includes(tag) || catalog.image(best.image)!.sharedTags.includes(tag)) found.tag = tag;
    found.versionAfter = next.text.replace(/^v(?=\d)/, '');
  }
  return found;
}

/** `python:3.13`, `library/python:3.13`, `docker.io/library/python:3.13` (not a URL, not a time). */
function refIn(word: Word): { name: string; tag: string } | undefined {
  if (!word.raw.includes(':') || word.raw.includes('://')) return undefined;
  const { image, tag } = splitImageRef(word.raw);
  const name = normaliseImageName(image);
  if (!name || !/[a-z]/.test(name) || !tag || !/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  return { name, tag };
}

function imageNamed(catalog: CatalogView, text: string): string | undefined {
  // Own keys only: "__proto__" or "constructor" typed in chat must not reach Object.prototype.
  const alias = Object.hasOwn(IMAGE_ALIASES, text) ? IMAGE_ALIASES[text] : undefined;
  return catalog.image(alias ?? text)?.name;
}

/** A unique close image name for a word that is no everyday word: "pyhton", "postgress". */
function typoOf(catalog: CatalogView, word: string): string | undefined {
  if (word.length < 5 || COMMON_WORDS.has(word) || /[\d:/#']/.test(word)) return undefined;
  return uniqueClosest(word, catalog.names(), word.length >= 8 ? 2 : 1);
}

/** The catalog's spelling of a tag ("8.5.10rc1" -> "8.5.10RC1"), or the tag as typed. */
function tagOf(catalog: CatalogView, image: string, typed: string): string {
  const info = catalog.image(image);
  if (!info) return typed;
  const all = [...info.tags, ...info.sharedTags];
  return all.includes(typed) ? typed : (all.find((t) => t.toLowerCase() === typed.toLowerCase()) ?? typed);
}

/**
 * An everyday word is the image when it stands where an image name stands: "busybox tags",
 * "the alpine image", "is unit deprecated", "what is alpine" — not "docker content trust".
 * `docker` is so common that only "docker tags" or `docker:tag` name the image.
 */
function genericEvidence(words: readonly Word[], at: number): boolean {
  const word = words[at]!.text;
  const prev = words[at - 1]?.text;
  const next = words[at + 1]?.text;
  if (word === 'docker') return next === 'tags' || next === 'tag' || (prev === 'the' && next === 'image');
  if (next !== undefined && IMAGE_NOUNS.has(next)) return true;
  // "the alternative to notary", "what to use instead of unit"
  if (next === undefined && (prev === 'to' || prev === 'of' || prev === 'for') && REPLACEMENT_WORDS.has(words[at - 2]?.text ?? '')) return true;
  if (prev === undefined || !IMAGE_POINTERS.has(prev)) return false;
  return next === undefined || !COMPOUND_NEXT.has(next);
}
