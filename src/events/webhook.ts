/**
 * GitHub webhook receiver (optional): POST /webhooks/github on the shared HTTP server. The
 * signature is checked over the raw body, each delivery id is handled once (kept in SQLite, so
 * redeliveries after a restart are caught too), and a relevant delivery just triggers an
 * immediate poll: webhooks and polling feed the same snapshot/diff path, and a lost webhook
 * is caught by the next poll.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { HttpServer } from '../http/server.js';
import type { EventStore } from './store.js';

export const WEBHOOK_PATH = '/webhooks/github';
const MAX_BODY = 5 * 1024 * 1024;
const RELEVANT = new Set(['pull_request', 'pull_request_review', 'check_suite', 'check_run', 'status', 'push', 'issue_comment']);

export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export interface WebhookOptions {
  readonly secret: string;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Called for a new, verified, relevant delivery. */
  readonly onChange: () => void;
}

export function registerGitHubWebhook(http: HttpServer, opts: WebhookOptions): void {
  http.route('POST', WEBHOOK_PATH, async (req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`);
    };
    const body = await readBody(req);
    if (!body) return reply(413, 'payload too large');
    const signature = req.headers['x-hub-signature-256'];
    if (!verifySignature(opts.secret, body, Array.isArray(signature) ? signature[0] : signature)) {
      opts.log.warn({ remote: req.socket.remoteAddress }, 'webhook with a bad or missing signature rejected');
      return reply(401, 'bad signature');
    }
    const delivery = req.headers['x-github-delivery'];
    const event = req.headers['x-github-event'];
    if (typeof delivery !== 'string' || !delivery || typeof event !== 'string') return reply(400, 'missing X-GitHub-Delivery or X-GitHub-Event');
    if (!opts.store.markDelivery(delivery.slice(0, 100), event.slice(0, 50), opts.clock.now())) return reply(200, 'duplicate delivery ignored');
    if (RELEVANT.has(event)) opts.onChange();
    return reply(202, 'accepted');
  });
}
