import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { restFrom, stripPrefix, tokenize } from '../../../src/dispatch/tokenize.js';
import { stripAddress } from '../../../src/core/addressing.js';

describe('tokenize', () => {
  it('splits on any whitespace', () => {
    expect(tokenize('  tags\tpython \n 3.* ').tokens).toEqual(['tags', 'python', '3.*']);
  });
  it('groups quoted words and unescapes inside double quotes', () => {
    expect(tokenize(`search "web server" 'a b'`).tokens).toEqual(['search', 'web server', 'a b']);
    expect(tokenize(String.raw`x "say \"hi\""`).tokens).toEqual(['x', 'say "hi"']);
  });
  it('keeps apostrophes inside words literal', () => {
    expect(tokenize("feedback python don't work").tokens).toEqual(['feedback', 'python', "don't", 'work']);
  });
  it('runs an unclosed quote to the end instead of failing', () => {
    expect(tokenize('search "unclosed words here').tokens).toEqual(['search', 'unclosed words here']);
  });
  it('handles empty and whitespace-only input', () => {
    expect(tokenize('').tokens).toEqual([]);
    expect(tokenize(' \t\u3000 ').tokens).toEqual([]);
  });
  it('keeps unicode intact', () => {
    expect(tokenize('feedback ubuntu Ünïcödé 🐳 テスト').tokens).toEqual(['feedback', 'ubuntu', 'Ünïcödé', '🐳', 'テスト']);
  });
  it('handles 10,000 characters quickly and completely', () => {
    const long = 'word '.repeat(2000);
    const t = tokenize(long);
    expect(t.tokens).toHaveLength(2000);
  });
  it('gives the rest of the line as typed', () => {
    const input = 'feedback python  the image "is" broken';
    const t = tokenize(input);
    expect(restFrom(input, t, 2)).toBe('the image "is" broken');
    expect(restFrom(input, t, 9)).toBe('');
  });
  it('never throws and never returns whitespace-only unquoted tokens', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const t = tokenize(s);
        expect(t.tokens.length).toBe(t.offsets.length);
      }),
    );
  });
});

describe('prefix and addressing', () => {
  it('recognises the ! prefix only when a command follows', () => {
    expect(stripPrefix('!tags python')).toEqual({ addressed: true, text: 'tags python' });
    expect(stripPrefix('! tags')).toEqual({ addressed: false, text: '! tags' });
    expect(stripPrefix('!!!')).toEqual({ addressed: false, text: '!!!' });
    expect(stripPrefix('hello!')).toEqual({ addressed: false, text: 'hello!' });
  });
  it('strips "nick:" and "nick," case-insensitively', () => {
    expect(stripAddress('doi-bot: tags python', 'doi-bot')).toBe('tags python');
    expect(stripAddress('DOI-BOT, help', 'doi-bot')).toBe('help');
    expect(stripAddress('doi-botty: help', 'doi-bot')).toBeNull();
    expect(stripAddress('hey doi-bot: help', 'doi-bot')).toBeNull();
  });
});
