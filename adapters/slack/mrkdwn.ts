/**
 * RichText inlines -> Slack mrkdwn. Every string that reaches Slack passes through here, and
 * this is the only place that decides what is markup: text from chat, GitHub or Docker Hub is
 * always escaped, so it can never form <!channel>, <@U...>, <#C...> or <url|label> entities.
 */
import { plainLine, type Inline, type Line } from '../../src/core/richtext.js';

/**
 * Slack's three control characters. Slack asks that nothing else be entity-encoded.
 * Every active entity starts with "<", so escaping these neutralises all of them.
 */
export function escapeMrkdwn(text: string): string {
  return stripInvisible(text).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/**
 * What the IRC adapter strips too, newline and tab aside: C0 and C1 controls, DEL, bidi marks,
 * embeddings, overrides and isolates, and zero-width characters, all of which can make text
 * read differently from what it is ("evil\u202egnp.exe"). Unicode line separators become
 * newlines; a lone surrogate (invalid UTF-16) becomes U+FFFD.
 */
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function stripInvisible(text: string): string {
  return text.replace(/[\u2028\u2029]/gu, '\n').replace(INVISIBLE, '').replace(LONE_SURROGATE, '\ufffd');
}

/**
 * A URL safe to put inside <url|label>: http(s) only, and without the characters that would end
 * the entity early ("|", ">") or open another one ("<"), nor whitespace. undefined = not a link.
 */
export function safeLinkUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // URL serialisation percent-encodes "<", ">", spaces and quotes; "|" survives in paths.
  // "&" is legal in URLs but is Slack's entity marker: Slack expects it as &amp; inside <...>.
  const href = parsed.href.replace(/[|<>\s]/g, (c) => encodeURIComponent(c)).replace(/&/g, '&amp;');
  return href.length <= MAX_URL_CHARS ? href : undefined;
}

const MAX_URL_CHARS = 2000;
const MAX_LABEL_CHARS = 200;

function capChars(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}\u2026`;
}

/** Backticks would end the code span early; a look-alike keeps the text readable. */
const BACKTICK_LOOKALIKE = '\u02cb';

export function renderInline(part: Inline): string {
  switch (part.kind) {
    case 'text':
      return escapeMrkdwn(part.text);
    case 'bold': {
      // A "*" inside would end the bold early; a look-alike keeps the text readable.
      const inner = escapeMrkdwn(part.text).replace(/\*/g, '\u2217').trim();
      return inner ? `*${inner}*` : '';
    }
    case 'code': {
      const inner = escapeMrkdwn(part.text).replace(/`/g, BACKTICK_LOOKALIKE).replace(/\n/g, ' ');
      return inner ? `\`${inner}\`` : '';
    }
    case 'link': {
      const href = safeLinkUrl(part.url);
      // Caps keep a whole link far below a section's 3,000 characters, so it is never split.
      const label = part.label === undefined ? undefined : escapeMrkdwn(capChars(part.label, MAX_LABEL_CHARS)).replace(/\n/g, ' ');
      if (!href) {
        // Not a link we can vouch for: show it as inert text.
        return label && label !== escapeMrkdwn(part.url) ? `${label} (${escapeMrkdwn(part.url)})` : escapeMrkdwn(part.url);
      }
      return label ? `<${href}|${label}>` : `<${href}>`;
    }
  }
}

export function renderLine(line: Line): string {
  return line.map(renderInline).join('');
}

/** Plain text for notifications and the `text` fallback: no markup, still escaped. */
export function renderLinePlain(line: Line): string {
  return plainLine(line, escapeMrkdwn, (url, label) => (label ? `${escapeMrkdwn(label)} (${escapeMrkdwn(url)})` : escapeMrkdwn(url)));
}
