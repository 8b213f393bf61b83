/**
 * The one glob matcher of the project: `*` any run of characters, `?` exactly one, everything
 * else literal. Patterns come from chat and config files, so no RegExp is ever built from them:
 * a pattern like `*a*a*a*a*b` compiles to a regex that backtracks exponentially.
 *
 * Two pointers with single-star backtracking: a mismatch rewinds only to the latest `*`, never
 * to earlier ones (an earlier star can always absorb what a later one would have), so the work
 * is at most (pattern length + 1) x (text length + 1) steps, and with patterns capped at
 * GLOB_LIMITS.maxLength that is linear in the text.
 */

export interface GlobLimits {
  readonly maxLength: number;
  /** `*` and `?` together, after runs of `*` are collapsed. */
  readonly maxWildcards: number;
}

/** What the bot accepts from people: room for `*-alpine*`, `pr.review.*`, `node??*`. */
export const GLOB_LIMITS: GlobLimits = { maxLength: 64, maxWildcards: 8 };

export interface GlobMatchOptions {
  /** Compare case-insensitively (image names, event kinds); tags are case-sensitive. */
  readonly ignoreCase?: boolean;
  /** Adds the number of comparison steps taken, so tests can prove the bound. */
  readonly steps?: { count: number };
}

export function globMatch(pattern: string, text: string, opts: GlobMatchOptions = {}): boolean {
  const p = opts.ignoreCase ? pattern.toLowerCase() : pattern;
  const t = opts.ignoreCase ? text.toLowerCase() : text;
  let steps = 0;
  let pi = 0;
  let ti = 0;
  let starP = -1;
  let starT = 0;
  let matched: boolean | undefined;
  while (ti < t.length) {
    steps++;
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      starP = pi++;
      starT = ti;
    } else if (starP >= 0) {
      pi = starP + 1;
      ti = ++starT;
    } else {
      matched = false;
      break;
    }
  }
  if (matched === undefined) {
    while (pi < p.length && p[pi] === '*') {
      steps++;
      pi++;
    }
    matched = pi === p.length;
  }
  if (opts.steps) opts.steps.count += steps;
  return matched;
}

/** Runs of `*` mean the same as one; collapsing them is a safe repair. */
export function collapseStars(pattern: string): string {
  return pattern.replace(/\*{2,}/g, '*');
}

export function wildcardCount(pattern: string): number {
  let n = 0;
  for (const c of collapseStars(pattern)) if (c === '*' || c === '?') n++;
  return n;
}

/** Why a pattern is refused (too long, too many wildcards), or undefined when it is fine. */
export function globLimitProblem(pattern: string, limits: GlobLimits = GLOB_LIMITS): string | undefined {
  if (pattern.length > limits.maxLength) return `is longer than ${limits.maxLength} characters`;
  if (wildcardCount(pattern) > limits.maxWildcards) return `has more than ${limits.maxWildcards} wildcards (* and ?)`;
  return undefined;
}
