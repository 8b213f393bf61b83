/**
 * The GitHub webhook receiver over real HTTP on the shared server: a signed delivery wakes the
 * poller and the change it finds in the fake GitHub is announced; unsigned, badly signed,
 * repeated, oversized and non-JSON deliveries do nothing.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/log.js';
import { WEBHOOK_PATH } from '../../../src/events/webhook.js';
import { sampleValue } from '../../support/prom-text.js';
import { startHarness, type Harness } from '../../support/events/harness.js';

const SECRET = 'whsec-test-0123456789';
// GitHub's own sample payload (see test/fixtures/github/webhooks/README.md).
const PAYLOAD = readFileSync(new URL('../../fixtures/github/webhooks/pull_request.opened.payload.json', import.meta.url));

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Another delivery: GitHub's bodies differ from one delivery to the next (ids, times). */
const variant = (n: number) => Buffer.from(PAYLOAD.toString('utf8').replace('{', `{"doibot_test_variant":${n},`));
const sign = (body: Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function post(port: number, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: WEBHOOK_PATH, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may close the socket after answering early (413) while we still write.
    req.on('error', reject);
    req.end(body);
  });
}

async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A quiet spell long enough for a wrongly triggered poll and its announcement to show up. */
const quiet = () => new Promise((r) => setTimeout(r, 300));

/** A harness with the webhook on, once the poller's first tick (at start) recorded the present; it then sleeps for an hour. */
async function settledHarness(): Promise<{ harness: Harness; port: number; requests: () => number }> {
  const started = await startHarness({ webhookSecret: SECRET });
  h = started;
  const { pipeline, poller } = started.app.announcements;
  await until(() => pipeline.events.source(poller!.source).baselineAt !== undefined, 'the baseline poll');
  await until(() => started.gh.requests.length > 0 && !poller!.lastError, 'the baseline to settle');
  await quiet();
  return { harness: started, port: started.httpPort!, requests: () => started.gh.requests.length };
}

describe('GitHub webhook receiver', () => {
  it('a signed delivery triggers a poll and the change is announced; forged, repeated, oversized and non-JSON ones do nothing', async () => {
    const { harness, port, requests } = await settledHarness();
    const ircPython = () => harness.irc.sent.filter((m) => m.channel === 'irc:#docker-library').map((m) => m.text);

    const n = harness.gh.world.openPr({ title: 'Update python', files: ['library/python'] });

    // Missing and wrong signatures: 401, no poll, and the delivery id is not used up.
    const base = requests();
    expect((await post(port, PAYLOAD, { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1' })).status).toBe(401);
    expect((await post(port, PAYLOAD, { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1', 'x-hub-signature-256': sign(PAYLOAD, 'another-secret') })).status).toBe(401);
    const tampered = Buffer.from(PAYLOAD.toString('utf8').replace('"opened"', '"closed"'));
    expect((await post(port, tampered, { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1', 'x-hub-signature-256': sign(PAYLOAD) })).status).toBe(401);
    await quiet();
    expect(requests()).toBe(base);
    expect(ircPython()).toEqual([]);

    // Signed: accepted, one poll, the new PR announced.
    const ok = await post(port, PAYLOAD, { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1', 'x-hub-signature-256': sign(PAYLOAD) });
    expect(ok).toEqual({ status: 202, text: 'accepted\n' });
    await until(() => ircPython().length === 1, 'the opened announcement');
    expect(ircPython()[0]).toMatch(new RegExp(`^#${n} opened by .*: Update python \\[python\\] https://github.com/docker-library/official-images/pull/${n} \\(ref [0-9a-z]{6}\\)$`));

    // A redelivery (same X-GitHub-Delivery) is acknowledged but triggers nothing.
    await quiet();
    harness.gh.world.addLabel(n, 'library/python');
    const beforeDup = requests();
    const dup = await post(port, PAYLOAD, { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-1', 'x-hub-signature-256': sign(PAYLOAD) });
    expect(dup).toEqual({ status: 200, text: 'duplicate delivery ignored\n' });
    await quiet();
    expect(requests()).toBe(beforeDup);
    expect(ircPython()).toHaveLength(1);

    // Not JSON (e.g. the form-encoded content type): a clear 400, the receiver keeps working.
    const form = Buffer.from(`payload=${encodeURIComponent(PAYLOAD.toString('utf8'))}`);
    const bad = await post(port, form, { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'pull_request', 'x-github-delivery': 'd-2', 'x-hub-signature-256': sign(form) });
    expect(bad).toEqual({ status: 400, text: 'body is not JSON: set the webhook content type to application/json\n' });

    // Over the 5 MB limit: refused before anything else, even when signed.
    const huge = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);
    const big = await post(port, huge, { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-3', 'x-hub-signature-256': sign(huge) }).catch((e: unknown) => e);
    // Either the 413 arrives, or the socket closes while the client is still writing.
    if (!(big instanceof Error)) expect(big).toEqual({ status: 413, text: 'payload too large\n' });
    else expect((big as NodeJS.ErrnoException).code).toMatch(/EPIPE|ECONNRESET/);
    await quiet();
    expect(requests()).toBe(beforeDup);
    expect(ircPython()).toHaveLength(1);

    // Neither the 400 nor the 413 used up their delivery ids, and the server still answers.
    const stored = harness.db.prepare<[], { delivery_id: string }>('SELECT delivery_id FROM webhook_deliveries ORDER BY delivery_id').all();
    expect(stored.map((r) => r.delivery_id)).toEqual(['d-1']);
    const next = await post(port, variant(4), { 'x-github-event': 'pull_request', 'x-github-delivery': 'd-4', 'x-hub-signature-256': sign(variant(4)) });
    expect(next.status).toBe(202);
    await until(() => ircPython().length === 2, 'the label announcement');
    expect(ircPython()[1]).toMatch(new RegExp(`^#${n} labeled library/python: `));

    // An event the bot does not follow is recorded but polls nothing.
    await quiet();
    const beforeIssues = requests();
    expect((await post(port, variant(5), { 'x-github-event': 'issues', 'x-github-delivery': 'd-5', 'x-hub-signature-256': sign(variant(5)) })).status).toBe(202);
    await quiet();
    expect(requests()).toBe(beforeIssues);
  });

  it('a captured signed body replayed under a new delivery id triggers nothing', async () => {
    const { harness, port, requests } = await settledHarness();
    const { poller } = harness.app.announcements;
    const body = variant(1);
    const headers = (delivery: string) => ({ 'x-github-event': 'pull_request', 'x-github-delivery': delivery, 'x-hub-signature-256': sign(body) });

    expect((await post(port, body, headers('r-1'))).status).toBe(202);
    await until(() => requests() > 0 && !poller!.lastError, 'the poll');
    await quiet();
    const before = requests();
    for (const id of ['r-2', 'r-3', 'r-4']) {
      expect(await post(port, body, headers(id))).toEqual({ status: 200, text: 'replayed body ignored\n' });
    }
    await quiet();
    expect(requests()).toBe(before);
    // The replays did not use up their delivery ids: only the accepted one is stored.
    expect(harness.db.prepare('SELECT delivery_id FROM webhook_deliveries ORDER BY delivery_id').all()).toEqual([{ delivery_id: 'r-1' }]);
    const metrics = await harness.app.metrics.render();
    expect(sampleValue(metrics, 'doibot_webhook_deliveries_total', { outcome: 'replay' })).toBe(3);
    expect(sampleValue(metrics, 'doibot_webhook_deliveries_total', { outcome: 'accepted' })).toBe(1);
  });

  it('logs forged deliveries at a bounded rate and counts every one', async () => {
    const lines: string[] = [];
    h = await startHarness({ webhookSecret: SECRET, log: createLogger({ level: 'info' }, { write: (s: string) => void lines.push(s) }) });
    const port = h.httpPort!;
    for (let i = 0; i < 40; i++) {
      const forged = variant(100 + i);
      expect((await post(port, forged, { 'x-github-event': 'pull_request', 'x-github-delivery': `f-${i}`, 'x-hub-signature-256': sign(forged, 'wrong-secret') })).status).toBe(401);
    }
    const logged = lines.filter((l) => l.includes('bad or missing signature'));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.length).toBeLessThanOrEqual(5);
    expect(sampleValue(await h.app.metrics.render(), 'doibot_webhook_deliveries_total', { outcome: 'bad_signature' })).toBe(40);
  });
});
