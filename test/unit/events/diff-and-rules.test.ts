import { describe, expect, it } from 'vitest';
import type { PrSnapshot } from '../../../src/core/events.js';
import { diffPr } from '../../../src/events/diff.js';
import { renderLine } from '../../../src/render/announce.js';
import { toPlainText } from '../../../src/core/richtext.js';
import { pickRule, specKey, subscriptionMatches } from '../../../src/subscriptions/model.js';

const BASE = 1_000_000;
const pr = (over: Partial<PrSnapshot> = {}): PrSnapshot => ({
  repo: 'docker-library/official-images', number: 7, title: 'Update python', url: 'https://github.com/docker-library/official-images/pull/7',
  author: 'bot', state: 'OPEN', isDraft: false, createdAt: BASE + 10, updatedAt: BASE + 10, headOid: 'aaaaaaaa', labels: [], images: ['python'],
  changedFiles: 1, additions: 1, deletions: 0, reviews: [], checks: 'PENDING', failingChecks: [], libraryFiles: ['library/python'], ...over,
});
const ids = (events: { id: string }[]) => events.map((e) => e.id);

describe('diffPr', () => {
  it('a new PR is opened once; one seen before the baseline is silent', () => {
    expect(ids(diffPr(undefined, pr(), { baselineAt: BASE }))).toEqual(['pr.opened:docker-library/official-images#7']);
    expect(diffPr(undefined, pr({ createdAt: BASE - 1, labels: ['library/python'] }), { baselineAt: BASE })).toEqual([]);
    // ...but a merge after the baseline is news even for a PR we never saw open.
    expect(ids(diffPr(undefined, pr({ createdAt: BASE - 1, state: 'MERGED', mergedAt: BASE + 5 }), { baselineAt: BASE }))).toEqual(['pr.merged:docker-library/official-images#7']);
  });

  it('each transition has its stable id; an unchanged PR gives nothing', () => {
    const a = pr();
    expect(diffPr(a, a, { baselineAt: BASE })).toEqual([]);
    const b = pr({ labels: ['library/python'], headOid: 'bbbbbbbb', checks: 'FAILURE', failingChecks: ['Naughty'], reviews: [{ id: 'R1', state: 'APPROVED', author: 'tianon', submittedAt: BASE + 20 }] });
    expect(ids(diffPr(a, b, { baselineAt: BASE }))).toEqual([
      'pr.pushed:docker-library/official-images#7:bbbbbbbb',
      'pr.labeled:docker-library/official-images#7:library/python',
      'pr.review.approved:docker-library/official-images#7:R1',
      'pr.checks.failed:docker-library/official-images#7:bbbbbbbb',
    ]);
    expect(ids(diffPr(pr({ isDraft: true }), pr({ state: 'CLOSED', closedAt: BASE + 30 }), { baselineAt: BASE }))).toEqual([
      'pr.closed:docker-library/official-images#7',
    ]);
  });

  it('control characters in titles never break the one-line form', () => {
    const line = toPlainText(renderLine({ kind: 'pr.opened', id: 'x', occurredAt: 0, pr: pr({ title: 'a\r\nPRIVMSG #x :b\u0000' }) }));
    expect(line.split('\n')).toHaveLength(1);
  });
});

describe('subscription rules', () => {
  const opened = { kind: 'pr.opened' as const, id: 'x', occurredAt: 0, pr: pr() };
  it('globs on images and kinds; merged-and-published narrows kinds; "every" wins', () => {
    expect(subscriptionMatches({ images: ['PY*'], events: ['PR.*'], mode: 'every' }, opened)).toBe(true);
    expect(subscriptionMatches({ images: ['py'], events: ['*'], mode: 'every' }, opened)).toBe(false);
    expect(subscriptionMatches({ images: ['py*'], events: ['pr.*'], mode: 'every' }, opened)).toBe(true);
    expect(subscriptionMatches({ images: ['py*'], events: ['*'], mode: 'merged-and-published' }, opened)).toBe(false);
    expect(subscriptionMatches({ images: ['node'], events: ['*'], mode: 'every' }, opened)).toBe(false);
    const rule = pickRule(
      [
        { id: 1, images: ['*'], events: ['*'], mode: 'digest' as const },
        { id: 2, images: ['python'], events: ['pr.opened'], mode: 'every' as const },
      ],
      opened,
    );
    expect(rule?.id).toBe(2);
    // `new-image` follows proposals (the labeller's new-image PRs), whatever image they add.
    const proposal = diffPr(undefined, pr({ labels: ['new-image', 'library/foo'], images: ['foo'], libraryFiles: ['library/foo'] }), { baselineAt: BASE })[0]!;
    expect(subscriptionMatches({ images: ['new-image'], events: ['pr.*'], mode: 'every' }, proposal)).toBe(true);
    expect(subscriptionMatches({ images: ['new-image'], events: ['pr.*'], mode: 'every' }, opened)).toBe(false);
    expect(subscriptionMatches({ images: ['New-Image'], events: ['pr.merged'], mode: 'every' }, proposal)).toBe(false);
    expect(specKey({ images: ['Python', 'node'], events: ['pr.*'], mode: 'every' })).toBe(specKey({ images: ['node', 'python'], events: ['pr.*'], mode: 'every' }));
  });
});
