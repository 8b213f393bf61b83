import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Bounded request bodies for every POST route on the shared listener (Slack events, GitHub
 * webhook). Nothing here buffers more than `max` bytes: a declared Content-Length over the limit
 * is refused before a byte is read, and a body without one (chunked) is counted while it
 * arrives and cut off at the limit.
 */
export type LimitedBody = Buffer | 'too-large';

export function declaredTooLarge(req: IncomingMessage, max: number): boolean {
  const header = req.headers['content-length'];
  if (header === undefined) return false;
  const declared = Number(header);
  // A Content-Length that is not a number is refused by Node's parser before we see it.
  return Number.isFinite(declared) && declared > max;
}

export function readLimitedBody(req: IncomingMessage, max: number): Promise<LimitedBody> {
  if (declaredTooLarge(req, max)) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.off('data', onData);
        // Stop pulling from the socket; refuseTooLarge closes the connection after its answer.
        req.pause();
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/**
 * How long a refused connection stays open after its answer, unread. Destroying it at once
 * would reset it while the client is still sending, and the reset can overtake the answer, so
 * the client would see "connection reset" instead of the status.
 */
const LINGER_MS = 1000;

/**
 * Answers a request whose body will not be read (too large, unsigned, no such route) and closes
 * the connection: the rest of the body is never read or drained, so a sender streaming hundreds
 * of megabytes costs one socket buffer, not the body.
 */
export function refuseUnread(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  // Not `Connection: close`: Node then closes the socket as soon as the answer is flushed, and
  // closing with unread data sends a reset at once. The connection cannot be reused anyway
  // (the body was never read); the timer closes it.
  res.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`, () => {
    const timer = setTimeout(() => req.destroy(), LINGER_MS);
    timer.unref();
    req.socket.once('close', () => clearTimeout(timer));
  });
}

export function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  refuseUnread(req, res, 413, 'payload too large');
}
