import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import { KnowledgeBase } from '../../../src/knowledge/base.js';
import { allCommands } from '../../../commands/index.js';
import { CommandRegistry } from '../../../src/dispatch/registry.js';
import { classify } from '../../../src/understand/classify.js';
import { describeMiss, loadCorpus, score, type CorpusEntry } from '../../support/question-corpus.js';

let catalog: Catalog;
let corpus: CorpusEntry[];

beforeAll(async () => {
  catalog = Catalog.fromFiles((await new BundledSnapshotSource().fetch())!);
  corpus = loadCorpus();
});

describe('the question corpus', () => {
  it('has at least 150 distinct questions covering every answerable intent', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    expect(new Set(corpus.map((e) => e.q)).size).toBe(corpus.length);
    const intents = new Set(corpus.map((e) => e.intent));
    for (const intent of ['image-info', 'tags', 'tag', 'arches', 'last-published', 'when', 'tag-gone', 'latest-version', 'deprecated', 'cve', 'pr', 'prs', 'queue', 'feedback-howto', 'help', 'mistyped-command', 'unknown']) {
      expect(intents, intent).toContain(intent);
    }
  });

  it('states facts that are true of the real manifests', () => {
    const wrong: string[] = [];
    for (const e of corpus) {
      const image = e.image === undefined ? undefined : catalog.image(e.image);
      if (e.image !== undefined && image?.name !== e.image) wrong.push(`${e.q}: no image ${e.image}`);
      if (image && e.tag !== undefined) {
        // A tag that went away must really be gone; every other tag must exist.
        const exists = catalog.tag(image.name, e.tag) !== undefined;
        if (exists === (e.intent === 'tag-gone')) wrong.push(`${e.q}: ${image.name}:${e.tag} ${exists ? 'still exists' : 'does not exist'}`);
      }
      if (image && e.arch !== undefined && e.tag !== undefined) {
        const info = catalog.tag(image.name, e.tag);
        if (info && !info.architectures.length) wrong.push(`${e.q}: no architectures`);
      }
      if (e.intent === 'deprecated' && image && e.q.includes('replace') && !image.deprecation) wrong.push(`${e.q}: ${image.name} is not deprecated`);
      if (e.intent === 'when' && image && e.version !== undefined && catalog.tag(image.name, e.version)) wrong.push(`${e.q}: ${e.version} is already a tag`);
    }
    expect(wrong).toEqual([]);
  });

  it('is classified with at least 95% accuracy and never about an unrelated image', () => {
    const kb = KnowledgeBase.fromFiles();
    const registry = new CommandRegistry(allCommands);
    const s = score(corpus, (q) => classify(q, catalog, { knowledge: (t) => kb.match(t, Date.now()) !== undefined, nearCommand: (w) => registry.suggest(w) }));
    const report = s.misses.map(describeMiss).join('\n');
    expect(s.unrelatedImage.map(describeMiss)).toEqual([]);
    expect(s.correct / s.total, `${s.correct}/${s.total} right; misses:\n${report}`).toBeGreaterThanOrEqual(0.95);
  });
});
