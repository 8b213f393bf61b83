/** Every IRC line, including the trailing CR LF, fits in this many bytes (RFC 1459 2.3). */
export const IRC_LINE_BYTES = 512;
/** Longest user (ident) part servers allow; Solanum USERLEN is 10 (~ included). */
const MAX_USER_BYTES = 10;
/** Longest host part servers send (RFC 1123 label limit, as hosts/cloaks are capped at 63). */
const MAX_HOST_BYTES = 63;

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * Bytes left for the text of `PRIVMSG target :text` as the server relays it to others:
 * ":nick!user@host PRIVMSG target :" + text + "\r\n" <= 512, with user and host at their
 * maximum because the bot cannot know how the server will show them.
 */
export function maxTextBytes(nick: string, target: string, command = 'PRIVMSG'): number {
  const prefix = `:${nick}!${'u'.repeat(MAX_USER_BYTES)}@${'h'.repeat(MAX_HOST_BYTES)} ${command} ${target} :`;
  return IRC_LINE_BYTES - utf8Length(prefix) - 2;
}

/** Grapheme-blind but code-point-safe: a surrogate pair is one unit. */
function codePointUnits(text: string): string[] {
  return Array.from(text);
}

/**
 * What IRC clients turn into a clickable link: it ends at whitespace, the renderer's "<url>"
 * brackets or the next "http(s)://", and trailing punctuation is not part of it.
 */
const URL_PATTERN = /https?:\/\/(?:(?!https?:\/\/)[^\s<>])+/giu;
const TRAILING_PUNCTUATION = /[.,:;!?)\]}'"]+$/u;

/**
 * [start, end) code-point ranges of the URLs in `text` that fit in `maxBytes` (only those can stay
 * whole). Trailing punctuation stays with its URL when both fit: it may be part of the address
 * ("?q=a??"), and a line starting with a lone "?" helps nobody.
 */
function wholeUrlSpans(text: string, maxBytes: number): Array<readonly [number, number]> {
  const spans: Array<readonly [number, number]> = [];
  for (const m of text.matchAll(URL_PATTERN)) {
    const url = utf8Length(m[0]) <= maxBytes ? m[0] : m[0].replace(TRAILING_PUNCTUATION, '');
    if (utf8Length(url) > maxBytes) continue;
    const start = Array.from(text.slice(0, m.index)).length;
    spans.push([start, start + Array.from(url).length]);
  }
  return spans;
}

/**
 * Splits `text` into pieces of at most `maxBytes` UTF-8 bytes each, never inside a code point
 * (so never inside a surrogate pair or a multi-byte sequence) and never inside a URL that fits
 * in one piece (a cut link opens the wrong page). Prefers to break after a space when one is in
 * the last third of the piece. Concatenating the pieces gives back `text`.
 */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new RangeError(`maxBytes must be at least 4 (one code point), got ${maxBytes}`);
  if (utf8Length(text) <= maxBytes) return text === '' ? [] : [text];
  const units = codePointUnits(text);
  const urls = wholeUrlSpans(text, maxBytes);
  const pieces: string[] = [];
  let start = 0;
  while (start < units.length) {
    let bytes = 0;
    let end = start;
    let lastSpaceEnd = -1;
    while (end < units.length) {
      const b = utf8Length(units[end]!);
      if (bytes + b > maxBytes) break;
      bytes += b;
      if (units[end] === ' ') lastSpaceEnd = end + 1;
      end++;
    }
    if (end < units.length && lastSpaceEnd > start && lastSpaceEnd - start >= ((end - start) * 2) / 3) end = lastSpaceEnd;
    const cutUrl = urls.find(([from, to]) => from > start && from < end && to > end);
    if (cutUrl) end = cutUrl[0];
    pieces.push(units.slice(start, end).join(''));
    start = end;
  }
  return pieces;
}
