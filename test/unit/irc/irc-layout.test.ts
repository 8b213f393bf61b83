/**
 * IRC lines as the core's paging counts them: the laid-out lines render to IRC lines within the
 * byte budget, with the same text, bold kept across a split, and no URL cut.
 */
import { describe, expect, it } from 'vitest';
import { ircReplyLayout } from '../../../adapters/irc/layout.js';
import { renderRichText } from '../../../adapters/irc/render.js';
import { rt } from '../../../src/core/richtext.js';

const BUDGET = 100;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const layoutFor = (colors: boolean) => ircReplyLayout({ budget: () => BUDGET, colors, nick: () => 'doibot' });

describe('IRC reply layout', () => {
  it('splits a long line into lines that render within the budget, bold carried over, nothing lost', () => {
    const url = `https://hub.docker.com/_/python/tags?name=${'3'.repeat(30)}`;
    const body = rt.of(rt.line(rt.bold('\u{1f433}bold '.repeat(30)), ' see ', rt.link(url), ' and ', 'é'.repeat(80)), 'short');
    for (const colors of [true, false]) {
      const laid = layoutFor(colors).lines(body, 'irc:#docker-library');
      const sent = renderRichText(laid, { colors, maxLinkBytes: BUDGET });
      expect(sent.length).toBe(laid.lines.length);
      for (const line of sent) expect(bytes(line)).toBeLessThanOrEqual(BUDGET);
      expect(sent.some((l) => l.includes(url))).toBe(true);
      const plain = (lines: string[]) => lines.join('').replaceAll('\u0002', '');
      expect(plain(sent)).toBe(plain(renderRichText(body, { colors })));
      if (colors) expect(sent[1]!.startsWith('\u0002')).toBe(true);
    }
  });

  it('turns actions into the line that names their commands, like the IRC renderer', () => {
    const body = rt.withActions(rt.of('Report ready.'), [{ label: 'File it', command: 'confirm abc' }]);
    const laid = layoutFor(false).lines(body, 'irc:alice');
    expect(laid.actions).toBeUndefined();
    expect(renderRichText(laid, { colors: false })).toEqual(['Report ready.', 'File it: reply "confirm abc"']);
  });

  it('says how to ask in private with the nick and a short question only', () => {
    const layout = layoutFor(false);
    expect(layout.askPrivately!('!tags python')).toBe('/msg doibot tags python');
    expect(layout.askPrivately!(`tags ${'x'.repeat(60)}`)).toBeUndefined();
    expect(layout.fitsOneLine(rt.line('x'.repeat(BUDGET)), 'irc:#c')).toBe(true);
    expect(layout.fitsOneLine(rt.line('x'.repeat(BUDGET + 1)), 'irc:#c')).toBe(false);
  });
});
