/**
 * Docker Content Trust retirement facts, from assets/knowledge/dct.json (dates with their sources
 * and a last-reviewed date), so answers about signing change with the data, not the code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, errorMessage } from '../core/errors.js';
import { projectRoot } from '../paths.js';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date');

const dctSchema = z.object({
  $comment: z.string().optional(),
  lastReviewed: day,
  sources: z.array(z.url({ protocol: /^https$/ })).min(1),
  certificatesExpireFrom: day,
  notaryShutdown: day,
  alternatives: z.array(z.string().min(1)).min(1),
  roadmapIssue: z.url({ protocol: /^https$/ }),
});

export type DctFacts = z.infer<typeof dctSchema>;

export function loadDctFacts(file = join(projectRoot(), 'assets', 'knowledge', 'dct.json')): DctFacts {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`${file}: ${errorMessage(err)}`]);
  }
  const parsed = dctSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError([`${file}: ${issue.path.join('.') || '(root)'} ${issue.message}`]);
  }
  return parsed.data;
}

/** Midnight UTC of a YYYY-MM-DD day, in ms. */
export function dayStart(isoDay: string): number {
  return Date.parse(`${isoDay}T00:00:00Z`);
}

/** Where DCT stands at `now`: one sentence, true before and after the Notary shutdown. */
export function dctStatus(facts: DctFacts, now: number): string {
  const notary = notaryClause(facts, now);
  return (
    `Docker Content Trust is retired for official images: their DCT signing certificates began expiring on ` +
    `${facts.certificatesExpireFrom}, pulls with DOCKER_CONTENT_TRUST=1 fail (unset it) and ${notary}.`
  );
}

/** The same facts in one clause, for answers that must fit a chat line. */
export function dctBrief(facts: DctFacts, now: number): string {
  return `DCT retired: signing certificates expiring since ${facts.certificatesExpireFrom}, DOCKER_CONTENT_TRUST=1 pulls fail (unset it), ${notaryClause(facts, now)}`;
}

function notaryClause(facts: DctFacts, now: number): string {
  return dayStart(facts.notaryShutdown) <= now
    ? `notary.docker.io was shut down on ${facts.notaryShutdown}`
    : `notary.docker.io shuts down on ${facts.notaryShutdown}`;
}
