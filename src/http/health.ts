import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ServerResponse } from 'node:http';
import { errorMessage } from '../core/errors.js';
import type { Metrics } from '../metrics.js';
import type { StatusInfo } from '../services.js';
import { withoutPrivateChannels } from '../status.js';
import type { Db } from '../store/db.js';
import { SettingsRepo } from '../store/settings.js';
import type { HttpServer } from './server.js';

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface HealthReport {
  readonly status: 'ok' | 'failing';
  readonly checks: readonly CheckResult[];
}

/** How busy the event loop has been recently, in milliseconds. */
export interface LoopDelaySample {
  readonly maxMs: number;
  readonly p99Ms: number;
}

export interface LoopDelaySource {
  sample(): LoopDelaySample;
  close(): void;
}

/**
 * Event-loop delay over a sliding window of two periods: the current one and the one before, so
 * a stall is still visible for one full period after it ended. A loop that is stuck right now
 * cannot answer /healthz at all; the probe's timeout covers that case.
 */
export class EventLoopMonitor implements LoopDelaySource {
  readonly #histogram: IntervalHistogram;
  readonly #timer: NodeJS.Timeout;
  #previous: LoopDelaySample = { maxMs: 0, p99Ms: 0 };

  constructor(periodMs = 10_000) {
    this.#histogram = monitorEventLoopDelay({ resolution: 20 });
    this.#histogram.enable();
    this.#timer = setInterval(() => {
      this.#previous = this.#current();
      this.#histogram.reset();
    }, periodMs);
    this.#timer.unref();
  }

  sample(): LoopDelaySample {
    const now = this.#current();
    return { maxMs: Math.max(now.maxMs, this.#previous.maxMs), p99Ms: Math.max(now.p99Ms, this.#previous.p99Ms) };
  }

  close(): void {
    clearInterval(this.#timer);
    this.#histogram.disable();
  }

  #current(): LoopDelaySample {
    // Nanoseconds; both read 0 while the window has no samples yet.
    return { maxMs: this.#histogram.max / 1e6, p99Ms: this.#histogram.percentile(99) / 1e6 };
  }
}

export interface HealthOptions {
  readonly db: Db;
  readonly status: StatusInfo;
  readonly metrics: Metrics;
  readonly now: () => number;
  readonly loop: LoopDelaySource;
  /** /healthz fails when the loop was blocked longer than this within the last window. */
  readonly maxLoopDelayMs: number;
  /** /readyz fails when a source that reports refresh times has not refreshed for this long. */
  readonly maxSourceAgeMs: number;
  /** True once shutdown began: /readyz then fails so nothing new is routed here. */
  readonly stopping: () => boolean;
  /**
   * Name private channels (keyed IRC channels, private Slack channels) in /readyz: only on the
   * loopback ops listener. On the main listener, which may be public, they are hidden.
   */
  readonly showPrivateChannels?: boolean;
}

/** Liveness: the process answers and its event loop is not stalling. */
export function checkLive(o: Pick<HealthOptions, 'loop' | 'maxLoopDelayMs'>): HealthReport {
  const { maxMs, p99Ms } = o.loop.sample();
  const ok = maxMs <= o.maxLoopDelayMs;
  const detail = `event-loop delay max ${Math.round(maxMs)} ms, p99 ${Math.round(p99Ms)} ms (limit ${o.maxLoopDelayMs} ms)`;
  return report([{ name: 'event-loop', ok, detail }]);
}

/** Readiness: every part the bot needs to do its job works right now. */
export function checkReady(o: HealthOptions): HealthReport {
  const checks: CheckResult[] = [];
  if (o.stopping()) checks.push({ name: 'lifecycle', ok: false, detail: 'shutting down' });
  checks.push(checkDatabase(o.db, o.now()));
  const adapters = o.showPrivateChannels ? o.status.adapters() : o.status.adapters().map(withoutPrivateChannels);
  for (const a of adapters) {
    const problems = a.problems?.length ? `; ${a.problems.join('; ')}` : '';
    checks.push({
      name: `adapter:${a.platform}`,
      ok: a.connected,
      detail: `${a.connected ? 'connected' : 'disconnected'}${a.detail ? ` (${a.detail})` : ''}${problems}`,
    });
  }
  const now = o.now();
  for (const s of o.status.sources()) {
    if (s.updatedAt === undefined) {
      // Static sources (the bundled snapshot) never refresh; they cannot go stale.
      checks.push({ name: `source:${s.name}`, ok: true, detail: `${s.detail}; no refresh schedule` });
      continue;
    }
    const ageMs = now - s.updatedAt;
    checks.push({
      name: `source:${s.name}`,
      ok: ageMs <= o.maxSourceAgeMs,
      detail: `last refreshed ${Math.round(ageMs / 1000)} s ago (limit ${Math.round(o.maxSourceAgeMs / 1000)} s)`,
    });
  }
  return report(checks);
}

/**
 * A real committed write: proves the file is writable, the disk has room and no other process
 * holds the write lock. One tiny row, overwritten each time.
 */
function checkDatabase(db: Db, now: number): CheckResult {
  if (!db.open) return { name: 'database', ok: false, detail: 'database is closed' };
  try {
    new SettingsRepo(db).set('health.last_write', String(now), now);
    return { name: 'database', ok: true, detail: 'writable' };
  } catch (err) {
    return { name: 'database', ok: false, detail: `write failed: ${errorMessage(err)}` };
  }
}

function report(checks: readonly CheckResult[]): HealthReport {
  return { status: checks.every((c) => c.ok) ? 'ok' : 'failing', checks };
}

function sendReport(res: ServerResponse, r: HealthReport): void {
  const failing = r.checks.filter((c) => !c.ok).map((c) => c.name);
  const body = JSON.stringify({ ...r, ...(failing.length ? { failing } : {}) });
  res
    .writeHead(r.status === 'ok' ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    .end(`${body}\n`);
}

/** GET /healthz, /readyz and /metrics on the shared HTTP server. */
export function registerHealthRoutes(http: HttpServer, o: HealthOptions): void {
  http.route('GET', '/healthz', (_req, res) => sendReport(res, checkLive(o)));
  http.route('GET', '/readyz', (_req, res) => sendReport(res, checkReady(o)));
  http.route('GET', '/metrics', async (_req, res) => {
    const text = await o.metrics.render();
    res.writeHead(200, { 'content-type': o.metrics.contentType, 'cache-control': 'no-store' }).end(text);
  });
}
