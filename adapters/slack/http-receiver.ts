/**
 * Bolt's HTTP request handling, mounted on the bot's one shared HTTP listener instead of a
 * listener of its own: Bolt's receivers always create their own server. Signature checking is
 * Bolt's (v0 HMAC-SHA256 of `v0:<timestamp>:<raw body>`, constant-time compare, 5-minute
 * window); this class only routes, answers url_verification and hands events to the App.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPModuleFunctions, HTTPResponseAck, type App, type Logger as BoltLogger, type Receiver } from '@slack/bolt';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface MountedReceiverOptions {
  readonly signingSecret: string;
  readonly logger: BoltLogger;
  /** Called for every request refused before it reached Bolt, for status and metrics. */
  readonly onRejected?: (status: number, reason: string) => void;
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
    if (path !== SLACK_EVENTS_PATH) return this.#refuse(res, 404, `no Slack endpoint at ${path ?? '?'}`);
    if (req.method !== 'POST') return this.#refuse(res, 405, 'Slack sends POST only');
    const app = this.#app;
    if (!app) return this.#refuse(res, 503, 'Slack adapter not started yet');

    let buffered;
    try {
      buffered = await HTTPModuleFunctions.parseAndVerifyHTTPRequest({ signingSecret: this.#opts.signingSecret, logger: this.#opts.logger }, req);
    } catch (err) {
      if (HTTPModuleFunctions.isRawBodyError(err) && (err.type === 'entity.too.large' || err.statusCode === 413)) {
        return this.#refuse(res, 413, 'request body too large');
      }
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

  #refuse(res: ServerResponse, status: number, reason: string): void {
    this.#opts.onRejected?.(status, reason);
    this.#opts.logger.warn(`slack http request refused (${status}): ${reason}`);
    HTTPModuleFunctions.buildNoBodyResponse(res, status);
  }
}
