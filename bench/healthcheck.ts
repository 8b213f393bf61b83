/**
 * HEALTHCHECK cost, run as Docker runs it every 30 s: wall time and peak RSS of one probe
 * process, for the small probe script (dist/src/http/healthcheck.js) against the old
 * `node dist/src/main.js healthcheck`, which loads the whole application, measured in the same
 * run against the same /healthz. Compiles the project into a temporary directory first.
 * Run: npx tsx bench/healthcheck.ts [runs]     Needs /usr/bin/time (GNU time) for the RSS.
 */
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../src/paths.js';

const runs = Number(process.argv[2] ?? 10);
const root = projectRoot();
const out = mkdtempSync(join(tmpdir(), 'doibot-bench-healthcheck-'));
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(out, 'dist')]);
// The image's layout: package.json (type: module, version), node_modules, migrations, assets.
copyFileSync(join(root, 'package.json'), join(out, 'package.json'));
for (const dir of ['node_modules', 'migrations', 'assets']) symlinkSync(join(root, dir), join(out, dir));

const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = String((server.address() as AddressInfo).port);

interface Sample {
  wallMs: number;
  maxRssMb: number;
}

/** One probe process under GNU time: "%e %M" = elapsed seconds, max RSS in KiB. */
function measure(args: string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // execFile with a callback keeps this process's event loop free to answer /healthz.
    execFile(
      '/usr/bin/time',
      ['-f', 'TIME %e %M', process.execPath, ...args],
      { cwd: out, env: { PATH: process.env.PATH ?? '', DOIBOT_HTTP_PORT: port, DOIBOT_HTTP_HOST: '127.0.0.1', DOIBOT_DB: join(out, 'bot.sqlite3') } },
      (err, _stdout, stderr) => {
        const wallMs = performance.now() - started;
        const m = /TIME [\d.]+ (\d+)/.exec(stderr);
        if (err || !m) return reject(new Error(`${args.join(' ')} failed: ${err?.message ?? ''} ${stderr}`));
        resolve({ wallMs, maxRssMb: Number(m[1]) / 1024 });
      },
    );
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const variants = [
  { name: 'old: node dist/src/main.js healthcheck', args: ['dist/src/main.js', 'healthcheck'] },
  { name: 'new: node dist/src/http/healthcheck.js', args: ['dist/src/http/healthcheck.js'] },
];
const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
// Interleaved, so machine load hits both alike; one warm-up each for the file cache.
for (const v of variants) await measure(v.args);
for (let i = 0; i < runs; i++) for (const v of variants) samples.get(v.name)!.push(await measure(v.args));

console.log(`HEALTHCHECK probe, ${runs} runs each, node ${process.version}, median (min-max):`);
for (const v of variants) {
  const s = samples.get(v.name)!;
  const wall = s.map((x) => x.wallMs);
  const rss = s.map((x) => x.maxRssMb);
  console.log(
    `  ${v.name.padEnd(42)} ${median(wall).toFixed(0)} ms (${Math.min(...wall).toFixed(0)}-${Math.max(...wall).toFixed(0)}), ` +
      `peak RSS ${median(rss).toFixed(1)} MB (${Math.min(...rss).toFixed(1)}-${Math.max(...rss).toFixed(1)})`,
  );
}
server.close();
rmSync(out, { recursive: true, force: true });
