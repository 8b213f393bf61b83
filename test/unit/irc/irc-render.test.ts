import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderRichText, stripUnsafe } from '../../../adapters/irc/render.js';
import { rt } from '../../../src/core/richtext.js';

describe('stripUnsafe', () => {
  it.each([
    ['x\rQUIT :bye', 'x QUIT :bye'],
    ['x\nPRIVMSG NickServ :DROP', 'x PRIVMSG NickServ :DROP'],
    ['x\r\n:evil!u@h PRIVMSG #c :forged', 'x :evil!u@h PRIVMSG #c :forged'],
    ['a\u0000b', 'ab'],
    ['a\u0085b\u2028c\u2029d', 'a b c d'],
    ['\u0001ACTION waves\u0001', 'ACTION waves'],
    ['\u0002bold\u0002 \u00034,5red\u0003 \u0004FF0000hex \u000f\u0011\u0016\u001d\u001e\u001fplain', 'bold red hex plain'],
    ['\u202eevil\u2066x\u2069\u200b\u2060\ufeff', 'evilx'],
    ['tab\there', 'tabhere'],
    ['caf\u00e9 \u{1f433}', 'caf\u00e9 \u{1f433}'],
  ])('%j -> %j', (input, expected) => {
    expect(stripUnsafe(input)).toBe(expected);
  });

  it('leaves no control, formatting or line-break character for any input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
         
        expect(stripUnsafe(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u);
      }),
    );
  });

  it('replaces lone surrogates so the text stays valid UTF-8', () => {
    const out = stripUnsafe('a\ud800b\udc00c');
    expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
    expect(out).toBe('a\ufffdb\ufffdc');
  });
});

describe('renderRichText', () => {
  it('marks bold parts only when colours are on', () => {
    const body = rt.of(rt.line(rt.bold('python'), ': 3.13'));
    expect(renderRichText(body, { colors: true })).toEqual(['\u0002python\u0002: 3.13']);
    expect(renderRichText(body, { colors: false })).toEqual(['python: 3.13']);
  });

  it('strips codes from untrusted bold text before adding its own', () => {
    expect(renderRichText(rt.of(rt.line(rt.bold('\u0002x\u000f'))), { colors: true })).toEqual(['\u0002x\u0002']);
  });

  it('renders links as "label <url>" and bare urls as themselves', () => {
    const body = rt.of(rt.line(rt.link('https://hub.docker.com/_/python', 'python')), rt.line(rt.link('https://x.test/a')));
    expect(renderRichText(body, { colors: false })).toEqual(['python <https://hub.docker.com/_/python>', 'https://x.test/a']);
  });

  it('renders actions as what to type', () => {
    const body = rt.withActions(rt.of('File this?'), [
      { label: 'Confirm', command: 'confirm abc' },
      { label: 'Cancel', command: 'cancel abc' },
    ]);
    expect(renderRichText(body, { colors: false })).toEqual(['File this?', 'Confirm: reply "confirm abc" | Cancel: reply "cancel abc"']);
  });

  it('keeps a hostile text on its own single line in every kind of part', () => {
    const evil = 'x\r\nQUIT :pwned\u0000\u0001';
    const body = rt.withActions(rt.of(rt.line(rt.text(evil), rt.bold(evil), rt.code(evil), rt.link(`https://e.test/${evil}`, evil))), [{ label: evil, command: `confirm ${evil}` }]);
    const lines = renderRichText(body, { colors: true });
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).not.toMatch(/[\r\n\0\u0001]/);
  });

  it('does not repeat an action the text already spells out', () => {
    const body = rt.withActions(rt.of(rt.line('To file it, say ', rt.code('confirm abc123'), '.')), [
      { label: 'File it', command: 'confirm abc123' },
      { label: 'Show', command: 'feedback status' },
    ]);
    expect(renderRichText(body, { colors: false })).toEqual(['To file it, say confirm abc123.', 'Show: reply "feedback status"']);
  });

  it('drops empty lines (IRC cannot send them)', () => {
    expect(renderRichText(rt.of('a', '', '  ', 'b'), { colors: false })).toEqual(['a', 'b']);
  });
});
