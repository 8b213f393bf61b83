import { createHash } from 'node:crypto';
import type { AdapterCapabilities, ChannelKey } from '../core/chat.js';
import type { Clock } from '../core/clock.js';
import { prKey, type DomainEvent, type PrSnapshot } from '../core/events.js';
import type { Logger } from '../core/log.js';
import { prChange, renderCard, renderLine } from '../render/announce.js';
import { inTransaction, type Db } from '../store/db.js';
import { describeRule, imageMatches, pickRule, type Subscription } from '../subscriptions/model.js';
import type { SubscriptionStore } from '../subscriptions/store.js';
import { OutboxStore } from '../outbox/outbox-store.js';
import { diffPrs } from './diff.js';
import { EventStore } from './store.js';

/** Short, stable reference shown in each announcement ("ref k3x9qa") and accepted by `why`. */
export function shortCode(eventId: string): string {
  const n = createHash('sha1').update(eventId).digest().readUIntBE(0, 6);
  return n.toString(36).padStart(10, '0').slice(-6);
}

export interface TickResult {
  readonly firstRun: boolean;
  readonly events: readonly DomainEvent[];
  /** Events not seen before (the rest were replays). */
  readonly fresh: number;
  readonly enqueued: number;
}

/**
 * Snapshot -> diff -> seen_events -> router -> render -> outbox, with everything a tick writes
 * in one transaction: a crash before the commit replays the tick, a crash after it finds the
 * rows queued and sends nothing twice.
 */
export class EventPipeline {
  readonly events: EventStore;
  readonly outbox: OutboxStore;
  readonly #db: Db;
  readonly #subs: SubscriptionStore;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #capabilitiesOf: (channel: ChannelKey) => AdapterCapabilities | undefined;
  /** Called after a commit that queued rows (wakes the outbox worker). */
  onEnqueued: (() => void) | undefined;

  /**
   * The first run's baseline is set this far in the past: GitHub times have second resolution
   * and clocks drift, and a PR created as we start must still count as new.
   */
  readonly #baselineMarginMs: number;

  constructor(opts: {
    db: Db;
    subscriptions: SubscriptionStore;
    clock: Clock;
    log: Logger;
    /** What the platform of a channel can do (Delivery.capabilitiesFor): PR cards go where messages are editable. */
    capabilitiesOf: (channel: ChannelKey) => AdapterCapabilities | undefined;
    baselineMarginMs?: number;
  }) {
    this.#capabilitiesOf = opts.capabilitiesOf;
    this.#baselineMarginMs = opts.baselineMarginMs ?? 2 * 60_000;
    this.#db = opts.db;
    this.#subs = opts.subscriptions;
    this.#clock = opts.clock;
    this.#log = opts.log;
    this.events = new EventStore(opts.db);
    this.outbox = new OutboxStore(opts.db);
  }

  /**
   * One poll tick of PR snapshots. The first tick of a source records the present and
   * announces nothing (no backlog); later ticks announce what changed.
   */
  commitPrTick(source: string, snapshots: readonly PrSnapshot[], cursor: string | undefined, detail?: string, extra?: () => void): TickResult {
    const now = this.#clock.now();
    const result = inTransaction(this.#db, (): TickResult => {
      const state = this.events.source(source);
      const firstRun = state.baselineAt === undefined;
      let events: DomainEvent[] = [];
      if (!firstRun) {
        const previous = this.events.snapshots(snapshots.map((s) => prKey(s.repo, s.number)));
        // GitHub lists PRs newest first; channels should hear them in the order they happened.
        const oldestFirst = [...snapshots].sort((a, b) => a.updatedAt - b.updatedAt);
        events = diffPrs(previous, oldestFirst, { baselineAt: state.baselineAt });
      }
      for (const s of snapshots) this.events.putSnapshot(s, now);
      const { fresh, enqueued } = this.#record(events, now);
      this.events.recordSuccess(source, cursor, now, detail, firstRun ? now - this.#baselineMarginMs : undefined);
      extra?.();
      return { firstRun, events, fresh, enqueued };
    });
    if (result.firstRun) this.#log.info({ source, prs: snapshots.length }, 'first run: recorded the present, nothing announced');
    if (result.enqueued) this.onEnqueued?.();
    return result;
  }

  /** Events from other sources (publish tracking), plus that source's own writes, atomically. */
  commitEvents(events: readonly DomainEvent[], extra?: () => void): { fresh: number; enqueued: number } {
    const now = this.#clock.now();
    const result = inTransaction(this.#db, () => {
      const r = this.#record(events, now);
      extra?.();
      return r;
    });
    if (result.enqueued) this.onEnqueued?.();
    return result;
  }

  #record(events: readonly DomainEvent[], now: number): { fresh: number; enqueued: number } {
    let fresh = 0;
    let enqueued = 0;
    for (const event of events) {
      if (!this.events.markSeen(event.id, event.kind, event.occurredAt, now)) continue;
      fresh++;
      enqueued += this.#route(event, now);
    }
    return { fresh, enqueued };
  }

  /** One outbox row per channel whose subscriptions want the event. */
  #route(event: DomainEvent, now: number): number {
    const byChannel = new Map<string, Subscription[]>();
    for (const s of this.#subs.all()) byChannel.set(s.channel, [...(byChannel.get(s.channel) ?? []), s]);
    const code = shortCode(event.id);
    let n = 0;
    for (const [channel, subs] of byChannel) {
      const rule = pickRule(subs, event);
      if (!rule) continue;
      // A roll-up shows each channel only the images it subscribed to.
      const shown: DomainEvent =
        event.kind === 'image.published' ? { ...event, items: event.items.filter((i) => imageMatches(rule, i.image)) } : event;
      const editable = this.#capabilitiesOf(channel)?.editableCards === true;
      const inserted = this.outbox.enqueue({
        eventId: event.id,
        channel,
        subscriptionId: rule.id,
        rule: describeRule(rule),
        code,
        kind: event.kind,
        ...(event.kind !== 'image.published' ? { prKey: prKey(event.pr.repo, event.pr.number) } : {}),
        line: renderLine(shown, code),
        ...(editable && event.kind !== 'image.published' ? { card: renderCard(event.pr, prChange(event), code) } : {}),
        state: rule.mode === 'digest' ? 'held' : 'pending',
        occurredAt: event.occurredAt,
        now,
      });
      if (inserted) n++;
    }
    return n;
  }
}
