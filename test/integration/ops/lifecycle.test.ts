import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleValue } from '../../support/prom-text.js';

const ROOT = join(import.meta.dirname, '../../..');

interface Bot {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function spawnBot(env: Record<string, string>, args: string[] = []): Bot {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: env.HOME ?? tmpdir(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function listeningPort(stderr: string): number | undefined {
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as { msg?: string; port?: number };
    if (rec.msg === 'http listening' && rec.port) return rec.port;
  }
  return undefined;
}

describe('the real program under an operator', () => {
  it('serves /healthz, /readyz and /metrics, takes a live backup, and exits 0 on SIGTERM within the deadline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-life-'));
    const env = {
      HOME: dir,
      DOIBOT_DB: join(dir, 'bot.sqlite3'),
      DOIBOT_HTTP_PORT: '0',
      DOIBOT_HTTP_HOST: '127.0.0.1',
      DOIBOT_LOG_LEVEL: 'info',
    };
    // stdin stays open: the console adapter keeps running, as in `docker run -i`.
    const bot = spawnBot(env);
    const port = await waitFor('http listening', () => listeningPort(bot.stderr()));
    const base = `http://127.0.0.1:${port}`;

    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    // HTTP listens before the catalog loads and the adapters connect: ready comes a moment later.
    let lastReady = '';
    const readyBody = await waitFor('/readyz to turn 200', () => {
      void fetch(`${base}/readyz`).then(async (r) => (lastReady = `${r.status} ${await r.text()}`));
      return lastReady.startsWith('200 ') ? (JSON.parse(lastReady.slice(4)) as { checks: Array<{ name: string }> }) : undefined;
    }).catch((err: unknown) => {
      throw new Error(`${String(err)}; last answer: ${lastReady}`);
    });
    expect(readyBody.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['database', 'adapter:console']));

    bot.child.stdin.write('help\n');
    await waitFor('help answer', () => (bot.stdout().includes('Commands') ? true : undefined));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(sampleValue(metrics, 'doibot_commands_total', { command: 'help', outcome: 'ok' })).toBe(1);
    expect(sampleValue(metrics, 'doibot_deliveries_total', { platform: 'console', kind: 'reply', outcome: 'ok' })).toBe(1);
    expect(sampleValue(metrics, 'doibot_adapter_connected', { platform: 'console' })).toBe(1);

    // The operator's backup, taken by a second process while the bot runs.
    const target = join(dir, 'backups', 'doi-bot.sqlite3');
    const backup = spawnBot({ ...env, DOIBOT_LOG_LEVEL: 'warn' }, ['backup', target]);
    const b = await backup.exited;
    expect(b.code, backup.stderr()).toBe(0);
    expect(backup.stdout()).toMatch(/^backup written: .*doi-bot\.sqlite3 \(\d+ bytes, schema version \d+, \d+ ms\)/);
    const copy = new Database(target, { readonly: true, fileMustExist: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare("SELECT count(*) AS n FROM settings WHERE key = 'health.last_write'").get()).toEqual({ n: 1 });
    copy.close();

    const sent = Date.now();
    bot.child.kill('SIGTERM');
    const exit = await bot.exited;
    const tookMs = Date.now() - sent;
    expect(exit, bot.stderr()).toEqual({ code: 0, signal: null });
    // Docker sends SIGKILL 10 s after SIGTERM; a clean stop has nothing to wait for (it takes
    // well under a second on an idle machine; the margin is for busy CI machines).
    expect(tookMs).toBeLessThan(8000);
    expect(bot.stderr()).toMatch(/"msg":"doi-bot stopped"/);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 90_000);

  it('the probe and the backup subcommand explain every failure clearly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-probe-'));
    // Independent processes: started together to keep the test short.
    const noPort = spawnBot({ HOME: dir, DOIBOT_DB: join(dir, 'bot.sqlite3') }, ['healthcheck']);
    // Nothing listens on port 9 (discard) on loopback here: connection refused.
    const nobody = spawnBot({ HOME: dir, DOIBOT_HTTP_PORT: '9' }, ['healthcheck']);
    const missing = spawnBot({ HOME: dir, DOIBOT_DB: join(dir, 'none.sqlite3') }, ['backup', join(dir, 'out.sqlite3')]);
    const usage = spawnBot({ HOME: dir }, ['backup']);
    const unknown = spawnBot({ HOME: dir }, ['bakcup', 'x']);

    expect((await noPort.exited).code).toBe(0);
    expect(noPort.stdout()).toMatch(/healthy: no DOIBOT_HTTP_PORT set/);
    expect(existsSync(join(dir, 'bot.sqlite3'))).toBe(false);

    expect((await nobody.exited).code).toBe(1);
    expect(nobody.stderr()).toMatch(/unhealthy: http:\/\/127\.0\.0\.1:9\/healthz: .*ECONNREFUSED/);

    expect((await missing.exited).code).toBe(1);
    expect(missing.stderr()).toMatch(/database .*none\.sqlite3 does not exist/);

    expect((await usage.exited).code).toBe(2);
    expect(usage.stderr()).toMatch(/usage: doi-bot backup FILE/);

    expect((await unknown.exited).code).toBe(2);
    expect(unknown.stderr()).toMatch(/unknown subcommand "bakcup"/);
  }, 90_000);
});
