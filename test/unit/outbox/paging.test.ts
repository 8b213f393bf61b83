/**
 * The core's paging (src/outbox/paging.ts): replies cut before any adapter sees them, on what
 * the target declares; the rest of a private answer kept per asker, bounded in time and memory.
 */
import { describe, expect, it } from 'vitest';
import { PLAIN_CAPABILITIES, type OutboundMessage, type ReplyLayout, type UserRef } from '../../../src/core/chat.js';
import { rt, toPlainText, type RichText } from '../../../src/core/richtext.js';
import { KEPT_FOR_MS, MAX_KEPT_LINES, ReplyPages, fitChannelReply, type PagingTarget } from '../../../src/outbox/paging.js';
import { ManualClock } from '../../support/feedback-app.js';

const alice: UserRef = { platform: 'memory', id: 'alice', name: 'alice' };
const bob: UserRef = { platform: 'memory', id: 'bob', name: 'bob' };
const numbered = (n: number, word = 'line'): RichText => rt.of(...Array.from({ length: n }, (_, i) => `${word} ${i + 1} of ${n}`));
const lines = (body: RichText | undefined): string[] => (body ? toPlainText(body).split('\n') : []);

function reply(body: RichText, asker = alice, isDirect = true): OutboundMessage {
  const channel = isDirect ? `memory:${asker.id}` : 'memory:#room';
  return { channel, body, kind: 'reply', replyTo: { messageId: 'm1', asker, isDirect, question: '!testlines 9' } };
}

const paged: PagingTarget = { capabilities: { ...PLAIN_CAPABILITIES, linesPerReply: 2, privatePageLines: 4 } };

describe('paging replies in the core', () => {
  it('a private reply longer than a page shows one page; more shows the next, per asker, until nothing is left', () => {
    const pages = new ReplyPages(new ManualClock());
    const first = pages.fit(reply(numbered(9)), paged);
    expect(lines(first.body)).toEqual(['line 1 of 9', 'line 2 of 9', 'line 3 of 9', '(6 more lines: type more)']);
    expect(pages.next('memory:bob', bob, 4)).toBeUndefined();
    const second = pages.next('memory:alice', alice, 4);
    expect(lines(second)).toEqual(['line 4 of 9', 'line 5 of 9', 'line 6 of 9', '(3 more lines: type more)']);
    // A page is sent as it is: cutting it again would lose what is kept.
    expect(pages.fit(reply(second!), paged).body).toBe(second);
    expect(lines(pages.next('memory:alice', alice, 4))).toEqual(['line 7 of 9', 'line 8 of 9', 'line 9 of 9']);
    expect(pages.next('memory:alice', alice, 4)).toBeUndefined();
    expect(pages.keptLines).toBe(0);
  });

  it('a new answer replaces what was kept of the previous one', () => {
    const pages = new ReplyPages(new ManualClock());
    pages.fit(reply(numbered(9)), paged);
    expect(pages.fit(reply(numbered(2)), paged).body).toEqual(numbered(2));
    expect(pages.next('memory:alice', alice, 4)).toBeUndefined();
  });

  it('forgets a rest after KEPT_FOR_MS', () => {
    const clock = new ManualClock();
    const pages = new ReplyPages(clock);
    pages.fit(reply(numbered(9)), paged);
    clock.advance(KEPT_FOR_MS + 1);
    expect(pages.next('memory:alice', alice, 4)).toBeUndefined();
  });

  it('keeps at most MAX_KEPT_LINES for everybody, dropping the oldest rests first', () => {
    const pages = new ReplyPages(new ManualClock());
    const askers = Array.from({ length: 12 }, (_, i): UserRef => ({ platform: 'memory', id: `u${i}`, name: `u${i}` }));
    for (const asker of askers) pages.fit(reply(numbered(2_000), asker), paged);
    expect(pages.keptLines).toBeLessThanOrEqual(MAX_KEPT_LINES);
    expect(pages.next('memory:u0', askers[0]!, 4)).toBeUndefined();
    expect(lines(pages.next('memory:u11', askers[11]!, 4))[0]).toBe('line 4 of 2000');
  });

  it('in a channel: the first lines, then a count and the link to the whole answer; nothing kept', () => {
    const pages = new ReplyPages(new ManualClock());
    const withLink = pages.fit(reply({ ...numbered(10, 'item'), wholeAnswerUrl: 'https://hub.docker.com/_/python/tags' }, alice, false), paged);
    expect(lines(withLink.body)).toEqual(['item 1 of 10', '(9 more lines: https://hub.docker.com/_/python/tags)']);
    const plain = pages.fit(reply(numbered(10), alice, false), paged);
    expect(lines(plain.body)).toEqual(['line 1 of 10', '(9 more lines in private: ask me in a private message)']);
    expect(pages.keptLines).toBe(0);
  });

  it('asks the platform how to ask in private, and whether the link line fits', () => {
    const layout: ReplyLayout = {
      lines: (body) => body,
      fitsOneLine: (line) => toPlainText(rt.of(line)).length <= 50,
      askPrivately: (question) => `/msg bot ${question.replace(/^!/, '')}`,
    };
    const target = { capabilities: paged.capabilities, layout };
    const long = { ...numbered(5), wholeAnswerUrl: `https://example.test/${'x'.repeat(40)}` };
    expect(lines(fitChannelReply(long, 2, 'memory:#room', target, '!testlines 5'))).toEqual(['line 1 of 5', '(4 more lines in private: /msg bot testlines 5)']);
    expect(lines(fitChannelReply(long, 2, 'memory:#room', target, `!testlines ${'5'.repeat(30)}`))).toEqual(['line 1 of 5', '(4 more lines in private: ask me in a private message)']);
  });

  it('leaves alone what the target does not limit: announcements, and platforms without paging', () => {
    const pages = new ReplyPages(new ManualClock());
    const plain: PagingTarget = { capabilities: PLAIN_CAPABILITIES };
    const long = numbered(50);
    expect(pages.fit(reply(long), plain).body).toBe(long);
    expect(pages.fit(reply(long, alice, false), plain).body).toBe(long);
    expect(pages.fit({ channel: 'memory:#room', body: long, kind: 'announcement' }, paged).body).toBe(long);
  });
});
