import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AdapterStatus, OutboundMessage, Platform } from './core/chat.js';
import type { CommandOutcome } from './dispatch/dispatcher.js';
import type { DataSourceInfo } from './services.js';

/**
 * Every metric doi-bot exposes, created up front so the names are stable and other parts only
 * call them. Each app gets its own Registry (never prom-client's global one) so tests can run
 * several apps in one process.
 *
 * Label values must come from bounded sets (command names, platforms, configured channels,
 * HTTP status codes): never user text, never secrets.
 */
export interface Metrics {
  readonly registry: Registry;
  /** doibot_commands_total{command,outcome}: one per handled command (dispatcher hook). */
  readonly commands: Counter<'command' | 'outcome'>;
  /** doibot_reply_latency_seconds{command}: time from dispatch to the command's reply. */
  readonly replyLatency: Histogram<'command'>;
  /** doibot_deliveries_total{platform,kind,outcome}: every send attempt (Delivery hook). */
  readonly deliveries: Counter<'platform' | 'kind' | 'outcome'>;
  /** doibot_adapter_reconnects_total{platform}: adapters call inc() on each reconnect. */
  readonly adapterReconnects: Counter<'platform'>;
  /** doibot_github_points_remaining: GraphQL rateLimit.remaining after each query. */
  readonly githubPointsRemaining: Gauge;
  /** doibot_github_poll_cost_points: GraphQL rateLimit.cost of each poll tick. */
  readonly githubPollCost: Histogram;
  /** doibot_hub_requests_total{status}: HTTP status as a string, or "error" for no response. */
  readonly hubRequests: Counter<'status'>;
  /** doibot_feedback_total{outcome}: filed | queued | failed | declined | routed-elsewhere. */
  readonly feedback: Counter<'outcome'>;
  /** doibot_webhook_deliveries_total{outcome}: every POST to the GitHub webhook (WebhookOutcome). */
  readonly webhookDeliveries: Counter<'outcome'>;
  /** Outbox rows not yet sent, per channel key; read at scrape time. */
  setOutboxDepth(provider: () => ReadonlyMap<string, number> | Readonly<Record<string, number>>): void;
  /** Dead-lettered outbox rows; read at scrape time. */
  setDeadLetters(provider: () => number): void;
  /** Points left as the shared GitHub client last saw them (undefined before the first query). */
  setGitHubBudget(provider: () => number | undefined): void;
  /** Prometheus text exposition of everything above plus process metrics. */
  render(): Promise<string>;
  readonly contentType: string;
  /** Forgets every metric; scrapes after this return nothing. */
  close(): void;
}

export interface MetricsSources {
  readonly version: string;
  readonly adapters: () => readonly AdapterStatus[];
  readonly sources: () => readonly DataSourceInfo[];
  readonly now: () => number;
}

/** Seconds; commands are chat round-trips, so the interesting range is 5 ms to 30 s. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** GraphQL points; a batched poll costs 1 to a few dozen points. */
const COST_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

export function createMetrics(src: MetricsSources): Metrics {
  const registry = new Registry();
  const registers = [registry];
  // Unprefixed: the standard process_* and nodejs_* names dashboards and alerts expect.
  collectDefaultMetrics({ register: registry });

  let outboxDepth: () => ReadonlyMap<string, number> | Readonly<Record<string, number>> = () => ({});
  let deadLetters: () => number = () => 0;
  let githubRemaining: () => number | undefined = () => undefined;
  const reconnectsSeen = new Map<string, number>();

  new Gauge({
    name: 'doibot_build_info',
    help: 'Always 1; the version label says which doi-bot is running.',
    labelNames: ['version'],
    registers,
    collect() {
      this.set({ version: src.version }, 1);
    },
  });

  const metrics: Metrics = {
    registry,
    commands: new Counter({
      name: 'doibot_commands_total',
      help: 'Commands handled, by command name and outcome (ok, user_error, denied, limited, timeout, error, unknown).',
      labelNames: ['command', 'outcome'],
      registers,
    }),
    replyLatency: new Histogram({
      name: 'doibot_reply_latency_seconds',
      help: 'Time a command took to produce its reply.',
      labelNames: ['command'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    deliveries: new Counter({
      name: 'doibot_deliveries_total',
      help: 'Outbound send attempts by platform, kind (reply, announcement, notice) and outcome (ok, retry, failed).',
      labelNames: ['platform', 'kind', 'outcome'],
      registers,
    }),
    adapterReconnects: new Counter({
      name: 'doibot_adapter_reconnects_total',
      help: 'Reconnects per chat adapter.',
      labelNames: ['platform'],
      registers,
      // Adapters count their own reconnects (they know nothing of metrics); scrape adds the news.
      collect() {
        for (const a of src.adapters()) {
          const total = a.reconnects ?? 0;
          const seen = reconnectsSeen.get(a.platform) ?? 0;
          if (total > seen) this.inc({ platform: a.platform }, total - seen);
          reconnectsSeen.set(a.platform, Math.max(total, seen));
        }
      },
    }),
    githubPointsRemaining: new Gauge({
      name: 'doibot_github_points_remaining',
      help: 'GitHub GraphQL rate-limit points remaining, as of the last query.',
      registers,
      collect() {
        const remaining = githubRemaining();
        if (remaining !== undefined) this.set(remaining);
      },
    }),
    githubPollCost: new Histogram({
      name: 'doibot_github_poll_cost_points',
      help: 'GitHub GraphQL rate-limit points spent per poll tick.',
      buckets: COST_BUCKETS,
      registers,
    }),
    hubRequests: new Counter({
      name: 'doibot_hub_requests_total',
      help: 'Docker Hub API requests by HTTP status ("error" when there was no response).',
      labelNames: ['status'],
      registers,
    }),
    feedback: new Counter({
      name: 'doibot_feedback_total',
      help: 'Feedback reports by outcome (filed, queued, failed, declined, routed-elsewhere).',
      labelNames: ['outcome'],
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'doibot_webhook_deliveries_total',
      help: 'GitHub webhook requests by outcome (accepted, ignored, duplicate, replay, bad_signature, too_large, not_json, bad_headers).',
      labelNames: ['outcome'],
      registers,
    }),
    setOutboxDepth(provider) {
      outboxDepth = provider;
    },
    setDeadLetters(provider) {
      deadLetters = provider;
    },
    setGitHubBudget(provider) {
      githubRemaining = provider;
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
    close() {
      registry.clear();
    },
  };

  new Gauge({
    name: 'doibot_outbox_depth',
    help: 'Outbox messages waiting to be sent, per channel.',
    labelNames: ['channel'],
    registers,
    collect() {
      this.reset();
      const depth = outboxDepth();
      const entries: Array<[string, number]> = isMap(depth) ? [...depth.entries()] : Object.entries(depth);
      for (const [channel, n] of entries) this.set({ channel }, n);
    },
  });
  new Gauge({
    name: 'doibot_dead_letters',
    help: 'Outbox messages that gave up after their retries (see the status command).',
    registers,
    collect() {
      this.set(deadLetters());
    },
  });
  new Gauge({
    name: 'doibot_adapter_connected',
    help: '1 when the chat adapter is connected, else 0.',
    labelNames: ['platform'],
    registers,
    collect() {
      this.reset();
      for (const a of src.adapters()) this.set({ platform: a.platform }, a.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'doibot_adapter_queue_lines',
    help: "Lines waiting in a chat adapter's paced send queue (IRC).",
    labelNames: ['platform'],
    registers,
    collect() {
      this.reset();
      for (const a of src.adapters()) if (a.queuedLines !== undefined) this.set({ platform: a.platform }, a.queuedLines);
    },
  });
  // A timestamp, not an age: it stays true between scrapes and alerts compute the age
  // (time() - doibot_source_last_success_timestamp_seconds > 2700).
  new Gauge({
    name: 'doibot_source_last_success_timestamp_seconds',
    help: 'Unix time of the last successful refresh of each data source.',
    labelNames: ['source'],
    registers,
    collect() {
      this.reset();
      for (const s of src.sources()) if (s.updatedAt !== undefined) this.set({ source: s.name }, s.updatedAt / 1000);
    },
  });
  const adapterTotal = (name: string, help: string, read: (a: AdapterStatus) => number | undefined, scale = 1): void => {
    // Adapters keep cumulative totals (they know nothing of metrics); each scrape adds the news.
    const seen = new Map<string, number>();
    new Counter({
      name,
      help,
      labelNames: ['platform'],
      registers,
      collect() {
        for (const a of src.adapters()) {
          const total = read(a);
          if (total === undefined) continue;
          const before = seen.get(a.platform) ?? 0;
          if (total > before) this.inc({ platform: a.platform }, (total - before) * scale);
          seen.set(a.platform, Math.max(total, before));
        }
      },
    });
  };
  adapterTotal('doibot_rate_limit_waits_total', 'Times a chat platform answered 429 and sends waited (Slack Retry-After).', (a) => a.rateLimitWaits);
  adapterTotal('doibot_rate_limit_wait_seconds_total', 'Seconds sends were held back by 429 Retry-After, summed.', (a) => a.rateLimitWaitMs, 1 / 1000);

  return metrics;
}

function isMap(x: ReadonlyMap<string, number> | Readonly<Record<string, number>>): x is ReadonlyMap<string, number> {
  return x instanceof Map;
}

/** Dispatcher.onCommand -> counters. Outcomes decided before running a command carry no latency. */
export function recordCommand(metrics: Metrics, command: string, outcome: CommandOutcome, ms: number): void {
  metrics.commands.inc({ command, outcome });
  if (outcome === 'ok' || outcome === 'user_error' || outcome === 'timeout' || outcome === 'error') {
    metrics.replyLatency.observe({ command }, ms / 1000);
  }
}

/** Delivery.onResult -> counter. */
export function recordDelivery(metrics: Metrics, platform: Platform, kind: OutboundMessage['kind'], outcome: 'ok' | 'retry' | 'failed'): void {
  metrics.deliveries.inc({ platform, kind, outcome });
}
