/**
 * Reply latency of a command through a real InspIRCd + Atheme (p50/p99), next to the bare server
 * round trip between two plain clients and a plain irc-framework echo client measured in the same
 * run; the `tag <image>:<tag>` answer (Docker Hub cached): time to its first line and to the line
 * with the commit, and the ratio to the echo client; the same with Libera's pacing (burst 4, one
 * line per 2 s) and one question every 2.5 s; plus the paced drain time of 40 lines against its
 * theoretical minimum. Run: npx tsx bench/irc-latency.ts [requests]
 *
 * InspIRCd leaves Nagle on for client sockets; with it, any extra small write meets delayed ACK
 * and costs ~40 ms. The server is started with an LD_PRELOAD shim that sets TCP_NODELAY (built
 * with gcc); without gcc the run says so and the figures include that effect.
 */
import { join } from 'node:path';
import { HubClient } from '../src/hub/client.js';
import { projectRoot } from '../src/paths.js';
import { startFakeHub } from '../test/support/fake-hub.js';
import { seedHubFromManifests } from '../test/support/hub-seed.js';
import { IrcTestClient, type IrcLine } from '../test/support/irc-client.js';
import { startBot } from '../test/support/irc-app.js';
import { ircServerAvailability, startIrcServer, type IrcServer } from '../test/support/irc-server.js';
import { pacedTagAnswers, pickTags, startEchoClient, tagAnswerTimes } from './irc-latency-tag.js';

/** Images for the `tag` questions; the paced run asks one tag of each. */
const IMAGES = ['python', 'node', 'nginx', 'debian', 'redis', 'postgres', 'ubuntu', 'busybox', 'alpine', 'httpd', 'golang', 'mysql'];
const PACED_QUESTIONS = 10;
const PACED_GAP_MS = 2500;

const N = Number(process.argv[2] ?? 200);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function summary(name: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `${name.padEnd(52)} n=${s.length}  p50=${pct(s, 50).toFixed(2)} ms  p90=${pct(s, 90).toFixed(2)} ms  p99=${pct(s, 99).toFixed(2)} ms  max=${s.at(-1)!.toFixed(2)} ms  mean=${mean.toFixed(2)} ms`;
}

/** Sends `text` from `from` to `target` and waits for the next matching line at `to`. */
async function roundTrips(from: IrcTestClient, to: IrcTestClient, target: string, text: (i: number) => string, match: (l: IrcLine, i: number) => boolean, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const got = new Promise<number>((resolve) => {
      to.onLine = (l) => {
        if (match(l, i)) {
          to.onLine = undefined;
          resolve(performance.now());
        }
      };
    });
    const t0 = performance.now();
    from.privmsg(target, text(i));
    out.push((await got) - t0);
  }
  return out;
}

async function main(): Promise<void> {
  const a = ircServerAvailability();
  if (!a.ok) {
    process.stderr.write(`irc-latency: cannot run: ${a.reason}\n`);
    process.exitCode = 1;
    return;
  }
  let server: IrcServer;
  try {
    server = await startIrcServer({ nodelay: true });
    process.stdout.write('server: InspIRCd + Atheme on 127.0.0.1, TCP_NODELAY shim preloaded\n');
  } catch (err) {
    process.stdout.write(`server: TCP_NODELAY shim unavailable (${(err as Error).message.split('\n')[0]}); figures include Nagle/delayed-ACK stalls\n`);
    server = await startIrcServer();
  }
  try {
    // 1. Baseline: two plain clients, channel message A -> B, B answers, back at A.
    const a1 = await IrcTestClient.connect({ port: server.port, nick: 'pinger', noDelay: true });
    const b1 = await IrcTestClient.connect({ port: server.port, nick: 'ponger', noDelay: true });
    await a1.join('#bench');
    await b1.join('#bench');
    b1.onLine = undefined;
    const answer = (l: IrcLine) => {
      if (l.command === 'PRIVMSG' && l.nick === 'pinger' && l.params[1]?.startsWith('ping ')) b1.privmsg('#bench', `pong ${l.params[1].slice(5)}`);
    };
    const bare = await (async () => {
      const out: number[] = [];
      for (let i = 0; i < N; i++) {
        const got = new Promise<number>((resolve) => {
          b1.onLine = answer;
          a1.onLine = (l) => {
            if (l.command === 'PRIVMSG' && l.nick === 'ponger' && l.params[1] === `pong ${i}`) resolve(performance.now());
          };
        });
        const t0 = performance.now();
        a1.privmsg('#bench', `ping ${i}`);
        out.push((await got) - t0);
      }
      return out;
    })();
    await b1.quit();

    // 1b. Baseline: a plain irc-framework client that echoes each channel message back.
    const echoer = await startEchoClient(server.port, 'echoer', '#echo');
    await a1.join('#echo');
    const echo = await roundTrips(a1, a1, '#echo', (i) => `tag python:3.13-slim e${i}`, (l, i) => l.nick === 'echoer' && l.params[1] === `tag python:3.13-slim e${i}`, N);
    echoer.quit();
    await a1.quit();

    // Docker Hub: the fake, seeded from the bundled manifests, behind one client whose cache is
    // warmed before each measured part ("Hub data cached").
    const fakeHub = await startFakeHub();
    seedHubFromManifests(fakeHub.world, join(projectRoot(), 'assets', 'snapshot', 'library'), IMAGES, new Date(Date.now() - 86_400_000).toISOString());
    const hub = new HubClient({ baseUrl: fakeHub.url, cacheTtlMs: 10 * 60_000 });
    const warm = async (refs: readonly string[]) => {
      for (const ref of refs) await hub.getTag(ref.slice(0, ref.indexOf(':')), ref.slice(ref.indexOf(':') + 1));
    };

    // 2. The bot: a command through the real app and IrcAdapter, pacing off (lineIntervalMs 0).
    const bot = await startBot({ server, hub, irc: { channels: [{ name: '#bench' }], lineIntervalMs: 0, burst: 4 }, limits: { userCommandsPerMinute: 100_000 } });
    const refs = pickTags(await bot.app.catalog.get(), IMAGES, PACED_QUESTIONS);
    const tagRef = refs[0]!;
    const user = await IrcTestClient.connect({ port: server.port, nick: 'user', noDelay: true });
    await user.join('#bench');
    const cmd = 'testecho';
    const viaBot = await roundTrips(user, user, '#bench', (i) => `!${cmd} r${i}`, (l, i) => l.nick === 'doibot' && l.params[1] === `you said: r${i}`, N);
    // `about` through the real command set, one reply line awaited (the first).
    const aboutLat = await roundTrips(user, user, '#bench', () => '!about', (l) => l.nick === 'doibot' && l.command === 'PRIVMSG' && /^\u0002?doi-bot /.test(l.params[1] ?? ''), Math.min(N, 50));
    // `tag <ref>` with Hub cached: time to the first line and to the commit line.
    await warm([tagRef]);
    const tagTimes = await tagAnswerTimes(user, 'doibot', '#bench', tagRef, N);
    await user.quit();
    await bot.stop();

    // 2b. Libera's pacing (the defaults: burst 4, one line per 2 s), one question every 2.5 s.
    const libera = await startBot({ server, hub, irc: { nick: 'liberabot', channels: [{ name: '#libera' }] }, limits: { userCommandsPerMinute: 100_000 } });
    const asker = await IrcTestClient.connect({ port: server.port, nick: 'asker', noDelay: true });
    await asker.join('#libera');
    await warm(refs);
    const pacedCommit = await pacedTagAnswers(asker, 'liberabot', '#libera', refs, PACED_GAP_MS);
    await asker.quit();
    await libera.stop();
    await fakeHub.close();

    // 3. Pacing: 40 lines with the Libera-like defaults scaled down (burst 4, one line per 100 ms).
    const interval = 100;
    const paced = await startBot({ server, irc: { nick: 'pacedbot', channels: [{ name: '#paced' }], lineIntervalMs: interval, burst: 4, maxLinesPerReply: 50 } });
    const watcher = await IrcTestClient.connect({ port: server.port, nick: 'watcher', noDelay: true });
    await watcher.join('#paced');
    const t0 = performance.now();
    watcher.privmsg('#paced', '!testlines 40');
    const lines = await watcher.waitForMessages('pacedbot', 40, 60_000, '#paced');
    const drain = lines.at(-1)!.at - t0;
    const firstAfter = lines[0]!.at - t0;
    await watcher.quit();
    await paced.stop();

    const p50 = (ms: number[]) => pct([...ms].sort((x, y) => x - y), 50);
    process.stdout.write(`\n${summary('bare server round trip (2 clients)', bare)}\n`);
    process.stdout.write(`${summary('irc-framework echo client', echo)}\n`);
    process.stdout.write(`${summary(`bot "!tag ${tagRef}" first line`, tagTimes.first)}\n`);
    process.stdout.write(`${summary(`bot "!tag ${tagRef}" commit line`, tagTimes.commit)}\n`);
    process.stdout.write(
      `ratio bot/echo at p50: first line ${(p50(tagTimes.first) / p50(echo)).toFixed(2)}x, commit line ${(p50(tagTimes.commit) / p50(echo)).toFixed(2)}x (first line ${(p50(tagTimes.first) - p50(echo)).toFixed(2)} ms over the echo)\n`,
    );
    process.stdout.write(`${summary(`Libera pacing, 1 "!tag" per ${PACED_GAP_MS / 1000} s, commit line`, pacedCommit)}\n`);
    process.stdout.write(`  per question (${refs.join(', ')}): ${pacedCommit.map((ms) => `${ms.toFixed(1)} ms`).join(', ')}\n`);
    process.stdout.write(`${summary(`bot reply "!${cmd}" (app + adapter)`, viaBot)}\n`);
    process.stdout.write(`${summary('bot reply "!about" (first line)', aboutLat)}\n`);
    const overhead = pct([...viaBot].sort((x, y) => x - y), 50) - pct([...bare].sort((x, y) => x - y), 50);
    process.stdout.write(`bot overhead at p50 vs bare round trip: ${overhead.toFixed(2)} ms\n`);
    const theoretical = (40 - 4) * interval;
    process.stdout.write(
      `paced drain of 40 lines (burst 4, ${interval} ms/line): first line after ${firstAfter.toFixed(1)} ms, all 40 after ${drain.toFixed(1)} ms; theoretical minimum ${theoretical} ms (+${(drain - theoretical).toFixed(1)} ms)\n`,
    );
    process.stdout.write(`with the production defaults (burst 4, 2000 ms/line) the same 40 lines take at least ${((40 - 4) * 2000) / 1000} s\n`);
  } finally {
    await server.stop();
  }
}

await main();
