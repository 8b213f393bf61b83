/**
 * The DOI knowledge base (assets/knowledge/entries.json): general questions with a short answer,
 * sources and a review date, answered in chat and by `feedback`. Entries match by word groups,
 * not regular expressions: each phrasing is a list of groups that must all appear, each group a
 * few alternatives (a trailing * matches word beginnings). Matching is linear in the question's
 * length and nothing typed in chat is ever compiled. Checked at start: a bad entry stops the bot
 * with the entry named.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.js';
import { projectRoot } from '../paths.js';
import { dayStart, dctStatus, loadDctFacts, type DctFacts } from './dct.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date');
const https = z.url({ protocol: /^https$/, error: 'must be an https URL' });
const group = z
  .string()
  .min(1)
  .max(300)
  .refine((g) => g.split('|').every((alt) => /^[a-z0-9][a-z0-9 ._:/-]*\*?$|^--[a-z]+$/.test(alt)), 'alternatives are lower-case words or phrases split by |, optionally ending in *');

const entrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must be a short lowercase id'),
  match: z.array(z.array(group).min(1).max(5)).min(1),
  answer: z.string().min(10),
  /** "dct": the answer's {dct} is where Docker Content Trust stands, and dct.json's sources come along. */
  uses: z.literal('dct').optional(),
  sources: z.array(https),
  lastReviewed: day,
  /** `feedback` answers this instead of filing (unless --anyway). */
  feedback: z.boolean().default(false),
});

const fileSchema = z.strictObject({
  $comment: z.string().optional(),
  lastReviewed: day,
  entries: z.array(entrySchema).min(1),
});

/** Bytes one answer may take, so it stays one chat line (an IRC line holds about 400). */
export const ANSWER_MAX_BYTES = 330;

export interface KnowledgeAnswer {
  readonly id: string;
  /** One line, key fact first. */
  readonly answer: string;
  /** https links, at least one. */
  readonly sources: readonly string[];
}

interface Alternative {
  readonly text: string;
  readonly prefix: boolean;
}

interface Entry {
  readonly id: string;
  readonly phrasings: ReadonlyArray<ReadonlyArray<readonly Alternative[]>>;
  readonly answer: string;
  readonly usesDct: boolean;
  readonly sources: readonly string[];
  readonly feedback: boolean;
}

const MAX_QUESTION = 2000;

/** Lower-case words separated by single spaces; punctuation other than . : / - _ becomes space. */
function normalise(text: string): string {
  return text
    .slice(0, MAX_QUESTION)
    .toLowerCase()
    .replace(/[^a-z0-9._:/\- ]+/g, ' ')
    .replace(/(?:^|\s)[.:/_-]+|[.:/_-]+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `spaced` is the normalised question with a space at each end. */
function altMatches(alt: Alternative, spaced: string): boolean {
  return spaced.includes(alt.prefix ? ` ${alt.text}` : ` ${alt.text} `);
}

export class KnowledgeBase {
  readonly #entries: readonly Entry[];
  /** The Content Trust dates the `dct` entry and `trust` answers speak from. */
  readonly dct: DctFacts;
  /** The file's review date (YYYY-MM-DD). */
  readonly lastReviewed: string;

  constructor(data: unknown, dct: DctFacts, source = 'knowledge base') {
    const parsed = fileSchema.safeParse(data);
    if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${source}: ${i.path.join('.') || '(top)'}: ${i.message}`));
    const file = parsed.data;
    this.dct = dct;
    this.lastReviewed = file.lastReviewed;
    const issues: string[] = [];
    const ids = new Set<string>();
    this.#entries = file.entries.map((e, i) => {
      const at = `${source}: entries.${i}`;
      if (ids.has(e.id)) issues.push(`${at}.id: duplicate id "${e.id}"`);
      ids.add(e.id);
      if (dayStart(e.lastReviewed) > dayStart(file.lastReviewed)) issues.push(`${at}.lastReviewed: after the file's lastReviewed ${file.lastReviewed}`);
      if (e.uses !== 'dct' && e.answer.includes('{dct}')) issues.push(`${at}.answer: {dct} needs "uses": "dct"`);
      if (e.uses !== 'dct' && !e.sources.length) issues.push(`${at}.sources: at least one source link`);
      const entry: Entry = {
        id: e.id,
        phrasings: e.match.map((p) => p.map((g) => g.split('|').map((alt) => (alt.endsWith('*') ? { text: alt.slice(0, -1), prefix: true } : { text: alt, prefix: false })))),
        answer: e.answer,
        usesDct: e.uses === 'dct',
        sources: e.sources,
        feedback: e.feedback,
      };
      // The answer must fit one line both before and after the dates it speaks of.
      for (const now of [0, dayStart(dct.notaryShutdown)]) {
        const bytes = Buffer.byteLength(this.#answerText(entry, now), 'utf8');
        if (bytes > ANSWER_MAX_BYTES) issues.push(`${at}.answer: ${bytes} bytes, at most ${ANSWER_MAX_BYTES} (one chat line)`);
      }
      return entry;
    });
    if (issues.length) throw new ConfigError([...new Set(issues)]);
  }

  static fromFiles(file = join(projectRoot(), 'assets', 'knowledge', 'entries.json'), dct: DctFacts = loadDctFacts()): KnowledgeBase {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError([`${file}: ${errorMessage(err)}`], { cause: err });
    }
    return new KnowledgeBase(data, dct, file);
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The entry whose phrasing matches the most word groups (the most specific), if any. */
  match(text: string, now: number, opts: { feedbackOnly?: boolean } = {}): KnowledgeAnswer | undefined {
    const spaced = ` ${normalise(text)} `;
    let best: { entry: Entry; groups: number } | undefined;
    for (const entry of this.#entries) {
      if (opts.feedbackOnly && !entry.feedback) continue;
      for (const phrasing of entry.phrasings) {
        if (phrasing.length <= (best?.groups ?? 0)) continue;
        if (phrasing.every((alts) => alts.some((alt) => altMatches(alt, spaced)))) best = { entry, groups: phrasing.length };
      }
    }
    if (!best) return undefined;
    const e = best.entry;
    return { id: e.id, answer: this.#answerText(e, now), sources: e.usesDct ? [...e.sources, ...this.dct.sources] : e.sources };
  }

  /** What `feedback` uses: the entries marked for it, first link only. */
  forFeedback(clock: { now(): number }): { match(text: string): { id: string; answer: string; link: string } | undefined } {
    return {
      match: (text) => {
        const hit = this.match(text, clock.now(), { feedbackOnly: true });
        return hit ? { id: hit.id, answer: hit.answer, link: hit.sources[0]! } : undefined;
      },
    };
  }

  #answerText(entry: Entry, now: number): string {
    return entry.usesDct ? entry.answer.replace('{dct}', dctStatus(this.dct, now)) : entry.answer;
  }
}
