import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImagePublishedEvent } from '../../../src/core/events.js';
import { GLOB_LIMITS, collapseStars, globLimitProblem, globMatch } from '../../../src/core/glob.js';
import { subscriptionMatches } from '../../../src/subscriptions/model.js';

/** Textbook dynamic programming over (pattern prefix, text prefix): slow, obviously right. */
function referenceMatch(p: string, t: string): boolean {
  let row = [true, ...Array.from({ length: t.length }, () => false)];
  for (const c of p) {
    const next = [c === '*' && row[0]!];
    for (let j = 1; j <= t.length; j++) {
      next[j] = c === '*' ? row[j]! || next[j - 1]! : row[j - 1]! && (c === '?' || c === t[j - 1]);
    }
    row = next;
  }
  return row[t.length]!;
}

const pathological = (stars: number) => `${'*a'.repeat(stars)}*b`;

describe('globMatch', () => {
  it('agrees with the reference matcher on random patterns and texts', () => {
    const alphabet = fc.constantFrom('a', 'b', '-', '.');
    fc.assert(
      fc.property(fc.array(fc.oneof(alphabet, fc.constant('*'), fc.constant('?')), { maxLength: 10 }), fc.array(alphabet, { maxLength: 14 }), (p, t) => {
        expect(globMatch(p.join(''), t.join(''))).toBe(referenceMatch(p.join(''), t.join('')));
      }),
      { numRuns: 2000 },
    );
  });

  it('knows the shell basics, and a * in the text is not a wildcard', () => {
    expect(globMatch('a*b?c', 'axxbyc')).toBe(true);
    expect(globMatch('a*b?c', 'axxbc')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('', 'x')).toBe(false);
    expect(globMatch('a', '*')).toBe(false);
    expect(globMatch('Node*', 'node-alpine')).toBe(false);
    expect(globMatch('Node*', 'node-alpine', { ignoreCase: true })).toBe(true);
  });

  it('does work linear in the text on *a*a*a...b, counted in steps', () => {
    const pattern = pathological(30);
    const steps = (n: number) => {
      const counter = { count: 0 };
      expect(globMatch(pattern, 'a'.repeat(n), { steps: counter })).toBe(false);
      return counter.count;
    };
    expect(steps(1000)).toBeGreaterThan(1000);
    // A backtracking regex needs about n^30 steps here; this takes a few per character.
    expect(steps(10_000)).toBeLessThanOrEqual(3 * (10_000 + pattern.length));
    expect(steps(100_000)).toBeLessThanOrEqual(3 * (100_000 + pattern.length));
  });

  it('never takes more than (pattern+1) x (text+1) steps', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 20 }), fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 60 }), (p, t) => {
        const counter = { count: 0 };
        globMatch(p, t, { steps: counter });
        expect(counter.count).toBeLessThanOrEqual((p.length + 1) * (t.length + 1));
      }),
    );
  });
});

describe('glob limits', () => {
  it('refuses long patterns and many wildcards; runs of * count once', () => {
    expect(globLimitProblem('node*')).toBeUndefined();
    expect(globLimitProblem('a'.repeat(GLOB_LIMITS.maxLength + 1))).toMatch(/longer than/);
    expect(globLimitProblem(pathological(GLOB_LIMITS.maxWildcards))).toMatch(/wildcards/);
    expect(globLimitProblem('**********node')).toBeUndefined();
    expect(collapseStars('a***b**')).toBe('a*b*');
  });
});

describe('subscription matching', () => {
  it('a pathological stored pattern answers at once instead of backtracking', () => {
    // Before the shared matcher this compiled to /^.*a.*a...b$/ and ran for hours on a 64-character name.
    const rule = { images: [pathological(12)], events: ['*'], mode: 'every' as const };
    const item = { image: 'a'.repeat(64), tags: [], newTags: [], arches: [], pendingArches: [], reason: 'new-version' as const, followUp: false };
    const event: ImagePublishedEvent = { kind: 'image.published', id: 'x', occurredAt: 0, items: [item] };
    expect(subscriptionMatches(rule, event)).toBe(false);
  });
});
