/**
 * A private message (notification, feedback notice) for someone who is offline: the adapter says
 * the recipient is away, and the outbox keeps the message, without using up its tries, until they
 * are back; only after the wait limit does it count failures as usual.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { standInCapabilities } from '../../../adapters/memory/memory-adapter.js';
import type { AdapterStatus, ChatAdapter, OutboundMessage, SendResult } from '../../../src/core/chat.js';
import { RecipientAwayError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/log.js';
import { rt } from '../../../src/core/richtext.js';
import { OutboxStore } from '../../../src/outbox/outbox-store.js';
import { Delivery } from '../../../src/outbox/replies.js';
import { OutboxWorker } from '../../../src/outbox/worker.js';
import { projectRoot } from '../../../src/paths.js';
import { openDatabase, type Db } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';
import { StepClock } from '../../support/events/step-clock.js';

/** Says the recipient is away for the first `awayFor` sends. */
class AwayAdapter implements ChatAdapter {
  readonly platform = 'irc' as const;
  readonly capabilities = standInCapabilities('irc');
  readonly delivered: string[] = [];
  tries = 0;
  constructor(private readonly awayFor: number) {}
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  status(): AdapterStatus {
    return { platform: 'irc', connected: true };
  }
  async send(msg: OutboundMessage): Promise<SendResult> {
    if (++this.tries <= this.awayFor) throw new RecipientAwayError('nobody is logged in as root', 5 * 60_000);
    this.delivered.push(msg.channel);
    return {};
  }
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function run(awayFor: number, opts: { recipientWaitMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-away-'));
  const db: Db = openDatabase(join(dir, 'bot.sqlite3'));
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  const clock = new StepClock(Date.UTC(2026, 0, 1));
  const store = new OutboxStore(db);
  const adapter = new AwayAdapter(awayFor);
  const worker = new OutboxWorker({ store, delivery: new Delivery([adapter], silentLogger(), clock), clock, log: silentLogger(), idleMs: 5, ...opts });
  cleanup.push(async () => {
    await worker.stop(1000);
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  store.enqueue({ eventId: 'notify:1', channel: 'irc:account:root', subscriptionId: null, rule: 'test', code: 'n1', kind: 'notify', line: rt.of('python:3 is now published'), state: 'pending', occurredAt: clock.now(), now: clock.now() });
  worker.start();
  const state = () => db.prepare<[], { state: string; attempts: number }>("SELECT state, attempts FROM outbox WHERE event_id = 'notify:1'").get()!;
  // An hour passes in six-minute steps, each giving the worker time to try.
  for (let i = 0; i < 20 && state().state === 'pending'; i++) {
    const tried = adapter.tries;
    clock.advance(6 * 60_000);
    for (let w = 0; w < 200 && adapter.tries === tried && state().state === 'pending'; w++) await new Promise((r) => setTimeout(r, 5));
  }
  return { adapter, state: state() };
}

describe('outbox: private messages for someone who is away', () => {
  it('keeps the message through more tries than a failing platform gets, and delivers it when they are back', async () => {
    const { adapter, state } = await run(12);
    expect(adapter.tries).toBe(13);
    expect(adapter.delivered).toEqual(['irc:account:root']);
    expect(state).toEqual({ state: 'sent', attempts: 0 });
  });

  it('after the wait limit counts the tries as usual and gives up', async () => {
    const { adapter, state } = await run(100, { recipientWaitMs: 0 });
    expect(adapter.delivered).toEqual([]);
    expect(state).toEqual({ state: 'dead', attempts: 8 });
  });
});
