/**
 * Short answers on a real InspIRCd: whatever the command (catalog, PRs, queue, when, feedback,
 * help, status...), a reply in a channel takes at most two IRC lines, never tells people to
 * type "more", and fits 512 bytes as relayed (test/unit/irc/irc-links.test.ts: links stay whole).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IRC_LINE_BYTES } from '../../../adapters/irc/split.js';
import { freeformHandlers } from '../../../commands/index.js';
import { projectRoot } from '../../../src/paths.js';
import { startFakeHub, type FakeHub } from '../../support/fake-hub.js';
import { seedHubFromManifests } from '../../support/hub-seed.js';
import { IrcTestClient, type IrcLine } from '../../support/irc-client.js';
import { startBot, type BotHarness } from '../../support/irc-app.js';
import { failWithoutIrcServer, ircServerUsable, startIrcServer, type IrcServer } from '../../support/irc-server.js';

const ciFailure = failWithoutIrcServer();
if (ciFailure) it('needs InspIRCd and Atheme (CI=true)', () => expect.fail(ciFailure));

/** Commands and questions people send in a channel, long answers among them. */
const ASKED = [
  '!help',
  '!help tags',
  '!about',
  '!status',
  '!image python',
  '!tags python',
  '!tags node *-alpine',
  '!tag python:3.13-slim',
  '!tag python:latest',
  '!arches python:3.13-slim',
  '!search sql',
  '!pr 12345',
  '!prs python',
  '!queue',
  '!proposals',
  '!when python 3.14.8',
  '!trust python:3.13',
  '!subscriptions',
  '!why',
  '!feedback python the slim image is missing tzdata',
  '!feedback status',
  '!nosuchcommand',
  'doibot: which python tags are alpine?',
  'doibot: is nginx:latest available for riscv64?',
  'doibot: what is the latest python?',
  'doibot: why is python:3.8 gone?',
];

describe.skipIf(!ircServerUsable('irc-short.test.ts'))('every channel answer is short', () => {
  let server: IrcServer;
  let hub: FakeHub;
  let bot: BotHarness;
  let alice: IrcTestClient;
  let marker = 0;

  beforeAll(async () => {
    server = await startIrcServer();
    hub = await startFakeHub();
    seedHubFromManifests(hub.world, join(projectRoot(), 'assets', 'snapshot', 'library'), ['nginx', 'python'], new Date(Date.now() - 3 * 86_400_000).toISOString());
    // A generous rate limit: this test asks many questions as one person.
    bot = await startBot({ server, irc: { channels: [{ name: '#docker-library' }] }, freeform: freeformHandlers, hubUrl: hub.url, limits: { userCommandsPerMinute: 200 } });
    alice = await IrcTestClient.connect({ port: server.port, nick: 'alice' });
    await alice.join('#docker-library');
  }, 60_000);

  afterAll(async () => {
    await alice?.quit();
    await bot?.stop();
    await hub?.close();
    await server?.stop();
  });

  /** The bot's lines answering `text`, complete: a marker echo asked next arrives after them. */
  async function answer(text: string): Promise<IrcLine[]> {
    const from = alice.messagesFrom('doibot', '#docker-library').length;
    const end = `end-${++marker}`;
    alice.privmsg('#docker-library', text);
    alice.privmsg('#docker-library', `!testecho ${end}`);
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === `you said: ${end}`, 15_000);
    const lines = alice.messagesFrom('doibot', '#docker-library').slice(from);
    expect(lines.at(-1)!.params[1]).toBe(`you said: ${end}`);
    return lines.slice(0, -1);
  }

  it.each(ASKED)('%s: at most two lines, no "more"', async (text) => {
    const lines = await answer(text);
    const texts = lines.map((l) => l.params[1] ?? '');
    expect(texts.length, JSON.stringify(texts)).toBeGreaterThanOrEqual(1);
    expect(texts.length, JSON.stringify(texts)).toBeLessThanOrEqual(2);
    for (const t of texts) expect(t).not.toMatch(/type !?more/i);
    for (const l of lines) expect(Buffer.byteLength(`${l.raw.replace(/^@\S+ /, '')}\r\n`)).toBeLessThanOrEqual(IRC_LINE_BYTES);
  });
});
