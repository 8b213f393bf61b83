/**
 * Free-form understanding on the question corpus: accuracy per intent and overall, the
 * questions it gets wrong, and classify latency, next to the routing the bot had before
 * (bench/legacy-router.ts) as a same-run baseline.
 *
 *   npx tsx bench/understand.ts
 */
import { performance } from 'node:perf_hooks';
import { Catalog } from '../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../src/catalog/dir-source.js';
import { allCommands } from '../commands/index.js';
import { CommandRegistry } from '../src/dispatch/registry.js';
import { KnowledgeBase } from '../src/knowledge/base.js';
import { classify } from '../src/understand/classify.js';
import type { Understood } from '../src/understand/types.js';
import { describeMiss, loadCorpus, score, type CorpusEntry } from '../test/support/question-corpus.js';
import { legacyRoute } from './legacy-router.js';

const ROUNDS = 50;

const catalog = Catalog.fromFiles((await new BundledSnapshotSource().fetch())!);
const corpus = loadCorpus();

function latency(corpus: readonly CorpusEntry[], route: (q: string) => Understood): { p50: number; p99: number } {
  for (const e of corpus) route(e.q); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const e of corpus) {
      const t0 = performance.now();
      route(e.q);
      samples.push(performance.now() - t0);
    }
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! };
}

const registry = new CommandRegistry(allCommands);
const kb = KnowledgeBase.fromFiles();
const routers = {
  classifier: (q: string) => classify(q, catalog, { knowledge: (t) => kb.match(t, Date.now()) !== undefined, nearCommand: (w) => registry.suggest(w) }),
  'legacy (baseline)': (q: string) => legacyRoute(q, catalog),
};

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
console.log(`corpus: ${corpus.length} questions, catalog: ${catalog.size} images (bundled snapshot)`);
for (const [name, route] of Object.entries(routers)) {
  const s = score(corpus, route);
  const l = latency(corpus, route);
  console.log(`\n== ${name}`);
  console.log(`overall: ${s.correct}/${s.total} = ${pct(s.correct, s.total)}; unrelated-image answers: ${s.unrelatedImage.length}`);
  console.log(`classify latency: p50 ${(l.p50 * 1000).toFixed(1)} µs, p99 ${(l.p99 * 1000).toFixed(1)} µs (${ROUNDS} rounds)`);
  console.log('per intent:');
  for (const [intent, [right, total]] of [...s.perIntent].sort()) console.log(`  ${intent.padEnd(16)} ${String(right).padStart(3)}/${String(total).padEnd(3)} ${pct(right, total)}`);
  if (name === 'classifier') {
    console.log('confusions:');
    for (const m of s.misses) console.log(`  ${describeMiss(m)}`);
    for (const m of s.unrelatedImage) console.log(`  UNRELATED IMAGE ${describeMiss(m)}`);
  } else {
    console.log(`confusions: ${s.misses.length} (not listed); unrelated-image answers include: ${s.unrelatedImage.slice(0, 3).map((m) => JSON.stringify(m.entry.q)).join(', ')}`);
  }
}
