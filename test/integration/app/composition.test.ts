/**
 * The composition root: createApp builds the one GitHub client from the configuration (main.ts
 * no longer hands one in), and every part that speaks to GitHub uses it: PR lookups, the PR poll,
 * the budget metric. `overrides.pollGitHub: false` leaves the poll (and the Hub publish tracking
 * that follows merges) out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAdapter } from '../../../adapters/memory/memory-adapter.js';
import { createApp, type App, type AppOverrides } from '../../../src/app.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import { configSchema } from '../../../src/config/schema.js';
import { systemClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/log.js';
import { loadBotData } from '../../../src/load-data.js';
import { allCommands } from '../../../commands/index.js';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { tempDb } from '../../support/temp-db.js';

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function start(overrides: AppOverrides = {}): Promise<{ app: App; chat: MemoryAdapter; gh: FakeGitHub }> {
  const gh = await startFakeGitHub({ token: 'ghp_composition' });
  gh.world.addRepository('docker-library/official-images', { files: { 'README.md': '# official images\n' } });
  const database = tempDb('doibot-composition-');
  const chat = new MemoryAdapter('memory');
  const config = configSchema.parse({ allowInsecure: true, github: { token: 'ghp_composition', graphqlUrl: gh.url, pollSeconds: 3600 }, hub: { url: 'http://127.0.0.1:9', pollSeconds: 3600 } });
  const base = { config, db: database.db, log: silentLogger(), clock: systemClock, version: 't', data: loadBotData() };
  const app = createApp({ ...base, adapters: [chat], commands: allCommands, overrides: { catalogSource: new BundledSnapshotSource(), ...overrides } });
  cleanups.push(() => gh.close(), () => database.remove(), () => app.stop('test over', 2000));
  await app.start();
  return { app, chat, gh };
}

describe('one composition root', () => {
  it('builds the GitHub client from GITHUB_TOKEN and shares it: the poll, PR lookups and the budget metric', async () => {
    const { app, chat, gh } = await start();
    const poller = app.announcements.poller;
    expect(poller).toBeDefined();
    await poller!.tick();
    const n = gh.world.openPr({ title: 'Update python', files: ['library/python'], labels: ['library/python'] });
    await chat.inject(`pr ${n}`);
    expect(chat.sent.at(-1)!.text.split('\n')[0]).toBe(`#${n} Update python: open · no checks yet · no review yet · mergeable (blocked) https://github.com/docker-library/official-images/pull/${n}`);
    expect(gh.requests.length).toBeGreaterThanOrEqual(2);
    expect(new Set(gh.requests.map((r) => r.authorization))).toEqual(new Set(['bearer ghp_composition']));
    // One client: the metric reads the budget the poll and the lookup both spent from.
    expect(await app.metrics.render()).toMatch(/^doibot_github_points_remaining \d+/m);
  });

  it('pollGitHub: false keeps PR lookups on the client but runs no poll and no publish tracking', async () => {
    const { app, chat, gh } = await start({ pollGitHub: false });
    expect(app.announcements.poller).toBeUndefined();
    expect(app.announcements.publish).toBeUndefined();
    const n = gh.world.openPr({ title: 'Update node', files: ['library/node'], labels: ['library/node'] });
    await chat.inject(`pr ${n}`);
    expect(chat.sent.at(-1)!.text.split('\n')[0]).toBe(`#${n} Update node: open · no checks yet · no review yet · mergeable (blocked) https://github.com/docker-library/official-images/pull/${n}`);
  });
});
