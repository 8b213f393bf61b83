/**
 * One-shot private notifications: "notify me when python:3.14.2 is published" and "notify me
 * about pr 123" (fires when it is merged or closed). Stored in SQLite, so they survive restarts.
 *
 * Checked by polling on an interval: Docker Hub for pending tags (only those, fresh answers),
 * and the PR's state (the events pipeline's snapshot while it is fresh, else a live query).
 * Firing is exactly once: the notification is marked fired in the same transaction that queues
 * the private message in the persistent outbox (UNIQUE(event_id, channel)); the outbox worker
 * delivers it, retrying, after restarts too.
 */
import { identityOf, privateKeyOf, type Platform, type UserRef } from '../core/chat.js';
import type { Clock } from '../core/clock.js';
import { UserError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { Loop } from '../core/loop.js';
import type { RichText } from '../core/richtext.js';
import type { HubLookup, HubTag } from '../hub/types.js';
import type { OutboxStore } from '../outbox/outbox-store.js';
import { describeNotification, notificationRule, renderNotificationMessage, renderPrSettled, renderTagPublished } from '../render/notify.js';
import type { Db } from '../store/db.js';
import { NotificationStore, type NotificationRow } from './store.js';
import type { NotificationInfo, NotifyAddResult, NotifyRequest, PrDetail } from '../prs/types.js';

export interface NotifyServiceOptions {
  readonly db: Db;
  readonly outbox: OutboxStore;
  /** Wakes the outbox worker after a notification was queued. */
  readonly kick: () => void;
  readonly hub?: HubLookup;
  /** A PR's current state (undefined: no such PR). */
  readonly prState?: (number: number) => Promise<PrDetail | undefined>;
  /** Whether the platform's adapter delivers a message addressed to a person (IRC query, Slack DM). */
  readonly privateMessages: (platform: Platform) => boolean;
  readonly clock: Clock;
  readonly log: Logger;
  readonly intervalMs: number;
  /** Pending notifications one person may hold. */
  readonly maxPerUser?: number;
  /** Hub requests per pass. */
  readonly maxHubRequests?: number;
}

function toInfo(r: NotificationRow): NotificationInfo {
  return {
    id: r.id,
    kind: r.kind,
    ...(r.image !== null ? { image: r.image } : {}),
    ...(r.tag !== null ? { tag: r.tag } : {}),
    ...(r.pr_number !== null ? { prNumber: r.pr_number } : {}),
    createdAt: r.created_at,
    state: r.state,
    ...(r.fired_at !== null ? { firedAt: r.fired_at } : {}),
    description: describeNotification(r),
  };
}

export class NotifyService {
  readonly #o: NotifyServiceOptions;
  readonly #store: NotificationStore;
  readonly #loop: Loop;
  #chain: Promise<unknown> = Promise.resolve();
  lastError: string | undefined;

  constructor(opts: NotifyServiceOptions) {
    this.#o = opts;
    this.#store = new NotificationStore(opts.db);
    // check() logs its own failures.
    this.#loop = new Loop({ clock: opts.clock, intervalMs: opts.intervalMs, jitter: 0.2, pass: async () => void (await this.check()), onError: () => undefined });
  }

  async add(user: UserRef, req: NotifyRequest): Promise<NotifyAddResult> {
    const identity = identityOf(user);
    const target = privateKeyOf(user);
    if (!identity || !target) throw new UserError('notify.unidentified', 'Notifications need a verified identity: log in to services (NickServ) first, then ask again.');
    if (!this.#o.privateMessages(user.platform)) throw new UserError('notify.platform', 'I can only send private notifications on IRC and Slack.');
    const now = this.#o.clock.now();
    const existing = this.#find(identity, req);
    if (existing) return { kind: 'exists', notification: toInfo(existing) };
    const pending = this.#store.countPending(identity);
    if (pending >= (this.#o.maxPerUser ?? 20)) {
      throw new UserError('notify.too-many', `You already have ${pending} pending notifications; cancel some first ("notify list").`);
    }

    // Already happened? Say so now instead of storing something that fires at once.
    if (req.kind === 'tag') {
      if (!this.#o.hub) throw new UserError('notify.no-hub', 'Docker Hub is not configured here, so I cannot watch for publications.');
      const tag = await this.#o.hub.getTag(req.image, req.tag, { maxAgeMs: 0 });
      if (tag) return { kind: 'already', asOf: this.#o.clock.now(), happened: { kind: 'published', image: req.image, tag: req.tag, hub: tag } };
    } else {
      if (!this.#o.prState) throw new UserError('notify.no-github', 'GitHub access is not configured here, so I cannot watch pull requests.');
      const pr = await this.#o.prState(req.number);
      if (!pr) throw new UserError('notify.unknown-pr', `There is no PR #${req.number}.`);
      if (pr.state !== 'OPEN') return { kind: 'already', asOf: this.#o.clock.now(), happened: { kind: 'settled', pr } };
    }

    const createdId = this.#store.insertPending(req, identity, target, now);
    const row = createdId !== undefined ? this.#byId(createdId) : this.#find(identity, req);
    if (!row) throw new Error('notification insert lost');
    return { kind: createdId !== undefined ? 'created' : 'exists', notification: toInfo(row) };
  }

  /** Pending ones, then the last few that fired. */
  list(user: UserRef): NotificationInfo[] {
    const identity = identityOf(user);
    if (!identity) return [];
    const pending = this.#store.pendingOf(identity);
    const fired = this.#store.lastFiredOf(identity, 5);
    return [...pending, ...fired].map(toInfo);
  }

  cancel(user: UserRef, id: number): NotificationInfo | undefined {
    const identity = identityOf(user);
    if (!identity) return undefined;
    const row = this.#byId(id);
    if (!row || row.identity !== identity || row.state !== 'pending') return undefined;
    const changed = this.#store.cancel(id);
    return changed ? toInfo({ ...row, state: 'cancelled' }) : undefined;
  }

  pending(): NotificationInfo[] {
    return this.#rowsPending().map(toInfo);
  }

  // ---- checking ----

  start(): void {
    this.#loop.start();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    await this.#chain.catch(() => undefined);
  }

  /** One pass over the pending notifications; passes never overlap. */
  check(): Promise<{ fired: number }> {
    const run = this.#chain.then(
      () => this.#checkInner(),
      () => this.#checkInner(),
    );
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #checkInner(): Promise<{ fired: number }> {
    const rows = this.#rowsPending();
    let fired = 0;
    let hubRequests = 0;
    const hubSeen = new Map<string, HubTag | null>();
    const prSeen = new Map<number, PrDetail | undefined>();
    try {
      for (const row of rows) {
        if (row.kind === 'tag' && this.#o.hub) {
          const key = `${row.image}:${row.tag}`;
          if (!hubSeen.has(key)) {
            if (hubRequests >= (this.#o.maxHubRequests ?? 30)) continue;
            hubRequests++;
            hubSeen.set(key, await this.#o.hub.getTag(row.image!, row.tag!, { maxAgeMs: 0 }));
          }
          const tag = hubSeen.get(key);
          if (tag && this.#fire(row, renderTagPublished(row.image!, row.tag!, tag, 'now', this.#o.clock.now()), `published ${tag.digest ?? ''}`.trim())) fired++;
        } else if (row.kind === 'pr' && this.#o.prState) {
          const n = row.pr_number!;
          if (!prSeen.has(n)) prSeen.set(n, await this.#o.prState(n));
          const pr = prSeen.get(n);
          if (pr && pr.state !== 'OPEN' && this.#fire(row, renderPrSettled(pr, 'now', this.#o.clock.now()), pr.state.toLowerCase())) fired++;
        }
      }
      this.lastError = undefined;
    } catch (err) {
      // Hub or GitHub trouble: what fired stays fired; the rest waits for the next pass.
      this.lastError = errorMessage(err);
      this.#o.log.warn({ err }, 'notification check failed; will retry');
    }
    if (fired) this.#o.kick();
    return { fired };
  }

  /** Marks fired and queues the private message atomically; false when it fired already. */
  #fire(row: NotificationRow, body: RichText, outcome: string): boolean {
    const now = this.#o.clock.now();
    const done = this.#store.fire(row.id, now, outcome, () => {
        const line = renderNotificationMessage(body, row.id, now - row.created_at);
        this.#o.outbox.enqueue({
          eventId: `notify:${row.id}`,
          channel: row.target,
          subscriptionId: null,
          rule: notificationRule(row.id, row.identity, describeNotification(row)),
          code: `n${row.id.toString(36)}`,
          kind: 'notify',
          line,
          state: 'pending',
          occurredAt: now,
          now,
        });
    });
    if (done) this.#o.log.info({ notification: row.id, kind: row.kind }, 'notification fired');
    return done;
  }

  #rowsPending(): NotificationRow[] {
    return this.#store.allPending();
  }

  #byId(id: number): NotificationRow | undefined {
    return this.#store.byId(id);
  }

  #find(identity: string, req: NotifyRequest): NotificationRow | undefined {
    return req.kind === 'tag'
      ? this.#store.pendingTag(identity, req.image, req.tag)
      : this.#store.pendingPr(identity, req.number);
  }
}
