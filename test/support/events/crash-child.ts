/**
 * Crash-test child: runs the real pipeline (EventPipeline + OutboxWorker + Delivery) over a
 * real SQLite file with a scripted source, delivering to "sink" adapters that append each
 * accepted message to a file with fsync before returning. The parent SIGKILLs it at random.
 * argv: <db file> <sink file>
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { standInCapabilities } from '../../../adapters/memory/memory-adapter.js';
import type { AdapterCapabilities, AdapterStatus, ChatAdapter, OutboundMessage, Platform, SendResult } from '../../../src/core/chat.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { toPlainText } from '../../../src/core/richtext.js';
import { EventPipeline } from '../../../src/events/pipeline.js';
import { Delivery } from '../../../src/outbox/replies.js';
import { OutboxWorker } from '../../../src/outbox/worker.js';
import { projectRoot } from '../../../src/paths.js';
import { openDatabase } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';
import { SubscriptionStore } from '../../../src/subscriptions/store.js';
import { STORM_SUBSCRIPTIONS, STORM_TICKS, stormSnapshots } from './storm.js';

const [dbFile, sinkFile] = process.argv.slice(2) as [string, string];
const sinkFd = openSync(sinkFile, 'a');
/**
 * The sink is idempotent on the outbox row's identity (channel + ref code + kind), like a
 * platform with idempotency keys: a re-send after a kill in the accepted-but-not-marked window
 * is recorded as "resend" and not delivered again, so the parent can count that window.
 */
const delivered = new Set(
  existsSync(sinkFile)
    ? readFileSync(sinkFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap((l) => {
          try {
            const r = JSON.parse(l) as { channel: string; kind: string; code: string };
            return r.kind === 'resend' ? [] : [`${r.channel} ${r.code} ${r.kind}`];
          } catch {
            return []; // a line torn by the kill itself
          }
        })
    : [],
);

class SinkAdapter implements ChatAdapter {
  #seq = 0;
  readonly capabilities: AdapterCapabilities;
  constructor(readonly platform: Platform) {
    this.capabilities = standInCapabilities(platform);
  }
  async start(): Promise<void> {}
  async send(msg: OutboundMessage): Promise<SendResult> {
    const kind = msg.updateRef ? 'edit' : msg.threadId ? 'thread' : 'post';
    const code = /\(ref ([0-9a-z]{6})\)/.exec(toPlainText(msg.body))?.[1] ?? '?';
    const ref = msg.updateRef ?? `${process.pid}-${++this.#seq}`;
    const key = `${msg.channel} ${code} ${kind}`;
    const resend = kind !== 'edit' && delivered.has(key);
    delivered.add(key);
    writeSync(sinkFd, `${JSON.stringify({ channel: msg.channel, kind: resend ? 'resend' : kind, code, ref })}\n`);
    fsyncSync(sinkFd);
    return { ref };
  }
  async stop(): Promise<void> {}
  status(): AdapterStatus {
    return { platform: this.platform, connected: true };
  }
}

const db = openDatabase(dbFile);
migrate(db, readMigrations(join(projectRoot(), 'migrations')));
const log = silentLogger();
const subscriptions = new SubscriptionStore(db);
subscriptions.seed(STORM_SUBSCRIPTIONS, Date.now());
const delivery = new Delivery([new SinkAdapter('irc'), new SinkAdapter('slack')], log, systemClock);
const pipeline = new EventPipeline({ db, subscriptions, clock: systemClock, log, capabilitiesOf: (c) => delivery.capabilitiesFor(c) });
const worker = new OutboxWorker({
  store: pipeline.outbox,
  delivery,
  clock: systemClock,
  log,
  idleMs: 5,
  baseBackoffMs: 5,
});
pipeline.onEnqueued = () => worker.kick();
worker.start();
process.stdout.write('READY\n');

const source = 'script';
for (;;) {
  const cursor = Number(pipeline.events.source(source).cursor ?? '-1');
  if (cursor >= STORM_TICKS) break;
  const t = cursor + 1;
  pipeline.commitPrTick(source, stormSnapshots(t), String(t));
  await new Promise((r) => setTimeout(r, 30));
}
while (pipeline.outbox.depthByChannel().size > 0) await new Promise((r) => setTimeout(r, 5));
await worker.stop();
closeSync(sinkFd);
db.close();
process.stdout.write('DONE\n');
