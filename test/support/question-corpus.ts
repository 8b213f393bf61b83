/**
 * The question corpus (test/fixtures/questions/corpus.yaml): loading, validating and scoring a
 * classifier against it. Shared by the corpus test and bench/understand.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { isBashbrewArch } from '../../src/catalog/arch.js';
import { projectRoot } from '../../src/paths.js';
import { INTENTS, TAG_FILTERS, type Understood } from '../../src/understand/types.js';

const entrySchema = z.strictObject({
  q: z.string().min(1),
  intent: z.enum(INTENTS),
  image: z.string().optional(),
  tag: z.string().optional(),
  arch: z.string().refine(isBashbrewArch, 'not a bashbrew architecture').optional(),
  filter: z.enum(TAG_FILTERS).optional(),
  version: z.string().optional(),
  pr: z.number().int().positive().optional(),
  command: z.string().optional(),
});

export type CorpusEntry = z.infer<typeof entrySchema>;

export function loadCorpus(file = join(projectRoot(), 'test', 'fixtures', 'questions', 'corpus.yaml')): CorpusEntry[] {
  const parsed = z.strictObject({ questions: z.array(entrySchema).min(1) }).safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: questions.${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data.questions;
}

const FACTS = ['image', 'tag', 'arch', 'filter', 'version', 'pr', 'command'] as const;

export interface Miss {
  readonly entry: CorpusEntry;
  readonly got: Understood;
}

export interface Score {
  readonly total: number;
  readonly correct: number;
  /** Per expected intent: [correct, total]. */
  readonly perIntent: ReadonlyMap<string, readonly [number, number]>;
  readonly misses: readonly Miss[];
  /** Answers that name an image other than the one asked about (or any, when none was). */
  readonly unrelatedImage: readonly Miss[];
}

/** Right = same intent and exactly the expected facts (a fact the entry does not list must be absent). */
export function isRight(entry: CorpusEntry, got: Understood): boolean {
  return got.intent === entry.intent && FACTS.every((f) => String(got[f] ?? '') === String(entry[f] ?? ''));
}

export function score(corpus: readonly CorpusEntry[], classify: (q: string) => Understood): Score {
  const perIntent = new Map<string, [number, number]>();
  const misses: Miss[] = [];
  const unrelatedImage: Miss[] = [];
  let correct = 0;
  for (const entry of corpus) {
    const got = classify(entry.q);
    const counts = perIntent.get(entry.intent) ?? [0, 0];
    counts[1]++;
    if (isRight(entry, got)) {
      correct++;
      counts[0]++;
    } else misses.push({ entry, got });
    perIntent.set(entry.intent, counts);
    if (got.image !== undefined && got.image !== entry.image) unrelatedImage.push({ entry, got });
  }
  return { total: corpus.length, correct, perIntent, misses, unrelatedImage };
}

export function describeMiss(m: Miss): string {
  const want = Object.fromEntries(Object.entries(m.entry).filter(([k]) => k !== 'q'));
  return `${JSON.stringify(m.entry.q)}: expected ${JSON.stringify(want)}, got ${JSON.stringify(m.got)}`;
}
