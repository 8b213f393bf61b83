import { describe, expect, it } from 'vitest';
import { ircLower } from '../../../adapters/irc/accounts.js';
import { toInbound, type InboundContext, type PrivmsgLike } from '../../../adapters/irc/inbound.js';

const ctx = (over: Partial<InboundContext> = {}): InboundContext => ({
  currentNick: 'doibot',
  accountTagEnabled: true,
  freshAccount: () => undefined,
  verifyAccount: async () => null,
  channelPrefixes: '#&',
  now: 1_000_000,
  fallbackId: 'irc-in-1',
  ...over,
});
const ev = (over: Partial<PrivmsgLike> = {}): PrivmsgLike => ({ nick: 'alice', target: '#docker-library', message: '!tags python', tags: {}, ...over });

describe('toInbound', () => {
  it('passes "!cmd" in a channel through for the dispatcher to strip', () => {
    const m = toInbound(ev(), ctx());
    expect(m).toMatchObject({ text: '!tags python', addressed: false, isDirect: false, channel: { key: 'irc:#docker-library', id: '#docker-library' } });
  });

  it('strips "nick:" and "nick," addressing using the current nick', () => {
    expect(toInbound(ev({ message: 'doibot: tags python' }), ctx())).toMatchObject({ text: 'tags python', addressed: true });
    expect(toInbound(ev({ message: 'DoiBot_, about' }), ctx({ currentNick: 'doibot_' }))).toMatchObject({ text: 'about', addressed: true });
    expect(toInbound(ev({ message: 'doibot: about' }), ctx({ currentNick: 'doibot_' }))).toBeNull();
  });

  it('ignores channel chatter that is not addressed', () => {
    expect(toInbound(ev({ message: 'python is nice' }), ctx())).toBeNull();
  });

  it('takes bare commands in private, replying to the sender', () => {
    const m = toInbound(ev({ target: 'DOIBOT', message: 'about' }), ctx());
    expect(m).toMatchObject({ text: 'about', addressed: true, isDirect: true, channel: { id: 'alice', key: 'irc:alice' } });
  });

  it('takes the account from the account tag, and none when the tag is absent', () => {
    expect(toInbound(ev({ account: 'alice' }), ctx())?.author).toEqual({ platform: 'irc', id: 'alice', name: 'alice', account: 'alice', privateKey: 'irc:account:alice' });
    const anon = toInbound(ev(), ctx({ freshAccount: () => 'alice' }))?.author;
    expect(anon).toEqual({ platform: 'irc', id: 'alice', name: 'alice' });
    expect(anon && 'account' in anon).toBe(false);
  });

  it('uses watched accounts only when account-tag is off, and leaves an unknown one to be verified', async () => {
    const watched = toInbound(ev(), ctx({ accountTagEnabled: false, freshAccount: () => 'acct' }));
    expect(watched?.author.account).toBe('acct');
    expect(watched?.verifyAuthor).toBeUndefined();
    const loggedOut = toInbound(ev(), ctx({ accountTagEnabled: false, freshAccount: () => null }));
    expect(loggedOut?.author.account).toBeUndefined();
    expect(loggedOut?.verifyAuthor).toBeUndefined();
    const asked: string[] = [];
    const unknown = toInbound(ev({ nick: 'Alice' }), ctx({ accountTagEnabled: false, verifyAccount: async (n) => (asked.push(n), 'alice-acct') }));
    expect(unknown?.author.account).toBeUndefined();
    expect(asked).toEqual([]);
    expect(await unknown?.verifyAuthor?.()).toEqual({ platform: 'irc', id: 'Alice', name: 'Alice', account: 'alice-acct', privateKey: 'irc:account:alice-acct' });
    expect(asked).toEqual(['Alice']);
    // With account-tag the tag (or its absence) is the answer; nothing is left to verify.
    expect(toInbound(ev(), ctx())?.verifyAuthor).toBeUndefined();
  });

  it('hands over the account canonical (RFC 1459 folded), however the server spelled it', async () => {
    expect(toInbound(ev({ account: 'Alice[m]' }), ctx())?.author.account).toBe('alice{m}');
    expect(toInbound(ev({ tags: { account: 'BOB~\\' } }), ctx())?.author.account).toBe('bob^|');
    expect(toInbound(ev(), ctx({ accountTagEnabled: false, freshAccount: () => 'Carol' }))?.author.account).toBe('carol');
    const unknown = toInbound(ev(), ctx({ accountTagEnabled: false, verifyAccount: async () => 'Dave[x]' }));
    expect((await unknown?.verifyAuthor?.())?.account).toBe('dave{x}');
  });

  it('drops CTCP, server messages, its own lines and other bots', () => {
    expect(toInbound(ev({ message: '\u0001VERSION\u0001' }), ctx())).toBeNull();
    expect(toInbound(ev({ from_server: true }), ctx())).toBeNull();
    expect(toInbound(ev({ nick: 'DoiBot' }), ctx())).toBeNull();
    expect(toInbound(ev({ tags: { bot: true } }), ctx())).toBeNull();
  });

  it('drops messages to other targets and strips formatting from commands', () => {
    expect(toInbound(ev({ target: 'someoneelse', message: 'about' }), ctx())).toBeNull();
    expect(toInbound(ev({ message: '\u0002!about\u0002\r\n' }), ctx())?.text).toBe('!about');
  });

  it('uses msgid and server time when present', () => {
    const m = toInbound(ev({ tags: { msgid: 'abc' }, time: 5000 }), ctx());
    expect(m?.id).toBe('irc:abc');
    expect(m?.receivedAt.getTime()).toBe(5000);
    expect(toInbound(ev(), ctx())?.id).toBe('irc-in-1');
  });

  // `more` is a command now (commands/more.ts): it reaches the dispatcher like any other.
  it('passes more requests on as commands', () => {
    expect(toInbound(ev({ message: '!more' }), ctx())).toMatchObject({ text: '!more', addressed: false });
    expect(toInbound(ev({ message: 'doibot: more' }), ctx())).toMatchObject({ text: 'more', addressed: true });
    expect(toInbound(ev({ target: 'doibot', message: 'more' }), ctx())).toMatchObject({ text: 'more', addressed: true, isDirect: true });
    expect(toInbound(ev({ message: 'more' }), ctx())).toBeNull();
  });
});

describe('ircLower', () => {
  it('folds rfc1459 case', () => {
    expect(ircLower('A[]\\~')).toBe('a{}|^');
  });
});
