/**
 * Canned answers for feedback that is a question rather than a bug ("my scanner reports
 * CVE-..."). Maintainers extend assets/feedback-answers.json; it is checked with zod when the
 * bot starts, so a bad pattern stops the start with the entry named instead of failing later.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.js';
import { projectRoot } from '../paths.js';

const pattern = z
  .string()
  .min(1)
  .max(500)
  .refine((p) => {
    try {
      new RegExp(p, 'iu');
      return true;
    } catch {
      return false;
    }
  }, 'is not a valid regular expression');

const answerSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a short lowercase id'),
  patterns: z.array(pattern).min(1),
  /** true: every pattern must match; default: any one. */
  all: z.boolean().default(false),
  answer: z.string().min(10).max(600),
  link: z.url({ protocol: /^https$/, error: 'must be an https URL' }),
});

const fileSchema = z.strictObject({
  $comment: z.string().optional(),
  answers: z.array(answerSchema),
});

export interface CannedAnswer {
  readonly id: string;
  readonly answer: string;
  readonly link: string;
}

export class FeedbackAnswers {
  readonly #entries: ReadonlyArray<CannedAnswer & { readonly res: readonly RegExp[]; readonly all: boolean }>;

  constructor(data: unknown, source = 'feedback answers') {
    const parsed = fileSchema.safeParse(data);
    if (!parsed.success) {
      throw new ConfigError(parsed.error.issues.map((i) => `${source}: ${i.path.join('.') || '(top)'}: ${i.message}`));
    }
    const ids = new Set<string>();
    this.#entries = parsed.data.answers.map((a, i) => {
      if (ids.has(a.id)) throw new ConfigError([`${source}: answers.${i}.id: duplicate id "${a.id}"`]);
      ids.add(a.id);
      return { id: a.id, answer: a.answer, link: a.link, all: a.all, res: a.patterns.map((p) => new RegExp(p, 'iu')) };
    });
  }

  static fromFile(file = join(projectRoot(), 'assets', 'feedback-answers.json')): FeedbackAnswers {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError([`${file}: ${errorMessage(err)}`], { cause: err });
    }
    return new FeedbackAnswers(data, file);
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The first entry whose patterns match the text. */
  match(text: string): CannedAnswer | undefined {
    // Bounded input keeps maintainer-written patterns cheap even on hostile text.
    const t = text.slice(0, 4000);
    const hit = this.#entries.find((e) => (e.all ? e.res.every((r) => r.test(t)) : e.res.some((r) => r.test(t))));
    return hit ? { id: hit.id, answer: hit.answer, link: hit.link } : undefined;
  }
}
