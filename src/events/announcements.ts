/**
 * The review and publish announcement subsystem as one unit for the app. src/app.ts builds its
 * parts (subscriptions, pipeline, outbox worker, GitHub poller, Hub publish tracker and rebuild
 * watcher) with their clients and loggers; this ties them together: the webhook, the Hub and
 * pruning loops, subscriptions seeded from config, the `status` lines, the service the
 * subscription commands use, and start/stop.
 */
import type { Clock } from '../core/clock.js';
import { formatAge } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { Loop } from '../core/loop.js';
import type { Config } from '../config/schema.js';
import type { HttpServer } from '../http/server.js';
import type { OutboxWorker, OutboxWorkerOptions } from '../outbox/worker.js';
import type { AnnouncementService, SubscriptionInfo, WhyAnswer } from '../services.js';
import type { StatusBoard } from '../status.js';
import { describeRule, type Subscription, type SubscriptionSpec } from '../subscriptions/model.js';
import type { SubscriptionStore } from '../subscriptions/store.js';
import type { GitHubPoller } from './github-poller.js';
import type { EventPipeline } from './pipeline.js';
import type { PublishTracker } from './publish.js';
import type { RebuildWatcher, RebuildWatcherOptions } from './rebuilds.js';
import { registerGitHubWebhook, type WebhookOutcome } from './webhook.js';

/** The parts src/app.ts builds; absent ones are not configured (no GitHub poll, no Hub). */
export interface AnnouncementParts {
  readonly subscriptions: SubscriptionStore;
  readonly pipeline: EventPipeline;
  readonly worker: OutboxWorker;
  readonly poller: GitHubPoller | undefined;
  readonly publish: PublishTracker | undefined;
  readonly rebuilds: RebuildWatcher | undefined;
}

export interface AnnouncementsDeps extends AnnouncementParts {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly status: StatusBoard;
  readonly http?: HttpServer;
  /** The fate of each GitHub webhook request, for metrics. */
  readonly onWebhookOutcome?: (outcome: WebhookOutcome) => void;
  /** Seen event ids and webhook delivery ids are kept this long (default 30 days). */
  readonly retentionMs?: number;
}

/** Overrides for tests and benchmarks. */
export interface AnnouncementsTuning {
  readonly outbox?: Partial<OutboxWorkerOptions>;
  readonly publish?: { settleMs?: number; rollupAt?: number };
  readonly rebuilds?: Pick<RebuildWatcherOptions, 'checksPerPass' | 'windowMs' | 'rollupAt'>;
  /** Seen event ids and webhook delivery ids are kept this long (default 30 days). */
  readonly retentionMs?: number;
}

export interface Announcements extends AnnouncementParts {
  readonly service: AnnouncementService;
  start(): void;
  /** The worker finishes its sends in flight; unsent rows stay pending for the next start. */
  stop(deadlineMs?: number): Promise<void>;
  /** One Hub pass now (tests; the loop runs it every hub.pollSeconds). */
  pollHub(): Promise<void>;
}

function toInfo(s: Subscription): SubscriptionInfo {
  return { id: s.id, channel: s.channel, images: s.images, events: s.events, mode: s.mode, ...(s.digestTime ? { digestTime: s.digestTime } : {}), description: describeRule(s) };
}

export function createAnnouncements(deps: AnnouncementsDeps): Announcements {
  const { config, clock, log, subscriptions, pipeline, worker, poller, publish, rebuilds } = deps;

  if (deps.http && config.http.webhookSecret && poller) {
    registerGitHubWebhook(deps.http, {
      secret: config.http.webhookSecret,
      store: pipeline.events,
      clock,
      log,
      onChange: () => poller.pollNow(),
      ...(deps.onWebhookOutcome ? { onOutcome: deps.onWebhookOutcome } : {}),
    });
  }

  deps.status.addSource(() => {
    const out = [];
    if (poller) {
      const st = pipeline.events.source(poller.source);
      const b = poller.budget();
      out.push({
        name: 'GitHub events',
        detail: `${config.github.officialImagesRepo}, every ~${config.github.pollSeconds}s; GraphQL budget ${b.remaining ?? 'unknown'} points left${poller.lastError ? `; last error: ${poller.lastError.slice(0, 120)}` : ''}`,
        ...(st.lastSuccessAt !== undefined ? { updatedAt: st.lastSuccessAt } : {}),
      });
    }
    if (publish) {
      out.push({
        name: 'Docker Hub publishes',
        detail: `${publish.pendingImages().length} image(s) awaiting publication, every ~${config.hub.pollSeconds}s${publish.lastError ? `; last error: ${publish.lastError.slice(0, 120)}` : ''}`,
        ...(publish.lastSuccessAt !== undefined ? { updatedAt: publish.lastSuccessAt } : {}),
      });
    }
    return out;
  });
  deps.status.addDetails(() => {
    const now = clock.now();
    const lines: string[] = [];
    for (const st of pipeline.events.allSources()) {
      lines.push(
        `events ${st.source}: last successful poll ${st.lastSuccessAt !== undefined ? `${formatAge(now - st.lastSuccessAt)} ago` : 'never'}${st.detail ? `; ${st.detail}` : ''}${st.lastError ? `; last error: ${st.lastError.slice(0, 120)}` : ''}`,
      );
    }
    const depth = pipeline.outbox.depthByChannel();
    lines.push(depth.size ? `announcement queue: ${[...depth].map(([c, n]) => `${c} ${n}`).join(', ')}` : 'announcement queue: empty');
    const dead = pipeline.outbox.countByState('dead');
    lines.push(`dead letters: ${dead}${dead ? ` (latest: ${pipeline.outbox.rowsByState('dead', 1)[0]?.lastError?.slice(0, 100) ?? '?'})` : ''}`);
    return lines;
  });

  const retentionMs = deps.retentionMs ?? 30 * 86_400_000;
  const pollHub = async () => {
    if (!publish) return;
    try {
      await publish.poll();
    } catch (err) {
      publish.lastError = errorMessage(err);
      log.error({ err }, 'hub publish pass failed');
    }
    // After the publish tracker, which owns the Hub requests for library changes.
    if (rebuilds) {
      try {
        await rebuilds.poll();
      } catch (err) {
        rebuilds.lastError = errorMessage(err);
        log.error({ err }, 'hub rebuild pass failed');
      }
    }
  };
  const pruneLoop = new Loop({
    clock,
    intervalMs: 6 * 3600_000,
    pass: () => {
      const pruned = pipeline.events.prune(clock.now() - retentionMs);
      if (pruned.events || pruned.deliveries) log.info(pruned, 'pruned old event and webhook delivery ids');
    },
    onError: (err) => log.error({ err }, 'pruning old event ids failed'),
  });
  const hubLoop = new Loop({ clock, intervalMs: config.hub.pollSeconds * 1000, jitter: 0.2, pass: pollHub, onError: (err) => log.error({ err }, 'hub pass failed') });

  const service: AnnouncementService = {
    list: (channel) => subscriptions.forChannel(channel).map(toInfo),
    subscribe(channel, spec: SubscriptionSpec, by) {
      const { sub, created } = subscriptions.add(channel, spec, 'command', by, clock.now());
      return { subscription: toInfo(sub), created };
    },
    unsubscribe(channel, id) {
      const removed = subscriptions.remove(channel, id);
      return removed ? toInfo(removed) : undefined;
    },
    why(channel, ref): WhyAnswer | undefined {
      const row = ref ? pipeline.outbox.findForWhy(channel, ref) : pipeline.outbox.lastSent(channel);
      if (!row) return undefined;
      const current = row.subscriptionId !== null ? subscriptions.byId(row.subscriptionId) : undefined;
      return {
        eventId: row.eventId,
        code: row.code,
        state: row.state,
        rule: row.rule,
        ruleStillExists: current !== undefined,
        ...(row.sentAt !== null ? { sentAt: row.sentAt } : {}),
      };
    },
  };

  return {
    service,
    pipeline,
    subscriptions,
    worker,
    poller,
    publish,
    rebuilds,
    pollHub,
    start() {
      for (const fix of subscriptions.repair()) {
        log.warn({ subscription: fix.id, channel: fix.channel, problems: fix.problems }, fix.action === 'dropped' ? 'stored subscription rule dropped: its patterns are not valid' : 'stored subscription rule repaired');
      }
      const seeds = config.subscriptions.map(({ digestTime, ...rest }) => ({ ...rest, ...(digestTime !== undefined ? { digestTime } : {}) }));
      const added = subscriptions.seed(seeds, clock.now());
      if (added) log.info({ added }, 'subscriptions seeded from the config file');
      worker.start();
      pruneLoop.start();
      poller?.start();
      if (publish) hubLoop.start();
    },
    async stop(deadlineMs = 5000) {
      await Promise.allSettled([poller?.stop(), hubLoop.stop(), pruneLoop.stop()]);
      await worker.stop(deadlineMs);
    },
  };
}
