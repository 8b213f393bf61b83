/**
 * One-shot notifications end to end: stored in SQLite, checked against the fake Hub and fake
 * GitHub, fired exactly once through the persistent outbox as a private message (IRC query /
 * Slack DM), also across app restarts on the same database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { drained, startPrHarness, type PrHarness } from '../../support/prs/harness.js';
import type { MemoryAdapter } from '../../../adapters/memory/memory-adapter.js';
import type { UserRef } from '../../../src/core/chat.js';

let h: PrHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const ALICE = { id: 'alice_', name: 'alice_', account: 'alice' };

async function ask(adapter: MemoryAdapter, text: string, user: { id: string; name: string; account?: string } = ALICE, channel = '#general'): Promise<string> {
  const before = adapter.sent.length;
  // The memory adapter's default user is identified; an explicit undefined account overrides
  // that, which exactOptionalPropertyTypes cannot express without a cast.
  await adapter.inject(text, { channel, user: { account: undefined, ...user } as Partial<UserRef> });
  const replies = adapter.sent.slice(before).filter((m) => m.kind === 'reply');
  expect(replies.length).toBe(1);
  return replies[0]!.text;
}

const privateTo = (adapter: MemoryAdapter, key: string) => adapter.sent.filter((m) => m.channel === key && m.kind === 'announcement').map((m) => m.text);

function publish(h: PrHarness, image: string, tag: string) {
  h.hub.world.setTag(image, tag, {
    digest: `sha256:${'cd'.repeat(32)}`,
    images: [
      { os: 'linux', architecture: 'amd64', digest: `sha256:${'1'.repeat(64)}` },
      { os: 'linux', architecture: 'arm64', variant: 'v8', digest: `sha256:${'2'.repeat(64)}` },
    ],
  });
}

describe('notify', () => {
  it('a tag notification fires once, privately, and survives restarts', async () => {
    h = await startPrHarness();
    h.hub.world.addRepository('python');
    expect(await ask(h.irc, '!notify me when python:3.14.8 is published', { id: 'bob', name: 'bob' })).toMatch(/^Notifications are for identified users/);
    expect(await ask(h.irc, '!notify me when python:3.14.8 is published')).toBe(
      `OK: I'll send you a private message once, when python:3.14.8 is published (notification #1; "notify cancel 1" to drop it).`,
    );
    expect(await ask(h.irc, '!notify me when python:3.14.8 is published')).toMatch(/^You already asked: .* \(notification #1;/);
    expect(await ask(h.irc, '!notify list')).toMatch(/^#1 when python:3\.14\.8 is published: waiting \(asked \d+s ago\)$/);
    expect(await ask(h.irc, '!notify me when python:3.14.8 is out', { id: 'carol', name: 'carol', account: 'carol' })).toMatch(/notification #2;/);
    expect(await ask(h.irc, '!notify cancel 2', { id: 'carol', name: 'carol', account: 'carol' })).toBe('Cancelled #2: when python:3.14.8 is published.');
    expect(await ask(h.irc, '!notify cancel 1', { id: 'carol', name: 'carol', account: 'carol' })).toBe('You have no pending notification #1. See "notify list".');

    expect(await h.app.notify.check()).toEqual({ fired: 0 });
    // Restart before it happens: the request is kept.
    h = await h.restart();
    publish(h, 'python', '3.14.8');
    expect(await h.app.notify.check()).toEqual({ fired: 1 });
    expect(await h.app.notify.check()).toEqual({ fired: 0 });
    await drained(h);
    // Addressed to the services account, not the nick alice_ asked from: the adapter finds
    // whoever is logged in as alice when it goes out.
    expect(h.irc.sent.filter((m) => m.channel === 'irc:alice_' && m.kind === 'announcement')).toEqual([]);
    const sent = privateTo(h.irc, 'irc:account:alice');
    expect(sent.length).toBe(1);
    expect(sent[0]).toMatch(
      new RegExp(
        `^python:3\\.14\\.8 is now published on Docker Hub \\(amd64, arm64v8\\), pushed \\d+s ago\\ndigest sha256:(cd){32} https://hub\\.docker\\.com/_/python/tags\\?name=3\\.14\\.8\\n\\(notification #1, asked \\d+s ago; one-shot, now done\\)$`,
      ),
    );
    // Carol cancelled: nothing for her.
    expect(h.irc.sent.filter((m) => m.channel === 'irc:account:carol' && m.kind === 'announcement')).toEqual([]);
    // Another restart after firing: nothing is sent twice.
    h = await h.restart();
    expect(await h.app.notify.check()).toEqual({ fired: 0 });
    await new Promise((r) => setTimeout(r, 100));
    expect(privateTo(h.irc, 'irc:account:alice')).toEqual([]);
    expect(h.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'notify' AND state = 'sent'").get()).toEqual({ n: 1 });
    expect(await ask(h.irc, '!notify list')).toMatch(/^#1 when python:3\.14\.8 is published: sent \d+s ago$/);

    // Already published: answered at once, nothing stored.
    expect(await ask(h.irc, '!notify me when python:3.14.8 is published')).toMatch(/^python:3\.14\.8 is already published on Docker Hub/);
    expect(h.app.notify.pending()).toEqual([]);
  });

  it('a PR notification fires when the PR is merged, across a restart, as a Slack DM', async () => {
    h = await startPrHarness();
    const n = h.gh.world.openPr({ title: 'Update node <!channel>', files: ['library/node'] });
    const closed = h.gh.world.openPr({ title: 'Update rust', files: ['library/rust'] });
    h.gh.world.close(closed);
    const slackUser = { id: 'U0ALICE', name: 'alice', account: 'U0ALICE' };
    expect(await ask(h.slack, `notify me about pr ${n}`, slackUser, 'C0123ABCD')).toBe(
      `OK: I'll send you a direct message once, when PR #${n} is merged or closed (notification #1; "notify cancel 1" to drop it).`,
    );
    expect(await ask(h.slack, `notify me about pr ${closed}`, slackUser, 'C0123ABCD')).toMatch(new RegExp(`^PR #${closed} is already closed without merging`));
    expect(await ask(h.slack, 'notify me about pr 999', slackUser, 'C0123ABCD')).toBe('There is no PR #999.');
    expect(await ask(h.slack, 'notify me about bananas', slackUser, 'C0123ABCD')).toMatch(/^Usage: notify me when/);
    expect(await h.app.notify.check()).toEqual({ fired: 0 });
    h = await h.restart();
    h.gh.world.merge(n);
    expect(await h.app.notify.check()).toEqual({ fired: 1 });
    await drained(h);
    const dm = h.slack.sent.filter((m) => m.channel === 'slack:U0ALICE');
    expect(dm.length).toBe(1);
    expect(dm[0]!.text).toMatch(new RegExp(`^PR #${n} was just merged \\(\\d+s ago\\): Update node <!channel>\\nhttps://github\\.com/docker-library/official-images/pull/${n}\\n`));
    h = await h.restart();
    expect(await h.app.notify.check()).toEqual({ fired: 0 });
    expect(h.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'notify'").get()).toEqual({ n: 1 });
  });
});
