/**
 * What a subscription rule may contain, checked the same way wherever a rule comes from: the
 * `subscribe` command, the config file's seeds, and rows already stored (repaired at start).
 */
import { EVENT_KINDS } from '../core/events.js';
import { GLOB_LIMITS, collapseStars, globLimitProblem, globMatch } from '../core/glob.js';

const IMAGE_CHARS = /^[a-z0-9*?][a-z0-9._*?-]*$/;
const KIND_CHARS = /^(\*|(pr|image)(\.[a-z*?-]+)*)$/;

/** Why an image name or glob is refused, or undefined. Expects the normalised (lowercase) form. */
export function imagePatternProblem(pattern: string): string | undefined {
  if (!IMAGE_CHARS.test(pattern)) return 'is not an image name or glob (like python, node*, *)';
  return globLimitProblem(pattern);
}

/** Why an event kind or glob is refused, or undefined. Expects the normalised (lowercase) form. */
export function eventPatternProblem(pattern: string): string | undefined {
  const limit = globLimitProblem(pattern);
  if (limit) return limit;
  if (!KIND_CHARS.test(pattern) || !EVENT_KINDS.some((k) => globMatch(pattern, k))) {
    return `matches no event kind (kinds: ${EVENT_KINDS.join(', ')}; globs like pr.* work)`;
  }
  return undefined;
}

/** Lowercase, trimmed, runs of `*` collapsed: the same rule however it was typed. */
export function normalisePattern(pattern: string): string {
  return collapseStars(pattern.trim().toLowerCase());
}

/** Patterns in one rule's image list or event list. */
export const MAX_PATTERNS_PER_RULE = 20;

/** Why a list of patterns (already normalised) is refused, or undefined. */
export function patternListProblem(patterns: readonly string[], problemOf: (p: string) => string | undefined): string | undefined {
  if (patterns.length === 0) return 'No pattern given';
  if (patterns.length > MAX_PATTERNS_PER_RULE) return `Too many patterns (${patterns.length}); at most ${MAX_PATTERNS_PER_RULE} per list`;
  for (const p of patterns) {
    const problem = problemOf(p);
    if (problem) return `"${p.slice(0, 40)}" ${problem}`;
  }
  return undefined;
}

/** For help texts: the limits in words. */
export const PATTERN_LIMITS_TEXT = `at most ${GLOB_LIMITS.maxLength} characters and ${GLOB_LIMITS.maxWildcards} wildcards per pattern`;

export interface RepairedPatterns {
  /** Normalised patterns that pass, at most MAX_PATTERNS_PER_RULE, in their order. */
  readonly kept: readonly string[];
  /** What was left out, and why, for the log. */
  readonly dropped: readonly string[];
}

/**
 * A stored list (JSON already parsed, so anything) reduced to the patterns a rule may hold
 * today: rules written before the limits existed, or edited by hand, must not hang matching.
 */
export function repairPatterns(stored: unknown, problemOf: (p: string) => string | undefined): RepairedPatterns {
  if (!Array.isArray(stored)) return { kept: [], dropped: ['not a list'] };
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const item of stored as unknown[]) {
    const p = typeof item === 'string' ? normalisePattern(item) : '';
    const problem = p ? problemOf(p) : 'is not a pattern';
    const shown = JSON.stringify(item).slice(0, 40);
    if (problem) dropped.push(`${shown} ${problem}`);
    else if (kept.length >= MAX_PATTERNS_PER_RULE) dropped.push(`${shown} is over ${MAX_PATTERNS_PER_RULE} patterns`);
    else if (!kept.includes(p)) kept.push(p);
  }
  return { kept, dropped };
}
