import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stripUnsafe } from '../../../adapters/irc/render.js';
import { renderMessage } from '../../../adapters/slack/blocks.js';
import { escapeMrkdwn, stripInvisible } from '../../../adapters/slack/mrkdwn.js';
import { rt } from '../../../src/core/richtext.js';

/** Bidi marks, embeddings, overrides and isolates, zero-width characters, C1 controls. */
const INVISIBLES = [
  '\u061c', '\u180e', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f',
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e',
  '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\u2066', '\u2067', '\u2068', '\u2069',
  '\ufeff', '\u0085', '\u009b',
];
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/** Every string of a rendered Slack message a person sees: fallback text, sections, buttons. */
function visibleStrings(...parts: string[]): string[] {
  const body = rt.withActions(
    rt.of(rt.line('t ', rt.text(parts[0] ?? ''), ' b ', rt.bold(parts[1] ?? 'x'), ' c ', rt.code(parts[2] ?? 'x'), ' l ', rt.link('https://example.test/', parts[3] ?? 'x'))),
    [{ label: parts[4] ?? 'x', command: 'help' }],
  );
  const msg = renderMessage(body);
  const out = [msg.text];
  for (const b of msg.blocks) {
    if (b.type === 'section') out.push(b.text.text);
    if (b.type === 'context') out.push(...b.elements.map((e) => e.text));
    if (b.type === 'actions') out.push(...b.elements.map((e) => e.text.text));
  }
  return out;
}

describe('Slack output strips bidi and zero-width controls as IRC output does', () => {
  it('removes a right-to-left override that disguises a file name', () => {
    expect(escapeMrkdwn('invoice\u202egpj.exe')).toBe('invoicegpj.exe');
    expect(escapeMrkdwn('py\u200bthon')).toBe('python');
    expect(stripInvisible('a\u2028b')).toBe('a\nb');
    expect(stripInvisible('x\ud800y')).toBe('x\ufffdy');
  });

  it('keeps newlines, tabs, emoji and right-to-left scripts', () => {
    expect(stripInvisible('a\tb\nc 🐳 שלום مرحبا')).toBe('a\tb\nc 🐳 שלום مرحبا');
  });

  it('strips every invisible, and at least what IRC strips of the whole BMP', () => {
    for (const c of INVISIBLES) expect(stripInvisible(`a${c}b`), `U+${c.codePointAt(0)!.toString(16)}`).toBe('ab');
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      // Tabs and line breaks: IRC has one line per message; on Slack they are kept.
      if (/[\t\n\r\u0085\u2028\u2029]/u.test(c)) continue;
      if (!stripUnsafe(`a${c}b`).includes(c)) expect(stripInvisible(`a${c}b`), `U+${cp.toString(16)}`).not.toContain(c);
    }
  });

  it('no rendered string carries one, whatever the input (property)', () => {
    const hostile = fc.array(fc.oneof(fc.constantFrom(...INVISIBLES, '<', '>', '&', '*', '`', '\n'), fc.string({ unit: 'grapheme' })), { maxLength: 30 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 5, maxLength: 5 }), (parts) => {
        for (const s of visibleStrings(...parts)) expect(s).not.toMatch(FORBIDDEN);
      }),
    );
  });
});
