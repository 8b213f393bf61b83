import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogBudget } from '../../../src/core/log-budget.js';

describe('LogBudget', () => {
  it('logs at most N lines per minute and reports what it left out', () => {
    let now = 1_000_000;
    const budget = new LogBudget({ perMinute: 3, now: () => now });
    const first = Array.from({ length: 1000 }, () => budget.take());
    expect(first.filter((t) => t !== undefined)).toEqual([0, 0, 0]);
    now += 59_999;
    expect(budget.take()).toBeUndefined();
    now += 1;
    // A new window: the first line carries the count of the 998 left out.
    expect(budget.take()).toBe(998);
    expect(budget.take()).toBe(0);
  });

  it('never logs more than N lines in any one window, whatever the arrival times', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 }), fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 500 }), (n, gaps) => {
        let now = 0;
        const budget = new LogBudget({ perMinute: n, now: () => now });
        const logged: number[] = [];
        let total = 0;
        let reported = 0;
        for (const gap of gaps) {
          now += gap;
          total++;
          const t = budget.take();
          if (t !== undefined) {
            logged.push(now);
            reported += t + 1;
          }
        }
        // Every window of 60 s starting at a logged line holds at most 2n lines (two windows overlap it).
        for (const start of logged) expect(logged.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(2 * n);
        // Nothing is lost from the tally except what is suppressed after the last logged line.
        expect(reported).toBeLessThanOrEqual(total);
      }),
    );
  });
});
