/**
 * The PR and `when` answers through the real IRC and Slack renderers: compact, and every
 * attacker-controlled string (titles, logins, labels, check names) escaped by the adapters.
 */
import { describe, expect, it } from 'vitest';
import { renderRichText } from '../../../adapters/irc/render.js';
import { renderMessage } from '../../../adapters/slack/blocks.js';
import { renderPr, renderPrs, renderQueue } from '../../../commands/pr-render.js';
import { renderWhen } from '../../../commands/when-render.js';
import { LINE_BYTES } from '../../../commands/catalog-fit.js';
import { namesVersion, parseWhenQuestion, prNumberIn } from '../../../src/prs/pure.js';
import type { PrDetail, WhenAnswer } from '../../../src/services.js';

const NOW = 1_800_000_000_000;
const EVIL = 'Update php <!channel> <@U123|x> *bold* \r\nPRIVMSG #x :hi \u0001ACTION\u0001 &amp;';

const pr: PrDetail = {
  number: 20123,
  title: EVIL,
  url: 'https://github.com/docker-library/official-images/pull/20123',
  author: 'mallory<!here>',
  state: 'OPEN',
  isDraft: false,
  createdAt: NOW - 3 * 86_400_000,
  updatedAt: NOW - 2 * 3_600_000,
  headOid: 'b'.repeat(40),
  images: ['php'],
  labels: ['library/php', '<!everyone>'],
  reviewDecision: 'CHANGES_REQUESTED',
  reviews: [{ id: 'r1', state: 'CHANGES_REQUESTED', author: 'yosifkit', submittedAt: NOW - 86_400_000, commitOid: 'a'.repeat(40) }],
  checks: 'FAILURE',
  failingChecks: ['Build <!channel>'],
  mergeable: 'MERGEABLE',
  mergeStateStatus: 'UNSTABLE',
  changedSinceReview: true,
  changedFiles: 1,
  additions: 3,
  deletions: 1,
  source: 'live',
};

describe('IRC and Slack rendering of PR answers', () => {
  it('pr: two compact IRC lines, state first, no control characters; Slack escapes every mention', () => {
    const body = renderPr(pr, NOW);
    const irc = renderRichText(body, { colors: false });
    expect(irc.length).toBe(2);
    expect(irc.every((l) => !/[\r\n\u0000-\u001f]/.test(l))).toBe(true);
    expect(irc[0]).toBe(`#20123 Update php <!channel> <@U123|x> *bold* PRIVMSG #x :hi ACTION &amp;: open · checks failing (Build <!channel>) · changes requested · mergeable (unstable) ${pr.url}`);
    expect(irc[1]).toMatch(/ · diff changed since the last review · 1 file \+3\/-1 · reviews: /);
    expect(body.wholeAnswerUrl).toBe(pr.url);
    const slack = renderMessage(body);
    const all = JSON.stringify(slack);
    expect(all).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U123/);
    expect(all).toContain('&lt;!channel&gt;');
    expect(slack.blocks.every((b) => b.type === 'section')).toBe(true);
    expect(slack.blocks.length).toBe(1);
  });

  it('prs, queue and when render compactly on both platforms', () => {
    const listing = renderPrs({ prs: Array.from({ length: 12 }, (_, i) => ({ ...pr, number: i + 1 })), complete: true, source: 'live', asOf: NOW }, 'php', 'docker-library/official-images', NOW);
    const irc = renderRichText(listing, { colors: false });
    expect(irc.length).toBe(10); // header, 8 PRs, "and 4 more"
    expect(irc[9]).toMatch(/^…and 4 more: https:\/\/github\.com\/docker-library\/official-images\/pulls\?q=/);
    // Cut in a channel, the list links to the same search on GitHub; the queue to the open PRs.
    expect(listing.wholeAnswerUrl).toBe(irc[9]!.replace('…and 4 more: ', ''));
    expect(JSON.stringify(renderMessage(listing))).not.toMatch(/<!channel>/);

    const queue = renderQueue({ ready: [pr], failing: [pr], openCount: 2, source: 'snapshot', asOf: NOW - 60_000 }, 'docker-library/official-images', NOW);
    expect(queue.wholeAnswerUrl).toBe('https://github.com/docker-library/official-images/pulls?q=is%3Apr%20is%3Aopen%20sort%3Acreated-asc');
    expect(renderRichText(queue, { colors: false })[0]).toBe(
      "Waiting on maintainers: 1 ready for review (checks green, no review yet), 1 with failing checks, of 2 open PRs (as of the bot's last poll, 1m ago)",
    );

    const when: WhenAnswer = {
      image: 'php',
      version: '8.5.1',
      repo: { kind: 'found', repo: 'docker-library/php', file: 'versions.json', at: NOW - 3_600_000, timing: 'first-seen', url: 'https://github.com/docker-library/php/blob/master/versions.json' },
      pr: { kind: 'pr', pr },
      hub: { kind: 'absent' },
      estimates: [
        { step: 'repo-to-pr', samples: 0 },
        { step: 'pr-to-merge', samples: 3, medianMs: 2 * 86_400_000 },
        { step: 'merge-to-publish', samples: 2, medianMs: 3 * 3_600_000 },
      ],
    };
    const w = renderRichText(renderWhen(when, 'docker-library/official-images', NOW), { colors: false });
    // Two lines, key fact first; the PR link whole at the start of line 2.
    expect(w).toEqual([
      'php 8.5.1: in review: official-images PR #20123 is open; checks failing (Build <!channel>); changes requested. Rough estimate: merge ~2d after the PR opens (median of 3 observed); publish ~3h after the merge (median of 2 observed)',
      `PR #20123 <${pr.url}> open 3d ago: Update php <!channel> <@U123|x> *bold* PRIVMSG #x :hi ACTION &amp; · source: docker-library/php versions.json names it since 1h ago https://github.com/docker-library/php/blob/master/versions.json · Docker Hub: no php:8.5.1 tag yet`,
    ]);
    for (const line of w) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(LINE_BYTES);

    // Published with every step and long lists: still two lines, the Hub link whole in line 2.
    const arches = ['amd64', 'arm32v5', 'arm32v6', 'arm32v7', 'arm64v8', 'i386', 'ppc64le', 'riscv64', 's390x'];
    const published: WhenAnswer = {
      ...when,
      pr: { kind: 'pr', pr: { ...pr, state: 'MERGED', mergedAt: NOW - 7_200_000 } },
      hub: {
        kind: 'published',
        tag: '8.5.1',
        digest: `sha256:${'ab'.repeat(32)}`,
        pushedAt: NOW - 600_000,
        arches: arches.slice(0, 2).map((arch) => ({ arch, digest: `sha256:${'1'.repeat(64)}` })),
        pendingArches: arches.slice(2),
        tags: Array.from({ length: 40 }, (_, i) => `8.5.1-variant-${i}`),
      },
    };
    const p = renderRichText(renderWhen(published, 'docker-library/official-images', NOW), { colors: false });
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^php 8\.5\.1: on Docker Hub since 10m ago for 2 of 9 architectures, still building: arm32v6, .*; digest sha256:abababababab\. Rough estimate: publish ~3h after the merge/);
    expect(p[1]).toMatch(/^https:\/\/hub\.docker\.com\/_\/php\/tags\?name=8\.5\.1 · also tagged 8\.5\.1-variant-0, .* and \d+ more · PR #20123 </);
    for (const line of p) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(LINE_BYTES);

    // Docker Hub slow: pending, not "waiting for the build".
    const pending = renderRichText(renderWhen({ ...published, hub: { kind: 'pending' } }, 'docker-library/official-images', NOW), { colors: false });
    expect(pending[0]).toBe(
      'php 8.5.1: merged in official-images PR #20123 2h ago; Docker Hub: pending (slow to answer; ask again in a few seconds), so whether it is built and pushed is unknown. Rough estimate: publish ~3h after the merge (median of 2 observed)',
    );
    expect(pending.join('\n')).not.toContain('waiting');
    const slack = JSON.stringify(renderMessage(renderWhen(when, 'docker-library/official-images', NOW)));
    expect(slack).not.toMatch(/<!channel>|<@U123/);
    expect(slack).toContain(`<${pr.url}|PR #20123>`);
  });
});

describe('parsing', () => {
  it('matches versions on boundaries', () => {
    expect(namesVersion('Update 3.14 to 3.14.1', '3.14.1')).toBe(true);
    expect(namesVersion('Tags: 3.14.1-slim, 3.14', '3.14.1')).toBe(true);
    expect(namesVersion('3.14.10', '3.14.1')).toBe(false);
    expect(namesVersion('13.14.1', '3.14.1')).toBe(false);
    expect(namesVersion('3.14.1rc1', '3.14.1')).toBe(false);
    expect(namesVersion('"version": "24.1.0"', '24.1')).toBe(true);
    expect(namesVersion('24.10.0', '24.1')).toBe(false);
  });

  it('reads free-form questions and PR references', () => {
    expect(parseWhenQuestion('when will python 3.14.1 be available?')).toEqual({ image: 'python', version: '3.14.1' });
    expect(parseWhenQuestion('when is node 24.1 out')).toEqual({ image: 'node', version: '24.1' });
    expect(parseWhenQuestion('is python:3.14.1 out yet?')).toEqual({ image: 'python', version: '3.14.1' });
    expect(parseWhenQuestion('what is python')).toBeUndefined();
    const repo = 'docker-library/official-images';
    expect(prNumberIn('#12345', repo)).toBe(12345);
    expect(prNumberIn('https://github.com/docker-library/official-images/pull/12345/files', repo)).toBe(12345);
    expect(prNumberIn('https://github.com/evil/repo/pull/1', repo)).toBeUndefined();
    expect(prNumberIn('#12345 please', repo)).toBeUndefined();
  });
});
