/**
 * Bolt's HTTP request handling, mounted on the bot's one shared HTTP listener instead of a
 * listener of its own: Bolt's receivers always create their own server. Signature checking is
 * Bolt's (v0 HMAC-SHA256 of `v0:<timestamp>:<raw body>`, constant-time compare, 5-minute
 * window); this class only routes, answers url_verification and hands events to the App.
 *
 * Bolt buffers the whole body before it checks anything, with no limit unless told. So the
 * cheap checks come first, before a byte of the body is read: the signature headers are
 * present, the timestamp is within Slack's 5-minute window, and a declared Content-Length fits
 * the limit. The body is then read up to the limit (a chunked body is cut off there) and handed
 * to Bolt already buffered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, HTTPResponseAck, type App, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import { readLimitedBody, refuseTooLarge, refuseUnread } from '../../src/http/body.js';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack's payloads are a few KB (a modal submission or a long message stays well under this). */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;
/** Slack's own replay window for X-Slack-Request-Timestamp. */
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface MountedReceiverOptions {
  readonly signingSecret: string;
  readonly logger: BoltLogger;
  /** Called for every request refused before it reached Bolt, for status and metrics. */
  readonly onRejected?: (status: number, reason: string) => void;
  readonly maxBodyBytes?: number;
  /** Unix milliseconds, for the timestamp window. */
  readonly now?: () => number;
}

export class MountedHttpReceiver implements Receiver {
  readonly #opts: MountedReceiverOptions;
  #app: App | undefined;

  constructor(opts: MountedReceiverOptions) {
    this.#opts = opts;
  }

  init(app: App): void {
    this.#app = app;
  }

  // The shared HttpServer is started and stopped by main, not by Bolt.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  /** The listener to mount at /slack/ on the shared HttpServer. */
  readonly listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== SLACK_EVENTS_PATH) return this.#refuse(res, 404, `no Slack endpoint at ${path ?? '?'}`, req);
    if (req.method !== 'POST') return this.#refuse(res, 405, 'Slack sends POST only', req);
    const app = this.#app;
    if (!app) return this.#refuse(res, 503, 'Slack adapter not started yet', req);

    const unsigned = this.#headerProblem(req);
    if (unsigned) return this.#refuse(res, 401, unsigned, req);
    const raw = await readLimitedBody(req, this.#opts.maxBodyBytes ?? SLACK_MAX_BODY_BYTES);
    if (raw === 'too-large') {
      this.#opts.onRejected?.(413, 'request body too large');
      this.#opts.logger.warn('slack http request refused (413): request body too large');
      return refuseTooLarge(req, res);
    }
    // Bolt takes a request that carries rawBody as already buffered and does not read it again.
    const preBuffered = Object.assign(req, { rawBody: raw });
    let buffered;
    try {
      buffered = await HTTPModuleFunctions.parseAndVerifyHTTPRequest({ signingSecret: this.#opts.signingSecret, logger: this.#opts.logger }, preBuffered);
    } catch (err) {
      return this.#refuse(res, 401, err instanceof Error ? err.message : 'signature check failed');
    }
    // A Bolt-typed body: its shape depends on what Slack sent, checked by our translators later.
    let body: Record<string, unknown>;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered) as Record<string, unknown>;
    } catch {
      return this.#refuse(res, 400, 'malformed request body');
    }
    if (body.ssl_check === '1') return HTTPModuleFunctions.buildSSLCheckResponse(res);
    if (body.type === 'url_verification') return HTTPModuleFunctions.buildUrlVerificationResponse(res, body);

    const ack = new HTTPResponseAck({
      logger: this.#opts.logger,
      processBeforeResponse: false,
      httpRequest: buffered,
      httpRequestBody: body,
      httpResponse: res,
    });
    const retryNum = HTTPModuleFunctions.extractRetryNumFromHTTPRequest(req);
    const retryReason = HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(req);
    try {
      await app.processEvent({
        body,
        ack: ack.bind(),
        ...(retryNum !== undefined ? { retryNum } : {}),
        ...(retryReason !== undefined ? { retryReason } : {}),
      });
    } catch (err) {
      this.#opts.logger.error(`slack event processing failed: ${err instanceof Error ? err.message : String(err)}`);
      // Ack anyway: a retry would fail the same way, and Slack disables apps that keep failing.
      if (!res.headersSent) ack.ack();
    }
  };

  /** Why the request cannot be from Slack, judged from its headers alone; undefined if it may be. */
  #headerProblem(req: IncomingMessage): string | undefined {
    const signature = req.headers['x-slack-signature'];
    const timestamp = req.headers['x-slack-request-timestamp'];
    if (typeof signature !== 'string' || !signature.startsWith('v0=')) return 'missing or malformed X-Slack-Signature';
    if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return 'missing or malformed X-Slack-Request-Timestamp';
    const skew = Math.abs((this.#opts.now ?? Date.now)() / 1000 - Number(timestamp));
    if (skew > MAX_CLOCK_SKEW_SECONDS) return 'X-Slack-Request-Timestamp is outside the 5-minute window';
    return undefined;
  }

  /** Refusals that come before the body is read also close the connection, so it is never drained. */
  #refuse(res: ServerResponse, status: number, reason: string, unread?: IncomingMessage): void {
    this.#opts.onRejected?.(status, reason);
    this.#opts.logger.warn(`slack http request refused (${status}): ${reason}`);
    if (unread) return refuseUnread(unread, res, status, reason);
    HTTPModuleFunctions.buildNoBodyResponse(res, status);
  }
}
