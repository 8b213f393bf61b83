/**
 * DOIBOT_OPS_PORT: health and metrics on a second (loopback) listener, so the main listener
 * can face the internet with only Slack events and the webhook on it. The real program, as an
 * operator runs it, and its Docker HEALTHCHECK subcommand.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { listeningPorts, spawnProgram, type SpawnedProgram } from '../../support/run-program.js';

const programs: SpawnedProgram[] = [];
afterEach(() => {
  for (const p of programs.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
});

it('with DOIBOT_OPS_PORT, health and metrics answer only on the ops listener and the healthcheck asks it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-ops-'));
  const env = { HOME: dir, DOIBOT_DB: join(dir, 'bot.sqlite3'), DOIBOT_LOG_LEVEL: 'info', DOIBOT_HTTP_PORT: '0', DOIBOT_HTTP_HOST: '127.0.0.1', DOIBOT_OPS_PORT: '0' };
  const bot = spawnProgram(env);
  programs.push(bot);
  const p = await bot.waitForOutput('both listeners', (out) => {
    const found = listeningPorts(out);
    return found.main && found.ops ? { main: found.main, ops: found.ops } : undefined;
  });
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
  const probe = spawnProgram({ ...env, DOIBOT_HTTP_PORT: String(p.main), DOIBOT_OPS_PORT: String(p.ops), DOIBOT_LOG_LEVEL: 'warn' }, ['healthcheck']);
  programs.push(probe);
  expect(await probe.exited, probe.output()).toBe(0);
  expect(probe.output()).toMatch(/healthy: \/healthz answered 200/);

  bot.child.kill('SIGTERM');
  expect(await bot.exited).toBe(0);
}, 60_000);
