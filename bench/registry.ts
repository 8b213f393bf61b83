/**
 * Registry cost and latency of one `trust` answer, through the dispatcher against the local
 * fake registry (real HTTP on 127.0.0.1): requests per answer (HEAD, GET, token) cold (new
 * database: index and attestation manifests fetched) and warm (digest cache), and latency
 * against a bare `fetch` HEAD to the same fake as the baseline measured in the same run.
 * Run: npx tsx bench/registry.ts [iterations]
 */
import { allCommands, freeformHandlers } from '../commands/index.js';
import { createApp } from '../src/app.js';
import { loadBotData } from '../src/load-data.js';
import { configSchema } from '../src/config/schema.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import { toPlainText } from '../src/core/richtext.js';
import { PYTHON_PLATFORMS, startFakeRegistry } from '../test/support/fake-registry.js';
import { tempDb } from '../test/support/temp-db.js';
import { inboundMessage } from '../test/support/command-context.js';

const iterations = Number(process.argv[2] ?? 300);
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

const registry = await startFakeRegistry();
registry.world.limit = registry.world.remaining = 1_000_000_000;
const tags: string[] = [];
for (let i = 0; i < iterations; i++) {
  // Distinct tags with distinct digests, so every cold answer really is cold.
  const tag = `3.13.${i}-trixie`;
  registry.world.image('python', tag, PYTHON_PLATFORMS, { sbom: true, provenance: true });
  tags.push(tag);
}

let seq = 0;
const message = (text: string) => inboundMessage(text, { id: `b${++seq}`, channel: '#bench', user: 'bench' });

const database = tempDb('doibot-bench-registry-');
const app = createApp({
  config: configSchema.parse({
    limits: { userCommandsPerMinute: 1_000_000_000 },
    registry: { url: registry.url, authUrl: registry.url },
    hub: { url: 'http://127.0.0.1:9' },
  }),
  db: database.db,
  log: silentLogger(),
  clock: systemClock,
  version: 'bench',
  adapters: [],
  commands: allCommands,
  freeform: freeformHandlers,
  data: loadBotData(),
});
await app.start();
await app.catalog.get();

/**
 * The catalog knows python:3.13-trixie, not the bench's made-up tags, so the dispatcher runs
 * `trust python:3.13-trixie` while the fake points that tag at the next fresh digest.
 */
async function answer(tag: string): Promise<{ ms: number; head: number; get: number; token: number }> {
  registry.world.setTag('python', '3.13-trixie', registry.world.resolve('python', tag)!);
  const [h, g, t] = [registry.count('HEAD'), registry.count('GET'), registry.count('TOKEN')];
  const started = performance.now();
  const reply = await app.dispatcher.handle(message('trust python:3.13-trixie'));
  const took = performance.now() - started;
  if (!reply || !toPlainText(reply).includes('SBOM+provenance on 8/8 platforms')) throw new Error(`unexpected reply: ${reply ? toPlainText(reply) : reply}`);
  return { ms: took, head: registry.count('HEAD') - h, get: registry.count('GET') - g, token: registry.count('TOKEN') - t };
}

async function bareHead(): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${registry.url}/v2/library/python/manifests/3.13-trixie`, { method: 'HEAD' });
  await res.arrayBuffer();
  return performance.now() - started;
}

// The first answer of the process pays for the token (401 challenge, token, HEAD again).
const first = await answer(tags[0]!);
const cold: Awaited<ReturnType<typeof answer>>[] = [];
for (const tag of tags.slice(1)) cold.push(await answer(tag));
const warm: Awaited<ReturnType<typeof answer>>[] = [];
for (const tag of tags.slice(1)) warm.push(await answer(tag));
const baseline: number[] = [];
for (let i = 0; i < iterations; i++) baseline.push(await bareHead());

const perAnswer = (runs: typeof cold) => {
  const sum = (k: 'head' | 'get' | 'token') => runs.reduce((n, r) => n + r[k], 0) / runs.length;
  return `HEAD ${sum('head').toFixed(2)}, GET ${sum('get').toFixed(2)}, token ${sum('token').toFixed(2)}`;
};
const latency = (runs: number[]) => `p50 ${ms(quantile(runs, 0.5))}  p99 ${ms(quantile(runs, 0.99))}`;
const base50 = quantile(baseline, 0.5);
console.log(`registry requests per trust answer (python:3.13-trixie, 8 platforms, each with an attestation manifest):`);
console.log(`  first of the process  HEAD ${first.head}, GET ${first.get}, token ${first.token}`);
console.log(`  cold (new digest)     ${perAnswer(cold)}   (${cold.length} answers)`);
console.log(`  warm (same digest)    ${perAnswer(warm)}   (${warm.length} answers)`);
console.log(`latency, fake registry on 127.0.0.1:`);
console.log(`  bare fetch HEAD       ${latency(baseline)}   (baseline)`);
console.log(`  trust, cold           ${latency(cold.map((r) => r.ms))}   (${(quantile(cold.map((r) => r.ms), 0.5) / base50).toFixed(1)}x baseline p50)`);
console.log(`  trust, warm           ${latency(warm.map((r) => r.ms))}   (${(quantile(warm.map((r) => r.ms), 0.5) / base50).toFixed(1)}x baseline p50)`);

await app.stop('bench over');
database.remove();
await registry.close();
