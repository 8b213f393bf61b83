/**
 * Event-to-reply latency through the fake Slack's Socket Mode, next to two baselines measured
 * in the same run on the same fake:
 *   ws-ack       envelope sent -> ack back from a bare `ws` client (the transport alone)
 *   web-api      chat.postMessage round trip from a bare WebClient (the HTTP leg alone)
 *   bot          envelope (app_mention "about") -> the bot's chat.postMessage arrives at the
 *                fake: Bolt, inbound translation, dispatcher, command, Block Kit, pacer, Web API
 *   bot-spread   the same with pacing on (1 message/s per channel), one channel per event
 *   bot-burst    N events sent at once to N channels: time until every reply has arrived
 *
 * Run: npx tsx bench/slack-latency.ts [events]
 */
import { webApi } from '@slack/bolt';
import { WebSocket } from 'ws';
import { startFakeSlack, type FakeSlack } from '../test/support/fake-slack.js';
import { startSlackBot } from '../test/support/slack-app.js';

const N = Number(process.argv[2] ?? 300);

function summary(name: string, samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return `${name.padEnd(12)} n=${String(s.length).padStart(4)}  p50=${at(0.5).toFixed(2)}ms  p99=${at(0.99).toFixed(2)}ms  max=${s.at(-1)!.toFixed(2)}ms`;
}

async function wsBaseline(fake: FakeSlack): Promise<number[]> {
  const res = await fetch(`${fake.apiUrl}apps.connections.open`, { method: 'POST', headers: { authorization: 'Bearer xapp-test-app-token' } });
  const { url } = (await res.json()) as { url: string };
  const ws = new WebSocket(url);
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString('utf8')) as { envelope_id?: string };
    if (msg.envelope_id) ws.send(JSON.stringify({ envelope_id: msg.envelope_id, payload: {} }));
  });
  await new Promise((r) => ws.once('open', r));
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const env = fake.sendEvent({ type: 'app_mention', user: `UB${i}`, text: '<@UBOT> about', ts: `1600000000.${String(i).padStart(6, '0')}`, channel: 'C0BASE' });
    await fake.waitForAck(env);
    out.push(env.ackedAt! - env.sentAt!);
  }
  ws.close();
  return out;
}

async function webApiBaseline(fake: FakeSlack): Promise<number[]> {
  const client = new webApi.WebClient('xoxb-test-bot-token', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await client.chat.postMessage({ channel: 'C0BASE', text: `baseline ${i}` });
    out.push(performance.now() - t0);
  }
  return out;
}

async function botLatency(pacingMs: number, spread: boolean): Promise<number[]> {
  const fake = await startFakeSlack();
  const bot = await startSlackBot({ fake, adapter: { pacingMs } });
  const out: number[] = [];
  try {
    for (let i = 0; i < N; i++) {
      const channel = spread ? `C${i}` : 'C0CHAN';
      const before = fake.callsOf('chat.postMessage').length;
      // A new user each time: the dispatcher's per-user command limit is not what we measure.
      const env = fake.sendEvent({ type: 'app_mention', user: `U${i}`, text: '<@UBOT> about', ts: `1700000000.${String(i).padStart(6, '0')}`, channel });
      const reply = await fake.waitFor(() => fake.callsOf('chat.postMessage')[before], 'the reply', 10_000);
      out.push(reply.at - env.sentAt!);
    }
    if (fake.violations.length) throw new Error(`fake Slack violations: ${fake.violations.join('; ')}`);
  } finally {
    await bot.stop();
    await fake.close();
  }
  return out;
}

async function burst(): Promise<string> {
  const fake = await startFakeSlack();
  const bot = await startSlackBot({ fake, adapter: { pacingMs: 1000 } });
  try {
    const first = performance.now();
    for (let i = 0; i < N; i++) {
      fake.sendEvent({ type: 'app_mention', user: `U${i}`, text: '<@UBOT> about', ts: `1700000001.${String(i).padStart(6, '0')}`, channel: `C${i}` });
    }
    await fake.waitFor(() => fake.callsOf('chat.postMessage').length >= N, 'all replies', 60_000);
    const last = Math.max(...fake.callsOf('chat.postMessage').map((c) => c.at));
    return `bot-burst    ${N} events to ${N} channels at once, pacing 1/s per channel: all answered in ${(last - first).toFixed(0)}ms (${((N / (last - first)) * 1000).toFixed(0)} replies/s)`;
  } finally {
    await bot.stop();
    await fake.close();
  }
}

const fake = await startFakeSlack();
const wsAck = await wsBaseline(fake);
const web = await webApiBaseline(fake);
await fake.close();
const unpaced = await botLatency(0, false);
const spread = await botLatency(1000, true);
const burstLine = await burst();

console.log(`slack latency, ${N} events each, fake Slack on 127.0.0.1, node ${process.version}`);
console.log(summary('ws-ack', wsAck));
console.log(summary('web-api', web));
console.log(summary('bot', unpaced));
console.log(summary('bot-spread', spread));
console.log(burstLine);
const p50 = (s: number[]) => [...s].sort((a, b) => a - b)[Math.floor(s.length / 2)]!;
console.log(`bot p50 minus the two baselines (work in the bot itself): ${(p50(unpaced) - p50(wsAck) - p50(web)).toFixed(2)}ms`);
