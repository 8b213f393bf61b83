import type { Clock } from '../core/clock.js';
import { RecipientAwayError, UpstreamError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { Loop, settledWithin } from '../core/loop.js';
import type { Line } from '../core/richtext.js';
import { catchUpRule, lineToSend, renderCatchUp, renderDigest } from '../render/summary.js';
import { DEFAULT_DIGEST_TIME, type Subscription } from '../subscriptions/model.js';
import type { OutboxRow, OutboxStore } from './outbox-store.js';
import type { Delivery } from './replies.js';

export interface OutboxWorkerOptions {
  readonly store: OutboxStore;
  readonly delivery: Delivery;
  readonly clock: Clock;
  readonly log: Logger;
  /** Digest-mode subscriptions, read on every pass (they change at run time). */
  readonly digestSubscriptions?: () => readonly Subscription[];
  /** Tries before a row becomes a dead letter. */
  readonly maxAttempts?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Older than this when sent = marked "[delayed ...]". */
  readonly delayedAfterMs?: number;
  /** This many delayed rows waiting in one channel are folded into one catch-up summary. */
  readonly foldAtLeast?: number;
  /** How often the worker looks for work when nobody kicks it. */
  readonly idleMs?: number;
  /** How long a private message waits for its recipient to come online without using up its tries. */
  readonly recipientWaitMs?: number;
  /** Called after each row is sent (latency measurement). */
  readonly onSent?: (row: OutboxRow, now: number) => void;
}

/**
 * Drains the outbox: one lane per channel, strictly in order; lanes run side by side, and the
 * adapters pace their own platform. A row is marked sent only after the adapter accepted it.
 */
export class OutboxWorker {
  readonly #o: Required<Omit<OutboxWorkerOptions, 'onSent' | 'digestSubscriptions'>> & Pick<OutboxWorkerOptions, 'onSent' | 'digestSubscriptions'>;
  readonly #lanes = new Map<string, Promise<void>>();
  readonly #loop: Loop;
  #stopSignal: AbortController = new AbortController();
  lastError: string | undefined;

  constructor(opts: OutboxWorkerOptions) {
    this.#o = {
      maxAttempts: 8,
      baseBackoffMs: 2000,
      maxBackoffMs: 5 * 60_000,
      delayedAfterMs: 15 * 60_000,
      foldAtLeast: 6,
      idleMs: 1000,
      recipientWaitMs: 7 * 24 * 3_600_000,
      ...opts,
    };
    this.#loop = new Loop({
      clock: this.#o.clock,
      intervalMs: this.#o.idleMs,
      pass: () => this.#pass(),
      onError: (err) => {
        this.lastError = errorMessage(err);
        this.#o.log.error({ err }, 'outbox pass failed');
      },
    });
  }

  start(): void {
    if (this.#loop.running) return;
    this.#stopSignal = new AbortController();
    this.#loop.start();
  }

  /** New rows were queued: look now rather than at the next idle tick. */
  kick(): void {
    this.#loop.kick();
  }

  /** Stops taking rows; the sends in flight finish (or the deadline passes). Unsent rows stay pending. */
  async stop(deadlineMs = 5000): Promise<void> {
    if (!this.#loop.running) return;
    const loopDone = this.#loop.stop();
    this.#stopSignal.abort();
    if (!(await settledWithin(this.#o.clock, deadlineMs, [loopDone, ...this.#lanes.values()]))) this.#o.log.warn('outbox: stopped with a send still in flight; it stays pending');
  }

  #pass(): void {
    this.#runDigests();
    for (const channel of this.#o.store.pendingChannels()) {
      if (this.#lanes.has(channel)) continue;
      const lane = this.#drain(channel).finally(() => this.#lanes.delete(channel));
      this.#lanes.set(channel, lane);
    }
  }

  /** Sends a channel's rows in order until it is empty or its head must wait. */
  async #drain(channel: string): Promise<void> {
    while (this.#loop.running) {
      let row = this.#o.store.head(channel);
      if (!row) return;
      const now = this.#o.clock.now();
      // Only a stale head can mean an outage backlog worth folding.
      if (row.kind !== 'catch-up' && now - row.occurredAt > this.#o.delayedAfterMs && this.#foldCatchUp(channel)) {
        row = this.#o.store.head(channel);
        if (!row) return;
      }
      if (row.nextAt > now) {
        // Head-of-line wait keeps the channel in order; the loop comes back for it.
        await this.#o.clock.sleep(Math.min(row.nextAt - now, this.#o.idleMs), this.#stopSignal.signal);
        continue;
      }
      await this.#sendRow(row);
    }
  }

  async #sendRow(row: OutboxRow): Promise<void> {
    const { store, delivery, clock, log } = this.#o;
    try {
      const line = lineToSend(row.line, clock.now() - row.occurredAt, this.#o.delayedAfterMs);
      if (row.card && row.prKey) {
        let cardRef = store.cardRef(row.prKey, row.channel);
        let newCard = false;
        if (row.stage === 0) {
          if (cardRef) {
            await delivery.sendOnce({ channel: row.channel, body: row.card, kind: 'announcement', updateRef: cardRef });
          } else {
            const res = await delivery.sendOnce({ channel: row.channel, body: row.card, kind: 'announcement' });
            cardRef = res.ref;
            newCard = true;
          }
          // A fresh card already says what happened; only changes to a card get a thread reply.
          if (newCard) {
            store.markSentWithCard(row.id, row.prKey, row.channel, cardRef, clock.now());
            this.#o.onSent?.(row, clock.now());
            return;
          }
          store.setStage(row.id, 1, cardRef);
        }
        await delivery.sendOnce({ channel: row.channel, body: line, kind: 'announcement', ...(cardRef ? { threadId: cardRef } : {}) });
        store.markSent(row.id, cardRef, clock.now());
      } else {
        const res = await delivery.sendOnce({ channel: row.channel, body: line, kind: 'announcement' });
        store.markSent(row.id, res.ref, clock.now());
      }
      this.#o.onSent?.(row, clock.now());
    } catch (err) {
      // Someone offline for a while is not a failing platform: their message keeps its tries.
      const away = err instanceof RecipientAwayError && clock.now() - row.occurredAt < this.#o.recipientWaitMs;
      const attempts = away ? row.attempts : row.attempts + 1;
      const retryable = err instanceof UpstreamError && err.retryable;
      const message = errorMessage(err);
      this.lastError = message;
      if (!retryable || attempts >= this.#o.maxAttempts) {
        store.markDead(row.id, attempts, message);
        log.error({ err, outboxId: row.id, channel: row.channel, attempts }, 'announcement is a dead letter');
        return;
      }
      const backoff = Math.min(this.#o.baseBackoffMs * 2 ** (attempts - 1), this.#o.maxBackoffMs);
      const wait = Math.max(err.retryAfterMs ?? 0, backoff * (0.8 + Math.random() * 0.4));
      store.markRetry(row.id, attempts, clock.now() + Math.round(wait), message);
      log.warn({ err, outboxId: row.id, channel: row.channel, attempts, waitMs: Math.round(wait) }, 'announcement send failed; will retry');
    }
  }

  /** After an outage: many stale rows in a channel become one catch-up summary. */
  #foldCatchUp(channel: string): boolean {
    const now = this.#o.clock.now();
    const stale = this.#o.store.stalePending(channel, now - this.#o.delayedAfterMs, 500);
    if (stale.length < this.#o.foldAtLeast) return false;
    const first = stale[0]!;
    const lines: Line[] = stale.map((r) => r.line.lines[0] ?? []);
    const oldest = Math.min(...stale.map((r) => r.occurredAt));
    this.#o.store.fold(
      stale.map((r) => r.id),
      {
        eventId: `catch-up:${first.id}`,
        channel,
        subscriptionId: first.subscriptionId,
        rule: catchUpRule(stale.length, first.rule),
        code: `c${first.id.toString(36)}`,
        kind: 'catch-up',
        line: renderCatchUp(lines, now - oldest),
        state: 'pending',
        occurredAt: now,
        now,
      },
    );
    this.#o.log.info({ channel, folded: stale.length }, 'outbox: folded delayed announcements into a catch-up summary');
    return true;
  }

  /** Digest subscriptions: at their UTC time each day, held rows become one digest message. */
  #runDigests(): void {
    const subs = this.#o.digestSubscriptions?.() ?? [];
    const now = this.#o.clock.now();
    for (const sub of subs) {
      if (sub.mode !== 'digest') continue;
      const [hh, mm] = (sub.digestTime ?? DEFAULT_DIGEST_TIME).split(':').map(Number) as [number, number];
      const today = new Date(now);
      const due = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), hh, mm);
      if (now < due) continue;
      const held = this.#o.store.heldFor(sub.id);
      if (!held.length) continue;
      const day = new Date(due).toISOString().slice(0, 10);
      this.#o.store.fold(
        held.map((r) => r.id),
        {
          eventId: `digest:${sub.id}:${day}`,
          channel: sub.channel,
          subscriptionId: sub.id,
          rule: held[0]!.rule,
          code: `d${sub.id}${day.replace(/-/g, '').slice(2)}`,
          kind: 'digest',
          line: renderDigest(day, held.map((r) => r.line.lines[0] ?? [])),
          state: 'pending',
          occurredAt: now,
          now,
        },
      );
    }
  }
}
