export interface Tokenized {
  readonly tokens: readonly string[];
  /** Start offset of each token in the input, so a command can take "the rest" verbatim. */
  readonly offsets: readonly number[];
}

const SPACE = /\s/u;

/**
 * Splits a command line into tokens. Quotes group words only at the start of a token, so
 * apostrophes in free text ("don't") stay literal; an unclosed quote runs to the end.
 * Backslash escapes the next character inside double quotes. Never throws.
 */
export function tokenize(input: string): Tokenized {
  const tokens: string[] = [];
  const offsets: number[] = [];
  const s = input;
  let i = 0;
  while (i < s.length) {
    while (i < s.length && SPACE.test(s[i]!)) i++;
    if (i >= s.length) break;
    const start = i;
    const quote = s[i];
    let tok = '';
    if (quote === '"' || quote === "'" || quote === '“') {
      const close = quote === '“' ? '”' : quote;
      i++;
      while (i < s.length && s[i] !== close) {
        if (s[i] === '\\' && quote === '"' && i + 1 < s.length) i++;
        tok += s[i];
        i++;
      }
      i++; // closing quote (or past the end)
    } else {
      while (i < s.length && !SPACE.test(s[i]!)) {
        tok += s[i];
        i++;
      }
    }
    tokens.push(tok);
    offsets.push(start);
  }
  return { tokens, offsets };
}

/** The text of the input from token `index` on, as typed (quotes and spacing kept). */
export function restFrom(input: string, t: Tokenized, index: number): string {
  const off = t.offsets[index];
  return off === undefined ? '' : input.slice(off).trim();
}

/** Prefix that addresses the bot in any channel: "!tags python". */
export const COMMAND_PREFIX = '!';

/** Strips the command prefix; `addressed` tells whether one was present. */
export function stripPrefix(text: string): { addressed: boolean; text: string } {
  const t = text.trimStart();
  if (t.startsWith(COMMAND_PREFIX) && t.length > 1 && !SPACE.test(t[1]!) && t[1] !== '!') {
    return { addressed: true, text: t.slice(COMMAND_PREFIX.length) };
  }
  return { addressed: false, text: t };
}

export { stripAddress } from '../core/addressing.js';
