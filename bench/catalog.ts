/**
 * Catalog figures: manifest parse time, catalog build time, command latency through the
 * dispatcher (against `help` as the baseline measured in the same run), and memory held by the
 * full catalog. Run: npx tsx bench/catalog.ts [iterations]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { allCommands, freeformHandlers } from '../commands/index.js';
import { createApp } from '../src/app.js';
import { loadBotData } from '../src/load-data.js';
import { Catalog } from '../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../src/catalog/dir-source.js';
import { parseManifest } from '../src/catalog/manifest.js';
import { configSchema } from '../src/config/schema.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/log.js';
import type { HubLookup, HubTag } from '../src/hub/types.js';
import { projectRoot } from '../src/paths.js';
import { openDatabase } from '../src/store/db.js';
import { migrate, readMigrations } from '../src/store/migrate.js';
import { inboundMessage } from '../test/support/command-context.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const iterations = Number(process.argv[2] ?? 2000);

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const ms = (x: number) => `${x.toFixed(3)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

// --- memory: before and after the full catalog is loaded and held ---
const before = memory();
const files = (await new BundledSnapshotSource().fetch())!;
const withFiles = memory();
let held: Catalog | undefined = Catalog.fromFiles(files);
const withCatalog = memory();

// --- parse and build times ---
const texts = [...files.library];
const parseRuns: number[] = [];
const buildRuns: number[] = [];
for (let run = 0; run < 15; run++) {
  let t = performance.now();
  let entries = 0;
  for (const [name, text] of texts) entries += parseManifest(name, text).manifest.entries.length;
  parseRuns.push(performance.now() - t);
  if (entries !== 2121) throw new Error(`expected 2121 entries, parsed ${entries}`);
  t = performance.now();
  Catalog.fromFiles(files);
  buildRuns.push(performance.now() - t);
}

console.log(`catalog: ${held.size} images, ${held.tagCount()} tags, ${texts.length} manifests, ${(texts.reduce((n, [, t]) => n + t.length, 0) / 1024).toFixed(0)} KB of manifest text`);
console.log(`parse all ${texts.length} manifests: median ${ms(median(parseRuns))} (first run ${ms(parseRuns[0]!)}, 15 runs)`);
console.log(`build Catalog (parse + docs + routes): median ${ms(median(buildRuns))}`);
console.log(`memory: raw files ${mb(withFiles.heap - before.heap)} heap; catalog ${mb(withCatalog.heap - withFiles.heap)} heap more; RSS ${mb(before.rss)} -> ${mb(withCatalog.rss)}`);
held = undefined;

// --- latency through the dispatcher, with an in-process Hub ---
const hubTag = (tag: string): HubTag => ({
  name: tag,
  digest: `sha256:${'a'.repeat(64)}`,
  tagLastPushed: Date.now() - 3_600_000,
  images: [
    { os: 'linux', architecture: 'amd64', digest: `sha256:${'b'.repeat(64)}`, lastPushed: Date.now() - 3_600_000 },
    { os: 'linux', architecture: 'arm64', variant: 'v8', digest: `sha256:${'c'.repeat(64)}`, lastPushed: Date.now() - 3_000_000 },
  ],
});
const hub: HubLookup = {
  getTag: async (_repo, tag) => hubTag(tag),
  listTags: async () => [],
};
const dir = mkdtempSync(join(tmpdir(), 'doibot-bench-catalog-'));
const db = openDatabase(join(dir, 'bench.sqlite3'));
migrate(db, readMigrations(join(projectRoot(), 'migrations')));
const app = createApp({
  config: configSchema.parse({ limits: { userCommandsPerMinute: 1_000_000_000 } }),
  db,
  log: silentLogger(),
  clock: systemClock,
  version: 'bench',
  adapters: [],
  commands: allCommands,
  freeform: freeformHandlers,
  data: loadBotData(),
  overrides: { hub },
});
await app.start();
await app.catalog.get();

let seq = 0;
const message = (text: string) => inboundMessage(text, { id: `b${++seq}`, channel: '#bench', user: 'bench' });

async function measure(text: string): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 200; i++) await app.dispatcher.handle(message(text));
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    const reply = await app.dispatcher.handle(message(text));
    times.push(performance.now() - t);
    if (!reply) throw new Error(`no reply to ${text}`);
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

const cases = ['help', 'image python', 'tag python:3.13-slim', 'tag hello-world:latest', 'arches node:22-alpine', 'tags python', 'does node:22-alpine run on arm64?'];
const results = new Map<string, { p50: number; p99: number }>();
for (const c of cases) results.set(c, await measure(c));
const baseline = results.get('help')!;
console.log(`dispatcher latency, ${iterations} iterations each (in-process Hub answering at once):`);
for (const [c, r] of results) {
  console.log(`  ${c.padEnd(36)} p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  (${(r.p50 / baseline.p50).toFixed(1)}x help p50)`);
}

await app.stop('bench over');
db.close();
rmSync(dir, { recursive: true, force: true });
