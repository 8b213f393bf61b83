import { afterEach, describe, expect, it } from 'vitest';
import { drained, hubTag, PYTHON_V2, startHarness, type Harness } from '../../support/events/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const noRef = (s: string) => s.replace(/ \(ref [0-9a-z]{6}\)/, '');
const URL1 = 'https://github.com/docker-library/official-images/pull/2';
const TITLE = 'Update python <!channel> PRIVMSG #x :hi';

describe('a PR through its life, announced on two platforms', () => {
  it('open -> label -> review -> checks -> push -> merge -> publish per architecture', async () => {
    h = await startHarness();
    const poller = h.app.announcements.poller!;
    const w = h.gh.world;
    // Already open before the bot's first run: recorded, never announced (no backlog).
    w.openPr({ title: 'Update node', files: ['library/node'] });
    await poller.tick();
    const n = w.openPr({ title: 'Update python <!channel>\r\nPRIVMSG #x :hi', author: 'docker-library-bot', files: ['library/python'], changes: { 'library/python': PYTHON_V2 } });
    await poller.tick();
    w.addLabel(n, 'library/python');
    await poller.tick();
    w.review(n, { author: 'yosifkit', state: 'CHANGES_REQUESTED' });
    await poller.tick();
    w.setChecks(n, 'failure');
    await poller.tick();
    const before = w.pr(n).commits.at(-1)!.oid;
    const after = w.pushCommit(n, { message: 'fix' });
    w.setChecks(n, 'success');
    await poller.tick();
    w.review(n, { author: 'tianon', state: 'APPROVED' });
    await poller.tick();
    await poller.tick(); // nothing changed: nothing new
    w.merge(n, { by: 'tianon' });
    await poller.tick();
    const mergedAt = Date.parse(w.pr(n).mergedAt!);
    // Hub: amd64 and arm64v8 land first, ppc64le later.
    for (const tag of ['3.14.2', '3.14', '3', 'latest']) h.hub.world.setTag('python', tag, hubTag(`sha256:aaaa${tag}`, ['amd64', 'arm64v8'], mergedAt + 1000));
    await h.app.announcements.pollHub();
    await h.app.announcements.pollHub(); // no change on Hub: no repeat
    for (const tag of ['3.14.2', '3.14', '3', 'latest']) h.hub.world.setTag('python', tag, hubTag(`sha256:bbbb${tag}`, ['amd64', 'arm64v8', 'ppc64le'], mergedAt + 2000));
    await h.app.announcements.pollHub();
    await drained(h);

    const expected = [
      `#2 opened by docker-library-bot: ${TITLE} [python] ${URL1}`,
      `#2 labeled library/python: ${TITLE} [python] ${URL1}`,
      `#2 changes requested by yosifkit: ${TITLE} [python] ${URL1}`,
      `#2 checks failed (Build and Test): ${TITLE} [python] ${URL1}`,
      `#2 new commits (${before.slice(0, 7)} -> ${after.slice(0, 7)}): ${TITLE} [python] ${URL1}`,
      `#2 checks passed: ${TITLE} [python] ${URL1}`,
      `#2 approved by tianon: ${TITLE} [python] ${URL1}`,
      `#2 merged: ${TITLE} [python] ${URL1}`,
      `python: 4 tags published: 3.14.2, 3.14, 3, latest on amd64, arm64v8; ppc64le pending (new version 3.14.2, #2) ${URL1}`,
      `python: now also on ppc64le (4 tags: 3.14.2, 3.14, 3, latest) ${URL1}`,
    ];
    // IRC: one line per real state change, each with the PR URL and a ref.
    const irc = h.irc.sent.filter((m) => m.channel === 'irc:#docker-library');
    expect(irc.map((m) => noRef(m.text))).toEqual(expected);
    expect(irc.every((m) => / \(ref [0-9a-z]{6}\)$/.test(m.text) && m.kind === 'announcement')).toBe(true);
    // Silence where nobody subscribed to python.
    expect(h.irc.sent.filter((m) => m.channel !== 'irc:#docker-library')).toEqual([]);

    // Slack: one card, posted once and then edited in place; each change in its thread.
    const slack = h.slack.sent.filter((m) => m.channel === 'slack:C0123ABCD');
    expect(h.slack.sent.length).toBe(slack.length);
    const card = slack[0]!;
    expect(card.updateRef).toBeUndefined();
    expect(card.threadId).toBeUndefined();
    expect(card.text.split('\n')[0]).toBe(`#2 ${TITLE} <${URL1}>`);
    const edits = slack.filter((m) => m.updateRef);
    const threads = slack.filter((m) => m.threadId);
    expect(edits.length).toBe(7);
    expect(edits.every((m) => m.updateRef === card.ref)).toBe(true);
    expect(threads.map((m) => noRef(m.text))).toEqual(expected.slice(1, 8));
    expect(threads.every((m) => m.threadId === card.ref)).toBe(true);
    expect(edits.at(-1)!.text.split('\n').slice(1)).toEqual([
      'merged · checks passing · approved by tianon · changes requested by yosifkit · by docker-library-bot · 1 file +3/-1',
      'images: python · labels: library/python',
      expect.stringMatching(/^latest: merged \(ref [0-9a-z]{6}\)$/),
    ]);
    const published = slack.filter((m) => !m.updateRef && !m.threadId).slice(1);
    expect(published.map((m) => noRef(m.text))).toEqual(expected.slice(8));

    // `why` names the rule that sent an announcement, by the ref shown in it.
    const ref = /\(ref ([0-9a-z]{6})\)$/.exec(irc[7]!.text)![1]!;
    await h.irc.inject(`!why ${ref}`, { channel: '#docker-library' });
    const whyReply = h.irc.sent.at(-1)!;
    expect(whyReply.kind).toBe('reply');
    expect(whyReply.text).toContain('pr.merged:docker-library/official-images#2');
    expect(whyReply.text).toMatch(/Rule #1: images python; events pr\.\*, image\.published; every transition \(from the config file\)/);
  });

  it('subscribe / unsubscribe need a verified maintainer; subscriptions lists the channel rules', async () => {
    h = await startHarness({ subscriptions: [], access: { maintainers: ['irc:tianon'] } });
    await h.irc.inject('!subscribe python pr.merged', { channel: '#general', user: { id: 'tianon', name: 'tianon', account: undefined } as never });
    expect(h.irc.sent.at(-1)!.text).toMatch(/for maintainers only, and you are not identified/);
    await h.irc.inject('!subscribe python pr.merged', { channel: '#general', user: { id: 'mallory', name: 'tianon', account: 'mallory' } });
    expect(h.irc.sent.at(-1)!.text).toBe('"subscribe" is for maintainers only.');
    await h.irc.inject('!subscribe python,node* pr.*,image.published digest 07:30', { channel: '#general', user: { id: 'tianon', name: 'tianon', account: 'tianon' } });
    expect(h.irc.sent.at(-1)!.text).toBe('Subscribed: #1: images python, node*; events pr.*, image.published; daily digest at 07:30 UTC (added by irc:tianon)');
    await h.irc.inject('!subscribe python,node* pr.*,image.published digest 07:30', { channel: '#general', user: { id: 'tianon', name: 'tianon', account: 'tianon' } });
    expect(h.irc.sent.at(-1)!.text).toMatch(/^Already subscribed: #1/);
    await h.irc.inject('!subscribe python pr.nonsense', { channel: '#general', user: { id: 'tianon', name: 'tianon', account: 'tianon' } });
    expect(h.irc.sent.at(-1)!.text).toMatch(/^"pr.nonsense" matches no event kind/);
    await h.irc.inject(`!subscribe ${'*a'.repeat(12)}*b`, { channel: '#general', user: { id: 'tianon', name: 'tianon', account: 'tianon' } });
    expect(h.irc.sent.at(-1)!.text).toMatch(/^"\*a\*a.*" has more than 8 wildcards/);
    await h.irc.inject(`!subscribe ${'x'.repeat(65)}`, { channel: '#general', user: { id: 'tianon', name: 'tianon', account: 'tianon' } });
    expect(h.irc.sent.at(-1)!.text).toMatch(/is longer than 64 characters/);
    await h.irc.inject(`!subscribe ${Array.from({ length: 21 }, (_, i) => `img${i}`).join(',')}`, { channel: '#general', user: { id: 'tianon', name: 'tianon', account: 'tianon' } });
    expect(h.irc.sent.at(-1)!.text).toMatch(/^Too many patterns \(21\); at most 20/);
    await h.irc.inject('!subscriptions', { channel: '#general', user: { id: 'bob', name: 'bob', account: undefined } as never });
    expect(h.irc.sent.at(-1)!.text).toBe('Announcement rules here (1):\n#1: images python, node*; events pr.*, image.published; daily digest at 07:30 UTC (added by irc:tianon)');
    await h.irc.inject('!unsubscribe 1', { channel: '#other', user: { id: 'tianon', name: 'tianon', account: 'tianon' } });
    expect(h.irc.sent.at(-1)!.text).toBe('This channel has no rule #1. Type "subscriptions" to see its rules.');
    await h.irc.inject('!unsubscribe 1', { channel: '#general', user: { id: 'tianon', name: 'tianon', account: 'tianon' } });
    expect(h.irc.sent.at(-1)!.text).toMatch(/^Removed #1/);
    await h.irc.inject('!subscriptions', { channel: '#general' });
    expect(h.irc.sent.at(-1)!.text).toMatch(/^No announcements in this channel/);
  });
});
