import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/log.js';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The one HTTP listener on DOIBOT_HTTP_PORT, shared by health/metrics, Slack HTTP mode and the
 * GitHub webhook receiver. Parts register exact routes or path prefixes before start().
 */
export class HttpServer {
  readonly #routes = new Map<string, RequestListener>();
  readonly #prefixes: Array<{ prefix: string; listener: RequestListener }> = [];
  readonly #log: Logger;
  #server: Server | undefined;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Exact method + path, e.g. route('GET', '/healthz', ...). */
  route(method: string, path: string, listener: RequestListener): void {
    this.#routes.set(`${method.toUpperCase()} ${path}`, listener);
  }

  /** Every request whose path starts with `prefix` (any method), e.g. mount('/slack/', ...). */
  mount(prefix: string, listener: RequestListener): void {
    this.#prefixes.push({ prefix, listener });
  }

  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => void this.#dispatch(req, res));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const actual = (server.address() as AddressInfo).port;
    this.#log.info({ port: actual, host }, 'http listening');
    return actual;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const listener =
      this.#routes.get(`${req.method ?? 'GET'} ${path}`) ?? this.#prefixes.find((p) => path.startsWith(p.prefix))?.listener;
    try {
      if (!listener) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      await listener(req, res);
    } catch (err) {
      this.#log.error({ err, path }, 'http handler failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    }
  }
}
