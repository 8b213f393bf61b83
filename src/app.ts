import type { ChatAdapter, InboundMessage } from './core/chat.js';
import type { Clock } from './core/clock.js';
import type { Logger } from './core/log.js';
import type { Config } from './config/schema.js';
import type { CommandDef } from './dispatch/command.js';
import { AccessPolicy } from './dispatch/access.js';
import { Dispatcher, type FreeformHandler } from './dispatch/dispatcher.js';
import { CommandRegistry } from './dispatch/registry.js';
import { Delivery } from './outbox/replies.js';
import type { CommandServices } from './services.js';
import { StatusBoard } from './status.js';
import type { Db } from './store/db.js';

export interface AppDeps {
  readonly config: Config;
  readonly db: Db;
  readonly log: Logger;
  readonly clock: Clock;
  readonly version: string;
  readonly adapters: readonly ChatAdapter[];
  readonly commands: readonly CommandDef[];
  readonly freeform?: readonly FreeformHandler[];
}

export interface App {
  start(): Promise<void>;
  /** Stops within `deadlineMs`; resolves when everything is closed (the DB stays open). */
  stop(reason: string, deadlineMs?: number): Promise<void>;
  readonly dispatcher: Dispatcher;
  readonly status: StatusBoard;
  /** Resolves when all in-flight inbound messages are handled. */
  idle(): Promise<void>;
}

/** Wires the parts together. Performs no I/O itself until start(). */
export function createApp(deps: AppDeps): App {
  const { config, log, clock } = deps;
  const registry = new CommandRegistry(deps.commands);
  const status = new StatusBoard(deps.version, clock.now());
  for (const a of deps.adapters) status.addAdapter(() => a.status());

  const services: CommandServices = {
    status,
    commands: () => registry.all(),
  };
  const dispatcher = new Dispatcher({
    registry,
    freeform: deps.freeform ?? [],
    access: new AccessPolicy(config.access),
    services,
    log: log.child({ component: 'dispatch' }),
    clock,
    limits: config.limits,
  });
  const delivery = new Delivery(deps.adapters, log.child({ component: 'delivery' }), clock);
  const inFlight = new Set<Promise<void>>();
  let accepting = false;

  async function onMessage(msg: InboundMessage): Promise<void> {
    if (!accepting) return;
    const work = (async () => {
      try {
        const reply = await dispatcher.handle(msg);
        if (!reply) return;
        await delivery.sendReply({
          channel: msg.channel.key,
          body: reply,
          kind: 'reply',
          ...(msg.threadId ? { threadId: msg.threadId } : {}),
        });
      } catch (err) {
        log.error({ err, msg: msg.id }, 'message handling failed');
      }
    })();
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  }

  return {
    dispatcher,
    status,
    async start() {
      accepting = true;
      // One platform being down must not block the others.
      const results = await Promise.allSettled(deps.adapters.map((a) => a.start(onMessage)));
      results.forEach((r, i) => {
        if (r.status === 'rejected') log.error({ err: r.reason, platform: deps.adapters[i]!.platform }, 'adapter failed to start');
      });
      log.info({ adapters: deps.adapters.map((a) => a.platform) }, 'doi-bot started');
    },
    async stop(reason, deadlineMs = 8000) {
      accepting = false;
      const deadline = clock.sleep(deadlineMs).then(() => 'timeout' as const);
      const drained = await Promise.race([Promise.allSettled([...inFlight]).then(() => 'ok' as const), deadline]);
      if (drained === 'timeout') log.warn('stopping with messages still in flight');
      await Promise.race([Promise.allSettled(deps.adapters.map((a) => a.stop(reason))), deadline]);
      log.info({ reason }, 'doi-bot stopped');
    },
    async idle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
