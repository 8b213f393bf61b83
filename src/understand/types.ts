/**
 * What the free-form classifier makes of an addressed question. Pure data: the classifier fills
 * it, free-form handlers (commands/*-freeform.ts) answer on it.
 */
import type { BashbrewArch } from '../catalog/arch.js';

/**
 * Every intent, in the order `help`-like texts list them. `trust`, `proposals` and `knowledge`
 * are reserved for handlers of signing, new-image proposals and general questions: the
 * classifier may return them and the corpus may expect them before those handlers exist.
 */
export const INTENTS = [
  'image-info',
  'tags',
  'tag',
  'arches',
  'last-published',
  'when',
  'tag-gone',
  'latest-version',
  'deprecated',
  'cve',
  'pr',
  'prs',
  'queue',
  'feedback-howto',
  'help',
  'trust',
  'proposals',
  'knowledge',
  'mistyped-command',
  'unknown',
] as const;

export type Intent = (typeof INTENTS)[number];

/** A variant word that filters tags ("which python tags are alpine?"). */
export const TAG_FILTERS = ['alpine', 'slim', 'windows', 'bookworm', 'bullseye', 'trixie', 'jammy', 'noble', 'jdk', 'jre', 'fpm', 'apache', 'zts', 'musl', 'glibc', 'uclibc', 'oracle'] as const;
export type TagFilter = (typeof TAG_FILTERS)[number];

export interface Understood {
  readonly intent: Intent;
  /** A catalog image the question is about, only when the text gives evidence for it. */
  readonly image?: string;
  /** Written as `name:tag` (or `name version` naming a real tag). */
  readonly tag?: string;
  readonly arch?: BashbrewArch;
  readonly filter?: TagFilter;
  /** A version on its way ("when will python 3.14.1 be available?"). */
  readonly version?: string;
  readonly pr?: number;
  /** `name:tag` whose name is no official image: worth a "did you mean", never an answer. */
  readonly unknownImage?: string;
  /** For `mistyped-command`: the command name the first word is a slip of ("tags" for "tgas"). */
  readonly command?: string;
  /** For `mistyped-command`: the first word as typed. */
  readonly typed?: string;
}

export function isIntent(value: string): value is Intent {
  return (INTENTS as readonly string[]).includes(value);
}
