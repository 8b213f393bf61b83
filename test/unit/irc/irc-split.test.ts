import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IRC_LINE_BYTES, maxTextBytes, splitUtf8 } from '../../../adapters/irc/split.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
/** The line as the server relays it, with the longest user and host it could show. */
const relayed = (nick: string, target: string, text: string) => `:${nick}!${'u'.repeat(10)}@${'h'.repeat(63)} PRIVMSG ${target} :${text}\r\n`;

describe('maxTextBytes', () => {
  it('leaves room for the prefix, command, target and CRLF', () => {
    const n = maxTextBytes('doi-bot', '#docker-library');
    expect(bytes(relayed('doi-bot', '#docker-library', 'x'.repeat(n)))).toBe(IRC_LINE_BYTES);
  });
});

describe('splitUtf8', () => {
  it('returns short text unchanged and nothing for empty text', () => {
    expect(splitUtf8('hello', 100)).toEqual(['hello']);
    expect(splitUtf8('', 100)).toEqual([]);
  });

  it('never cuts a multi-byte character or a surrogate pair', () => {
    const text = '\u{1f433}'.repeat(10) + '\u00e9'.repeat(10);
    const parts = splitUtf8(text, 7);
    for (const p of parts) {
      expect(bytes(p)).toBeLessThanOrEqual(7);
      expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p);
    }
    expect(parts.join('')).toBe(text);
  });

  it('prefers breaking after a space', () => {
    expect(splitUtf8('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb ', 'cccc']);
  });

  it('property: every line fits 512 bytes with the prefix, is valid UTF-8, and the pieces rebuild the input', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 3000 }),
        fc.constantFrom('doi-bot', 'doi-bot__', 'n'.repeat(30)),
        fc.constantFrom('#docker-library', '#c', 'somebody', `#${'x'.repeat(49)}`),
        (text, nick, target) => {
          const parts = splitUtf8(text, maxTextBytes(nick, target));
          for (const p of parts) {
            expect(p.length).toBeGreaterThan(0);
            expect(bytes(relayed(nick, target, p))).toBeLessThanOrEqual(IRC_LINE_BYTES);
            expect(Buffer.from(p, 'utf8').toString('utf8')).toBe(p);
          }
          expect(parts.join('')).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a budget smaller than one code point', () => {
    expect(() => splitUtf8('abc', 3)).toThrow(RangeError);
  });
});
