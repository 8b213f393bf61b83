/**
 * Slack over @slack/bolt: Socket Mode when an app token is configured, otherwise HTTP Events
 * mounted on the shared HTTP listener. Inbound payloads go through the pure translators in
 * inbound.ts; outbound RichText through blocks.ts. Nothing else in the bot knows Slack.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, LogLevel, SocketModeReceiver, webApi, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import type { AdapterCapabilities, AdapterStatus, ChatAdapter, InboundMessage, OutboundMessage, Platform, SendResult } from '../../src/core/chat.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { runDetached } from '../../src/core/detached.js';
import { ConfigError, UpstreamError, errorMessage } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import { renderMessage } from './blocks.js';
import { SLACK_CAPABILITIES } from './capabilities.js';
import { AUTH_ERRORS, checkTokens, describeError, platformErrorCode, rateLimitWaitMs, toUpstreamError } from './errors.js';
import { MountedHttpReceiver } from './http-receiver.js';
import type { SlackSelf } from './inbound.js';
import { registerListeners } from './listeners.js';
import { ResponseUrls } from './response-url.js';
import { boltLogger, RecentKeys, withTrailingSlash } from './sdk-support.js';
import { ChannelPacer } from './pacer.js';

/** The Slack settings the adapter needs (the `slack` section of the config). */
export interface SlackAdapterConfig {
  readonly botToken: string;
  readonly appToken?: string | undefined;
  readonly signingSecret?: string | undefined;
  readonly apiUrl?: string | undefined;
}

/** Where HTTP mode mounts its endpoint: the shared HttpServer (src/http/server.ts) fits. */
export interface HttpMountPoint {
  mount(prefix: string, listener: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): void;
}

export interface SlackAdapterOptions {
  readonly config: SlackAdapterConfig;
  readonly log: Logger;
  readonly clock?: Clock;
  /** Required for HTTP mode (no app token). */
  readonly http?: HttpMountPoint;
  /** Minimum time between two messages to one channel. Slack allows about one per second. */
  readonly pacingMs?: number;
  /** How many 429 answers one message may wait out before it is handed back as retryable. */
  readonly maxRateLimitWaits?: number;
  /** First reconnect delay after the socket drops; doubles per failure up to a minute. */
  readonly reconnectBaseMs?: number;
  /** Socket Mode ping timeout (the SDK's clientPingTimeout): how fast a dead socket is noticed. */
  readonly socketPingTimeoutMs?: number;
  /** Web API request timeout. */
  readonly requestTimeoutMs?: number;
}

export type SlackMode = 'socket' | 'http';

export class SlackAdapter implements ChatAdapter {
  readonly platform: Platform = 'slack';
  readonly capabilities: AdapterCapabilities = SLACK_CAPABILITIES;
  readonly mode: SlackMode;
  readonly #config: SlackAdapterConfig;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #pacer: ChannelPacer;
  readonly #maxRateLimitWaits: number;
  readonly #reconnectBaseMs: number;
  readonly #pingTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #httpReceiver: MountedHttpReceiver | undefined;
  readonly #boltLogger: BoltLogger;
  readonly #seen = new RecentKeys(10_000);
  readonly #responses: ResponseUrls;
  readonly #problems = new Map<string, string>();
  readonly #stopController = new AbortController();
  #app: App | undefined;
  #socket: SocketModeReceiver | undefined;
  #self: (SlackSelf & { readonly userName: string; readonly team: string }) | undefined;
  #onMessage: ((msg: InboundMessage) => Promise<void>) | undefined;
  #connected = false;
  #everConnected = false;
  #reconnects = 0;
  #rateLimited = { rateLimitWaits: 0, rateLimitWaitMs: 0 };
  #since: Date | undefined;
  #connecting = false;
  #fatal = false;

  constructor(opts: SlackAdapterOptions) {
    this.#config = opts.config;
    this.#log = opts.log;
    this.#clock = opts.clock ?? systemClock;
    this.#pacer = new ChannelPacer(opts.pacingMs ?? 1000, this.#clock);
    this.#maxRateLimitWaits = opts.maxRateLimitWaits ?? 5;
    this.#reconnectBaseMs = opts.reconnectBaseMs ?? 1000;
    this.#pingTimeoutMs = opts.socketPingTimeoutMs ?? 5000;
    this.#requestTimeoutMs = opts.requestTimeoutMs ?? 15_000;
    this.#responses = new ResponseUrls(this.#clock, this.#requestTimeoutMs);
    this.#boltLogger = boltLogger(this.#log);
    checkTokens(opts.config, opts.http !== undefined);
    this.mode = opts.config.appToken ? 'socket' : 'http';
    if (this.mode === 'http') {
      this.#httpReceiver = new MountedHttpReceiver({
        signingSecret: opts.config.signingSecret!,
        logger: this.#boltLogger,
      });
      opts.http!.mount('/slack/', this.#httpReceiver.listener);
    }
  }

  async start(onMessage: (msg: InboundMessage) => Promise<void>): Promise<void> {
    this.#onMessage = onMessage;
    try {
      await this.#boot();
    } catch (err) {
      // Slack unreachable at start-up is no reason to give up: keep trying in the background.
      // A rejected token is (ConfigError), and the caller hears about it.
      if (!(err instanceof UpstreamError && err.retryable)) throw err;
      this.#log.warn({ err: errorMessage(err) }, 'slack not reachable at start: retrying');
      runDetached(this.#log, 'slack start', () => this.#bootLoop());
    }
  }

  async #bootLoop(): Promise<void> {
    for (let attempt = 0; !this.#stopController.signal.aborted; attempt++) {
      await this.#clock.sleep(Math.min(this.#reconnectBaseMs * 2 ** attempt, 60_000), this.#stopController.signal);
      if (this.#stopController.signal.aborted) return;
      try {
        await this.#boot();
        return;
      } catch (err) {
        if (!(err instanceof UpstreamError && err.retryable)) return;
      }
    }
  }

  async #boot(): Promise<void> {
    const self = await this.#authTest();
    this.#self = self;
    const receiver: Receiver = this.mode === 'socket' ? this.#socketReceiver() : this.#httpReceiver!;
    const app = new App({
      receiver,
      token: this.#config.botToken,
      // Known from our own auth.test: Bolt would otherwise call it again on the first event.
      botId: self.botId,
      botUserId: self.botUserId,
      logger: this.#boltLogger,
      ignoreSelf: true,
      convoStore: false,
      clientOptions: this.#clientOptions(),
    });
    app.error(async (err) => {
      this.#log.error({ err }, 'slack listener failed');
    });
    registerListeners(app, {
      log: this.#log,
      clock: this.#clock,
      responses: this.#responses,
      self: () => this.#self,
      deliver: (msg, keys) => this.#deliver(msg, keys),
    });
    this.#app = app;
    if (this.mode === 'http') {
      this.#setConnected(true);
      this.#log.info({ team: self.team, bot: self.userName }, 'slack ready (HTTP events)');
      return;
    }
    const outcome = await this.#connectOnce();
    if (outcome === 'fatal') throw new ConfigError([this.#problems.get('auth') ?? 'Slack refused the app token']);
    if (outcome === 'retry') runDetached(this.#log, 'slack reconnect', () => this.#reconnectLoop());
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    const app = this.#app;
    if (!app) throw new UpstreamError('slack.not-started', 'Slack adapter is not started', { retryable: true });
    if (this.#fatal) throw new UpstreamError('slack.auth', `Slack rejected our token: ${this.#problems.get('auth') ?? ''}`, { retryable: false });
    const channel = msg.channel.startsWith('slack:') ? msg.channel.slice('slack:'.length) : msg.channel;
    const rendered = renderMessage(msg.body);

    // A reply to a slash command or button goes to its response_url (kept under the handle).
    if (msg.replyTo?.handle !== undefined) {
      const target = this.#responses.take(msg.replyTo.handle);
      return this.#pacer.run(channel, () => this.#responses.post(target, rendered));
    }
    return this.#pacer.run(channel, () =>
      this.#withRateLimitWaits(async () => {
        if (msg.updateRef) {
          const res = await app.client.chat.update({ channel, ts: msg.updateRef, text: rendered.text, blocks: [...rendered.blocks] });
          return { ref: res.ts ?? msg.updateRef };
        }
        const res = await app.client.chat.postMessage({
          channel,
          text: rendered.text,
          blocks: [...rendered.blocks],
          // User-supplied URLs must not unfurl into previews nobody asked for.
          unfurl_links: false,
          unfurl_media: false,
          ...(msg.threadId ? { thread_ts: msg.threadId } : {}),
        });
        return res.ts ? { ref: res.ts } : {};
      }),
    );
  }

  async stop(reason: string): Promise<void> {
    this.#stopController.abort();
    this.#pacer.stop();
    const socket = this.#socket;
    if (socket) {
      // disconnect() waits for the close handshake; a dead peer must not hold up shutdown.
      await Promise.race([socket.client.disconnect().catch(() => undefined), this.#clock.sleep(2000)]);
      socket.client.removeAllListeners();
    }
    this.#setConnected(false);
    this.#log.info({ reason }, 'slack stopped');
  }

  status(): AdapterStatus {
    const [self, problems, mode] = [this.#self, [...this.#problems.values()], this.mode === 'socket' ? 'Socket Mode' : 'HTTP events'];
    const detail = self ? `${mode}, @${self.userName} in ${self.team}` : `${mode}, not connected`;
    const since = this.#since ? { since: this.#since } : {};
    return { platform: 'slack', connected: this.#connected, ...since, detail, ...(problems.length ? { problems } : {}), reconnects: this.#reconnects, ...this.#rateLimited };
  }

  // ---- start-up and connection ----

  #clientOptions(): webApi.WebClientOptions {
    return {
      ...(this.#config.apiUrl ? { slackApiUrl: withTrailingSlash(this.#config.apiUrl) } : {}),
      // We wait out 429s ourselves (per channel, visible in status) instead of letting the
      // client pause its whole queue invisibly; other failures go back to the caller to retry.
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: this.#requestTimeoutMs,
      logLevel: LogLevel.INFO,
    };
  }

  async #authTest(): Promise<SlackSelf & { userName: string; team: string }> {
    const client = new webApi.WebClient(this.#config.botToken, { ...this.#clientOptions(), logger: this.#boltLogger });
    try {
      const res = await client.auth.test();
      if (!res.user_id) throw new Error('auth.test answered without a user_id');
      this.#problems.delete('auth');
      return {
        botUserId: res.user_id,
        ...(res.bot_id ? { botId: res.bot_id } : {}),
        ...(res.url ? { teamUrl: res.url } : {}),
        userName: res.user ?? res.user_id,
        team: res.team ?? res.team_id ?? 'the workspace',
      };
    } catch (err) {
      const code = platformErrorCode(err);
      if (code && AUTH_ERRORS.has(code)) {
        const why = `SLACK_BOT_TOKEN was rejected by Slack (${code}): check the bot token (xoxb-) of the app's installation; not retrying`;
        this.#markFatal(why);
        throw new ConfigError([why], { cause: err });
      }
      this.#problems.set('auth', `cannot reach Slack: ${describeError(err)}`);
      throw new UpstreamError('slack.auth-test', `Slack auth.test failed: ${describeError(err)}`, { retryable: true, cause: err });
    }
  }

  #socketReceiver(): SocketModeReceiver {
    const receiver = new SocketModeReceiver({
      appToken: this.#config.appToken!,
      logger: this.#boltLogger,
      // We reconnect ourselves: the SDK's own loop cannot tell a revoked token from a network
      // blip on reconnect, and a failed reconnect of its own is an unhandled rejection.
      autoReconnectEnabled: false,
      clientPingTimeout: this.#pingTimeoutMs,
      installerOptions: { clientOptions: this.#clientOptions() },
    });
    receiver.client.on('connected', () => {
      this.#problems.delete('socket');
      this.#setConnected(true);
      this.#log.info('slack socket connected');
    });
    receiver.client.on('disconnected', () => {
      this.#setConnected(false);
      if (this.#stopController.signal.aborted || this.#connecting || this.#fatal) return;
      this.#log.warn('slack socket closed: reconnecting');
      runDetached(this.#log, 'slack reconnect', () => this.#reconnectLoop());
    });
    this.#socket = receiver;
    return receiver;
  }

  /** One attempt to open the socket. */
  async #connectOnce(): Promise<'ok' | 'fatal' | 'retry'> {
    const socket = this.#socket!;
    this.#connecting = true;
    try {
      await socket.client.start();
      return 'ok';
    } catch (err) {
      const code = platformErrorCode(err);
      if (code && AUTH_ERRORS.has(code)) {
        this.#markFatal(
          code === 'not_allowed_token_type'
            ? 'SLACK_APP_TOKEN is not an app-level token with connections:write (not_allowed_token_type); not retrying'
            : `SLACK_APP_TOKEN was rejected by Slack (${code}): generate a new app-level token with connections:write; not retrying`,
        );
        return 'fatal';
      }
      this.#problems.set('socket', `Socket Mode connection failed: ${describeError(err)}; retrying`);
      this.#log.warn({ err: describeError(err) }, 'slack socket connection failed');
      return 'retry';
    } finally {
      this.#connecting = false;
    }
  }

  async #reconnectLoop(): Promise<void> {
    if (this.#connecting) return;
    for (let attempt = 0; !this.#stopController.signal.aborted && !this.#fatal; attempt++) {
      const delay = Math.min(this.#reconnectBaseMs * 2 ** attempt, 60_000);
      this.#connecting = true;
      await this.#clock.sleep(delay, this.#stopController.signal);
      this.#connecting = false;
      if (this.#stopController.signal.aborted) return;
      const outcome = await this.#connectOnce();
      if (outcome !== 'retry') return;
    }
  }

  #markFatal(why: string): void {
    this.#fatal = true;
    this.#problems.set('auth', why);
    this.#setConnected(false);
    this.#log.error({ problem: why }, 'slack authentication failed');
  }

  #setConnected(connected: boolean): void {
    if (connected !== this.#connected) this.#since = new Date(this.#clock.now());
    if (connected && !this.#connected && this.#everConnected) this.#reconnects++;
    if (connected) this.#everConnected = true;
    this.#connected = connected;
  }

  // ---- inbound ----

  /** Hands a message to the bot once, even when Slack delivers it again (retries, redelivery). */
  #deliver(msg: InboundMessage, keys: ReadonlyArray<string | undefined>): void {
    const present = keys.filter((k): k is string => k !== undefined);
    if (present.some((k) => this.#seen.has(k))) {
      this.#log.info({ messageId: msg.id }, 'duplicate slack delivery ignored');
      return;
    }
    for (const k of present) this.#seen.add(k);
    const onMessage = this.#onMessage;
    if (!onMessage) return;
    // Acked already; the answer follows through the Web API or response_url.
    runDetached(this.#log, 'slack message', () => onMessage(msg));
  }

  // ---- outbound ----

  /** A 429 delays the message (and every other send: limits are per workspace), never drops it. */
  async #withRateLimitWaits<T>(call: () => Promise<T>): Promise<T> {
    for (let waits = 0; ; waits++) {
      await this.#pacer.waitForGlobal();
      try {
        const result = await call();
        if (waits > 0) this.#problems.delete('ratelimit');
        return result;
      } catch (err) {
        const retryAfterMs = rateLimitWaitMs(err);
        if (retryAfterMs !== undefined) {
          this.#pacer.blockAll(retryAfterMs);
          this.#rateLimited = { rateLimitWaits: this.#rateLimited.rateLimitWaits + 1, rateLimitWaitMs: this.#rateLimited.rateLimitWaitMs + retryAfterMs };
          this.#problems.set('ratelimit', `rate limited by Slack; waiting ${Math.ceil(retryAfterMs / 1000)}s`);
          this.#log.warn({ retryAfterMs, waits }, 'slack rate limit: waiting');
          if (waits >= this.#maxRateLimitWaits) {
            throw new UpstreamError('slack.ratelimited', 'Slack kept rate limiting this message', { retryable: true, retryAfterMs, cause: err });
          }
          continue;
        }
        throw this.#toUpstreamError(err);
      }
    }
  }

  #toUpstreamError(err: unknown): UpstreamError {
    return toUpstreamError(err, (code) => this.#markFatal(`Slack rejected SLACK_BOT_TOKEN while sending (${code}); not retrying`));
  }
}

