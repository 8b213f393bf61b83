/**
 * DOIBOT_OPS_PORT: health and metrics on a second (loopback) listener, so the main listener
 * can face the internet with only Slack events and the webhook on it. The real program, as an
 * operator runs it, and its Docker HEALTHCHECK subcommand.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { projectRoot } from '../../../src/paths.js';

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function spawnBot(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: projectRoot(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, output: () => out, exited };
}

/** The ports of both listeners, from the "http listening" log lines. */
function ports(log: string): { main?: number; ops?: number } {
  const found: { main?: number; ops?: number } = {};
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as { msg?: string; port?: number; listener?: string };
    if (rec.msg === 'http listening' && rec.port) found[rec.listener === 'ops' ? 'ops' : 'main'] = rec.port;
  }
  return found;
}

it('with DOIBOT_OPS_PORT, health and metrics answer only on the ops listener and the healthcheck asks it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-ops-'));
  const env = {
    HOME: dir,
    DOIBOT_DB: join(dir, 'bot.sqlite3'),
    DOIBOT_LOG_LEVEL: 'info',
    DOIBOT_HTTP_PORT: '0',
    DOIBOT_HTTP_HOST: '127.0.0.1',
    DOIBOT_OPS_PORT: '0',
  };
  const bot = spawnBot(env);
  const until = Date.now() + 30_000;
  let p = ports(bot.output());
  while (!(p.main && p.ops)) {
    if (Date.now() > until) throw new Error(`listeners not up:\n${bot.output()}`);
    await new Promise((r) => setTimeout(r, 50));
    p = ports(bot.output());
  }
  expect(bot.output()).toMatch(/"listener":"ops"[^\n]*"host":"127\.0\.0\.1"|"host":"127\.0\.0\.1"[^\n]*"listener":"ops"/);
  const ops = `http://127.0.0.1:${p.ops}`;
  const main = `http://127.0.0.1:${p.main}`;

  for (const path of ['/healthz', '/readyz', '/metrics']) {
    expect((await fetch(`${main}${path}`)).status, `main ${path}`).toBe(404);
  }
  expect((await fetch(`${ops}/healthz`)).status).toBe(200);
  expect([200, 503]).toContain((await fetch(`${ops}/readyz`)).status);
  expect(await (await fetch(`${ops}/metrics`)).text()).toMatch(/^doibot_build_info\{version="[^"]+"\} 1$/m);

  // The Docker HEALTHCHECK: the same settings, real ports.
  const probe = spawnBot({ ...env, DOIBOT_HTTP_PORT: String(p.main), DOIBOT_OPS_PORT: String(p.ops), DOIBOT_LOG_LEVEL: 'warn' }, ['healthcheck']);
  expect(await probe.exited, probe.output()).toBe(0);
  expect(probe.output()).toMatch(new RegExp(`healthy: /healthz answered 200`));

  bot.child.kill('SIGTERM');
  expect(await bot.exited).toBe(0);
}, 60_000);
