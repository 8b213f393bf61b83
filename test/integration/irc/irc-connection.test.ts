/**
 * Connection life against a real server: SASL failure (never registers unauthenticated),
 * nick collision (alternate nick, then regain), server restart (reconnect, rejoin, deliver what
 * was queued), a frozen server (dead connection detected), QUIT with a reason on stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IrcTestClient } from '../../support/irc-client.js';
import { eventually, startBot, withTimeout } from '../../support/irc-app.js';
import { failWithoutIrcServer, ircServerUsable, startIrcServer, type IrcServer } from '../../support/irc-server.js';
import { rt } from '../../../src/core/richtext.js';

const ciFailure = failWithoutIrcServer();
if (ciFailure) it('needs InspIRCd and Atheme (CI=true)', () => expect.fail(ciFailure));

describe.skipIf(!ircServerUsable('irc-connection.test.ts'))('IRC connection life', () => {
  let server: IrcServer;

  beforeAll(async () => {
    server = await startIrcServer();
    await Promise.all([server.registerAccount('doibot', 'bot-password-1'), server.registerAccount('alice', 'alice-password-1')]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('does not register when SASL fails, says why in status, and tries again later', async () => {
    const fromServer: string[] = [];
    const bot = await startBot({
      server,
      noWait: true,
      irc: { channels: [{ name: '#test' }], saslAccount: 'doibot', saslPassword: 'wrong-password' },
      adapter: { saslRetryMs: 1500, wireTap: (line, srv) => void (srv ? fromServer.push(line) : undefined) },
    });
    try {
      await eventually(() => fromServer.filter((l) => / 904 /.test(l)).length >= 2, 15_000, 'two SASL failures (a retry)');
      const status = bot.adapter.status();
      expect(status.connected).toBe(false);
      expect(status.problems?.join(' ')).toMatch(/SASL login failed: .*\(904\); not connecting unauthenticated/);
      expect(fromServer.some((l) => / 001 /.test(l))).toBe(false);
      const watcher = await IrcTestClient.connect({ port: server.port, nick: 'watcher' });
      watcher.send('WHOIS doibot');
      const whois = await watcher.waitFor((l) => l.command === '401' || l.command === '311');
      expect(whois.command).toBe('401');
      await watcher.quit();
    } finally {
      await bot.stop();
    }
  });

  it('takes an alternate nick when its nick is in use, then regains it', async () => {
    const squatter = await IrcTestClient.connect({ port: server.port, nick: 'doibot' });
    const bot = await startBot({
      server,
      irc: { channels: [{ name: '#nick' }], saslAccount: 'doibot', saslPassword: 'bot-password-1' },
      adapter: { nickRetryMs: 500 },
    });
    try {
      // Either NickServ REGAIN (the account owns the nick) or the squatter leaving gives it back.
      await eventually(() => bot.adapter.nick === 'doibot', 10_000, 'nick regained', () => JSON.stringify(bot.adapter.status()));
      expect(bot.adapter.status().problems ?? []).not.toContainEqual(expect.stringMatching(/nick/));
      const alice = await IrcTestClient.connect({ port: server.port, nick: 'alice' });
      await alice.join('#nick');
      alice.privmsg('#nick', 'doibot: testecho addressed to the regained nick');
      await alice.waitFor((l) => l.nick === 'doibot' && l.params[1] === 'you said: addressed to the regained nick', 5000);
      await alice.quit();
    } finally {
      squatter.destroy();
      await bot.stop();
    }
  });

  it('without services: uses doibot_ and takes doibot back when the squatter leaves', async () => {
    const squatter = await IrcTestClient.connect({ port: server.port, nick: 'plainbot' });
    const bot = await startBot({ server, irc: { nick: 'plainbot', channels: [{ name: '#plain' }] }, adapter: { nickRetryMs: 60_000 } });
    try {
      expect(bot.adapter.nick).toBe('plainbot_');
      expect(bot.adapter.status().problems?.join(' ')).toMatch(/nick plainbot is in use; using plainbot_/);
      await squatter.quit();
      // MONITOR tells the bot the nick is free; the 60 s retry timer is not what gets it back.
      await eventually(() => bot.adapter.nick === 'plainbot', 5000, 'nick taken back');
      expect(bot.adapter.status().problems ?? []).toEqual([]);
    } finally {
      await bot.stop();
    }
  });

  it('reconnects after a server restart, rejoins and delivers what was queued while down', async () => {
    const bot = await startBot({
      server,
      irc: { channels: [{ name: '#restart' }], saslAccount: 'doibot', saslPassword: 'bot-password-1' },
      // Deterministic back-off: the first retry comes 4 s after the drop (time for alice to be back first).
      adapter: { reconnectMinMs: 4000, reconnectMaxMs: 8000, random: () => 1 },
    });
    let alice: IrcTestClient | undefined;
    try {
      await server.stopIrcd();
      await eventually(() => !bot.adapter.status().connected, 5000, 'bot notices the drop');
      expect(bot.adapter.status().problems?.join(' ')).toMatch(/disconnected.*retrying in \d+s/);
      const queued = bot.adapter.send({ channel: 'irc:#restart', body: rt.of('queued while the server was down'), kind: 'announcement' });
      await server.startIrcd();
      alice = await IrcTestClient.connect({ port: server.port, nick: 'alice' });
      await alice.join('#restart');
      const botJoin = alice.waitFor((l) => l.command === 'JOIN' && l.nick === 'doibot', 15_000);
      await withTimeout(queued, 20_000, 'queued message sent');
      await botJoin;
      const msg = await alice.waitFor((l) => l.nick === 'doibot' && l.command === 'PRIVMSG', 5000);
      expect(msg.params).toEqual(['#restart', 'queued while the server was down']);
      expect(bot.adapter.status()).toMatchObject({ connected: true });
      // The status is rebuilt from events that may still be arriving (the JOIN echo, 900): wait for it.
      await eventually(() => /logged in as doibot, in #restart/.test(bot.adapter.status().detail ?? ''), 5000, 'status after the reconnect', () => JSON.stringify(bot.adapter.status()));
      expect(bot.adapter.status().reconnects).toBe(1);
    } finally {
      await alice?.quit();
      await bot.stop();
    }
  }, 45_000);

  it('detects a dead (frozen) server by ping timeout and comes back when it thaws', async () => {
    const bot = await startBot({
      server,
      irc: { channels: [{ name: '#frozen' }] },
      adapter: { pingIntervalSec: 1, pingTimeoutSec: 3, reconnectMinMs: 500, reconnectMaxMs: 1000 },
    });
    try {
      server.freeze();
      await eventually(() => !bot.adapter.status().connected, 10_000, 'dead connection detected');
      expect(bot.adapter.status().problems?.join(' ')).toMatch(/ping timeout/);
      server.thaw();
      await withTimeout(bot.adapter.ready(), 20_000, 'bot back after thaw', () => JSON.stringify(bot.adapter.status()));
      expect(bot.adapter.status().detail).toMatch(/in #frozen/);
    } finally {
      server.thaw();
      await bot.stop();
    }
  }, 45_000);

  it('sends QUIT with the reason on stop', async () => {
    const bot = await startBot({ server, irc: { nick: 'quitbot', channels: [{ name: '#quit' }] } });
    const alice = await IrcTestClient.connect({ port: server.port, nick: 'alice2' });
    await alice.join('#quit');
    await bot.stop();
    const quit = await alice.waitFor((l) => l.nick === 'quitbot' && l.command === 'QUIT', 5000);
    expect(quit.params[0]).toMatch(/test over/);
    await alice.quit();
  });
});
