/**
 * A link on IRC is only useful whole: rendering and splitting never cut a URL across two lines,
 * and a URL longer than a line is replaced by a shorter one to the same place.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderRichText } from '../../../adapters/irc/render.js';
import { maxTextBytes, splitUtf8 } from '../../../adapters/irc/split.js';
import { rt, type Inline, type RichText } from '../../../src/core/richtext.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

function toIrcLines(body: RichText, budget: number): string[] {
  return renderRichText(body, { colors: false, maxLinkBytes: budget }).flatMap((l) => splitUtf8(l, budget));
}

const urlChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-._~/%?=&#'.split(''));
const urlArb = fc
  .tuple(fc.constantFrom('http', 'https'), fc.stringMatching(/^[a-z]{1,12}\.(com|org|io)$/), fc.oneof(fc.array(urlChars, { maxLength: 60 }), fc.array(urlChars, { maxLength: 380, size: 'max' }), fc.array(urlChars, { minLength: 300, maxLength: 700 })))
  .map(([scheme, host, path]) => `${scheme}://${host}/${path.join('')}`);
// Text around a link the way answers put it: "at <url>. Next", "(<url>) and", "label: <url>, more".
const wordArb = fc
  .tuple(fc.constantFrom(' ', ': ', '. ', ') ', ', '), fc.string({ maxLength: 120, size: 'max' }), fc.constantFrom(' ', '(', ': ', ''))
  .map(([before, t, after]) => `${before}${t.replace(/https?:|\s/giu, 'x')}${after}`);

/** The form of `url` a line can hold, as the renderer chooses it. */
function expectedForm(url: string, budget: number): string {
  if (bytes(url) <= budget) return url;
  const withoutQuery = url.replace(/[?#].*$/su, '');
  return bytes(withoutQuery) <= budget ? withoutQuery : url.replace(/^(https?:\/\/[^/?#]+).*$/u, '$1');
}
// Answers always put words between two links.
const partsArb: fc.Arbitrary<Inline[]> = fc
  .tuple(wordArb, fc.option(fc.tuple(urlArb, fc.option(fc.string({ maxLength: 40 }), { nil: undefined })), { nil: undefined }))
  .map(([word, link]) => (link ? [rt.text(word), rt.link(link[0], link[1])] : [rt.text(word)]));

const everyLinkWhole = fc.property(
  fc.array(fc.array(partsArb, { minLength: 1, maxLength: 8 }).map((parts) => parts.flat()), { minLength: 1, maxLength: 4 }),
  fc.constantFrom('#docker-library', '#c', 'somebody', `#${'x'.repeat(49)}`),
  (lines, target) => {
    const budget = maxTextBytes('doibot', target);
    const sent = toIrcLines({ lines }, budget);
    for (const line of sent) expect(bytes(line)).toBeLessThanOrEqual(budget);
    for (const part of lines.flat()) {
      if (part.kind !== 'link') continue;
      const shown = expectedForm(part.url, budget);
      expect(sent.some((l) => l.includes(shown)), `${shown} whole in one of ${JSON.stringify(sent)}`).toBe(true);
      if (bytes(part.url) > budget) expect(sent.join('')).not.toContain(part.url);
    }
  },
);

describe('links on IRC', () => {
  it('property: every link that fits a line appears whole in one line; a longer one is shortened, never cut', () => {
    fc.assert(everyLinkWhole, { numRuns: 150, endOnFailure: true });
  });

  it('regression (seed -146807533): a long URL ending in "??" is not wrapped before its last "?"', () => {
    fc.assert(everyLinkWhole, { numRuns: 150, endOnFailure: true, seed: -146807533 });
  });

  it('keeps trailing punctuation that belongs to a URL on the URL\'s line', () => {
    const url = `https://vqqr.com/ea9?${'q'.repeat(60)}??`;
    const text = `${'w'.repeat(20)}: ${url}`;
    const pieces = splitUtf8(text, Buffer.byteLength(text) - 1);
    expect(pieces.join('')).toBe(text);
    expect(pieces.some((p) => p.includes(url))).toBe(true);
  });

  it('breaks a line before a URL rather than inside it', () => {
    const url = `https://hub.docker.com/_/python/tags?name=${'3'.repeat(40)}`;
    const text = `${'word '.repeat(5)}${url} tail`;
    const pieces = splitUtf8(text, 100);
    expect(pieces.join('')).toBe(text);
    expect(pieces.some((p) => p.includes(url))).toBe(true);
  });

  it('a prefilled link too long for a line becomes its shorter form, else the page without the query', () => {
    const long = `https://github.com/docker-library/python/issues/new?title=Broken&body=${'x'.repeat(2000)}`;
    const titleOnly = 'https://github.com/docker-library/python/issues/new?title=Broken';
    expect(toIrcLines(rt.of(rt.line('open it: ', rt.link(long, 'new issue', titleOnly))), 400)).toEqual([`open it: new issue <${titleOnly}>`]);
    expect(toIrcLines(rt.of(rt.line('open it: ', rt.link(long, 'new issue'))), 400)).toEqual(['open it: new issue <https://github.com/docker-library/python/issues/new>']);
  });
});
