// Only node:http: the image's HEALTHCHECK (healthcheck.ts) loads this file and nothing of the bot.
import { request } from 'node:http';

export interface ProbeResult {
  readonly healthy: boolean;
  readonly message: string;
}

/**
 * The Docker HEALTHCHECK: asks the running bot's /healthz (slim images have no curl). Without an
 * HTTP port there is nothing to ask; the container is then as healthy as its main process is
 * alive, which Docker already watches, so the probe reports healthy and says why.
 */
export async function probeHealth(opts: { port: number | undefined; host: string; timeoutMs?: number }): Promise<ProbeResult> {
  if (opts.port === undefined || opts.port === 0) {
    return { healthy: true, message: 'healthy: no DOIBOT_HTTP_PORT set, so only the process being alive is checked' };
  }
  const host = opts.host === '0.0.0.0' || opts.host === '' ? '127.0.0.1' : opts.host === '::' ? '::1' : opts.host;
  return new Promise((resolve) => {
    const req = request({ host, port: opts.port, path: '/healthz', method: 'GET', timeout: opts.timeoutMs ?? 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('end', () => {
        const healthy = res.statusCode === 200;
        resolve({ healthy, message: `${healthy ? 'healthy' : 'unhealthy'}: /healthz answered ${res.statusCode ?? '?'} ${body.trim()}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 3000} ms (event loop stuck?)`)));
    req.on('error', (err) => resolve({ healthy: false, message: `unhealthy: http://${host}:${opts.port}/healthz: ${err.message}` }));
    req.end();
  });
}
