import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_LIMITS, renderMessage, splitSafely, TRUNCATED_NOTE } from '../../../adapters/slack/blocks.js';
import { escapeMrkdwn, renderInline, safeLinkUrl } from '../../../adapters/slack/mrkdwn.js';
import { rt, type Inline, type RichText } from '../../../src/core/richtext.js';

/** Every string of a rendered message that Slack parses as mrkdwn. */
function mrkdwnStrings(body: RichText): string[] {
  const msg = renderMessage(body);
  const out = [msg.text];
  for (const b of msg.blocks) {
    if (b.type === 'section') out.push(b.text.text);
    if (b.type === 'context') out.push(...b.elements.map((e) => e.text));
  }
  return out;
}

/** Our own link entities, the only "<...>" allowed: <http(s)://...|label> or <http(s)://...>. */
const OWN_LINK = /<https?:\/\/[^\s<>|]+(?:\|[^<>]*)?>/g;

function assertInert(s: string): void {
  for (const bad of ['<!', '<@', '<#']) expect(s).not.toContain(bad);
  const rest = s.replace(OWN_LINK, '');
  expect(rest).not.toMatch(/[<>]/);
}

describe('mrkdwn escaping', () => {
  it('escapes the three control characters and nothing else', () => {
    expect(escapeMrkdwn('<!channel> <@U123> <#C1|x> a & b "q" \'s\'')).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;#C1|x&gt; a &amp; b "q" \'s\'');
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
    expect(escapeMrkdwn('tab\tnew\nline\u0000\u001b[31m')).toBe('tab\tnew\nline[31m');
  });

  it('renders bold, code and links safely', () => {
    expect(renderInline(rt.bold('a*b <x>'))).toBe('*a\u2217b &lt;x&gt;*');
    expect(renderInline(rt.code('a`b`<@U1>'))).toBe('`a\u02cbb\u02cb&lt;@U1&gt;`');
    expect(renderInline(rt.link('https://github.com/docker-library/official-images/pull/1?a=1&b=2', 'PR #1 <@U1>'))).toBe(
      '<https://github.com/docker-library/official-images/pull/1?a=1&amp;b=2|PR #1 &lt;@U1&gt;>',
    );
    expect(renderInline(rt.link('https://x.test/a|b>c'))).toBe('<https://x.test/a%7Cb%3Ec>');
  });

  it('refuses links that are not http(s) and shows them as inert text', () => {
    expect(safeLinkUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeLinkUrl('slack://channel?id=C1')).toBeUndefined();
    expect(safeLinkUrl('not a url')).toBeUndefined();
    expect(renderInline(rt.link('javascript:alert(1)', 'click <!here>'))).toBe('click &lt;!here&gt; (javascript:alert(1))');
    expect(renderInline(rt.link('<!channel>'))).toBe('&lt;!channel&gt;');
  });
});

describe('Block Kit rendering', () => {
  it('puts lines into one mrkdwn section with a plain, escaped fallback', () => {
    const msg = renderMessage(rt.of(rt.line(rt.bold('python'), ': 3.13 ', rt.link('https://hub.docker.com/_/python', 'hub')), 'a < b'));
    expect(msg.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*python*: 3.13 <https://hub.docker.com/_/python|hub>\na &lt; b' } }]);
    expect(msg.text).toBe('python: 3.13 hub (https://hub.docker.com/_/python)\na &lt; b');
  });

  it('turns actions into buttons whose value is the command', () => {
    const msg = renderMessage(rt.withActions(rt.of('File it?'), [{ label: 'Confirm', command: 'confirm abc123', style: 'primary' }, { label: 'Cancel', command: 'cancel abc123' }]));
    expect(msg.blocks.at(-1)).toEqual({
      type: 'actions',
      block_id: 'doi_actions',
      elements: [
        { type: 'button', action_id: 'doi_cmd_0', text: { type: 'plain_text', text: 'Confirm', emoji: false }, value: 'confirm abc123', style: 'primary' },
        { type: 'button', action_id: 'doi_cmd_1', text: { type: 'plain_text', text: 'Cancel', emoji: false }, value: 'cancel abc123' },
      ],
    });
  });

  it('leaves out a button whose command would not fit rather than cutting the command', () => {
    const msg = renderMessage(rt.withActions(rt.of('x'), [{ label: 'Long', command: `feedback ${'y'.repeat(2100)}` }]));
    expect(msg.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('keeps within 50 blocks, 3,000 characters per section and the total budget, and says it truncated', () => {
    const many = rt.of(...Array.from({ length: 500 }, (_, i) => `line ${i} ${'w'.repeat(100)}`));
    const msg = renderMessage(rt.withActions(many, [{ label: 'More', command: 'more' }]));
    expect(msg.blocks.length).toBeLessThanOrEqual(BLOCK_LIMITS.maxBlocks);
    const sections = msg.blocks.filter((b) => b.type === 'section');
    for (const s of sections) expect(s.text.text.length).toBeLessThanOrEqual(3000);
    expect(sections.reduce((n, s) => n + s.text.text.length, 0)).toBeLessThanOrEqual(BLOCK_LIMITS.maxTotalChars);
    expect(msg.blocks.at(-2)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: TRUNCATED_NOTE }] });
    expect(msg.blocks.at(-1)?.type).toBe('actions');
    expect(msg.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.maxFallbackChars);

    const tinyBlocks = renderMessage(rt.of(...Array.from({ length: 80 }, (_, i) => 'z'.repeat(2000) + i)), { ...BLOCK_LIMITS, maxTotalChars: 1e9 });
    expect(tinyBlocks.blocks).toHaveLength(50);
    expect(tinyBlocks.blocks.at(-1)?.type).toBe('context');
  });

  it('splits one huge line without cutting an entity or a link', () => {
    const pieces = splitSafely(`${'a'.repeat(2998)}&amp;b`, 3000);
    expect(pieces).toEqual(['a'.repeat(2998), '&amp;b']);
    const link = `<https://x.test/|${'l'.repeat(50)}>`;
    const withLink = splitSafely(`${'a'.repeat(2990)}${link}`, 3000);
    expect(withLink).toEqual(['a'.repeat(2990), link]);
    const emoji = splitSafely(`${'a'.repeat(2999)}\u{1F433}`, 3000);
    expect(emoji).toEqual(['a'.repeat(2999), '\u{1F433}']);
  });

  it('never sends an empty section', () => {
    const msg = renderMessage(rt.of('', '   '));
    expect(msg.blocks).toEqual([]);
    expect(msg.text).toBe(' ');
  });
});

describe('no untrusted input can produce a mention, a channel link or a stray "<" (property)', () => {
  const nasty = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    fc.constantFrom('<!channel>', '<!here>', '<!everyone>', '<@U123>', '<#C1|general>', '<!subteam^S1>', '<http://evil|x>', '&lt;!channel&gt;', '&', '<', '>', '|', '`', '*', '\u0000'),
    fc.array(fc.constantFrom('<', '!', '@', '#', '&', 'lt;', 'gt;', '>', '|', 'http://', 'a', ' ', '\n', '`', '*'), { maxLength: 30 }).map((a) => a.join('')),
  );
  const url = fc.oneof(nasty, fc.webUrl(), nasty.map((s) => `https://example.test/${s}`), nasty.map((s) => `http://x.test/?q=${s}#${s}`));
  const inline: fc.Arbitrary<Inline> = fc.oneof(
    nasty.map((t) => rt.text(t)),
    nasty.map((t) => rt.bold(t)),
    nasty.map((t) => rt.code(t)),
    fc.tuple(url, fc.option(nasty, { nil: undefined })).map(([u, l]) => rt.link(u, l)),
  );
  const body = fc
    .tuple(fc.array(fc.array(inline, { maxLength: 8 }), { maxLength: 12 }), fc.array(fc.record({ label: nasty, command: nasty }), { maxLength: 3 }))
    .map(([lines, actions]): RichText => (actions.length ? { lines, actions } : { lines }));

  it('holds for every rendered string', () => {
    fc.assert(
      fc.property(body, (b) => {
        for (const s of mrkdwnStrings(b)) assertInert(s);
      }),
      { numRuns: 600 },
    );
  });

  it('holds when long input is split across sections', () => {
    fc.assert(
      fc.property(fc.array(inline, { minLength: 1, maxLength: 200 }), fc.integer({ min: 20, max: 400 }), (parts, max) => {
        const rendered = renderMessage(rt.of(rt.line(...parts)), { ...BLOCK_LIMITS, maxSectionChars: Math.max(max, 40), maxTotalChars: 1e9 });
        for (const b of rendered.blocks) if (b.type === 'section') assertInert(b.text.text);
      }),
      { numRuns: 300 },
    );
  });
});
