import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { InboundMessage } from '../../src/core/chat.js';
import { systemClock } from '../../src/core/clock.js';
import { UpstreamError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { runInRequestScope } from '../../src/core/request-scope.js';
import { rt, toPlainText } from '../../src/core/richtext.js';
import { AccessPolicy } from '../../src/dispatch/access.js';
import { defineCommand } from '../../src/dispatch/command.js';
import { Dispatcher } from '../../src/dispatch/dispatcher.js';
import { CommandRegistry } from '../../src/dispatch/registry.js';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { StatusBoard } from '../../src/status.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';

const VIEWER = `query Viewer { viewer { login } rateLimit { cost remaining resetAt } }`;
const log = silentLogger();
let gh: FakeGitHub;

beforeAll(async () => {
  gh = await startFakeGitHub();
});
afterAll(async () => {
  await gh.close();
});
beforeEach(() => {
  gh.faults.clear();
  gh.faults.setBudget({ remaining: 5000, used: 0, resetAt: Date.now() + 3_600_000 });
});

function client(opts: Partial<Parameters<typeof createGitHubClient>[0]> = {}): GitHubClient {
  return createGitHubClient({ token: 't', url: gh.url, log, ...opts });
}

/** As the dispatcher runs a command. */
function asCommand<T>(work: () => Promise<T>, signal = new AbortController().signal): Promise<T> {
  return runInRequestScope({ kind: 'command', signal }, work);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  return (err as UpstreamError).code;
}

describe('GitHub budget for chat commands', () => {
  it('commands stop at their hourly points; polling keeps going', async () => {
    const c = client({ commandPointsPerHour: 3 });
    for (let i = 0; i < 3; i++) await asCommand(() => c.query(VIEWER));
    const sent = gh.requests.length;
    const refused = (await asCommand(() => c.query(VIEWER)).then(() => undefined, (e: unknown) => e)) as UpstreamError;
    expect(refused).toMatchObject({ code: 'github.command_budget', retryable: true });
    expect(refused.userMessage).toMatch(/^Commands have used this hour's GitHub budget; try again in \d+ min$/);
    expect(gh.requests.length).toBe(sent);
    await c.query(VIEWER);
    expect(gh.requests.length).toBe(sent + 1);
    expect(c.budget()).toMatchObject({ commandPointsThisHour: 3, totalCost: 4 });
    expect(c.describeBudget()).toMatch(/commands 3\/3 points this hour/);
  });

  it('a budget of 0 turns live lookups from chat off, and says so', async () => {
    const c = client({ commandPointsPerHour: 0 });
    const sent = gh.requests.length;
    const refused = (await asCommand(() => c.query(VIEWER)).then(() => undefined, (e: unknown) => e)) as UpstreamError;
    expect(refused.userMessage).toBe('Live GitHub lookups from chat are turned off on this bot');
    expect(gh.requests.length).toBe(sent);
  });

  it('commands stop at the reserve kept for polling and the catalog', async () => {
    const c = client({ commandReserve: 500 });
    gh.faults.setBudget({ remaining: 450 });
    await c.query(VIEWER);
    const sent = gh.requests.length;
    expect(await codeOf(asCommand(() => c.query(VIEWER)))).toBe('github.budget_low');
    expect(gh.requests.length).toBe(sent);
    await c.query(VIEWER);
    expect(gh.requests.length).toBe(sent + 1);
  });

  it('the queue is bounded: beyond it requests are refused at once, unsent', async () => {
    const c = client({ maxQueued: 3 });
    gh.faults.delay(1, 300);
    const sent = gh.requests.length;
    const all = Array.from({ length: 6 }, () => c.query(VIEWER).then(() => 'ok', (e: unknown) => (e as UpstreamError).code));
    expect(await Promise.all(all)).toEqual(['ok', 'ok', 'ok', 'github.queue_full', 'github.queue_full', 'github.queue_full']);
    expect(gh.requests.length).toBe(sent + 3);
    expect(await c.query(VIEWER).then(() => 'ok')).toBe('ok');
  });

  it('a timed-out command’s queued requests are dropped before they are sent', async () => {
    const c = client();
    gh.faults.delay(1, 400);
    const sent = gh.requests.length;
    const poll = c.query(VIEWER);
    const abandoned = new AbortController();
    const mine = [asCommand(() => c.query(VIEWER), abandoned.signal), asCommand(() => c.query(VIEWER), abandoned.signal)];
    abandoned.abort();
    expect(await Promise.all(mine.map((p) => codeOf(p)))).toEqual(['github.cancelled', 'github.cancelled']);
    await poll;
    expect(gh.requests.length).toBe(sent + 1);
    expect(c.budget().cancelled).toBe(2);
  });

  it('through the dispatcher: the timeout cancels the command’s queued GitHub requests', async () => {
    const c = client();
    const lookups = defineCommand({
      name: 'lookups',
      summary: 'three GitHub queries in a row',
      usage: 'lookups',
      access: 'anyone',
      args: z.tuple([]),
      timeoutMs: 150,
      async run() {
        for (let i = 0; i < 3; i++) await c.query(VIEWER);
        return rt.of('done');
      },
    });
    const registry = new CommandRegistry([lookups]);
    const dispatcher = new Dispatcher({
      registry,
      access: new AccessPolicy({ admins: [], maintainers: [] }),
      services: { status: new StatusBoard('test', 0), commands: () => registry.all() },
      log,
      clock: systemClock,
      limits: { userCommandsPerMinute: 30, commandTimeoutMs: 1000 },
    });
    gh.faults.delay(1, 400);
    const sent = gh.requests.length;
    const message: InboundMessage = {
      id: 'm1',
      channel: { platform: 'irc', id: '#c', key: 'irc:#c', name: '#c' },
      author: { platform: 'irc', id: 'mallory', name: 'mallory' },
      text: '!lookups',
      isDirect: false,
      addressed: false,
      receivedAt: new Date(0),
    };
    const reply = await dispatcher.handle(message);
    expect(toPlainText(reply!)).toMatch(/took too long/);
    // The first query was in flight when the command gave up; it is aborted, and the other two are never sent.
    await new Promise((r) => setTimeout(r, 600));
    expect(gh.requests.length - sent).toBeLessThanOrEqual(1);
    expect(c.budget().requests).toBe(1);
  });
});
