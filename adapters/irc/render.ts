import type { Inline, Line, RichText } from '../../src/core/richtext.js';

/**
 * Everything that must never travel inside an IRC text parameter: C0 controls (CR, LF and NUL
 * end or corrupt the line; \x01 starts CTCP; \x02-\x1F include every formatting code), DEL, C1
 * controls (U+0085 is a line break to some clients), Unicode line/paragraph separators, bidi
 * overrides/isolates and zero-width characters that can disguise text.
 */
 
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu;
/** An mIRC colour code with its optional "fg[,bg]" digits, so the digits vanish with it. */
const COLOUR = /\u0003(\d{1,2}(,\d{1,2})?)?/gu;
/** Hex colour \x04RRGGBB[,RRGGBB]. */
const HEX_COLOUR = /\u0004([0-9a-fA-F]{6}(,[0-9a-fA-F]{6})?)?/gu;
/** A lone surrogate would make the line invalid UTF-8 once encoded. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

const BOLD = '\u0002';

/** Untrusted text -> text that is safe inside one IRC PRIVMSG: one line, no codes. */
export function stripUnsafe(text: string): string {
  // Line breaks become spaces so that "a\nb" still reads as two words.
  return text
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/gu, ' ')
    .replace(COLOUR, '')
    .replace(HEX_COLOUR, '')
    .replace(UNSAFE, '')
    .replace(LONE_SURROGATE, '\ufffd');
}

export interface RenderOptions {
  /** Mark bold parts with \x02 (channels with +c strip it anyway). */
  readonly colors: boolean;
  /** Bytes one IRC line holds: a longer link is shortened rather than cut across lines. */
  readonly maxLinkBytes?: number;
}

const bytesOf = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * A URL that fits one line: the link itself, its `shorter` form, the address without its query
 * (for a prefilled issue link, the tracker's new-issue page), or its site; never a cut URL.
 */
function fittingUrl(url: string, shorter: string | undefined, maxBytes: number | undefined): string {
  if (maxBytes === undefined || bytesOf(url) <= maxBytes) return url;
  const candidates = [shorter === undefined ? '' : clean(shorter), url.replace(/[?#].*$/su, ''), url.replace(/^(https?:\/\/[^/?#]+).*$/isu, '$1')];
  return candidates.find((c) => c !== '' && bytesOf(c) <= maxBytes) ?? '(link too long for IRC)';
}

const clean = (url: string): string => stripUnsafe(url).replace(/\s/gu, '%20');

function renderInline(part: Inline, opts: RenderOptions): string {
  switch (part.kind) {
    case 'text':
    case 'code':
      return stripUnsafe(part.text);
    case 'bold': {
      const text = stripUnsafe(part.text);
      return opts.colors && text ? `${BOLD}${text}${BOLD}` : text;
    }
    case 'link': {
      const url = fittingUrl(clean(part.url), part.shorter, opts.maxLinkBytes);
      const label = part.label === undefined ? '' : stripUnsafe(part.label);
      return label && label !== url ? `${label} <${url}>` : url;
    }
  }
}

export function renderLine(line: Line, opts: RenderOptions): string {
  return line.map((p) => renderInline(p, opts)).join('');
}

/**
 * RichText -> logical IRC lines (not yet split to fit 512 bytes). Empty lines are dropped:
 * IRC cannot send them. Actions become instructions to type the command.
 */
export function renderRichText(body: RichText, opts: RenderOptions): string[] {
  const lines = body.lines.map((l) => renderLine(l, opts)).filter((l) => l.trim() !== '');
  // An action the text already spells out ("say confirm abc123") is not said twice.
  const spelled = lines.join('\n');
  const actions = (body.actions ?? []).filter((a) => !spelled.includes(stripUnsafe(a.command)));
  if (actions.length) {
    lines.push(actions.map((a) => `${stripUnsafe(a.label)}: reply "${stripUnsafe(a.command)}"`).join(' | '));
  }
  return lines;
}
