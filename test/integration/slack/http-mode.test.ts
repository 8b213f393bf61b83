import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack.js';
import { SIGNING_SECRET, startSlackBot, type SlackBot } from '../../support/slack-app.js';

let fake: FakeSlack;
let bot: SlackBot;
let url: string;

beforeAll(async () => {
  fake = await startFakeSlack();
  bot = await startSlackBot({ fake, mode: 'http' });
  url = `http://127.0.0.1:${bot.httpPort!}/slack/events`;
});
afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});
beforeEach(() => {
  fake.calls.length = 0;
  fake.responses.length = 0;
});

function signed(body: string, contentType: string, opts: { ts?: number; secret?: string; headers?: Record<string, string> } = {}) {
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', opts.secret ?? SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature, ...opts.headers },
    body,
  });
}

const json = 'application/json';
const form = 'application/x-www-form-urlencoded';
const mention = (text: string, ts: string) => ({ type: 'app_mention', user: 'U0USER', text: `<@UBOT> ${text}`, ts, channel: 'C0CHAN' });

describe('Slack HTTP events mode on the shared HTTP server', () => {
  it('answers url_verification with the challenge', async () => {
    const body = JSON.stringify({ token: 'x', challenge: 'chal-123', type: 'url_verification' });
    const res = await signed(body, json);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'chal-123' });
  });

  it('accepts a signed mention and answers it in its thread', async () => {
    const res = await signed(JSON.stringify(fake.eventCallback(mention('testwho', '1700000100.000100'))), json);
    expect(res.status).toBe(200);
    const call = await fake.waitForCall('chat.postMessage');
    expect(call.params.thread_ts).toBe('1700000100.000100');
    expect(String(call.params.text)).toContain('account=U0USER');
    expect(fake.violations).toEqual([]);
  });

  it('rejects a bad signature and a stale timestamp with 401 and runs nothing', async () => {
    const body = JSON.stringify(fake.eventCallback(mention('testwho', '1700000101.000100')));
    const forged = await signed(body, json, { secret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    const stale = await signed(body, json, { ts: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': json }, body });
    expect(unsigned.status).toBe(401);
    // The body was tampered with after signing.
    const ts = Math.floor(Date.now() / 1000);
    const sig = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const tampered = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': json, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig },
      body: body.replace('testwho', 'testslow 0'),
    });
    expect(tampered.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
  });

  it('runs a command once when Slack retries the event (X-Slack-Retry-Num)', async () => {
    const body = JSON.stringify(fake.eventCallback(mention('testwho', '1700000102.000100'), 'EvRETRY1'));
    expect((await signed(body, json)).status).toBe(200);
    const retry1 = await signed(body, json, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    const retry2 = await signed(body, json, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } });
    expect([retry1.status, retry2.status]).toEqual([200, 200]);
    await fake.waitForCall('chat.postMessage');
    await new Promise((r) => setTimeout(r, 200));
    await bot.app.idle();
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('acks a signed slash command at once and answers through the response_url', async () => {
    const started = performance.now();
    const res = await signed(new URLSearchParams(fake.slashCommand({ text: 'help' })).toString(), form);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(3000);
    const answer = await fake.waitForResponse();
    expect(answer.body.response_type).toBe('ephemeral');
    expect(String(answer.body.text)).toContain('Commands');
    expect(fake.violations).toEqual([]);
  });

  it('runs a signed button click as the clicking user', async () => {
    const payload = fake.buttonClick({ user_id: 'U0CLICKER', channel_id: 'C0CHAN', value: 'testwho' });
    const res = await signed(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), form);
    expect(res.status).toBe(200);
    const answer = await fake.waitForResponse();
    expect(String(answer.body.text)).toContain('account=U0CLICKER');
  });

  it('answers other paths and methods with 404 and 405, and garbage with a 4xx', async () => {
    const base = `http://127.0.0.1:${bot.httpPort!}`;
    expect((await fetch(`${base}/slack/other`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(url)).status).toBe(405);
    const garbage = await signed('{not json', json);
    expect(garbage.status).toBeGreaterThanOrEqual(400);
    expect(garbage.status).toBeLessThan(500);
  });
});
