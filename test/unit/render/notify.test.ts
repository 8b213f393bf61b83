import { describe, expect, it } from 'vitest';
import { toPlainText } from '../../../src/core/richtext.js';
import type { HubTag } from '../../../src/hub/types.js';
import type { PrDetail } from '../../../src/prs/types.js';
import { describeNotification, notificationRule, renderNotificationMessage, renderPrSettled, renderTagPublished } from '../../../src/render/notify.js';

const NOW = Date.UTC(2026, 5, 1, 12);
const tag: HubTag = {
  name: '3.14.8',
  digest: `sha256:${'cd'.repeat(32)}`,
  tagLastPushed: NOW - 3 * 60_000,
  images: [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ],
};
const pr = (over: Partial<PrDetail> = {}): PrDetail => ({
  number: 42, title: 'Update node <!channel>', url: 'https://github.com/docker-library/official-images/pull/42', author: 'bot',
  state: 'MERGED', isDraft: false, createdAt: NOW - 86_400_000, updatedAt: NOW - 60_000, headOid: 'a'.repeat(40),
  images: ['node'], labels: [], checks: 'SUCCESS', failingChecks: [], changedFiles: 1, additions: 1, deletions: 1, reviews: [], source: 'live', ...over,
});

describe('notification rendering', () => {
  it('a published tag: arches once each, push age, digest and the Hub link; the moment picks the verb', () => {
    expect(toPlainText(renderTagPublished('python', '3.14.8', tag, 'now', NOW))).toBe(
      `python:3.14.8 is now published on Docker Hub (amd64, arm64v8), pushed 3m ago\ndigest sha256:${'cd'.repeat(32)} https://hub.docker.com/_/python/tags?name=3.14.8`,
    );
    const bare: HubTag = { name: 'x y', images: [] };
    expect(toPlainText(renderTagPublished('my image', 'x y', bare, 'already', NOW))).toBe(
      'my image:x y is already published on Docker Hub\nhttps://hub.docker.com/_/my%20image/tags?name=x%20y',
    );
  });

  it('a settled PR: merged or closed with its age, the title cut at 200 characters, the link on its own line', () => {
    expect(toPlainText(renderPrSettled(pr({ mergedAt: NOW - 120_000 }), 'now', NOW))).toBe(
      'PR #42 was just merged (2m ago): Update node <!channel>\nhttps://github.com/docker-library/official-images/pull/42',
    );
    const closed = renderPrSettled(pr({ state: 'CLOSED', title: 't'.repeat(300) }), 'already', NOW);
    expect(toPlainText(closed)).toBe(`PR #42 is already closed without merging: ${'t'.repeat(200)}\nhttps://github.com/docker-library/official-images/pull/42`);
    // The title stays a text node: adapters escape it.
    expect(renderPrSettled(pr(), 'now', NOW).lines[0]![2]).toEqual({ kind: 'text', text: 'Update node <!channel>' });
  });

  it('the private message ends with which one-shot notification it was; its rule says who asked for what', () => {
    const body = renderTagPublished('python', '3.14.8', tag, 'now', NOW);
    const message = renderNotificationMessage(body, 7, 2 * 3_600_000);
    expect(message.lines.slice(0, 2)).toEqual(body.lines);
    expect(toPlainText({ lines: message.lines.slice(2) })).toBe('(notification #7, asked 2h ago; one-shot, now done)');
    const row = { kind: 'pr' as const, image: null, tag: null, pr_number: 42 };
    expect(describeNotification(row)).toBe('PR #42 is merged or closed');
    expect(describeNotification({ kind: 'tag', image: 'python', tag: '3.14.8', pr_number: null })).toBe('python:3.14.8 is published');
    expect(notificationRule(7, 'irc:alice', describeNotification(row))).toBe('one-shot notification #7 requested by irc:alice: PR #42 is merged or closed');
  });
});
