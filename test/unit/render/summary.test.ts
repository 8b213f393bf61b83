import { describe, expect, it } from 'vitest';
import { rt, toPlainText } from '../../../src/core/richtext.js';
import { catchUpRule, lineToSend, renderCatchUp, renderDigest } from '../../../src/render/summary.js';

const lines = (n: number) => Array.from({ length: n }, (_, i) => rt.line(`update ${i + 1}`));

describe('outbox summaries', () => {
  it('a digest counts its updates, shows eight and counts the rest', () => {
    expect(toPlainText(renderDigest('2026-06-01', lines(1)))).toBe('Daily digest 2026-06-01: 1 update\nupdate 1');
    const big = renderDigest('2026-06-01', lines(11));
    expect(big.lines[0]).toEqual([{ kind: 'bold', text: 'Daily digest 2026-06-01: 11 updates' }]);
    expect(big.lines).toHaveLength(10);
    expect(toPlainText({ lines: big.lines.slice(-2) })).toBe('update 8\n... and 3 more');
  });

  it('a catch-up says how many updates over what span; its rule names the first one folded', () => {
    expect(toPlainText(renderCatchUp(lines(6), 3 * 3_600_000))).toBe(
      'Catch-up: 6 updates from the last 3h while announcements were delayed\nupdate 1\nupdate 2\nupdate 3\nupdate 4\nupdate 5\nupdate 6',
    );
    expect(catchUpRule(6, 'python pr.* (every)')).toBe('catch-up summary of 6 delayed announcements (first: python pr.* (every))');
  });

  it('only a row older than the limit is marked delayed, on its first line only', () => {
    const line = rt.of('first', 'second');
    expect(lineToSend(line, 15 * 60_000, 15 * 60_000)).toBe(line);
    expect(toPlainText(lineToSend(line, 20 * 60_000, 15 * 60_000))).toBe('[delayed 20m] first\nsecond');
  });
});
