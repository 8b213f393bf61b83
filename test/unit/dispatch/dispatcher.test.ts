import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../../src/dispatch/command.js';
import { CommandRegistry } from '../../../src/dispatch/registry.js';
import { AccessPolicy } from '../../../src/dispatch/access.js';
import { Dispatcher } from '../../../src/dispatch/dispatcher.js';
import { rt, toPlainText } from '../../../src/core/richtext.js';
import { silentLogger } from '../../../src/core/log.js';
import type { Clock } from '../../../src/core/clock.js';
import type { InboundMessage, UserRef } from '../../../src/core/chat.js';
import { StatusBoard } from '../../../src/status.js';
import { UserError } from '../../../src/core/errors.js';

const echo = defineCommand({
  name: 'echo',
  summary: 'echo',
  usage: 'echo <words...>',
  access: 'anyone',
  args: z.array(z.string()).min(1),
  run: async (ctx, words) => rt.of(`${words.join('|')} / ${ctx.argsText}`),
});
const secret = defineCommand({
  name: 'admin thing',
  summary: 'admin only',
  usage: 'admin thing',
  access: 'admin',
  args: z.tuple([]),
  run: async () => rt.of('done'),
});
const boom = defineCommand({ name: 'boom', summary: '', usage: 'boom', access: 'anyone', args: z.tuple([]), run: async () => { throw new Error('token=abc'); } });
const refuse = defineCommand({ name: 'refuse', summary: '', usage: 'refuse', access: 'anyone', args: z.tuple([]), run: async () => { throw new UserError('x', 'No such image.'); } });
const slow = defineCommand({ name: 'slow', summary: '', usage: 'slow', access: 'anyone', args: z.tuple([]), timeoutMs: 50, run: () => new Promise(() => {}) });
const whoami = defineCommand({ name: 'whoami', summary: '', usage: 'whoami', access: 'anyone', identity: true, args: z.tuple([]), run: async (ctx) => rt.of(ctx.message.author.account ?? 'nobody') });
const num = defineCommand({ name: 'pr', summary: '', usage: 'pr <number>', access: 'anyone', args: z.tuple([z.coerce.number().int().positive()]), run: async (_c, [n]) => rt.of(`#${n}`) });

function makeDispatcher(now = { t: 0 }) {
  const clock: Clock = { now: () => now.t, sleep: async () => {} };
  const registry = new CommandRegistry([echo, secret, boom, refuse, slow, num, whoami]);
  return new Dispatcher({
    registry,
    access: new AccessPolicy({ admins: ['irc:alice', 'slack:U0ADMIN'], maintainers: [] }),
    services: { status: new StatusBoard('test', 0), commands: () => registry.all() },
    log: silentLogger(),
    clock,
    limits: { userCommandsPerMinute: 3, commandTimeoutMs: 1000 },
  });
}

function msg(text: string, author: { id?: string; name?: string; account?: string | undefined } = {}, addressed = false): InboundMessage {
  const id = author.id ?? 'bob';
  const account = 'account' in author ? author.account : 'bob';
  const user: UserRef = account === undefined
    ? { platform: 'irc', id, name: author.name ?? id }
    : { platform: 'irc', id, name: author.name ?? id, account };
  return {
    id: 'm1',
    channel: { platform: 'irc', id: '#c', key: 'irc:#c', name: '#c' },
    author: user,
    text,
    isDirect: false,
    addressed,
    receivedAt: new Date(0),
  };
}

const answer = async (d: Dispatcher, m: InboundMessage) => {
  const r = await d.handle(m);
  return r ? toPlainText(r) : null;
};

describe('dispatcher', () => {
  it('stays silent on chatter and answers the ! prefix', async () => {
    const d = makeDispatcher();
    expect(await answer(d, msg('echo hi'))).toBeNull();
    expect(await answer(d, msg('!echo hi "a b"'))).toBe('hi|a b / hi "a b"');
  });
  it('answers addressed messages without prefix', async () => {
    expect(await answer(makeDispatcher(), msg('echo x', {}, true))).toBe('x / x');
  });
  it('suggests a command for a typo and shows usage on bad arguments', async () => {
    const d = makeDispatcher();
    expect(await answer(d, msg('!ecko hi'))).toMatch(/Did you mean "echo"/);
    expect(await answer(d, msg('!echo'))).toMatch(/Usage: echo <words\.\.\.>/);
    expect(await answer(d, msg('!pr abc'))).toMatch(/Bad argument "abc".*Usage: pr <number>/);
    expect(await answer(d, msg('!pr 12'))).toBe('#12');
  });
  it('matches multi-word commands and refuses by verified identity, not nick', async () => {
    const d = makeDispatcher();
    expect(await answer(d, msg('!admin thing', { id: 'alice', name: 'alice', account: 'alice' }))).toBe('done');
    // Same nick, no services account: refused.
    expect(await answer(d, msg('!admin thing', { id: 'alice', name: 'alice', account: undefined }))).toMatch(/admins only.*not identified/);
    // Someone else's account using the admin's nick: refused.
    expect(await answer(d, msg('!admin thing', { id: 'alice', account: 'mallory' }))).toMatch(/admins only/);
  });
  it('turns internal errors into a reference, never the message', async () => {
    const out = await answer(makeDispatcher(), msg('!boom'));
    expect(out).toMatch(/^Something went wrong \(ref [0-9a-f]{6}\)\.$/);
    expect(out).not.toContain('token');
  });
  it('shows user errors as they are', async () => {
    expect(await answer(makeDispatcher(), msg('!refuse'))).toBe('No such image.');
  });
  it('times out a command that hangs', async () => {
    expect(await answer(makeDispatcher(), msg('!slow'))).toMatch(/took too long/);
  });
  it('limits a flooding user, warns once, then recovers after the window', async () => {
    const now = { t: 0 };
    const d = makeDispatcher(now);
    for (let i = 0; i < 3; i++) expect(await answer(d, msg('!echo a'))).toBe('a / a');
    expect(await answer(d, msg('!echo a'))).toMatch(/Slow down/);
    expect(await answer(d, msg('!echo a'))).toBeNull();
    now.t = 61_000;
    expect(await answer(d, msg('!echo a'))).toBe('a / a');
  });
  it('keeps the flood budget of a verified identity apart from an unidentified user with the same nick', async () => {
    const d = makeDispatcher();
    const impostor = { id: 'alice', account: undefined };
    for (let i = 0; i < 3; i++) expect(await answer(d, msg('!echo a', impostor))).toBe('a / a');
    expect(await answer(d, msg('!echo a', impostor))).toMatch(/Slow down/);
    // The services account "alice" (identity irc:alice) still has its own budget.
    expect(await answer(d, msg('!echo a', { id: 'someone', account: 'alice' }))).toBe('a / a');
  });
  it('asks the platform to verify an unvouched sender only for commands that need the identity', async () => {
    const now = { t: 0 };
    const d = makeDispatcher(now);
    const asked: string[] = [];
    const unvouched = (text: string, answer: string | undefined): InboundMessage => ({
      ...msg(text, { id: 'alice', account: undefined }),
      verifyAuthor: async () => {
        asked.push(text);
        return answer ? { platform: 'irc', id: 'alice', name: 'alice', account: answer } : { platform: 'irc', id: 'alice', name: 'alice' };
      },
    });
    expect(await answer(d, unvouched('!echo hi', 'alice'))).toBe('hi / hi');
    expect(asked).toEqual([]);
    expect(await answer(d, unvouched('!admin thing', 'alice'))).toBe('done');
    expect(await answer(d, unvouched('!admin thing', undefined))).toMatch(/admins only.*not identified/);
    now.t = 61_000; // a new flood window
    expect(await answer(d, unvouched('!whoami', 'someone'))).toBe('someone');
    expect(asked).toEqual(['!admin thing', '!admin thing', '!whoami']);
  });
  it('stops a flooder before asking the platform to verify them', async () => {
    const d = makeDispatcher();
    let asked = 0;
    const flood: InboundMessage = { ...msg('!admin thing', { id: 'mallory', account: undefined }), verifyAuthor: async () => (asked++, { platform: 'irc', id: 'mallory', name: 'mallory' }) };
    for (let i = 0; i < 10; i++) await answer(d, flood);
    expect(asked).toBe(3);
  });
  it('treats a sender whose verification fails as unidentified', async () => {
    const d = makeDispatcher();
    const failing: InboundMessage = { ...msg('!admin thing', { id: 'alice', account: undefined }), verifyAuthor: () => Promise.reject(new Error('no answer')) };
    expect(await answer(d, failing)).toMatch(/admins only.*not identified/);
  });
  it('caps hostile input length without crashing', async () => {
    const out = await answer(makeDispatcher(), msg(`!echo ${'x'.repeat(10_000)}`));
    expect(out!.length).toBeLessThan(9000);
  });
});

describe('registry', () => {
  it('rejects duplicate names and aliases at start', () => {
    const a = defineCommand({ name: 'tags', summary: '', usage: '', access: 'anyone', args: z.tuple([]), run: async () => null });
    const b = defineCommand({ name: 'list', aliases: ['TAGS'], summary: '', usage: '', access: 'anyone', args: z.tuple([]), run: async () => null });
    expect(() => new CommandRegistry([a, b])).toThrow(/duplicate command name "tags"/);
  });
  it('the real command set has no duplicates', async () => {
    const { allCommands } = await import('../../../commands/index.js');
    expect(() => new CommandRegistry(allCommands)).not.toThrow();
  });
});
