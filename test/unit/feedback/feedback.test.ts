import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFeedback } from '../../../commands/feedback.js';
import { KnowledgeBase } from '../../../src/knowledge/base.js';
import { searchTerms } from '../../../src/github/issues.js';
import { GITHUB_BODY_LIMIT, cleanText, codeSpan, neutraliseInline, neutraliseTitle, quoteBlock } from '../../../src/feedback/neutralise.js';
import { PREFILL_URL_MAX, buildBody, buildTitle, newIssueLink, prefilledIssueUrl } from '../../../src/feedback/report.js';
import { renderRichText } from '../../../adapters/irc/render.js';
import { maxTextBytes, splitUtf8 } from '../../../adapters/irc/split.js';
import { rt } from '../../../src/core/richtext.js';

/**
 * The text GitHub would scan for mentions: CommonMark escapes and code spans replaced by a
 * space (a code span is a backtick run closed by a run of the same length).
 */
function outsideCode(md: string): string {
  let out = '';
  for (let i = 0; i < md.length; ) {
    if (md[i] === '\\' && i + 1 < md.length) {
      out += ' ';
      i += 2;
      continue;
    }
    if (md[i] === '`') {
      const run = /^`+/.exec(md.slice(i))![0];
      // The closer is the next backtick run of exactly the same length.
      const closer = [...md.slice(i + run.length).matchAll(/`+/g)].find((m) => m[0].length === run.length);
      if (closer) {
        out += ' ';
        i = i + run.length + closer.index + run.length;
        continue;
      }
      out += run;
      i += run.length;
      continue;
    }
    out += md[i];
    i++;
  }
  return out;
}

const origin = { platformName: 'IRC', channelName: '#docker-library', isDirect: false, reporter: 'irc:alice' };

describe('parseFeedback', () => {
  it('reads the documented forms and the Slack modal form', () => {
    expect(parseFeedback('python:3.13 pip fails\nsecond line')).toEqual({ kind: 'image', image: 'python:3.13', text: 'pip fails\nsecond line', anyway: false });
    expect(parseFeedback('docs nginx the example is wrong')).toEqual({ kind: 'docs', image: 'nginx', text: 'the example is wrong', anyway: false });
    expect(parseFeedback('nginx --kind=docs the example is wrong')).toEqual({ kind: 'docs', image: 'nginx', text: 'the example is wrong', anyway: false });
    expect(parseFeedback('--docs nginx the example')).toEqual({ kind: 'docs', image: 'nginx', text: 'the example', anyway: false });
    expect(parseFeedback('process please add zig')).toEqual({ kind: 'process', text: 'please add zig', anyway: false });
    expect(parseFeedback('python --kind=process python 2 is gone')).toEqual({ kind: 'process', image: 'python', text: 'python 2 is gone', anyway: false });
    expect(parseFeedback('python --anyway CVE-2024-1 is fixed upstream')).toEqual({ kind: 'image', image: 'python', text: 'CVE-2024-1 is fixed upstream', anyway: true });
    // Flags after the text has started are the user's words.
    expect(parseFeedback('python use --docs flag')).toMatchObject({ kind: 'image', text: 'use --docs flag' });
  });

  it('explains what is wrong instead of guessing', () => {
    expect(parseFeedback('')).toEqual({ error: expect.stringContaining('Which image') });
    expect(parseFeedback('python')).toEqual({ error: expect.stringContaining('What is the problem') });
    expect(parseFeedback('--docs --process x y')).toEqual({ error: 'Pick one kind: "docs" or "process".' });
    expect(parseFeedback('python --force text')).toEqual({ error: expect.stringContaining('Unknown option "--force"') });
  });
});

describe('neutralising text for GitHub', () => {
  it('wraps every mention and reference form in a code span', () => {
    expect(neutraliseInline('cc @tianon @docker-library/maintainers #12 docker-library/official-images#1 GH-7 gh-8 o/r@abcdef1')).toBe(
      'cc `@tianon` `@docker-library/maintainers` `#12` `docker-library/official-images#1` `GH-7` `gh-8` `o/r@abcdef1`',
    );
    expect(neutraliseInline('see https://github.com/o/r/issues/1 and www.github.com/o/r/pull/2')).toBe('see `https://github.com/o/r/issues/1` and `www.github.com/o/r/pull/2`');
  });

  it('escapes what could open HTML, spell an entity or break a span', () => {
    expect(neutraliseInline('&#64;x <!-- c --> <b>`a`</b> \\@y')).toBe('&amp;`#64`;x &lt;!-- c --> &lt;b>\\`a\\`&lt;/b> \\\\`@y`');
  });

  it('links, images, reference definitions, autolinks and HTML come out inert, the URL visible', () => {
    expect(neutraliseInline('![x](https://t/p.gif)')).toBe('!\\[x\\](`https://t/p.gif)`');
    expect(neutraliseInline('[click](https://evil)')).toBe('\\[click\\](`https://evil)`');
    expect(neutraliseInline('[x]: https://evil "t"')).toBe('\\[x\\]: `https://evil` "t"');
    expect(neutraliseInline('<https://evil/a> and www.evil.com/b')).toBe('&lt;`https://evil/a`> and `www.evil.com/b`');
    expect(neutraliseInline('<img src="https://t/p.gif">')).toBe('&lt;img src="`https://t/p.gif"`>');
    expect(neutraliseInline('[x][ref] [^1] \\[y](ftp://z)')).toBe('\\[x\\]\\[ref\\] \\[^1\\] \\\\\\[y\\](`ftp://z)`');
    const body = buildBody('see ![pixel](https://t/p.gif)\n[x]: https://evil', { kind: 'image', image: 'python' }, origin);
    expect(body).toContain('> see !\\[pixel\\](`https://t/p.gif)`\n> \\[x\\]: `https://evil`');
  });

  it('no link, image, HTML or bare URL survives outside code, for any text (property)', () => {
    const unit = fc.constantFrom('[', ']', '(', ')', '!', '<', '>', ':', ' ', '\n', '\\', '`', '&', '#', 'x', 'h', 't', 'p', 's', '/', '.', 'w', 'https://', 'www.');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (s) => {
        for (const line of quoteBlock(cleanText(s)).split('\n')) {
          const plain = outsideCode(line);
          // Unescaped brackets are what links, images and reference definitions are made of;
          // GitHub autolinks a scheme or www. followed by a domain character.
          expect(plain).not.toMatch(/[[\]<]|https?:\/\/[\w-]|www\.[\w-]/i);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('strips control, zero-width and bidi characters; CR, CRLF and separators become LF', () => {
    expect(cleanText('a\r\nb\rc\u2028d\u0085e\u0000\u0007\u200B\u200D\u2060\uFEFF\u202A\u202E\u2066\u2069f\tg')).toBe('a\nb\nc\nd\nef  g');
  });

  it('code spans survive any backticks inside', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
  });

  it('titles: capped, backticks cannot pair with ours, no backslash escapes our span', () => {
    expect(neutraliseTitle('`x` @a \\#1', 120)).toBe("'x' `@a` \\ `#1`");
    const long = neutraliseTitle(`${'@a '.repeat(200)}`, 120);
    expect(long.length).toBeLessThanOrEqual(256);
    expect(buildTitle('  \n\n  first line here\nsecond', { kind: 'docs', image: 'nginx' })).toBe('nginx: first line here');
  });

  it('no unescaped mention survives, for any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('@', '#', '1', 'a', '`', '\\', ' ', '/', '&', '<', '-', 'G', 'H') , maxLength: 60 }), (s) => {
        const out = neutraliseInline(s);
        expect(outsideCode(out)).not.toMatch(/@[A-Za-z0-9]|#\d|GH-\d/i);
      }),
      { numRuns: 500 },
    );
  });

  it('caps the body below GitHub\'s limit and says it was shortened', () => {
    const body = buildBody('@x '.repeat(30_000), { kind: 'image', image: 'python' }, origin, 'ab'.repeat(12));
    expect(body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(body).toMatch(/\(shortened: the full text was 8999\d characters\)\*\n/);
    expect(body).toContain(`<!-- doi-bot-report: ${'ab'.repeat(12)} -->`);
  });

  it('long hostile input stays fast (no quadratic regex)', () => {
    const started = Date.now();
    neutraliseInline(`${'a'.repeat(50_000)}/${'b'.repeat(50_000)}`);
    neutraliseInline('a/'.repeat(30_000));
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('prefilled links are URL-encoded and capped', () => {
    const url = prefilledIssueUrl('docker-library/python', `x & y = #1?\n${'z'.repeat(20_000)}`, { kind: 'image', image: 'python' }, origin);
    expect(url.length).toBeLessThanOrEqual(PREFILL_URL_MAX);
    const u = new URL(url);
    expect(u.pathname).toBe('/docker-library/python/issues/new');
    expect(u.searchParams.get('title')).toBe('x &amp; y = `#1`?'.replace('&amp;', '&'));
    expect(u.searchParams.get('body')).toContain('> x &amp; y = `#1`?');
  });

  it('a prefilled link carries a title-only form that one IRC line holds, and IRC sends that one whole', () => {
    const text = `${'very long title words '.repeat(40)}\n${'z'.repeat(5000)}`;
    const link = newIssueLink(prefilledIssueUrl('docker-library/python', text, { kind: 'image', image: 'python' }, origin));
    if (link.kind !== 'link' || link.shorter === undefined) throw new Error('expected a link with a shorter form');
    const short = new URL(link.shorter);
    expect(short.pathname).toBe('/docker-library/python/issues/new');
    expect([...short.searchParams.keys()]).toEqual(['title']);
    expect(short.searchParams.get('title')).toMatch(/^very long title words/);
    const budget = maxTextBytes('doibot', '#docker-library');
    const lines = renderRichText(rt.of(rt.line('You can open it yourself, prefilled: ', link)), { colors: false, maxLinkBytes: budget }).flatMap((l) => splitUtf8(l, budget));
    expect(lines.some((l) => l.includes(link.shorter!))).toBe(true);
    expect(lines.join('')).not.toContain('body=');
  });
});

describe('duplicate search terms', () => {
  it('keeps distinctive words and never lets a qualifier through', () => {
    expect(searchTerms('pip install fails with ssl error on arm64')).toEqual(['pip', 'install', 'ssl', 'arm64']);
    const terms = searchTerms('repo:evil/x is:pr author:me label:"x" segfault');
    expect(terms).toContain('segfault');
    for (const t of terms) expect(t).toMatch(/^[a-z0-9][a-z0-9._+-]*$/);
    expect(searchTerms('`@tianon` the')).toEqual(['tianon']);
  });
});

describe('canned answers from the knowledge base', () => {
  it('feedback answers the scanner question from the shipped knowledge base, and only feedback entries', () => {
    const answers = KnowledgeBase.fromFiles().forFeedback({ now: () => Date.parse('2026-12-01T00:00:00Z') });
    expect(answers.match('my scanner shows CVE-2023-4863 in libwebp')?.link).toBe('https://github.com/docker-library/faq#why-does-my-security-scanner-show-that-an-image-has-so-many-cves');
    expect(answers.match('pip install fails on arm64')).toBeUndefined();
    // A general question, not a report about an image: feedback files it as asked.
    expect(answers.match('my pulls fail with toomanyrequests')).toBeUndefined();
  });
});
