/**
 * IRC lines per channel answer over the whole question corpus (test/fixtures/questions/corpus.yaml),
 * end to end: each question is addressed to the bot in a channel of a real InspIRCd, through the
 * real app (dispatcher, commands, free-form handlers) and IrcAdapter, with the fake Docker Hub
 * seeded from the bundled manifests (so Hub facts are as long as they get) and the fake GitHub.
 * The adapter runs with its channel settings (irc.maxLinesPerReply 2): a longer answer is cut to its
 * first line plus a "(N more lines ...)" tail, so besides the lines delivered the bench counts the
 * answers the adapter had to cut, with how long they were. Run: npx tsx bench/irc-lines.ts
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freeformHandlers } from '../commands/index.js';
import { projectRoot } from '../src/paths.js';
import { startFakeGitHub } from '../test/support/fake-github.js';
import { startFakeHub } from '../test/support/fake-hub.js';
import { seedHubFromManifests } from '../test/support/hub-seed.js';
import { startBot } from '../test/support/irc-app.js';
import { askInChannel } from '../test/support/irc-ask.js';
import { IrcTestClient } from '../test/support/irc-client.js';
import { ircServerAvailability, startIrcServer } from '../test/support/irc-server.js';
import { loadCorpus } from '../test/support/question-corpus.js';

const NICK = 'doi-bot';
const CHANNEL = '#docker-library';
/** IRC formatting codes are not lines' content. */
const plain = (l: string) => l.replace(/[\x02\x0f\x1d\x1f]/g, '');

async function main(): Promise<void> {
  const a = ircServerAvailability();
  if (!a.ok) {
    process.stderr.write(`irc-lines: cannot run: ${a.reason}\n`);
    process.exitCode = 1;
    return;
  }
  const corpus = loadCorpus();
  const server = await startIrcServer();
  const hub = await startFakeHub();
  const gh = await startFakeGitHub();
  for (const repo of ['docker-library/official-images', 'docker-library/docs']) gh.world.addRepository(repo);
  const library = join(projectRoot(), 'assets', 'snapshot', 'library');
  const tags = seedHubFromManifests(hub.world, library, readdirSync(library), new Date(Date.now() - 3 * 86_400_000).toISOString());
  const bot = await startBot({
    server,
    github: gh,
    hubUrl: hub.url,
    freeform: freeformHandlers,
    irc: { nick: NICK, channels: [{ name: CHANNEL }], lineIntervalMs: 0, burst: 4 },
    limits: { userCommandsPerMinute: 1_000_000 },
  });
  const user = await IrcTestClient.connect({ port: server.port, nick: 'asker', noDelay: true });
  await user.join(CHANNEL);
  try {
    const counts: number[] = [];
    const over: string[] = [];
    const cut: string[] = [];
    for (const entry of corpus) {
      const addressed = /^doi-bot[:,]/i.test(entry.q) ? entry.q : `${NICK}: ${entry.q}`;
      const lines = (await askInChannel(user, CHANNEL, addressed, { botNick: NICK, timeoutMs: 30_000 })).map(plain);
      counts.push(lines.length);
      if (lines.length > 2) over.push(`${lines.length} lines: ${JSON.stringify(entry.q)} -> ${JSON.stringify(lines[0]?.slice(0, 100))}`);
      const tail = /^\((\d+) more lines?\b/.exec(lines.at(-1) ?? '');
      if (tail) cut.push(`${lines.length - 1 + Number(tail[1])} lines cut to ${lines.length}: ${JSON.stringify(entry.q)} -> ${JSON.stringify(lines[0]?.slice(0, 80))}`);
    }
    const mean = counts.reduce((s, n) => s + n, 0) / counts.length;
    const histogram = new Map<number, number>();
    for (const n of counts) histogram.set(n, (histogram.get(n) ?? 0) + 1);
    process.stdout.write(`corpus: ${corpus.length} questions, each addressed to ${NICK} in ${CHANNEL} (Docker Hub fake: ${tags} tags seeded)\n`);
    process.stdout.write(`IRC lines per channel answer: max ${Math.max(...counts)}, mean ${mean.toFixed(2)}, over 2: ${over.length}\n`);
    process.stdout.write(`distribution: ${[...histogram].sort(([x], [y]) => x - y).map(([n, c]) => `${n} line${n === 1 ? '' : 's'}: ${c}`).join(', ')}\n`);
    for (const o of over) process.stdout.write(`  ${o}\n`);
    process.stdout.write(`answers the adapter cut to fit (first line + "N more lines" tail): ${cut.length}\n`);
    for (const c of cut) process.stdout.write(`  ${c}\n`);
  } finally {
    await user.quit();
    await bot.stop();
    await gh.close();
    await hub.close();
    await server.stop();
  }
}

await main();
