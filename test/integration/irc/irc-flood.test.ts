/**
 * Pacing against a server whose flood protection is on for the bot's port: an unpaced client
 * writing the same burst is killed ("Excess Flood"), the bot answering 40 commands is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rt } from '../../../src/core/richtext.js';
import { IrcTestClient } from '../../support/irc-client.js';
import { startBot, type BotHarness } from '../../support/irc-app.js';
import { failWithoutIrcServer, ircServerUsable, startIrcServer, type IrcServer } from '../../support/irc-server.js';

const ciFailure = failWithoutIrcServer();
if (ciFailure) it('needs InspIRCd and Atheme (CI=true)', () => expect.fail(ciFailure));

/** InspIRCd <connect> on the bot's port: 5 commands/s sustained, penalty threshold 10, no fakelag. */
const FLOOD = { commandsPerSecond: 5, threshold: 10 };

describe.skipIf(!ircServerUsable('irc-flood.test.ts'))('IRC pacing with server flood limits on', () => {
  let server: IrcServer;

  beforeAll(async () => {
    server = await startIrcServer({ floodLimits: FLOOD });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('control: an unpaced client sending 40 lines at once is disconnected for flooding', async () => {
    const flooder = await IrcTestClient.connect({ port: server.limitedPort, nick: 'flooder' });
    await flooder.join('#flood');
    flooder.writeRaw(Array.from({ length: 40 }, (_, i) => `PRIVMSG #flood :line ${i}\r\n`).join(''));
    const error = await flooder.waitFor((l) => l.command === 'ERROR', 10_000);
    expect(error.params[0]).toMatch(/Excess Flood/i);
    await flooder.closed;
  });

  describe('the bot', () => {
    let bot: BotHarness;
    let alice: IrcTestClient;

    beforeAll(async () => {
      bot = await startBot({
        server,
        port: server.limitedPort,
        // Stricter than the server: 4 lines back to back, then one per 250 ms (4/s < 5/s).
        irc: { channels: [{ name: '#flood' }], burst: 4, lineIntervalMs: 250 },
        limits: { userCommandsPerMinute: 1000 },
      });
      alice = await IrcTestClient.connect({ port: server.port, nick: 'alice' });
      await alice.join('#flood');
    });
    afterAll(async () => {
      await alice?.quit();
      await bot?.stop();
    });

    it('answers a 40-command burst completely, in order, paced, without being disconnected', async () => {
      alice.writeRaw(Array.from({ length: 40 }, (_, i) => `PRIVMSG #flood :!testecho n${i}\r\n`).join(''));
      const replies = await alice.waitForMessages('doibot', 40, 30_000, '#flood');
      expect(replies.map((l) => l.params[1])).toEqual(Array.from({ length: 40 }, (_, i) => `you said: n${i}`));
      // Wire rate: after the burst of 4, no two lines closer than the interval allows (with slack for timers).
      const times = replies.map((l) => l.at);
      const span = times.at(-1)! - times[0]!;
      expect(span).toBeGreaterThanOrEqual((40 - 4) * 250 * 0.9);
      const quits = alice.lines.filter((l) => l.nick === 'doibot' && (l.command === 'QUIT' || l.command === 'PART'));
      expect(quits).toEqual([]);
      expect(bot.adapter.status()).toMatchObject({ connected: true });
      // Still alive: a command after the burst is answered.
      alice.privmsg('#flood', '!testecho still here');
      await alice.waitFor((l) => l.nick === 'doibot' && l.params[1] === 'you said: still here', 5000);
    });
  });

  it('control: the same bot with pacing off is killed by the same burst', async () => {
    const fast = await startBot({
      server,
      port: server.limitedPort,
      irc: { nick: 'fastbot', channels: [{ name: '#fast' }], burst: 20, lineIntervalMs: 0 },
      limits: { userCommandsPerMinute: 1000 },
      adapter: { reconnectMinMs: 60_000, reconnectMaxMs: 60_000 },
    });
    const bob = await IrcTestClient.connect({ port: server.port, nick: 'bob' });
    try {
      await bob.join('#fast');
      // The bot's own 40 lines handed over at once, as 40 answers would be: handling commands
      // one by one on a busy machine could itself space them out below the server's rate.
      for (let i = 0; i < 40; i++) void fast.adapter.send({ channel: 'irc:#fast', body: rt.of(`you said: n${i}`), kind: 'announcement' }).catch(() => undefined);
      const quit = await bob.waitFor((l) => l.nick === 'fastbot' && l.command === 'QUIT', 15_000);
      expect(quit.params[0]).toMatch(/Excess Flood/i);
      expect(fast.adapter.status().connected).toBe(false);
    } finally {
      await bob.quit();
      await fast.stop();
    }
  });
});
