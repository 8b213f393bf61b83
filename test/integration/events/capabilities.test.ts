/**
 * The core asks what a platform can do, never its name: PR cards go to channels whose adapter
 * declares editable messages, and Delivery refuses an edit to an adapter that cannot edit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryAdapter } from '../../../adapters/memory/memory-adapter.js';
import { PLAIN_CAPABILITIES, type AdapterCapabilities } from '../../../src/core/chat.js';
import { systemClock } from '../../../src/core/clock.js';
import type { PrSnapshot } from '../../../src/core/events.js';
import { UpstreamError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/log.js';
import { rt } from '../../../src/core/richtext.js';
import { EventPipeline } from '../../../src/events/pipeline.js';
import { Delivery } from '../../../src/outbox/replies.js';
import { projectRoot } from '../../../src/paths.js';
import { openDatabase } from '../../../src/store/db.js';
import { migrate, readMigrations } from '../../../src/store/migrate.js';
import { SubscriptionStore } from '../../../src/subscriptions/store.js';

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.reverse()) c();
  cleanup = [];
});

function snapshot(n: number): PrSnapshot {
  return {
    repo: 'docker-library/official-images', number: n, title: `Update image${n}`, url: `https://github.com/docker-library/official-images/pull/${n}`,
    author: 'bot', state: 'OPEN', isDraft: false, createdAt: 4e12, updatedAt: 4e12, headOid: `h${n}`, labels: [], images: ['python'],
    changedFiles: 1, additions: 1, deletions: 1, reviews: [], checks: 'PENDING', failingChecks: [], libraryFiles: ['library/python'],
  };
}

describe('capabilities, not platform names', () => {
  it('renders a PR card only for channels whose adapter declares editable cards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-caps-'));
    const db = openDatabase(join(dir, 'bot.sqlite3'));
    cleanup.push(() => (db.close(), rmSync(dir, { recursive: true, force: true })));
    migrate(db, readMigrations(join(projectRoot(), 'migrations')));
    const subs = new SubscriptionStore(db);
    subs.seed(['memory:#cards', 'memory:#lines', 'slack:C1'].map((channel) => ({ channel, images: ['*'], events: ['*'], mode: 'every' as const })), Date.now());
    // A made-up platform that edits (memory:#cards), and a Slack channel whose adapter says it cannot.
    const caps: Record<string, AdapterCapabilities> = {
      'memory:#cards': { ...PLAIN_CAPABILITIES, editableCards: true },
      'memory:#lines': PLAIN_CAPABILITIES,
      'slack:C1': PLAIN_CAPABILITIES,
    };
    const pipeline = new EventPipeline({ db, subscriptions: subs, clock: systemClock, log: silentLogger(), capabilitiesOf: (c) => caps[c] });
    pipeline.commitPrTick('test', [], '0');
    pipeline.commitPrTick('test', [snapshot(1)], '1');
    expect(pipeline.outbox.head('memory:#cards')?.card).not.toBeNull();
    expect(pipeline.outbox.head('memory:#lines')?.card).toBeNull();
    expect(pipeline.outbox.head('slack:C1')?.card).toBeNull();
  });

  it('Delivery refuses to edit a message on a platform that cannot edit, and passes edits to one that can', async () => {
    const irc = new MemoryAdapter('irc');
    const slack = new MemoryAdapter('slack');
    const delivery = new Delivery([irc, slack], silentLogger(), systemClock);
    const body = rt.of('PR #1 merged');
    const refused = delivery.sendOnce({ channel: 'irc:#a', body, kind: 'announcement', updateRef: 'ref1' });
    await expect(refused).rejects.toThrow(UpstreamError);
    await expect(refused).rejects.toMatchObject({ code: 'delivery.not-editable', retryable: false });
    expect(irc.sent).toEqual([]);
    await expect(delivery.sendOnce({ channel: 'slack:C1', body, kind: 'announcement', updateRef: 'ref1' })).resolves.toEqual({ ref: 'ref1' });
  });
});
