/**
 * The container's HEALTHCHECK: `node dist/src/http/healthcheck.js`. A second, tiny entry point
 * next to main.ts, because Docker runs it every 30 s: it imports only node:http (through
 * probe.ts), where `doi-bot healthcheck` loads the whole application (config schema, SQLite,
 * platform SDKs) to ask the same question. So it reads its two settings straight from the
 * environment, like main.ts: the ops listener when DOIBOT_OPS_PORT is set, else the main one.
 * Settings in a YAML file are not seen here; the image sets DOIBOT_HTTP_PORT in its environment.
 */
import { probeHealth } from './probe.js';

function portFrom(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const port = Number(value);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : Number.NaN;
}

const opsPort = portFrom(process.env.DOIBOT_OPS_PORT);
const target =
  opsPort !== undefined
    ? { name: 'DOIBOT_OPS_PORT', port: opsPort, host: process.env.DOIBOT_OPS_HOST || '127.0.0.1' }
    : { name: 'DOIBOT_HTTP_PORT', port: portFrom(process.env.DOIBOT_HTTP_PORT), host: process.env.DOIBOT_HTTP_HOST || '0.0.0.0' };

if (Number.isNaN(target.port)) {
  process.stderr.write(`unhealthy: ${target.name} is not a port number\n`);
  process.exitCode = 1;
} else {
  const probe = await probeHealth({ port: target.port, host: target.host });
  (probe.healthy ? process.stdout : process.stderr).write(`${probe.message}\n`);
  process.exitCode = probe.healthy ? 0 : 1;
}
