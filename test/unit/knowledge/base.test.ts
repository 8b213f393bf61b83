import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import { ConfigError } from '../../../src/core/errors.js';
import { dayStart, dctStatus, loadDctFacts } from '../../../src/knowledge/dct.js';
import { ANSWER_MAX_BYTES, KnowledgeBase } from '../../../src/knowledge/base.js';
import { classify } from '../../../src/understand/classify.js';
import { PHRASINGS } from '../../support/knowledge-phrasings.js';
import { loadCorpus } from '../../support/question-corpus.js';

const kb = KnowledgeBase.fromFiles();
const dct = loadDctFacts();
const NOW = Date.parse('2026-12-03T12:00:00Z');


describe('the knowledge base', () => {
  it('loads the shipped entries: each with https sources, a review date and an answer that fits one line', () => {
    expect(kb.size).toBeGreaterThanOrEqual(10);
    expect(kb.lastReviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const id of Object.keys(PHRASINGS)) {
      const hit = kb.match(PHRASINGS[id]![0]!, NOW)!;
      expect(hit.sources.length, id).toBeGreaterThan(0);
      for (const s of hit.sources) expect(s).toMatch(/^https:\/\//);
      expect(Buffer.byteLength(hit.answer), id).toBeLessThanOrEqual(ANSWER_MAX_BYTES);
    }
  });

  it('matches every entry by at least two phrasings', () => {
    for (const [id, qs] of Object.entries(PHRASINGS)) {
      expect(qs.length, id).toBeGreaterThanOrEqual(2);
      for (const q of qs) expect(kb.match(q, NOW)?.id, q).toBe(id);
    }
  });

  it('gives the DCT answer from dct.json, right before and after the Notary shutdown', () => {
    const shutdown = dayStart(dct.notaryShutdown);
    const before = kb.match('docker content trust', shutdown - 1)!;
    const after = kb.match('docker content trust', shutdown + 86_400_000)!;
    expect(before.answer).toContain(`notary.docker.io shuts down on ${dct.notaryShutdown}`);
    expect(after.answer).toContain(`notary.docker.io was shut down on ${dct.notaryShutdown}`);
    expect(after.answer).toContain('DOCKER_CONTENT_TRUST=1 fail');
    expect(after.sources).toEqual(dct.sources);
  });

  it('answers "are official images signed?" with the DCT retirement first, then attestations, with both sets of sources', () => {
    const now = dayStart(dct.notaryShutdown) - 1;
    const signing = kb.match('are official images signed?', now)!;
    expect(signing.id).toBe('signing');
    expect(signing.answer.startsWith(dctStatus(dct, now))).toBe(true);
    expect(signing.answer).toContain('SBOM and provenance');
    expect(signing.sources).toEqual(expect.arrayContaining(['https://github.com/docker-library/faq/blob/master/SIGNING.md', ...dct.sources]));
  });

  it('rejects bad entries at start, naming them', () => {
    const entry = { id: 'x', match: [['word']], answer: 'a long enough answer', sources: ['https://example.org/'], lastReviewed: '2026-01-01' };
    const file = (e: object) => ({ lastReviewed: '2026-02-01', entries: [{ ...entry, ...e }] });
    const issues = (e: object) => {
      try {
        new KnowledgeBase(file(e), dct);
      } catch (err) {
        return (err as ConfigError).issues.join('\n');
      }
      return 'accepted';
    };
    expect(issues({})).toBe('accepted');
    expect(issues({ match: [['(a|b']] })).toMatch(/entries\.0\.match\.0\.0: alternatives are lower-case words/);
    expect(issues({ sources: ['http://example.org/'] })).toMatch(/entries\.0\.sources\.0: must be an https URL/);
    expect(issues({ sources: [] })).toMatch(/entries\.0\.sources: at least one source link/);
    expect(issues({ answer: 'x'.repeat(ANSWER_MAX_BYTES + 1) })).toMatch(/entries\.0\.answer: \d+ bytes, at most/);
    expect(issues({ lastReviewed: '2026-03-01' })).toMatch(/entries\.0\.lastReviewed: after the file's/);
    expect(issues({ answer: 'what {dct} says' })).toMatch(/\{dct\} needs "uses": "dct"/);
    expect(() => new KnowledgeBase({ lastReviewed: '2026-02-01', entries: [entry, entry] }, dct)).toThrow(/duplicate id "x"/);
  });
});

describe('the knowledge base and the question corpus', () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = Catalog.fromFiles((await new BundledSnapshotSource().fetch())!);
  });

  it('takes no catalog question: with the knowledge base, every other intent classifies as before', () => {
    const knowledge = (t: string) => kb.match(t, NOW) !== undefined;
    const changed = loadCorpus()
      .filter((e) => e.intent !== 'knowledge')
      .map((e) => ({ q: e.q, without: classify(e.q, catalog), with: classify(e.q, catalog, { knowledge }) }))
      .filter((r) => JSON.stringify(r.without) !== JSON.stringify(r.with) && r.without.intent !== 'unknown');
    expect(changed).toEqual([]);
  });

  it('classifies every phrasing as a knowledge (or reserved topic) question', () => {
    const knowledge = (t: string) => kb.match(t, NOW) !== undefined;
    for (const q of Object.values(PHRASINGS).flat()) {
      const u = classify(q, catalog, { knowledge });
      expect(['knowledge', 'trust', 'proposals', 'feedback-howto'], `${q}: ${u.intent}`).toContain(u.intent);
      expect(u.image, q).toBeUndefined();
    }
  });
});
