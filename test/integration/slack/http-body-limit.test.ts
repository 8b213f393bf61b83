/**
 * The real program in Slack HTTP mode, run as a child process, against hostile bodies: hundreds
 * of MB streamed at /slack/events with a bad signature, chunked and with Content-Length. The
 * bot must answer 413 (or 401 for a stale timestamp) long before the body is sent and its peak
 * RSS (VmHWM, Linux) must barely move. The figures are printed for the record.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack.js';
import { listeningPorts, spawnProgram, type SpawnedProgram } from '../../support/run-program.js';

const SECRET = 'e2e-signing-secret-0123456789';
const MB = 1024 * 1024;
const HUGE = 300 * MB;
const MAX_GROWTH = 50 * MB;

let fake: FakeSlack;
let bot: SpawnedProgram;
let base: string;

function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

beforeAll(async () => {
  fake = await startFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'doibot-bodylimit-'));
  bot = spawnProgram({
    HOME: dir,
    DOIBOT_DB: join(dir, 'bot.sqlite3'),
    DOIBOT_LOG_LEVEL: 'info',
    DOIBOT_HTTP_PORT: '0',
    DOIBOT_HTTP_HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: 'xoxb-test-bot-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    DOIBOT_ALLOW_INSECURE: 'true',
  });
  const port = await bot.waitForOutput('the program to listen', (out) => listeningPorts(out).main);
  base = `http://127.0.0.1:${port}`;
  // Warm up: a real signed request, repeated until the adapter has started (503 until then),
  // so start-up, lazy imports and JIT are behind the baseline.
  const until = Date.now() + 20_000;
  let answer = '';
  while (Date.now() < until) {
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'url_verification', challenge: 'warm', token: 'x' });
    const res = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
      },
      body,
    });
    answer = `${res.status} ${await res.text()}`;
    if (res.status !== 503) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(answer).toBe('200 {"challenge":"warm"}');
}, 40_000);

afterAll(async () => {
  if (bot && bot.child.exitCode === null) {
    bot.child.kill('SIGTERM');
    await bot.exited;
  }
  await fake?.close();
});

interface HugeResult {
  status: number | undefined;
  error: string | undefined;
  /** Bytes the client had handed to its socket when the answer (or the reset) came. */
  sentBytes: number;
}

/** Streams `total` bytes of junk, chunked or with a Content-Length, and stops at the answer. */
function postHuge(path: string, total: number, headers: Record<string, string>, chunked: boolean): Promise<HugeResult> {
  return new Promise((resolve) => {
    const req = request(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers, ...(chunked ? {} : { 'content-length': String(total) }) },
    });
    let sent = 0;
    let done = false;
    const finish = (r: Omit<HugeResult, 'sentBytes'>): void => {
      if (done) return;
      done = true;
      resolve({ ...r, sentBytes: sent });
      req.destroy();
    };
    req.on('response', (res) => {
      res.resume();
      finish({ status: res.statusCode, error: undefined });
    });
    req.on('error', (err) => finish({ status: undefined, error: err.message }));
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = (): void => {
      while (!done && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!done) req.end();
    };
    pump();
  });
}

function slackHeaders(ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${'0'.repeat(64)}` };
}

describe('Slack HTTP mode refuses huge bodies without buffering them (real program)', () => {
  it.each([
    ['chunked', true, 413],
    ['with Content-Length', false, 413],
  ] as const)('a 300 MB %s body with a bad signature gets 413 and peak RSS grows < 50 MB', async (how, chunked, expected) => {
    const pid = bot.child.pid!;
    const before = memoryOf(pid);
    const r = await postHuge('/slack/events', HUGE, slackHeaders(), chunked);
    const after = memoryOf(pid);
    const growth = after.peak - before.peak;
    console.log(
      `[slack body limit, ${how}] answer ${r.status ?? r.error} after ${(r.sentBytes / MB).toFixed(1)} MB sent of ${HUGE / MB} MB; ` +
        `child peak RSS ${(before.peak / MB).toFixed(1)} -> ${(after.peak / MB).toFixed(1)} MB (+${(growth / MB).toFixed(1)} MB)`,
    );
    expect(r.status).toBe(expected);
    expect(r.sentBytes).toBeLessThan(HUGE / 4);
    expect(growth).toBeLessThan(MAX_GROWTH);
  }, 60_000);

  it('a huge body with a stale timestamp gets 401 before any of it is read', async () => {
    const pid = bot.child.pid!;
    const before = memoryOf(pid);
    const r = await postHuge('/slack/events', HUGE, slackHeaders(Math.floor(Date.now() / 1000) - 600), true);
    const after = memoryOf(pid);
    console.log(`[slack stale timestamp] answer ${r.status ?? r.error} after ${(r.sentBytes / MB).toFixed(1)} MB sent`);
    expect(r.status).toBe(401);
    expect(r.sentBytes).toBeLessThan(HUGE / 4);
    expect(after.peak - before.peak).toBeLessThan(MAX_GROWTH);
  }, 60_000);

  it('the GitHub webhook path is not there without a secret, and a huge body to it is not buffered either', async () => {
    const pid = bot.child.pid!;
    const before = memoryOf(pid);
    const r = await postHuge('/webhooks/github', HUGE, {}, true);
    const after = memoryOf(pid);
    expect(r.status).toBe(404);
    expect(r.sentBytes).toBeLessThan(HUGE / 4);
    expect(after.peak - before.peak).toBeLessThan(MAX_GROWTH);
  }, 60_000);
});
