import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON_PLATFORMS, startFakeRegistry, type FakeRegistry } from '../../support/fake-registry.js';
import { runProgram } from '../../support/run-program.js';

const dir = mkdtempSync(join(tmpdir(), 'doibot-trust-program-'));
let registry: FakeRegistry;

beforeAll(async () => {
  registry = await startFakeRegistry();
  registry.world.image('python', '3.13-trixie', PYTHON_PLATFORMS, { sbom: true, provenance: true });
});
afterAll(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('trust through the console, as a user runs the program', { timeout: 90_000 }, () => {
  it('answers the command and the free-form question, the second from the digest cache', async () => {
    const r = await runProgram('trust python:3.13-trixie\nis python:3.13-trixie signed?\n', {
      HOME: dir,
      DOIBOT_DB: join(dir, 'bot.sqlite3'),
      DOCKER_HUB_URL: 'http://127.0.0.1:9',
      DOCKER_REGISTRY_URL: registry.url,
      DOCKER_AUTH_URL: registry.url,
    });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const digest = registry.world.resolve('python', '3.13-trixie')!;
    const answers = r.stdout.split('\n').filter((l) => l.startsWith('python:3.13-trixie: not signed; SBOM+provenance on 8/8 platforms.'));
    expect(answers).toHaveLength(2);
    expect(r.stdout.split(`pin: python:3.13-trixie@${digest}`)).toHaveLength(3);
    expect({ head: registry.count('HEAD'), get: registry.count('GET'), token: registry.count('TOKEN') }).toEqual({ head: 3, get: 9, token: 1 });
  });
});
