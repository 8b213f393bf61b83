/**
 * The bot on a real InspIRCd + Atheme network, through the real app and commands: identities,
 * admin checks, escaping, splitting, paging, CTCP, channels that refuse the bot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IRC_LINE_BYTES } from '../../../adapters/irc/split.js';
import { IrcTestClient, type IrcLine } from '../../support/irc-client.js';
import { eventually, longLine, startBot, type BotHarness } from '../../support/irc-app.js';
import { failWithoutIrcServer, ircServerUsable, startIrcServer, type IrcServer } from '../../support/irc-server.js';
import { sampleValue } from '../../support/prom-text.js';

const ciFailure = failWithoutIrcServer();
if (ciFailure) it('needs InspIRCd and Atheme (CI=true)', () => expect.fail(ciFailure));

describe.skipIf(!ircServerUsable('irc-commands.test.ts'))('IRC adapter against InspIRCd + Atheme', () => {
  let server: IrcServer;
  let bot: BotHarness;
  let op: IrcTestClient;
  let alice: IrcTestClient;
  const written: string[] = [];

  beforeAll(async () => {
    server = await startIrcServer();
    await Promise.all([
      server.registerAccount('doibot', 'bot-password-1'),
      server.registerAccount('boss', 'boss-password-1'),
      server.registerAccount('alice', 'alice-password-1'),
    ]);
    // Channels that refuse the bot exist before it arrives, held open by an operator.
    op = await IrcTestClient.connect({ port: server.port, nick: 'chanop' });
    await op.join('#banned');
    op.send('MODE #banned +b doibot!*@*');
    await op.join('#keyed');
    op.send('MODE #keyed +k sesame');
    await op.join('#keyed2');
    op.send('MODE #keyed2 +k opensesame');
    await op.waitFor((l) => l.command === 'MODE' && l.params[0] === '#keyed2');
    bot = await startBot({
      server,
      irc: {
        channels: [{ name: '#test' }, { name: '#banned' }, { name: '#keyed' }, { name: '#keyed2', key: 'opensesame' }],
        saslAccount: 'doibot',
        saslPassword: 'bot-password-1',
      },
      access: { admins: ['irc:boss'] },
      adapter: { wireTap: (line, fromServer) => void (fromServer ? undefined : written.push(line)) },
    });
    alice = await IrcTestClient.connect({ port: server.port, nick: 'alice', sasl: { account: 'alice', password: 'alice-password-1' } });
    await alice.join('#test');
  });

  afterAll(async () => {
    await alice?.quit();
    await op?.quit();
    await bot?.stop();
    await server?.stop();
  });

  /** Sends a line as alice and returns the bot's PRIVMSGs that follow, once `count` arrived. */
  async function ask(client: IrcTestClient, target: string, text: string, count = 1, replyTarget = target): Promise<IrcLine[]> {
    const before = client.messagesFrom('doibot', replyTarget).length;
    client.privmsg(target, text);
    const all = await client.waitForMessages('doibot', before + count, 10_000, replyTarget);
    return all.slice(before);
  }

  it('logs in with SASL PLAIN, sets bot mode before its first JOIN, and says so in status', async () => {
    expect(bot.adapter.status()).toMatchObject({ connected: true });
    expect(bot.adapter.status().detail).toContain('logged in as doibot');
    const firstJoin = written.findIndex((l) => l.startsWith('JOIN '));
    const botMode = written.findIndex((l) => /^MODE doibot \+B$/.test(l));
    expect(botMode).toBeGreaterThanOrEqual(0);
    expect(botMode).toBeLessThan(firstJoin);
    const [reply] = await ask(alice, '#test', '!testecho tagged');
    expect(reply!.tags.account).toBe('doibot');
    expect('bot' in reply!.tags).toBe(true);
    expect(written.some((l) => l.includes('bot-password-1'))).toBe(false);
  });

  it('answers "!cmd" and "nick: cmd" in a channel and bare commands in private, never by NOTICE', async () => {
    expect((await ask(alice, '#test', '!testecho one'))[0]!.params[1]).toBe('you said: one');
    expect((await ask(alice, '#test', 'doibot: testecho two'))[0]!.params[1]).toBe('you said: two');
    expect((await ask(alice, '#test', 'doibot, testecho three'))[0]!.params[1]).toBe('you said: three');
    expect((await ask(alice, 'doibot', 'testecho four', 1, 'alice'))[0]!.params[1]).toBe('you said: four');
    const before = alice.lines.length;
    alice.send('NOTICE doibot :testecho notice');
    alice.privmsg('#test', 'testecho not addressed');
    await ask(alice, '#test', '!testecho marker');
    const after = alice.lines.slice(before).filter((l) => l.nick === 'doibot');
    expect(after.map((l) => l.params[1])).toEqual(['you said: marker']);
    expect(written.some((l) => l.startsWith('NOTICE ') && !l.includes('\u0001'))).toBe(false);
  });

  it('runs an admin command for the admin account and refuses someone who only took the nick', async () => {
    const boss = await IrcTestClient.connect({ port: server.port, nick: 'boss', sasl: { account: 'boss', password: 'boss-password-1' } });
    await boss.join('#test');
    expect((await ask(boss, '#test', '!testsecret'))[0]!.params[1]).toBe('admin ok for boss');
    await boss.quit();
    const impostor = await IrcTestClient.connect({ port: server.port, nick: 'boss' });
    await impostor.join('#test');
    const [refusal] = await ask(impostor, '#test', '!testsecret');
    expect(refusal!.params[1]).toMatch(/admins only.*not identified/);
    // An identified user who is not an admin is refused too.
    expect((await ask(alice, '#test', '!testsecret'))[0]!.params[1]).toMatch(/admins only/);
    await impostor.quit();
  });

  it('never lets CR, LF, NUL or CTCP in data produce a second IRC command', async () => {
    const observer = await IrcTestClient.connect({ port: server.port, nick: 'observer' });
    await observer.join('#test');
    const writtenBefore = written.length;
    const seenBefore = observer.lines.length;
    const replies = await ask(alice, '#test', '!testecho x\\r\\nPRIVMSG #test :pwned\\rQUIT :bye\\n:evil!u@h PRIVMSG #test :forged\\0\\x01ACTION hi\\x01');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.params[1]).toBe('you said: x PRIVMSG #test :pwned QUIT :bye :evil!u@h PRIVMSG #test :forgedACTION hi');
    const rich = await ask(alice, '#test', '!testrich a\\r\\nQUIT :x\\x02\\x034,5', 2);
    for (const r of rich) expect(r.params[1]).not.toMatch(/[\r\n\0\u0001\u0003]/);
    expect(rich[1]!.params[1]).toContain('reply "confirm a QUIT :x');
    await observer.waitForMessages('doibot', 3, 5000, '#test');
    const fromBot = observer.lines.slice(seenBefore).filter((l) => l.nick === 'doibot');
    expect(fromBot.map((l) => l.command)).toEqual(['PRIVMSG', 'PRIVMSG', 'PRIVMSG']);
    const botLines = written.slice(writtenBefore).filter((l) => !l.startsWith('PING') && !l.startsWith('PONG'));
    expect(botLines).toHaveLength(3);
    for (const l of botLines) expect(l).toMatch(/^PRIVMSG #test :[^\r\n\0]*$/);
    expect(bot.adapter.status().connected).toBe(true);
    await observer.quit();
  });

  it('splits a long reply on UTF-8 boundaries into lines that fit 512 bytes as relayed (in private: no channel cap)', async () => {
    const text = longLine(200);
    expect(Buffer.byteLength(text)).toBeGreaterThan(1200);
    const before = alice.messagesFrom('doibot', 'alice').length;
    alice.privmsg('doibot', 'testlong 200');
    await eventually(() => alice.messagesFrom('doibot', 'alice').slice(before).map((l) => l.params[1]).join('').length >= text.length, 10_000, 'split reply');
    const parts = alice.messagesFrom('doibot', 'alice').slice(before);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.map((l) => l.params[1]).join('')).toBe(text);
    for (const p of parts) {
      const relayed = p.raw.replace(/^@\S+ /, '');
      expect(Buffer.byteLength(`${relayed}\r\n`)).toBeLessThanOrEqual(IRC_LINE_BYTES);
      expect(p.params[1]).not.toContain('\ufffd');
    }
  });

  it('a long reply in a channel takes two lines, the second a count and a link to the whole answer, never "type more"', async () => {
    const listed = await ask(alice, '#test', '!testlist 10', 2);
    expect(listed.map((l) => l.params[1])).toEqual(['item 1 of 10', '(9 more lines: https://hub.docker.com/_/python/tags)']);
    // With no link to give, the count says what to ask in private.
    const plain = await ask(alice, '#test', '!testlines 10', 2);
    expect(plain.map((l) => l.params[1])).toEqual(['line 1 of 10', '(9 more lines in private: /msg doibot testlines 10)']);
    expect((await ask(alice, '#test', '!testlines 2', 2)).map((l) => l.params[1])).toEqual(['line 1 of 2', 'line 2 of 2']);
    // Nothing is kept for paging in a channel.
    expect((await ask(alice, '#test', '!more'))[0]!.params[1]).toBe('alice: nothing more to show here: long answers are paged in private messages only.');
    await ask(alice, '#test', '!testecho marker');
    const all = alice.messagesFrom('doibot', '#test').map((l) => l.params[1] ?? '');
    expect(all.filter((t) => /type !?more/.test(t))).toEqual([]);
  });

  it('pages a long private reply 10 lines at a time with "more", per user', async () => {
    const first = await ask(alice, 'doibot', 'testlines 25', 10, 'alice');
    expect(first.map((l) => l.params[1])).toEqual([...Array.from({ length: 9 }, (_, i) => `line ${i + 1} of 25`), '(16 more lines: type more)']);
    const bystander = await IrcTestClient.connect({ port: server.port, nick: 'bystander' });
    expect((await ask(bystander, 'doibot', 'more', 1, 'bystander'))[0]!.params[1]).toBe('nothing more to show.');
    const second = await ask(alice, 'doibot', 'more', 10, 'alice');
    expect(second.map((l) => l.params[1])).toEqual([...Array.from({ length: 9 }, (_, i) => `line ${i + 10} of 25`), '(7 more lines: type more)']);
    // Seven lines left fit one page: all of them, no hint.
    const third = await ask(alice, 'doibot', 'more', 7, 'alice');
    expect(third.map((l) => l.params[1])).toEqual(Array.from({ length: 7 }, (_, i) => `line ${i + 19} of 25`));
    expect((await ask(alice, 'doibot', 'more', 1, 'alice'))[0]!.params[1]).toBe('nothing more to show.');
    await bystander.quit();
  });

  it('reports the lines waiting in its send queue as doibot_adapter_queue_lines', async () => {
    // Paced to a crawl, so the reply stays queued while we look.
    const slow = await startBot({ server, irc: { nick: 'qbot', burst: 1, lineIntervalMs: 60_000 } });
    try {
      expect(sampleValue(await slow.app.metrics.render(), 'doibot_adapter_queue_lines', { platform: 'irc' })).toBe(0);
      alice.privmsg('qbot', 'testlines 30');
      // One private page of 10 lines; with a burst of 1, nine of them wait.
      await eventually(() => (slow.adapter.status().queuedLines ?? 0) >= 9, 10_000, 'the reply is queued', () => JSON.stringify(slow.adapter.status()));
      const queued = slow.adapter.status().queuedLines;
      expect(sampleValue(await slow.app.metrics.render(), 'doibot_adapter_queue_lines', { platform: 'irc' })).toBe(queued);
    } finally {
      await slow.stop();
    }
  });

  it('answers CTCP VERSION and PING with a CTCP reply, and ignores other CTCP', async () => {
    const before = alice.lines.length;
    alice.privmsg('doibot', '\u0001VERSION\u0001');
    const v = await alice.waitFor((l) => l.command === 'NOTICE' && l.nick === 'doibot' && l.params[1]!.startsWith('\u0001VERSION'), 5000, before);
    expect(v.params[1]).toBe('\u0001VERSION doi-bot 0.0.0-test\u0001');
    alice.privmsg('doibot', '\u0001PING 12345\u0001');
    const p = await alice.waitFor((l) => l.command === 'NOTICE' && l.nick === 'doibot' && l.params[1]!.startsWith('\u0001PING'), 5000, before);
    expect(p.params[1]).toBe('\u0001PING 12345\u0001');
    alice.privmsg('doibot', '\u0001FINGER\u0001');
    await ask(alice, '#test', '!testecho after-ctcp');
    expect(alice.lines.slice(before).filter((l) => l.nick === 'doibot' && l.params[1]?.includes('FINGER'))).toEqual([]);
  });

  it('records channels that refused the bot with the server reason, and status shows them', async () => {
    const problems = bot.adapter.status().problems ?? [];
    expect(problems.find((p) => p.startsWith('#banned'))).toMatch(/#banned: cannot join: banned \(\+b\).*\(474\)/);
    expect(problems.find((p) => p.startsWith('#keyed:'))).toMatch(/wrong or missing key.*\(475\)/);
    expect(bot.adapter.status().detail).toMatch(/in #test #keyed2/);
    // A channel joined with a key is named only to admins (status) and on the ops listener.
    expect(bot.adapter.status().privateChannels).toEqual(['#keyed2']);
    const [status] = await ask(alice, '#test', '!status');
    expect(status!.params[1]).toMatch(/#banned: cannot join: banned/);
    await expect(bot.adapter.send({ channel: 'irc:#banned', body: { lines: [[{ kind: 'text', text: 'hi' }]] }, kind: 'announcement' })).rejects.toThrow(/cannot send to #banned/);
  });
});
