import { describe, expect, it } from 'vitest';
import { dayStart, dctStatus, loadDctFacts } from '../../../src/knowledge/dct.js';

describe('DCT facts', () => {
  const facts = loadDctFacts();

  it('loads the bundled data with sources and a review date', () => {
    expect(facts.sources.length).toBeGreaterThan(0);
    expect(facts.lastReviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('speaks of the Notary shutdown in the future before the day and in the past from it on', () => {
    const shutdown = dayStart(facts.notaryShutdown);
    expect(dctStatus(facts, shutdown - 1)).toContain(`shuts down on ${facts.notaryShutdown}`);
    expect(dctStatus(facts, shutdown)).toContain(`was shut down on ${facts.notaryShutdown}`);
    expect(dctStatus(facts, shutdown + 86_400_000)).toContain('DOCKER_CONTENT_TRUST=1 fail');
  });
});
