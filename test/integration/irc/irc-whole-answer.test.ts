/**
 * Issue 14 on a real InspIRCd + Atheme network against the bundled manifests: a catalog answer
 * takes at most two lines in a channel, and when it had to be cut (a long answer, or a channel
 * whose long name leaves less room per line) the last line counts what was left out and gives
 * the link to the whole answer, whole on that line, never "ask me in private".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxTextBytes } from '../../../adapters/irc/split.js';
import { askInChannel } from '../../support/irc-ask.js';
import { IrcTestClient } from '../../support/irc-client.js';
import { startBot, type BotHarness } from '../../support/irc-app.js';
import { failWithoutIrcServer, ircServerUsable, startIrcServer, type IrcServer } from '../../support/irc-server.js';

/** 60 characters, and a 26-character nick: the room left per line is below what catalog answers aim at (360 bytes). */
const LONG_CHANNEL = `#${'whole-answer-'.repeat(5).slice(0, 59)}`;
const NICK = 'doibot-whole-answer-tester';
const HUB_TAGS = 'https://hub.docker.com/_';
const MANIFEST = 'https://github.com/docker-library/official-images/blob/master/library';

/** Each catalog command and where its whole answer is. */
const ASKED: ReadonlyArray<readonly [string, string]> = [
  ['!tags python', `${HUB_TAGS}/python/tags`],
  ['!tags node *-alpine', `${HUB_TAGS}/node/tags?name=-alpine`],
  ['!tags python 3.*-slim', `${MANIFEST}/python`],
  ['!tag python:3.13-slim', `${HUB_TAGS}/python/tags?name=3.13-slim`],
  ['!tag python:3.15-rc', `${MANIFEST}/python`],
  ['!arches python:3.13-slim', `${HUB_TAGS}/python/tags?name=3.13-slim`],
  ['!image python', `${MANIFEST}/python`],
  ['!search sql', 'https://hub.docker.com/search?q=sql&image_filter=official'],
];

const ciFailure = failWithoutIrcServer();
if (ciFailure) it('needs InspIRCd and Atheme (CI=true)', () => expect.fail(ciFailure));

describe.skipIf(!ircServerUsable('irc-whole-answer.test.ts'))('long catalog answers in an IRC channel end with a link to the whole answer', () => {
  let server: IrcServer;
  let bot: BotHarness;
  let alice: IrcTestClient;
  const cut: string[] = [];

  beforeAll(async () => {
    server = await startIrcServer();
    bot = await startBot({ server, irc: { nick: NICK, channels: [{ name: '#docker-library' }, { name: LONG_CHANNEL }] }, hubUrl: 'http://127.0.0.1:9', limits: { userCommandsPerMinute: 200 } });
    alice = await IrcTestClient.connect({ port: server.port, nick: 'alice' });
    await alice.join('#docker-library');
    await alice.join(LONG_CHANNEL);
  });

  afterAll(async () => {
    await alice?.quit();
    await bot?.stop();
    await server?.stop();
  });

  for (const channel of ['#docker-library', LONG_CHANNEL]) {
    it.each(ASKED)(`${channel.slice(0, 20)}: %s takes at most two lines; cut, it ends with the count and %s`, async (question, whole) => {
      const lines = (await askInChannel(alice, channel, question, { botNick: NICK })).map((l) => l.replace(/\x02/g, ''));
      expect(lines.length, JSON.stringify(lines)).toBeGreaterThanOrEqual(1);
      expect(lines.length, JSON.stringify(lines)).toBeLessThanOrEqual(2);
      for (const l of lines) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(maxTextBytes(NICK, channel));
      for (const l of lines) expect(l).not.toMatch(/in private|type !?more/);
      const tail = /^\((\d+) more lines?: (\S+)\)$/u.exec(lines.at(-1)!);
      if (tail) {
        expect(tail[2]).toBe(whole);
        cut.push(`${channel} ${question}`);
      }
    });
  }

  it('some of those answers were cut (the checks above were not vacuous)', () => {
    expect(cut).toEqual(expect.arrayContaining(['#docker-library !search sql', `${LONG_CHANNEL} !tags python`, `${LONG_CHANNEL} !search sql`]));
  });
});
