/**
 * Free-form questions on a real InspIRCd + Atheme network, through the real app, the classifier
 * and the real handlers: the bot's nick with ":" or ",", private queries without any prefix,
 * answers from the bundled manifests and a local fake Docker Hub, at most two lines in a channel
 * for every command and question.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxTextBytes } from '../../../adapters/irc/split.js';
import { freeformHandlers } from '../../../commands/index.js';
import { DONT_KNOW } from '../../../src/dispatch/dispatcher.js';
import { projectRoot } from '../../../src/paths.js';
import { startFakeHub, type FakeHub } from '../../support/fake-hub.js';
import { seedHubFromManifests } from '../../support/hub-seed.js';
import { IrcTestClient } from '../../support/irc-client.js';
import { startBot, type BotHarness } from '../../support/irc-app.js';
import { failWithoutIrcServer, ircServerUsable, startIrcServer, type IrcServer } from '../../support/irc-server.js';

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

const ciFailure = failWithoutIrcServer();
if (ciFailure) it('needs InspIRCd and Atheme (CI=true)', () => expect.fail(ciFailure));

describe.skipIf(!ircServerUsable('irc-questions.test.ts'))('free-form questions over IRC', () => {
  let server: IrcServer;
  let hub: FakeHub;
  let bot: BotHarness;
  let alice: IrcTestClient;
  let marker = 0;

  beforeAll(async () => {
    server = await startIrcServer();
    hub = await startFakeHub();
    seedHubFromManifests(hub.world, join(projectRoot(), 'assets', 'snapshot', 'library'), ['nginx', 'python'], new Date(Date.now() - 3 * 86_400_000).toISOString());
    // A generous rate limit: these tests ask many questions as one person.
    bot = await startBot({ server, irc: { channels: [{ name: '#docker-library' }] }, freeform: freeformHandlers, hubUrl: hub.url, limits: { userCommandsPerMinute: 200 } });
    alice = await IrcTestClient.connect({ port: server.port, nick: 'alice' });
    await alice.join('#docker-library');
  });

  afterAll(async () => {
    await alice?.quit();
    await bot?.stop();
    await hub?.close();
    await server?.stop();
  });

  /**
   * Every line the bot sends in answer to `text`: a `!testecho` marker asked right after
   * arrives after the whole answer (replies go out in order), so the answer is complete.
   */
  async function answer(target: string, text: string): Promise<string[]> {
    const replyTarget = target.startsWith('#') ? target : 'alice';
    const from = alice.messagesFrom('doibot', replyTarget).length;
    const end = `end-${++marker}`;
    alice.privmsg(target, text);
    alice.privmsg(target, target.startsWith('#') ? `!testecho ${end}` : `testecho ${end}`);
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === `you said: ${end}`, 15_000);
    const lines = alice.messagesFrom('doibot', replyTarget).slice(from).map((l) => l.params[1]!);
    expect(lines.at(-1)).toBe(`you said: ${end}`);
    // Bold and other IRC formatting codes are not what these tests are about.
    return lines.slice(0, -1).map((l) => l.replace(/[\x02\x0f\x1d\x1f]/g, ''));
  }

  it('"doibot: which python tags are alpine?" lists only alpine tags, in at most two lines', async () => {
    const lines = await answer('#docker-library', 'doibot: which python tags are alpine?');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines[0]).toMatch(/^python has \d+ alpine tags: 3\.15\.0rc1-alpine3\.24, /);
    expect(lines.join(' ')).not.toMatch(/slim|trixie|windowsservercore/);
  });

  it('"doibot, is nginx:latest available for riscv64?" answers yes from Docker Hub first', async () => {
    const lines = await answer('#docker-library', 'doibot, is nginx:latest available for riscv64?');
    expect(lines[0]).toMatch(/^Yes: nginx:latest is published for riscv64 \(sha256:[0-9a-f]{12}, 3d ago\)\.$/);
  });

  it('in a private query a question needs no prefix, even one starting with a command name', async () => {
    const gone = await answer('doibot', 'why is python:3.8 gone?');
    // The fake Hub has no python:3.8, and this bot never saw it in a manifest.
    expect(gone[0]).toMatch(/^python has no tag "3\.8": it is neither in the manifest nor on Docker Hub\. Maintained now: 3\.14, 3\.13, /);
    const latest = await answer('doibot', "WHAT'S THE LATEST PYTHON?");
    expect(latest[0]).toMatch(/^python:latest is python 3\.14\.7 \(also python:3\.14, python:3\)\.$/);
  });

  it('"!help" in a channel names every command in two lines; in private each comes with its description', async () => {
    const lines = await answer('#docker-library', '!help');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Commands: help, about, status, image, tags, tag, arches, search, pr, prs, queue, proposals, when, trust, .*feedback, .*more(, test\w+)*\.$/);
    expect(lines[1]).toBe('Type "help <command>" for one (help tags), or "help" in a private message for each with its description.');
    const inPrivate = await answer('doibot', 'help');
    expect(inPrivate[0]).toBe('Commands (prefix with ! in a channel, or address me by name):');
    expect(inPrivate[1]).toMatch(/^help List the commands, or show how to use one$/);
  });

  it('what it cannot answer gets an honest "I don\'t know", never an answer about an unrelated image', async () => {
    const dontKnow = await answer('#docker-library', 'doibot: how do I install docker on ubuntu?');
    expect(dontKnow).toEqual([DONT_KNOW]);
    const trust = await answer('#docker-library', 'doibot: are official images signed? docker content trust');
    expect(trust.join(' ')).not.toMatch(/Docker in Docker|docker:|has \d+ tags|Maintainers:/);
    // Chatter not addressed to the bot stays unanswered.
    expect(await answer('#docker-library', 'which python tags are alpine?')).toEqual([]);
  });

  // Whatever the command (catalog, PRs, queue, when, feedback, help, status...): the rule for channels.
  it.each(ASKED)('%s: at most two lines in a channel, none saying "type more", each within one IRC line', async (text) => {
    const lines = await answer('#docker-library', text);
    expect(lines.length, JSON.stringify(lines)).toBeGreaterThanOrEqual(1);
    expect(lines.length, JSON.stringify(lines)).toBeLessThanOrEqual(2);
    for (const l of lines) expect(l).not.toMatch(/type !?more/i);
    for (const l of lines) expect(Buffer.byteLength(l)).toBeLessThanOrEqual(maxTextBytes('doibot', '#docker-library'));
  });
});
