/**
 * GitHub webhook receiver (optional): POST /webhooks/github on the shared HTTP server. The
 * signature is checked over the raw body, each delivery id is handled once (kept in SQLite, so
 * redeliveries after a restart are caught too), and so is each body: the signature does not
 * cover the delivery id, so a captured request replayed under a new id is recognised by the
 * body's SHA-256. A relevant delivery just triggers an
 * immediate poll: webhooks and polling feed the same snapshot/diff path, and a lost webhook
 * is caught by the next poll.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { LogBudget } from '../core/log-budget.js';
import { readLimitedBody, refuseTooLarge } from '../http/body.js';
import type { HttpServer } from '../http/server.js';
import type { EventStore } from './store.js';

export const WEBHOOK_PATH = '/webhooks/github';
/** GitHub caps payloads at 25 MB, but the events we use are tens of KB; a PR with huge bodies still fits. */
const MAX_BODY = 5 * 1024 * 1024;
const RELEVANT = new Set(['pull_request', 'pull_request_review', 'check_suite', 'check_run', 'status', 'push', 'issue_comment']);

export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export interface WebhookOptions {
  readonly secret: string;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Called for a new, verified, relevant delivery. */
  readonly onChange: () => void;
  readonly maxBodyBytes?: number;
  /** Every delivery's fate, for metrics (bounded set: see WebhookOutcome). */
  readonly onOutcome?: (outcome: WebhookOutcome) => void;
}

export type WebhookOutcome = 'accepted' | 'ignored' | 'duplicate' | 'replay' | 'bad_signature' | 'too_large' | 'not_json' | 'bad_headers';

/** Refused deliveries come from the internet: at most this many log lines a minute. */
const REFUSAL_LOG_LINES_PER_MINUTE = 5;

export function registerGitHubWebhook(http: HttpServer, opts: WebhookOptions): void {
  const logBudget = new LogBudget({ perMinute: REFUSAL_LOG_LINES_PER_MINUTE, now: () => opts.clock.now() });
  const refused = (outcome: WebhookOutcome, req: IncomingMessage, what: string): void => {
    opts.onOutcome?.(outcome);
    const suppressed = logBudget.take();
    if (suppressed !== undefined) opts.log.warn({ remote: req.socket.remoteAddress, outcome, ...(suppressed ? { suppressed } : {}) }, what);
  };
  http.route('POST', WEBHOOK_PATH, async (req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`);
    };
    const body = await readLimitedBody(req, opts.maxBodyBytes ?? MAX_BODY);
    if (body === 'too-large') {
      refused('too_large', req, 'webhook body over the limit refused');
      return refuseTooLarge(req, res);
    }
    const signature = req.headers['x-hub-signature-256'];
    if (!verifySignature(opts.secret, body, Array.isArray(signature) ? signature[0] : signature)) {
      refused('bad_signature', req, 'webhook with a bad or missing signature rejected');
      return reply(401, 'bad signature');
    }
    // Only a signed body is parsed. A form-encoded delivery is GitHub's other content type.
    try {
      JSON.parse(body.toString('utf8'));
    } catch {
      refused('not_json', req, 'signed webhook body is not JSON');
      return reply(400, 'body is not JSON: set the webhook content type to application/json');
    }
    const delivery = req.headers['x-github-delivery'];
    const event = req.headers['x-github-event'];
    if (typeof delivery !== 'string' || !delivery || typeof event !== 'string') {
      refused('bad_headers', req, 'signed webhook without X-GitHub-Delivery or X-GitHub-Event');
      return reply(400, 'missing X-GitHub-Delivery or X-GitHub-Event');
    }
    const sha = createHash('sha256').update(body).digest('hex');
    const seen = opts.store.recordDelivery(delivery.slice(0, 100), event.slice(0, 50), sha, opts.clock.now());
    if (seen === 'duplicate') {
      opts.onOutcome?.('duplicate');
      return reply(200, 'duplicate delivery ignored');
    }
    if (seen === 'replay') {
      refused('replay', req, 'webhook body seen before under another delivery id (replay) ignored');
      return reply(200, 'replayed body ignored');
    }
    const relevant = RELEVANT.has(event);
    opts.onOutcome?.(relevant ? 'accepted' : 'ignored');
    if (relevant) opts.onChange();
    return reply(202, 'accepted');
  });
}
