import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog, typoDistance } from '../../../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import { classify } from '../../../src/understand/classify.js';
import { INTENTS } from '../../../src/understand/types.js';
import { questionWords } from '../../../src/understand/words.js';

let catalog: Catalog;
beforeAll(async () => {
  catalog = Catalog.fromFiles((await new BundledSnapshotSource().fetch())!);
});

describe('question words', () => {
  it('drops the bot name at the start or the end, with a greeting, but not inside the question', () => {
    const texts = (q: string, names: string[] = []) => questionWords(q, names).map((w) => w.text).join(' ');
    expect(texts('doi-bot: which python tags?')).toBe('which python tags');
    expect(texts('hey @doi-bot, what is nginx')).toBe('what is nginx');
    expect(texts("what's the latest node, doi-bot?")).toBe("what's the latest node");
    expect(texts('Dockie: what is nginx', ['dockie'])).toBe('what is nginx');
    expect(texts('is doi-bot down')).toBe('is doi-bot down');
    expect(texts('hello there')).toBe('hello there');
  });

  it('repairs slips in keywords but never in image names', () => {
    expect(questionWords('lastest avaliable architecures').map((w) => w.text)).toEqual(['latest', 'available', 'architectures']);
    expect(questionWords('mageia', [], (w) => catalog.image(w) !== undefined).map((w) => w.text)).toEqual(['mageia']);
  });
});

describe('classify', () => {
  it('takes a generic name for the image only with evidence', () => {
    expect(classify('docker content trust', catalog)).toEqual({ intent: 'trust' });
    expect(classify('what are the docker tags?', catalog)).toEqual({ intent: 'tags', image: 'docker' });
    expect(classify('how do I write a unit test', catalog)).toEqual({ intent: 'unknown' });
    expect(classify('is unit deprecated?', catalog)).toEqual({ intent: 'deprecated', image: 'unit' });
    expect(classify('what is the alternative to notary', catalog)).toEqual({ intent: 'deprecated', image: 'notary' });
  });

  it('an unknown name:tag is reported as such, never matched to some other image', () => {
    expect(classify('is nosuchimage:1.0 on arm64?', catalog)).toEqual({ intent: 'unknown', unknownImage: 'nosuchimage' });
    expect(classify('meet at 10:30 for lunch?', catalog)).toEqual({ intent: 'unknown' });
  });

  it('never throws and only ever names catalog images, whatever the text', () => {
    const names = new Set(catalog.names());
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.constantFrom('', 'python', 'node:22', 'docker', 'alpine', 'arm64', '#12'), (noise, word) => {
        const u = classify(`${noise} ${word} ${noise}`, catalog);
        expect(INTENTS).toContain(u.intent);
        if (u.image !== undefined) expect(names.has(u.image)).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(classify('x'.repeat(100_000), catalog).intent).toBe('unknown');
    for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(() => classify(`is ${word} on arm64?`, catalog)).not.toThrow();
  });

  it('typo distance with a bound agrees with the unbounded one up to the bound', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.integer({ min: 0, max: 3 }), (a, b, max) => {
        expect(Math.min(typoDistance(a, b, max), max + 1)).toBe(Math.min(typoDistance(a, b), max + 1));
      }),
    );
  });
});
