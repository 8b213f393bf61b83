/**
 * Announcement pipeline figures:
 *  1. GraphQL points per hour with 100 open PRs at the default poll interval, from the fake
 *     GitHub's cost computation (GitHub's formula) of the real documents the poller sends.
 *  2. Event-to-message latency: pipeline commit -> adapter accepted (memory adapter, no pacing).
 *  3. Drain time of 500 events to 20 channels against the minimum the pacing allows. Pacing is
 *     applied by a memory adapter with the real parameters (IRC: one connection, burst 4 then
 *     1 line / 2 s; Slack: 1 msg/s per channel) with time scaled down by SCALE; the minimum is
 *     computed analytically at the same scale, and an unpaced drain is the overhead baseline.
 * Run: npx tsx bench/events.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { standInCapabilities } from '../adapters/memory/memory-adapter.js';
import type { AdapterCapabilities, AdapterStatus, ChatAdapter, OutboundMessage, Platform, SendResult } from '../src/core/chat.js';
import { systemClock } from '../src/core/clock.js';
import type { PrSnapshot } from '../src/core/events.js';
import { silentLogger } from '../src/core/log.js';
import { GitHubPoller } from '../src/events/github-poller.js';
import { EventPipeline } from '../src/events/pipeline.js';
import { createGitHubClient } from '../src/github/client.js';
import { Delivery } from '../src/outbox/replies.js';
import { OutboxWorker } from '../src/outbox/worker.js';
import { projectRoot } from '../src/paths.js';
import { openDatabase } from '../src/store/db.js';
import { migrate, readMigrations } from '../src/store/migrate.js';
import { SubscriptionStore } from '../src/subscriptions/store.js';
import { startFakeGitHub } from '../test/support/fake-github.js';

const log = silentLogger();
const SCALE = Number(process.env.BENCH_SCALE ?? 1000);

function freshDb() {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-bench-'));
  const db = openDatabase(join(dir, 'b.sqlite3'));
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  return { db, done: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** Token bucket per key: burst, then one send per interval. */
class PacedAdapter implements ChatAdapter {
  readonly capabilities: AdapterCapabilities;
  readonly #buckets = new Map<string, { tokens: number; at: number; chain: Promise<void> }>();
  sent = 0;
  lastAt = 0;
  constructor(
    readonly platform: Platform,
    readonly burst: number,
    readonly intervalMs: number,
    readonly keyOf: (channel: string) => string,
    readonly onSend?: (msg: OutboundMessage) => void,
  ) {
    // Stands in for the real adapter: the same capabilities (Slack gets PR cards).
    this.capabilities = standInCapabilities(platform);
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  status(): AdapterStatus {
    return { platform: this.platform, connected: true };
  }
  async send(msg: OutboundMessage): Promise<SendResult> {
    if (this.intervalMs > 0) {
      const key = this.keyOf(msg.channel);
      let b = this.#buckets.get(key);
      if (!b) this.#buckets.set(key, (b = { tokens: this.burst, at: performance.now(), chain: Promise.resolve() }));
      const bucket = b;
      const turn = bucket.chain.then(async () => {
        const now = performance.now();
        bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) / this.intervalMs);
        bucket.at = now;
        if (bucket.tokens < 1) {
          await new Promise((r) => setTimeout(r, (1 - bucket.tokens) * this.intervalMs));
          bucket.tokens = 1;
          bucket.at = performance.now();
        }
        bucket.tokens -= 1;
      });
      bucket.chain = turn;
      await turn;
    }
    this.sent++;
    this.lastAt = performance.now();
    this.onSend?.(msg);
    return { ref: `r${this.sent}` };
  }
}

function snapshot(i: number, t: number, extra: Partial<PrSnapshot> = {}): PrSnapshot {
  return {
    repo: 'docker-library/official-images', number: i, title: `Update image${i}`, url: `https://github.com/docker-library/official-images/pull/${i}`,
    author: 'bot', state: 'OPEN', isDraft: false, createdAt: 4e12 + t, updatedAt: 4e12 + t, headOid: `h${i}`, labels: [], images: [`image${i % 40}`],
    changedFiles: 1, additions: 1, deletions: 1, reviews: [], checks: 'PENDING', failingChecks: [], libraryFiles: [`library/image${i % 40}`], ...extra,
  };
}

async function graphqlPoints(): Promise<void> {
  // The PRs were opened a day ago; the bench then runs in the present.
  let fakeNow = Date.now() - 86_400_000;
  const gh = await startFakeGitHub({ now: () => fakeNow });
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`library/image${i}`] = `Maintainers: A (@a)\nGitRepo: https://github.com/a/b.git\n\nTags: 1.${i}\nGitCommit: ${'1'.repeat(40)}\n`;
  gh.world.addRepository('docker-library/official-images', { files });
  for (let i = 0; i < 100; i++) gh.world.openPr({ title: `Update image${i % 40}`, files: [`library/image${i % 40}`], labels: [`library/image${i % 40}`] });
  fakeNow = Date.now();
  const { db, done } = freshDb();
  const pipeline = new EventPipeline({ db, subscriptions: new SubscriptionStore(db), clock: systemClock, log, capabilitiesOf: () => undefined });
  const poller = new GitHubPoller({ graphql: createGitHubClient({ token: 't', url: gh.url, log }), pipeline, db, repo: 'docker-library/official-images', pollSeconds: 60, clock: systemClock, log });
  await poller.tick();
  const baseline = gh.requests.map((r) => r.cost);
  const ticks = 20;
  for (let t = 0; t < ticks; t++) {
    fakeNow += 60_000;
    gh.world.addLabel((t % 100) + 1, 'bench'); // a little activity each tick
    await poller.tick();
  }
  const incremental = gh.requests.slice(baseline.length).map((r) => r.cost);
  const perTick = incremental.reduce((a, b) => a + b, 0) / ticks;
  const connReq = gh.requests.at(-1)!.connectionRequests;
  console.log(`GraphQL: first run (baseline of 100 open PRs): ${baseline.length} queries, ${baseline.reduce((a, b) => a + b, 0)} points`);
  console.log(`GraphQL: incremental tick: ${perTick.toFixed(2)} points (${connReq} connection requests per query by GitHub's formula)`);
  console.log(`GraphQL: at the default 60 s interval: ${(perTick * 60).toFixed(0)} points/hour of the 5,000/hour budget (${((perTick * 60) / 50).toFixed(1)}%)`);
  done();
  await gh.close();
}

async function latency(): Promise<void> {
  const { db, done } = freshDb();
  const subs = new SubscriptionStore(db);
  subs.seed([{ channel: 'irc:#a', images: ['*'], events: ['*'], mode: 'every' }], Date.now());
  const committedAt = new Map<string, number>();
  const samples: number[] = [];
  const adapter = new PacedAdapter('irc', 1, 0, () => '', (msg) => {
    const code = /\(ref ([0-9a-z]{6})\)/.exec(JSON.stringify(msg.body))?.[1];
    const at = code ? committedAt.get(code) : undefined;
    if (at !== undefined) samples.push(performance.now() - at);
  });
  const delivery = new Delivery([adapter], log, systemClock);
  const pipeline = new EventPipeline({ db, subscriptions: subs, clock: systemClock, log, capabilitiesOf: (c) => delivery.capabilitiesFor(c) });
  const worker = new OutboxWorker({ store: pipeline.outbox, delivery, clock: systemClock, log, idleMs: 1000 });
  pipeline.onEnqueued = () => worker.kick();
  worker.start();
  pipeline.commitPrTick('bench', [], '0');
  const { shortCode } = await import('../src/events/pipeline.js');
  for (let i = 1; i <= 300; i++) {
    committedAt.set(shortCode(`pr.opened:docker-library/official-images#${i}`), performance.now());
    pipeline.commitPrTick('bench', [snapshot(i, i)], String(i));
    await new Promise((r) => setTimeout(r, 2));
  }
  while (samples.length < 300) await new Promise((r) => setTimeout(r, 5));
  await worker.stop();
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!.toFixed(2);
  console.log(`latency event->message (commit to adapter accepted, unpaced): p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${samples.at(-1)!.toFixed(2)} ms over ${samples.length} events`);
  done();
}

async function drain(paced: boolean): Promise<{ ms: number; irc: number; slack: number }> {
  const { db, done } = freshDb();
  const subs = new SubscriptionStore(db);
  const channels = [...Array.from({ length: 10 }, (_, i) => `irc:#c${i}`), ...Array.from({ length: 10 }, (_, i) => `slack:C${i}`)];
  subs.seed(channels.map((channel) => ({ channel, images: ['*'], events: ['*'], mode: 'every' as const })), Date.now());
  // IRC: one connection for all channels; Slack: a bucket per channel.
  const irc = new PacedAdapter('irc', 4, paced ? 2000 / SCALE : 0, () => 'connection');
  const slack = new PacedAdapter('slack', 1, paced ? 1000 / SCALE : 0, (c) => c);
  const delivery = new Delivery([irc, slack], log, systemClock);
  const pipeline = new EventPipeline({ db, subscriptions: subs, clock: systemClock, log, capabilitiesOf: (c) => delivery.capabilitiesFor(c) });
  pipeline.commitPrTick('bench', [], '0');
  // 500 events: 500 PRs opened (each a new Slack card: one message per event and channel).
  const snaps = Array.from({ length: 500 }, (_, i) => snapshot(i + 1, i + 1));
  pipeline.commitPrTick('bench', snaps, '1');
  const worker = new OutboxWorker({ store: pipeline.outbox, delivery, clock: systemClock, log, idleMs: 5 });
  const start = performance.now();
  worker.start();
  while (irc.sent + slack.sent < 500 * 20) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - start;
  await worker.stop();
  done();
  return { ms, irc: irc.sent, slack: slack.sent };
}

await graphqlPoints();
await latency();
const unpaced = await drain(false);
console.log(`drain 500 events x 20 channels (${unpaced.irc} IRC lines + ${unpaced.slack} Slack messages) without pacing (overhead baseline): ${(unpaced.ms / 1000).toFixed(2)} s`);
// IRC bound: 5,000 lines on one connection, burst 4 then one per 2 s; Slack: 500 per channel at 1/s, channels in parallel.
const ircMin = ((5000 - 4) * 2000) / SCALE;
const slackMin = ((500 - 1) * 1000) / SCALE;
const minMs = Math.max(ircMin, slackMin);
const paced = await drain(true);
console.log(`drain with pacing, time scaled 1/${SCALE}: ${(paced.ms / 1000).toFixed(2)} s measured vs ${(minMs / 1000).toFixed(2)} s minimum (IRC-bound: ${(ircMin / 1000).toFixed(2)} s; Slack ${(slackMin / 1000).toFixed(2)} s) = ${(paced.ms / minMs).toFixed(3)}x the minimum`);
console.log(`  unscaled: minimum ${((minMs * SCALE) / 3600_000).toFixed(2)} h for 5,000 IRC lines on one Libera connection; Slack alone would take ${((slackMin * SCALE) / 60_000).toFixed(1)} min`);
