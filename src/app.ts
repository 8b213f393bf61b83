import { replyAddressOf, type ChatAdapter, type InboundMessage } from './core/chat.js';
import type { Clock } from './core/clock.js';
import type { Logger } from './core/log.js';
import type { Config } from './config/schema.js';
import { canonicalIdentities } from './config/identity.js';
import type { CommandDef } from './dispatch/command.js';
import { AccessPolicy } from './dispatch/access.js';
import { Dispatcher, type FreeformHandler } from './dispatch/dispatcher.js';
import { CommandRegistry } from './dispatch/registry.js';
import { EventLoopMonitor, registerHealthRoutes } from './http/health.js';
import type { HttpServer } from './http/server.js';
import { createMetrics, recordCommand, recordDelivery, type Metrics } from './metrics.js';
import { Delivery } from './outbox/replies.js';
import { createAnnouncements, type Announcements, type AnnouncementsTuning } from './events/announcements.js';
import { GitHubPoller } from './events/github-poller.js';
import { EventPipeline } from './events/pipeline.js';
import { PublishTracker } from './events/publish.js';
import { RebuildWatcher } from './events/rebuilds.js';
import { OutboxWorker } from './outbox/worker.js';
import { SubscriptionStore } from './subscriptions/store.js';
import type { CommandServices } from './services.js';
import { StatusBoard } from './status.js';
import type { Db } from './store/db.js';
import { chooseCatalogSource } from './catalog/choose-source.js';
import { githubClientFromConfig } from './github/from-config.js';
import { CatalogService } from './catalog/service.js';
import type { CatalogSource } from './catalog/source.js';
import { HubClient } from './hub/client.js';
import type { HubLookup } from './hub/types.js';
import { NotifyService } from './notify/service.js';
import { PrService } from './prs/service.js';
import { ProposalService } from './proposals/service.js';
import type { BotData } from './load-data.js';
import { FeedbackService, type FeedbackTuning } from './feedback/service.js';
import { FeedbackStore } from './feedback/store.js';
import { renderFeedbackNotice } from './render/feedback-notice.js';
import type { GitHubClient } from './github/client.js';
import { trustFromConfig } from './registry/trust.js';

export interface AppDeps {
  readonly config: Config;
  readonly db: Db;
  /** The root logger: every part logs through a child of it. */
  readonly log: Logger;
  readonly clock: Clock;
  readonly version: string;
  readonly adapters: readonly ChatAdapter[];
  readonly commands: readonly CommandDef[];
  readonly freeform?: readonly FreeformHandler[];
  /** The bundled data files, read at start by src/load-data.ts: the app reads no files. */
  readonly data: BotData;
  /** The one shared HTTP server (main.ts creates it when http.port is set); health routes go on it. */
  readonly http?: HttpServer;
  /**
   * The operations listener (config.http.opsPort): health and metrics go here instead of on
   * `http`, which then serves only Slack events and the webhook.
   */
  readonly opsHttp?: HttpServer;
  /** Tests and benchmarks only: parts used instead of those the configuration asks for. */
  readonly overrides?: AppOverrides;
}

/** What a test or benchmark puts in place of what createApp would build from the configuration. */
export interface AppOverrides {
  /**
   * The one GitHub client: catalog, PR poll, PR lookups, proposals and feedback filing share its
   * budget and queue. Default: one from GITHUB_TOKEN, none without a token.
   */
  readonly github?: GitHubClient;
  /** false: no PR poll (and no webhook) even with a GitHub client, for tests that drive PR state themselves. */
  readonly pollGitHub?: boolean;
  /** Docker Hub for commands, publish tracking and notifications; default: a HubClient on config.hub.url. */
  readonly hub?: HubLookup;
  /** Where the image catalog comes from; default: chosen from config (see chooseCatalogSource). */
  readonly catalogSource?: CatalogSource;
  /** Shorter waits and back-offs. */
  readonly tuning?: { readonly announcements?: AnnouncementsTuning; readonly feedback?: FeedbackTuning };
}

export interface App {
  start(): Promise<void>;
  /** Stops within `deadlineMs`; resolves when everything is closed (the DB stays open). */
  stop(reason: string, deadlineMs?: number): Promise<void>;
  readonly dispatcher: Dispatcher;
  readonly status: StatusBoard;
  /** Resolves when all in-flight inbound messages are handled. */
  idle(): Promise<void>;
  /** The image catalog: cached in SQLite, refreshed from its source while started. */
  readonly catalog: CatalogService;
  readonly metrics: Metrics;
  /** The port the HTTP server listens on once started (useful with port 0), else undefined. */
  httpPort(): number | undefined;
  /** The port of the operations listener once started, else undefined. */
  opsPort(): number | undefined;
  /** Subscriptions, event pipeline, outbox worker, pollers. */
  readonly announcements: Announcements;
  /** PR lookups and the release pipeline. */
  readonly prs: PrService;
  /** One-shot private notifications, checked on an interval while started. */
  readonly notify: NotifyService;
  /** Feedback routing and filing; its worker files confirmed reports while started. */
  readonly feedback: FeedbackService;
}

/** Wires the parts together. Performs no I/O itself until start(). */
export function createApp(deps: AppDeps): App {
  const { config, log, clock } = deps;
  const registry = new CommandRegistry(deps.commands);
  const status = new StatusBoard(deps.version, clock.now());
  for (const a of deps.adapters) status.addAdapter(() => a.status());
  const metrics = createMetrics({ version: deps.version, adapters: () => status.adapters(), sources: () => status.sources(), now: () => clock.now() });

  const overrides = deps.overrides ?? {};
  // One GitHub client and one Docker Hub client for every part: one budget, one request queue,
  // one cache, one set of metrics.
  const github = overrides.github ?? githubClientFromConfig(config, { log: log.child({ component: 'github' }), clock });
  const catalog = new CatalogService({
    source: overrides.catalogSource ?? chooseCatalogSource(config, { log, ...(github ? { github } : {}) }),
    db: deps.db,
    log: log.child({ component: 'catalog' }),
    clock,
    refreshMs: config.catalog.refreshSeconds * 1000,
  });
  status.addSource(() => catalog.info());
  status.addDetails(() => catalog.details());
  const hub =
    overrides.hub ??
    new HubClient({
      baseUrl: config.hub.url,
      clock,
      log: log.child({ component: 'hub' }),
      onRequest: (e) => {
        metrics.hubRequests.inc({ status: typeof e.status === 'number' ? String(e.status) : 'error' });
      },
    });

  const delivery = new Delivery(deps.adapters, log.child({ component: 'delivery' }), clock);
  // The announcement parts. Review/publish events need the GitHub poll; Docker Hub is then
  // polled only for merged changes.
  const eventsLog = log.child({ component: 'events' });
  const tuning = overrides.tuning?.announcements ?? {};
  const pollClient = overrides.pollGitHub === false ? undefined : github;
  const subscriptions = new SubscriptionStore(deps.db);
  const pipeline = new EventPipeline({ db: deps.db, subscriptions, clock, log: eventsLog, capabilitiesOf: (channel) => delivery.capabilitiesFor(channel) });
  const worker = new OutboxWorker({
    store: pipeline.outbox,
    delivery,
    clock,
    log: eventsLog.child({ component: 'outbox' }),
    digestSubscriptions: () => subscriptions.all().filter((s) => s.mode === 'digest'),
    ...tuning.outbox,
  });
  pipeline.onEnqueued = () => worker.kick();
  const publish = pollClient
    ? new PublishTracker({ db: deps.db, hub, pipeline, clock, log: eventsLog.child({ component: 'publish' }), ...tuning.publish })
    : undefined;
  const { rebuildChecksPerPass } = config.hub;
  const rebuilds =
    publish && rebuildChecksPerPass > 0
      ? new RebuildWatcher({ db: deps.db, hub, pipeline, subscriptions, clock, log: eventsLog.child({ component: 'rebuilds' }), checksPerPass: rebuildChecksPerPass, ...tuning.rebuilds })
      : undefined;
  const poller = pollClient
    ? new GitHubPoller({
        graphql: pollClient,
        pipeline,
        db: deps.db,
        ...(publish ? { publish } : {}),
        repo: config.github.officialImagesRepo,
        pollSeconds: config.github.pollSeconds,
        clock,
        log: eventsLog.child({ component: 'github-poll' }),
        onQueryCost: (cost) => metrics.githubPollCost.observe(cost),
      })
    : undefined;
  const announcements = createAnnouncements({
    config,
    log: eventsLog,
    clock,
    status,
    ...(deps.http ? { http: deps.http } : {}),
    subscriptions,
    pipeline,
    worker,
    poller,
    publish,
    rebuilds,
    onWebhookOutcome: (outcome) => metrics.webhookDeliveries.inc({ outcome }),
    ...(tuning.retentionMs !== undefined ? { retentionMs: tuning.retentionMs } : {}),
  });
  metrics.setOutboxDepth(() => announcements.pipeline.outbox.depthByChannel());
  metrics.setDeadLetters(() => announcements.pipeline.outbox.countByState('dead'));
  if (github) metrics.setGitHubBudget(() => github.budget().remaining);
  const prs = new PrService({
    db: deps.db,
    repo: config.github.officialImagesRepo,
    pollSeconds: config.github.pollSeconds,
    clock,
    log: log.child({ component: 'prs' }),
    ...(github ? { graphql: github } : {}),
    hub,
    catalog: () => catalog.get(),
  });
  const proposals = new ProposalService({
    repo: config.github.officialImagesRepo,
    pollSeconds: config.github.pollSeconds,
    clock,
    log: log.child({ component: 'proposals' }),
    ...(github ? { graphql: github } : {}),
  });
  const notify = new NotifyService({
    db: deps.db,
    outbox: announcements.pipeline.outbox,
    kick: () => announcements.worker.kick(),
    hub,
    prState: (n) => prs.state(n),
    privateMessages: (platform) => delivery.capabilitiesOf(platform)?.privateMessages === true,
    clock,
    log: log.child({ component: 'notify' }),
    intervalMs: Math.min(config.github.pollSeconds, config.hub.pollSeconds) * 1000,
  });
  const { knowledge } = deps.data;
  const knownAnswers = knowledge.forFeedback(clock);
  const feedback = new FeedbackService({
    store: new FeedbackStore(deps.db),
    catalog,
    answers: knownAnswers,
    ...(github ? { github } : {}),
    hub,
    repos: { officialImages: config.github.officialImagesRepo, docs: config.github.docsRepo },
    limits: { perUserPerDay: config.limits.feedbackPerUserPerDay, globalPerHour: config.limits.feedbackGlobalPerHour },
    clock,
    log: log.child({ component: 'feedback' }),
    platformName: (platform) => delivery.capabilitiesOf(platform)?.displayName ?? platform,
    // The reporter hears about a report filed (or refused) after the confirm reply through the
    // outbox, so the message survives a restart and is paced like every other post.
    notify: (report, notice) => {
      const { event } = notice;
      announcements.pipeline.outbox.enqueue({
        eventId: `feedback.${event}:${report.id}`,
        channel: report.channelKey,
        subscriptionId: null,
        rule: `feedback report ${report.code} by ${report.reporter} (${event})`,
        code: `f${report.code}`,
        kind: 'feedback',
        line: renderFeedbackNotice(notice),
        state: 'pending',
        occurredAt: clock.now(),
        now: clock.now(),
      });
    },
    afterNotify: () => announcements.worker.kick(),
    onOutcome: (outcome) => metrics.feedback.inc({ outcome }),
    ...(overrides.tuning?.feedback ? { tuning: overrides.tuning.feedback } : {}),
  });
  status.addDetails(() => feedback.details());
  const trust = trustFromConfig(config.registry, { db: deps.db, clock, log: log.child({ component: 'registry' }) });
  if (trust.details) status.addDetails(() => trust.details?.() ?? []);
  const services: CommandServices = {
    status,
    commands: () => registry.all(),
    catalog,
    hub,
    announcements: announcements.service,
    prs,
    proposals,
    notify,
    feedback,
    trust,
    knownAnswers,
    knowledge,
    pages: delivery.pages,
  };
  const dispatcher = new Dispatcher({
    registry,
    freeform: deps.freeform ?? [],
    access: new AccessPolicy(canonicalIdentities(config.access)),
    services,
    log: log.child({ component: 'dispatch' }),
    clock,
    limits: config.limits,
    capabilitiesOf: (platform) => delivery.capabilitiesOf(platform),
    onCommand: (name, outcome, ms) => recordCommand(metrics, name, outcome, ms),
  });
  delivery.onResult = (platform, kind, outcome) => recordDelivery(metrics, platform, kind, outcome);
  let stopping = false;
  let httpPort: number | undefined;
  let opsPort: number | undefined;
  const healthHttp = deps.opsHttp ?? deps.http;
  const loopMonitor = healthHttp ? new EventLoopMonitor() : undefined;
  if (healthHttp && loopMonitor) {
    const slowestPollSeconds = Math.max(config.github.pollSeconds, config.hub.pollSeconds, config.catalog.refreshSeconds);
    registerHealthRoutes(healthHttp, {
      db: deps.db,
      status,
      metrics,
      now: () => clock.now(),
      loop: loopMonitor,
      maxLoopDelayMs: 5000,
      maxSourceAgeMs: (config.http.readyMaxSourceAgeSeconds ?? 3 * slowestPollSeconds) * 1000,
      stopping: () => stopping,
      showPrivateChannels: deps.opsHttp !== undefined,
    });
  }
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
          replyTo: replyAddressOf(msg),
          ...(msg.threadId ? { threadId: msg.threadId } : {}),
        });
      } catch (err) {
        log.error({ err, messageId: msg.id }, 'message handling failed');
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
    catalog,
    status,
    metrics,
    announcements,
    prs,
    notify,
    feedback,
    httpPort: () => httpPort,
    opsPort: () => opsPort,
    async start() {
      // Before the adapters: health answers (and /readyz names what is still connecting) while a
      // slow IRC or Slack connect is in progress.
      if (deps.opsHttp && config.http.opsPort !== undefined) opsPort = await deps.opsHttp.listen(config.http.opsPort, config.http.opsHost);
      if (deps.http && config.http.port !== undefined) httpPort = await deps.http.listen(config.http.port, config.http.host);
      // Loads the SQLite cache at once, then refreshes in the background (a local source without
      // a cache is awaited: about a second); commands wait briefly for a first catalog otherwise.
      await catalog.start();
      accepting = true;
      // One platform being down must not block the others.
      const results = await Promise.allSettled(deps.adapters.map((a) => a.start(onMessage)));
      results.forEach((r, i) => {
        if (r.status === 'rejected') log.error({ err: r.reason, platform: deps.adapters[i]!.platform }, 'adapter failed to start');
      });
      // After the adapters, so the first announcements find them connected.
      announcements.start();
      notify.start();
      feedback.start();
      log.info({ adapters: deps.adapters.map((a) => a.platform) }, 'doi-bot started');
    },
    async stop(reason, deadlineMs = 8000) {
      accepting = false;
      stopping = true;
      // Cancelled at the end: a pending deadline timer would otherwise keep the process alive.
      const finished = new AbortController();
      const deadline = clock.sleep(deadlineMs, finished.signal).then(() => 'timeout' as const);
      const drained = await Promise.race([Promise.allSettled([...inFlight]).then(() => 'ok' as const), deadline]);
      if (drained === 'timeout') log.warn('stopping with messages still in flight');
      // Before the adapters close: the send in flight finishes; unsent rows wait for the next start.
      await Promise.race([notify.stop(), deadline]);
      await Promise.race([feedback.stop(Math.min(3000, deadlineMs)), deadline]);
      await announcements.stop(Math.min(3000, deadlineMs));
      await Promise.race([Promise.allSettled(deps.adapters.map((a) => a.stop(reason))), deadline]);
      await Promise.race([catalog.stop(), deadline]);
      // Last, so /healthz and /readyz ("shutting down") answer while the rest winds down.
      await deps.http?.close();
      await deps.opsHttp?.close();
      loopMonitor?.close();
      finished.abort();
      log.info({ reason }, 'doi-bot stopped');
    },
    async idle() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
