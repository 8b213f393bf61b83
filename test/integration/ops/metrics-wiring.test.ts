/**
 * The metrics other parts feed: GitHub points left and cost per poll (from the one shared
 * GitHub client and the poller), feedback outcomes, and adapter reconnects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPrHarness } from '../../support/prs/harness.js';
import { startFakeGitHub } from '../../support/fake-github.js';
import { startFakeHub } from '../../support/fake-hub.js';
import { codeIn, startFeedbackApp } from '../../support/feedback-app.js';
import { createMetrics } from '../../../src/metrics.js';
import type { AdapterStatus } from '../../../src/core/chat.js';

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics fed by the parts', () => {
  it('GitHub points left come from the shared client, and each poll query records its cost', async () => {
    const h = await startPrHarness({ poll: true });
    try {
      const text = await h.app.metrics.render();
      expect(sample(text, 'doibot_github_points_remaining')).toBeGreaterThan(0);
      expect(sample(text, 'doibot_github_poll_cost_points_count')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'doibot_github_poll_cost_points_sum')).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
    }
  });

  it('counts feedback filed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-metrics-'));
    const gh = await startFakeGitHub();
    gh.world.addRepository('docker-library/python');
    const hub = await startFakeHub();
    const f = await startFeedbackApp({ dbFile: join(dir, 'bot.sqlite3'), gh, hub });
    try {
      const reply = await f.say('feedback python the image fails to start on arm64 with an illegal instruction', { account: 'alice' });
      await f.say(`confirm ${codeIn(reply)}`, { account: 'alice' });
      const text = await f.app.metrics.render();
      expect(text).toMatch(/^doibot_feedback_total\{outcome="filed"\} 1$/m);
    } finally {
      await f.close();
      await gh.close();
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('adds the reconnects adapters report, once each', async () => {
    let reconnects = 0;
    const status = (): AdapterStatus[] => [{ platform: 'irc', connected: true, reconnects }];
    const metrics = createMetrics({ version: 't', adapters: status, sources: () => [], now: () => 0 });
    expect(await metrics.render()).not.toMatch(/^doibot_adapter_reconnects_total\{/m);
    reconnects = 2;
    expect(await metrics.render()).toMatch(/^doibot_adapter_reconnects_total\{platform="irc"\} 2$/m);
    expect(await metrics.render()).toMatch(/^doibot_adapter_reconnects_total\{platform="irc"\} 2$/m);
    reconnects = 3;
    expect(await metrics.render()).toMatch(/^doibot_adapter_reconnects_total\{platform="irc"\} 3$/m);
    metrics.close();
  });
});
