/**
 * Upstream client figures, against the local fakes seeded from assets/snapshot:
 *  1. GraphQL points per catalog sync, as the fake GitHub computes them (GitHub's documented
 *     formula) from the documents GitHubCatalogSource really sends: a first full sync, an
 *     unchanged sync, and a sync after a direct push; with request and response sizes.
 *  2. Docker Hub client latency p50/p99: cold (every call an HTTP request) vs cached, against a
 *     bare fetch of the same URL measured in the same run as the baseline.
 * Run: npx tsx bench/github-sync.ts [hubIterations]
 */
import { join } from 'node:path';
import { GitHubCatalogSource } from '../src/catalog/github-source.js';
import { silentLogger } from '../src/core/log.js';
import { createGitHubClient } from '../src/github/client.js';
import { HubClient } from '../src/hub/client.js';
import { projectRoot } from '../src/paths.js';
import { DOCS, OFFICIAL_IMAGES } from '../test/support/fake-github.js';
import { startDemoFakes } from '../test/support/demo-fakes.js';

const hubIterations = Number(process.argv[2] ?? 400);
const log = silentLogger();

function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
const ms = (x: number) => `${x.toFixed(3)} ms`;

const fakes = await startDemoFakes({ snapshotDir: join(projectRoot(), 'assets', 'snapshot'), withPullRequests: false });
try {
  // ---- 1. GraphQL points per catalog sync ----
  const client = createGitHubClient({ token: fakes.token, url: fakes.github.url, log });
  const source = new GitHubCatalogSource({ client, officialImagesRepo: OFFICIAL_IMAGES, docsRepo: DOCS });
  const sync = async (label: string, known?: string) => {
    const from = fakes.github.requests.length;
    const t0 = performance.now();
    const files = await source.fetch(known);
    const elapsed = performance.now() - t0;
    const sent = fakes.github.requests.slice(from);
    const points = sent.reduce((n, r) => n + r.cost, 0);
    const docChars = sent.reduce((n, r) => n + r.document.length, 0);
    console.log(
      `${label.padEnd(28)} requests=${sent.length} points=${points} connection-requests=${sent.reduce((n, r) => n + r.connectionRequests, 0)} ` +
        `document=${(docChars / 1024).toFixed(1)} KiB files=${files ? files.library.size + [...files.docs.values()].reduce((n, d) => n + Object.keys(d).length, 0) : 0} time=${ms(elapsed)}`,
    );
    return files;
  };
  console.log('GraphQL points per catalog sync (fake GitHub, GitHub cost formula, assets/snapshot: 144 manifests + docs):');
  const first = await sync('first full sync');
  const again = await sync('unchanged sync', first!.revision);
  if (again !== null) throw new Error('unchanged sync fetched content');
  for (let i = 0; i < 5; i++) await sync(`unchanged sync #${i + 2}`, first!.revision);
  fakes.github.world.setFile(OFFICIAL_IMAGES, 'library/hello-world', `${fakes.github.world.fileText(OFFICIAL_IMAGES, 'library/hello-world')!}\n`);
  await sync('sync after a direct push', first!.revision);
  const b = client.budget();
  console.log(`client budget after the run: remaining=${b.remaining} totalCost=${b.totalCost} requests=${b.requests}`);
  const perHour = (3600 / 900) * 1;
  console.log(`=> at the default catalog refresh (900 s), an unchanged catalog costs ${perHour} points/hour (of 5,000)`);

  // ---- 2. Hub client latency ----
  const tags = [...(fakes.hub.world.tags('python') ?? [])].map((t) => t.name);
  const url = (tag: string) => `${fakes.hub.url}/v2/namespaces/library/repositories/python/tags/${encodeURIComponent(tag)}`;
  const measure = async (fn: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 50; i++) await fn(i); // warm-up
    const lat: number[] = [];
    for (let i = 0; i < hubIterations; i++) {
      const t0 = performance.now();
      await fn(i);
      lat.push(performance.now() - t0);
    }
    return lat;
  };
  const baseline = await measure(async (i) => (await fetch(url(tags[i % tags.length]!))).json());
  const cold = new HubClient({ baseUrl: fakes.hub.url, cacheTtlMs: 0 });
  const coldLat = await measure((i) => cold.getTag('python', tags[i % tags.length]!));
  const cached = new HubClient({ baseUrl: fakes.hub.url });
  await Promise.all(tags.map((t) => cached.getTag('python', t)));
  const cachedLat = await measure((i) => cached.getTag('python', tags[i % tags.length]!));
  const listClient = new HubClient({ baseUrl: fakes.hub.url, cacheTtlMs: 0 });
  const listLat: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await listClient.listTags('python', { maxPages: 50 });
    listLat.push(performance.now() - t0);
  }
  console.log(`\nDocker Hub tag lookup latency (fake Hub on loopback, ${hubIterations} calls each, python: ${tags.length} tags):`);
  console.log(`  baseline: bare fetch + JSON   p50=${ms(quantile(baseline, 0.5))} p99=${ms(quantile(baseline, 0.99))}`);
  console.log(`  HubClient cold (no cache)     p50=${ms(quantile(coldLat, 0.5))} p99=${ms(quantile(coldLat, 0.99))}  (zod validation + mapping on top of the baseline)`);
  console.log(`  HubClient cached              p50=${ms(quantile(cachedLat, 0.5))} p99=${ms(quantile(cachedLat, 0.99))}  (${cached.stats().cacheHits} hits, ${cached.stats().requests} HTTP requests)`);
  console.log(`  listTags(python), all pages   p50=${ms(quantile(listLat, 0.5))} p99=${ms(quantile(listLat, 0.99))}  (${Math.ceil(tags.length / 100)} pages)`);
} finally {
  await fakes.close();
}
