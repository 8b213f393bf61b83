/**
 * Services accounts on a server that does NOT send account-tag (InspIRCd without
 * ircv3_accounttag): the adapter must learn accounts from extended-join, WHOX and
 * account-notify, because a nick alone proves nothing. The wire taps show which of the three
 * supplied each answer, so a test cannot pass through a different path than the one it names.
 * Someone the bot shares no channel with may quit unseen and lose the nick to anyone: their
 * account is asked of the server whenever it matters, and never remembered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rt } from '../../../src/core/richtext.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { IrcTestClient, parseIrcLine, type IrcLine } from '../../support/irc-client.js';
import { eventually, startBot, type BotHarness } from '../../support/irc-app.js';
import { failWithoutIrcServer, ircServerUsable, startIrcServer, type IrcServer } from '../../support/irc-server.js';

const ciFailure = failWithoutIrcServer();
if (ciFailure) it('needs InspIRCd and Atheme (CI=true)', () => expect.fail(ciFailure));

describe.skipIf(!ircServerUsable('irc-accounts.test.ts'))('IRC accounts without account-tag', () => {
  let server: IrcServer;
  let bot: BotHarness;
  let carol: IrcTestClient;
  let gh: FakeGitHub;
  const PY = 'docker-library/python';
  const written: string[] = [];
  const received: string[] = [];

  beforeAll(async () => {
    server = await startIrcServer({ withoutAccountTag: true });
    await Promise.all(
      ['carol', 'alice', 'dave', 'boss', 'frank', 'root'].map((a) => server.registerAccount(a, `${a}-password-1`)),
    );
    // Already in the channel when the bot arrives: only the bot's WHOX of the channel can tell.
    carol = await IrcTestClient.connect({ port: server.port, nick: 'carol', sasl: { account: 'carol', password: 'carol-password-1' } });
    await carol.join('#acct');
    gh = await startFakeGitHub();
    for (const repo of [PY, 'docker-library/docs', 'docker-library/official-images']) gh.world.addRepository(repo);
    bot = await startBot({
      server,
      github: gh,
      irc: { channels: [{ name: '#acct' }] },
      access: { admins: ['irc:boss', 'irc:root'] },
      adapter: { wireTap: (line, fromServer) => void (fromServer ? received : written).push(line) },
    });
    // The channel WHOX reply must be in before anyone speaks, or the per-nick WHO would answer.
    await eventually(() => received.some((l) => / 315 \S+ #acct /i.test(l)), 10_000, 'end of WHO #acct');
  });

  afterAll(async () => {
    await carol?.quit();
    await bot?.stop();
    await server?.stop();
    await gh?.close();
  });

  async function whoami(client: IrcTestClient, target = '#acct'): Promise<string> {
    const replyTarget = target === 'doibot' ? client.nick : target;
    const before = client.messagesFrom('doibot', replyTarget).length;
    client.privmsg(target, target === 'doibot' ? 'testwhoami' : '!testwhoami');
    const all = await client.waitForMessages('doibot', before + 1, 10_000, replyTarget);
    return all[before]!.params[1] ?? '';
  }

  // The library hands the tap each line with its CR still on.
  const fromServer = () => received.map((l) => parseIrcLine(l.trimEnd()));
  const sawAccount = (nick: string, account: string) =>
    fromServer().some((l) => l.command === 'ACCOUNT' && l.nick === nick && l.params[0] === account);
  const whoSentFor = (nick: string) => written.filter((l) => new RegExp(`^WHO ${nick}\\b`, 'i').test(l));

  it('really has no account-tag, and uses WHOX with the account field', () => {
    const ls = fromServer().filter((l) => l.command === 'CAP' && l.params[1] === 'LS');
    const offered = ls.flatMap((l) => (l.params.at(-1) ?? '').split(' ')).map((c) => c.split('=')[0]);
    expect(offered).not.toContain('account-tag');
    expect(offered).toEqual(expect.arrayContaining(['extended-join', 'account-notify']));
    expect(received.some((l) => / 005 .*\bWHOX\b/.test(l))).toBe(true);
    expect(written).toContainEqual(expect.stringMatching(/^WHO #acct %\S*a/));
  });

  it('knows the account of a user who was in the channel before it joined (WHOX of the channel)', async () => {
    expect(await whoami(carol)).toBe('account: carol');
    expect(whoSentFor('carol')).toEqual([]);
  });

  it('learns accounts from extended-join, and that an unidentified joiner has none', async () => {
    const alice = await IrcTestClient.connect({ port: server.port, nick: 'alice', sasl: { account: 'alice', password: 'alice-password-1' } });
    const eve = await IrcTestClient.connect({ port: server.port, nick: 'eve' });
    try {
      await alice.join('#acct');
      await eve.join('#acct');
      const joinsOf = () => fromServer().filter((l) => l.command === 'JOIN' && ['alice', 'eve'].includes(l.nick));
      await eventually(() => joinsOf().length === 2, 5000, 'the bot saw both JOINs');
      const joins = joinsOf();
      // extended-join: "JOIN #chan <account|*> :realname"
      expect(joins.map((l) => [l.nick, l.params[1]])).toEqual([
        ['alice', 'alice'],
        ['eve', '*'],
      ]);
      expect(await whoami(alice)).toBe('account: alice');
      expect(await whoami(eve)).toBe('account: none');
      expect([...whoSentFor('alice'), ...whoSentFor('eve')]).toEqual([]);
    } finally {
      await Promise.all([alice.quit(), eve.quit()]);
    }
  });

  it('asks WHOX about someone it shares no channel with before answering them in private', async () => {
    const dave = await IrcTestClient.connect({ port: server.port, nick: 'dave', sasl: { account: 'dave', password: 'dave-password-1' } });
    const stranger = await IrcTestClient.connect({ port: server.port, nick: 'stranger' });
    try {
      expect(await whoami(dave, 'doibot')).toBe('account: dave');
      expect(await whoami(stranger, 'doibot')).toBe('account: none');
      expect(whoSentFor('dave')).toHaveLength(1);
      expect(whoSentFor('stranger')).toHaveLength(1);
    } finally {
      await Promise.all([dave.quit(), stranger.quit()]);
    }
  });

  it('runs an admin command for the admin account and refuses whoever merely uses the nick', async () => {
    const boss = await IrcTestClient.connect({ port: server.port, nick: 'boss', sasl: { account: 'boss', password: 'boss-password-1' } });
    await boss.join('#acct');
    boss.privmsg('#acct', '!testsecret');
    expect((await boss.waitForMessages('doibot', 1, 10_000, '#acct'))[0]!.params[1]).toBe('admin ok for boss');
    await boss.quit();

    // Joins under the admin's nick...
    const impostor = await IrcTestClient.connect({ port: server.port, nick: 'boss' });
    // ...or takes it after joining under another one (the tracker follows NICK).
    const renamer = await IrcTestClient.connect({ port: server.port, nick: 'mallory' });
    try {
      await impostor.join('#acct');
      impostor.privmsg('#acct', '!testsecret');
      expect((await impostor.waitForMessages('doibot', 1, 10_000, '#acct'))[0]!.params[1]).toMatch(/admins only.*not identified/);
      impostor.privmsg('doibot', 'testsecret');
      expect((await impostor.waitForMessages('doibot', 1, 10_000, 'boss'))[0]!.params[1]).toMatch(/admins only.*not identified/);
      await impostor.quit();

      await renamer.join('#acct');
      renamer.send('NICK boss');
      await renamer.waitFor((l) => l.command === 'NICK' && l.params[0] === 'boss');
      renamer.privmsg('#acct', '!testsecret');
      const replies = await renamer.waitForMessages('doibot', 1, 10_000, '#acct');
      expect(replies.at(-1)!.params[1]).toMatch(/admins only.*not identified/);
      expect(replies.some((r) => /admin ok/.test(r.params[1] ?? ''))).toBe(false);
    } finally {
      await Promise.all([impostor.quit(), renamer.quit()]);
    }
  });

  it('recognises a user who identifies to services after joining, and one who logs out (account-notify)', async () => {
    const frank = await IrcTestClient.connect({ port: server.port, nick: 'frank' });
    try {
      await frank.join('#acct');
      expect(await whoami(frank)).toBe('account: none');
      frank.privmsg('NickServ', 'IDENTIFY frank frank-password-1');
      await frank.waitFor((l) => l.nick === 'NickServ' && /now identified/i.test(l.params[1] ?? ''));
      await eventually(() => sawAccount('frank', 'frank'), 5000, 'ACCOUNT frank seen by the bot');
      expect(await whoami(frank)).toBe('account: frank');
      frank.privmsg('NickServ', 'LOGOUT');
      await frank.waitFor((l) => l.nick === 'NickServ' && /logged out/i.test(l.params[1] ?? ''));
      await eventually(() => sawAccount('frank', '*'), 5000, 'ACCOUNT * seen by the bot');
      expect(await whoami(frank)).toBe('account: none');
      expect(whoSentFor('frank')).toEqual([]);
    } finally {
      await frank.quit();
    }
  });

  /** Private `text` to the bot; resolves with the first reply line matching `want`. */
  async function askPrivately(client: IrcTestClient, text: string, want: RegExp = /./): Promise<string> {
    const from = client.lines.length;
    client.privmsg('doibot', text);
    const line = await client.waitFor((l: IrcLine) => l.command === 'PRIVMSG' && l.nick === 'doibot' && want.test(l.params[1] ?? ''), 10_000, from);
    return line.params[1] ?? '';
  }
  const root = () => IrcTestClient.connect({ port: server.port, nick: 'root', sasl: { account: 'root', password: 'root-password-1' } });

  it('refuses admin commands and feedback confirm to whoever takes the nick of an admin it shares no channel with', async () => {
    const admin = await root();
    expect(await askPrivately(admin, 'testsecret')).toBe('admin ok for root');
    const proposal = await askPrivately(admin, 'feedback python pip fails on arm64 with an ssl error', /confirm [a-z0-9]{6}/);
    const code = /confirm ([a-z0-9]{6})/.exec(proposal)![1]!;
    // Quits where the bot cannot see it; someone else takes the nick at once.
    await admin.quit();
    const mallory = await IrcTestClient.connect({ port: server.port, nick: 'root' });
    try {
      const issues = gh.world.issues(PY).length;
      expect(await askPrivately(mallory, 'testsecret')).toMatch(/admins only.*not identified/);
      expect(await askPrivately(mallory, `confirm ${code}`)).toMatch(/^Only identified users can file reports/);
      expect(await askPrivately(mallory, 'testwhoami')).toBe('account: none');
      expect(gh.world.issues(PY)).toHaveLength(issues);
      // Every one of those asked the server at the time of the command.
      expect(whoSentFor('root').length).toBeGreaterThanOrEqual(5);
    } finally {
      await mallory.quit();
    }
  });

  it('sends a message for an account only to a nick logged in to it now, never to whoever holds the nick it used', async () => {
    const notice = { channel: 'irc:account:root', kind: 'notice' as const, body: rt.of('your report root-1 was filed') };
    const first = await root();
    expect(await askPrivately(first, 'testwhoami')).toBe('account: root');
    await first.quit();
    const mallory = await IrcTestClient.connect({ port: server.port, nick: 'root' });
    try {
      await expect(bot.adapter.send(notice)).rejects.toMatchObject({ code: 'delivery.recipient-away', retryable: true });

      // Back under a nick it only used in private: found by asking the server about that nick.
      const inPrivate = await IrcTestClient.connect({ port: server.port, nick: 'rootpm', sasl: { account: 'root', password: 'root-password-1' } });
      expect(await askPrivately(inPrivate, 'testwhoami')).toBe('account: root');
      await bot.adapter.send(notice);
      expect((await inPrivate.waitForMessages('doibot', 2, 10_000, 'rootpm')).at(-1)!.params[1]).toBe('your report root-1 was filed');
      await inPrivate.quit();

      // In a channel the bot watches, under a nick the bot never heard from: extended-join told it.
      const inChannel = await IrcTestClient.connect({ port: server.port, nick: 'rootchan', sasl: { account: 'root', password: 'root-password-1' } });
      await inChannel.join('#acct');
      await eventually(() => fromServer().some((l) => l.command === 'JOIN' && l.nick === 'rootchan'), 5000, 'the bot saw rootchan join');
      await bot.adapter.send(notice);
      expect((await inChannel.waitForMessages('doibot', 1, 10_000, 'rootchan'))[0]!.params[1]).toBe('your report root-1 was filed');
      await inChannel.quit();
      expect(mallory.messagesFrom('doibot')).toEqual([]);
    } finally {
      await mallory.quit();
    }
  });
});
