/**
 * The review and publish announcement subsystem as one unit for the app: subscriptions (seeded
 * from config), the GitHub poller and webhook, the Hub publish tracker, the pipeline and the
 * outbox worker, the `status` lines, and the service the subscription commands use.
 */
import type { Clock } from '../core/clock.js';
import { formatAge } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { Loop } from '../core/loop.js';
import type { Config } from '../config/schema.js';
import type { HttpServer } from '../http/server.js';
import type { HubLookup } from '../hub/types.js';
import { OutboxWorker } from '../outbox/worker.js';
import type { Delivery } from '../outbox/replies.js';
import type { AnnouncementService, SubscriptionInfo, WhyAnswer } from '../services.js';
import type { StatusBoard } from '../status.js';
import type { Db } from '../store/db.js';
import { describeRule, type Subscription, type SubscriptionSpec } from '../subscriptions/model.js';
import { SubscriptionStore } from '../subscriptions/store.js';
import { GitHubPoller, type GraphQLClient } from './github-poller.js';
import { EventPipeline } from './pipeline.js';
import { PublishTracker } from './publish.js';
import { RebuildWatcher, type RebuildWatcherOptions } from './rebuilds.js';
import { registerGitHubWebhook, type WebhookOutcome } from './webhook.js';

export interface AnnouncementsDeps {
  readonly config: Config;
  readonly db: Db;
  readonly log: Logger;
  readonly clock: Clock;
  readonly delivery: Delivery;
  readonly status?: StatusBoard;
  readonly http?: HttpServer;
  /** GitHub GraphQL; without it no review events are polled. */
  readonly graphql?: GraphQLClient;
  /** Docker Hub; without it merges are not followed to publication. */
  readonly hub?: HubLookup;
  /** Points each poll query cost, for metrics. */
  readonly onPollCost?: (cost: number) => void;
  /** The fate of each GitHub webhook request, for metrics. */
  readonly onWebhookOutcome?: (outcome: WebhookOutcome) => void;
  readonly tuning?: AnnouncementsTuning;
}

/** Overrides for tests and benchmarks. */
export interface AnnouncementsTuning {
  readonly outbox?: Partial<ConstructorParameters<typeof OutboxWorker>[0]>;
  readonly publish?: { settleMs?: number; rollupAt?: number };
  readonly rebuilds?: Pick<RebuildWatcherOptions, 'checksPerPass' | 'windowMs' | 'rollupAt'>;
  /** Seen event ids and webhook delivery ids are kept this long (default 30 days). */
  readonly retentionMs?: number;
}

export interface Announcements {
  readonly service: AnnouncementService;
  readonly pipeline: EventPipeline;
  readonly subscriptions: SubscriptionStore;
  readonly worker: OutboxWorker;
  readonly poller: GitHubPoller | undefined;
  readonly publish: PublishTracker | undefined;
  readonly rebuilds: RebuildWatcher | undefined;
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
  const { config, db, clock } = deps;
  const log = deps.log.child({ component: 'events' });
  const subscriptions = new SubscriptionStore(db);
  const pipeline = new EventPipeline({ db, subscriptions, clock, log, capabilitiesOf: (channel) => deps.delivery.capabilitiesFor(channel) });
  const worker = new OutboxWorker({
    store: pipeline.outbox,
    delivery: deps.delivery,
    clock,
    log: log.child({ component: 'outbox' }),
    digestSubscriptions: () => subscriptions.all().filter((s) => s.mode === 'digest'),
    ...deps.tuning?.outbox,
  });
  pipeline.onEnqueued = () => worker.kick();
  const publish = deps.hub
    ? new PublishTracker({ db, hub: deps.hub, pipeline, clock, log: log.child({ component: 'publish' }), ...deps.tuning?.publish })
    : undefined;
  const rebuilds =
    deps.hub && config.hub.rebuildChecksPerPass > 0
      ? new RebuildWatcher({
          db,
          hub: deps.hub,
          pipeline,
          subscriptions,
          clock,
          log: log.child({ component: 'rebuilds' }),
          checksPerPass: config.hub.rebuildChecksPerPass,
          ...deps.tuning?.rebuilds,
        })
      : undefined;
  const poller = deps.graphql
    ? new GitHubPoller({
        graphql: deps.graphql,
        pipeline,
        db,
        ...(publish ? { publish } : {}),
        repo: config.github.officialImagesRepo,
        pollSeconds: config.github.pollSeconds,
        clock,
        log: log.child({ component: 'github-poll' }),
        ...(deps.onPollCost ? { onQueryCost: deps.onPollCost } : {}),
      })
    : undefined;

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

  deps.status?.addSource(() => {
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
  deps.status?.addDetails(() => {
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

  const retentionMs = deps.tuning?.retentionMs ?? 30 * 86_400_000;
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
