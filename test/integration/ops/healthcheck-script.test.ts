import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProgram } from '../../support/run-program.js';

/** The image's HEALTHCHECK command, run as Docker runs it: a process whose exit code counts. */
async function probe(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const r = await runProgram('', env, [], { script: 'src/http/healthcheck.ts', stdin: 'null' });
  return { code: r.code, out: r.stdout + r.stderr };
}

let healthy: Server;
let sick: Server;
const portOf = (s: Server) => String((s.address() as AddressInfo).port);
const requested: string[] = [];

beforeAll(async () => {
  const serve = (status: number) =>
    createServer((req, res) => {
      requested.push(`${status} ${req.url}`);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status === 200 ? 'ok' : 'stuck' }));
    });
  healthy = serve(200);
  sick = serve(503);
  await Promise.all([healthy, sick].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
});
afterAll(() => {
  healthy.close();
  sick.close();
});

describe('the HEALTHCHECK probe script', { timeout: 60_000 }, () => {
  it("exits 0 only when /healthz answers 200, asking the ops port when there is one", async () => {
    const [ok, bad, ops, refused, garbage] = await Promise.all([
      probe({ DOIBOT_HTTP_PORT: portOf(healthy), DOIBOT_HTTP_HOST: '0.0.0.0' }),
      probe({ DOIBOT_HTTP_PORT: portOf(sick) }),
      probe({ DOIBOT_HTTP_PORT: portOf(sick), DOIBOT_OPS_PORT: portOf(healthy) }),
      probe({ DOIBOT_HTTP_PORT: '9' }),
      probe({ DOIBOT_HTTP_PORT: 'eighty' }),
    ]);
    expect(ok).toEqual({ code: 0, out: 'healthy: /healthz answered 200 {"status":"ok"}\n' });
    expect(bad).toEqual({ code: 1, out: 'unhealthy: /healthz answered 503 {"status":"stuck"}\n' });
    expect(ops.code).toBe(0);
    expect(refused).toMatchObject({ code: 1, out: expect.stringMatching(/^unhealthy: http:\/\/127\.0\.0\.1:9\/healthz: .*ECONNREFUSED/) });
    expect(garbage).toEqual({ code: 1, out: 'unhealthy: DOIBOT_HTTP_PORT is not a port number\n' });
    expect(requested.sort()).toEqual(['200 /healthz', '200 /healthz', '503 /healthz']);
  });

  it('without a port it reports healthy: Docker already watches the process', async () => {
    expect(await probe({})).toEqual({ code: 0, out: 'healthy: no DOIBOT_HTTP_PORT set, so only the process being alive is checked\n' });
  });
});
