/**
 * Making chat text safe to put into a GitHub issue. Pure.
 *
 * GitHub turns `@name` into a notification, `#123`, `owner/repo#123`, `GH-123` and issue URLs
 * into cross-references (a timeline entry in someone else's issue), and decodes HTML entities
 * before it looks for either, so `&#64;name` pings as well. Text inside a code span is never
 * linked, so every such token is wrapped in one; backslashes, backticks, `&` and `<` in user
 * text are escaped first so that no user character can open, close or break out of a span,
 * start HTML (comments, tags, `<img>`), an autolink (`<https://...>`) or spell an entity.
 *
 * Links and images: `[` and `]` are escaped, so `[text](url)`, `![x](pixel.gif)` and reference
 * definitions (`[x]: url`) stay text, and every URL (`https://`, `ftp://`, `www.`) goes into a
 * code span, so GitHub's bare-URL autolinking cannot make it clickable either. The reader sees
 * each address as it was typed and nothing loads or disguises where it leads.
 */

/** GitHub's limits (422 beyond them); we stay below with a margin. */
export const GITHUB_TITLE_LIMIT = 256;
export const GITHUB_BODY_LIMIT = 65_536;

/**
 * C0/C1 controls except TAB and LF, zero-width and joiner characters, bidi embeddings,
 * overrides and isolates, the BOM, line/paragraph separators (made newlines first), soft
 * hyphen, and the interlinear annotation characters.
 */
const STRIP = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]/g;

/** Strips invisible and control characters; CR, CRLF, NEL, LS and PS become LF; tabs become spaces. */
export function cleanText(input: string): string {
  return input
    .replace(/\r\n?|\u0085|\u2028|\u2029/g, '\n')
    .replace(STRIP, '')
    .replace(/\t/g, '  ')
    .normalize('NFC');
}

/**
 * Tokens GitHub links or notifies: any URL, github.com paths without a scheme, mentions
 * (`@user`, `@org/team`), `owner/repo#1`, `owner/repo@sha`, `#1`, `GH-1`. Ordered longest first
 * so a URL is wrapped whole rather than around the `#1` inside it. `owner/repo` starts only at
 * a word boundary and is length-bounded (GitHub: 39 + 100), so long runs cannot make it quadratic.
 */
const LINKY =
  /(?:https?|ftp):\/\/[^\s`\\<>]+|www\.[^\s`\\<>]+|github\.com\/[^\s`\\<>]+|(?<![\w.-])[\w.-]{1,100}\/[\w.-]{1,100}(?:#\d+|@[0-9a-f]{7,40}\b)|@[A-Za-z0-9][\w.-]*(?:\/[\w.-]+)?|#\d+|\bGH-\d+/gi;

/** A code span holding `s` verbatim, whatever backticks it contains (CommonMark rules). */
export function codeSpan(s: string): string {
  const flat = s.replace(/\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim()) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * One line of user text as inert Markdown: shows what the user typed, pings nobody, links
 * nothing. Linky tokens become code spans (taken from the raw text, so they show verbatim);
 * everything between them is escaped.
 */
export function neutraliseInline(line: string): string {
  let out = '';
  let last = 0;
  for (const m of line.matchAll(LINKY)) {
    out += escapeMarkdown(line.slice(last, m.index)) + codeSpan(m[0]);
    last = m.index + m[0].length;
  }
  return out + escapeMarkdown(line.slice(last));
}

/** Backslash, backtick and brackets escaped; `&` and `<` as entities (no HTML, no entity spelling). */
function escapeMarkdown(s: string): string {
  return s.replace(/[\\`&<[\]]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : `\\${c}`));
}

/**
 * A title: GitHub shows titles as text with `code spans` rendered, so backticks in user text
 * become plain quotes (no user backtick can pair with ours) and linky tokens are wrapped.
 */
export function neutraliseTitle(line: string, max: number): string {
  const flat = cleanText(line).replace(/\s+/g, ' ').trim().replace(/`/g, "'");
  const capped = capChars(flat, max);
  // A backslash right before our backtick could escape it where Markdown applies.
  const out = capped.replace(LINKY, (tok: string, offset: number, all: string) => `${all[offset - 1] === '\\' ? ' ' : ''}${codeSpan(tok)}`);
  return out.length <= GITHUB_TITLE_LIMIT ? out : capChars(out.replace(/`/g, ''), Math.min(max, GITHUB_TITLE_LIMIT));
}

/** The user's text as a Markdown block quote, each line neutralised. */
export function quoteBlock(text: string): string {
  return text
    .split('\n')
    .map((l) => (l.trim() ? `> ${neutraliseInline(l)}` : '>'))
    .join('\n');
}

/** At most `max` characters (code points, never half a surrogate pair), with an ellipsis when cut. */
export function capChars(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  return `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/** Length GitHub counts (UTF-16 code units, like JavaScript). */
export function fitsGitHub(title: string, body: string): boolean {
  return title.length > 0 && title.length <= GITHUB_TITLE_LIMIT && body.length <= GITHUB_BODY_LIMIT;
}
