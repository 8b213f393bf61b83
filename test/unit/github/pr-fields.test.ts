import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, specifiedRules, validate, type DocumentNode, type SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PR_DETAIL_FIELDS, PR_POLL_FIELDS, prDetailWire, prNodeWire } from '../../../src/github/pr-fields.js';
import { POLL_QUERY } from '../../../src/github/pr-poll.js';
import { OPEN_PRS_QUERY, PR_QUERY, SEARCH_PRS_QUERY } from '../../../src/github/pr-queries.js';
import { PROPOSALS_QUERY } from '../../../src/github/proposal-queries.js';
import { githubSchema } from '../../support/fake-github.js';

/** The field names a selection set asks for, fragment spreads followed (inline fragments on other types left out). */
function fieldNames(doc: DocumentNode, set: SelectionSetNode): Set<string> {
  const out = new Set<string>();
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) out.add(sel.name.value);
    else if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const frag = doc.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value);
      if (frag?.kind === Kind.FRAGMENT_DEFINITION) for (const n of fieldNames(doc, frag.selectionSet)) out.add(n);
    }
  }
  return out;
}

function fragment(doc: DocumentNode, name: string): SelectionSetNode {
  const frag = doc.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
  if (frag?.kind !== Kind.FRAGMENT_DEFINITION) throw new Error(`no fragment ${name}`);
  return frag.selectionSet;
}

const sorted = (names: Iterable<string>) => [...names].sort();

describe('PR fields (src/github/pr-fields.ts)', () => {
  const documents = { POLL_QUERY, PR_QUERY, OPEN_PRS_QUERY, SEARCH_PRS_QUERY, PROPOSALS_QUERY };

  it.each(Object.entries(documents))('%s is valid against GitHub schema and selects the shared fragment once', (_name, text) => {
    const doc = parse(text);
    expect(validate(githubSchema(), doc, specifiedRules).map((e) => e.message)).toEqual([]);
    expect(doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === 'DoiBotPollPrFields')).toHaveLength(1);
  });

  it('the zod shapes validate exactly the fields the fragments select', () => {
    const poll = parse(PR_POLL_FIELDS);
    expect(sorted(fieldNames(poll, fragment(poll, 'DoiBotPollPrFields')))).toEqual(sorted(Object.keys(prNodeWire.shape)));
    const detail = parse(PR_DETAIL_FIELDS);
    const pr = parse(PR_QUERY);
    const pullRequest = fieldNames(pr, fragment(detail, 'DoiBotPrFields'));
    // PR_QUERY alone adds the merge state on top of the fragment.
    expect(sorted([...pullRequest, 'mergeable', 'mergeStateStatus'])).toEqual(sorted(Object.keys(prDetailWire.shape)));
  });

  it('a review parsed as a detail keeps its commit; as a poll node it does not', () => {
    const node = {
      number: 1,
      title: 't',
      url: 'https://github.com/o/r/pull/1',
      isDraft: false,
      state: 'OPEN',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      headRefOid: 'abc',
      changedFiles: 1,
      additions: 1,
      deletions: 0,
      author: null,
      latestReviews: { nodes: [{ id: 'r1', state: 'APPROVED', submittedAt: '2026-01-01T00:00:00Z', author: { login: 'tianon' }, commit: { oid: 'abc' } }, null] },
    };
    expect(prDetailWire.parse(node).latestReviews?.nodes?.[0]?.commit?.oid).toBe('abc');
    expect(prNodeWire.parse(node).latestReviews?.nodes?.[0]).not.toHaveProperty('commit');
    expect(() => prNodeWire.parse({ ...node, latestReviews: { nodes: [{ id: 'r1', state: 'LGTM' }] } })).toThrow();
  });

  it('no other module of src/github/ writes the PR selection or its shape again', () => {
    const dir = 'src/github';
    const others = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'pr-fields.ts');
    // A selection ("latestReviews(first: 10)", a bare "headRefOid" line) or a zod key ("latestReviews: z...").
    const selectsOrShapes = /latestReviews\s*[(:]|statusCheckRollup\s*[{:]|^\s*headRefOid(?:\s*$|\s*:\s*z\.)/m;
    const repeating = others.filter((f) => selectsOrShapes.test(readFileSync(join(dir, f), 'utf8')));
    expect(repeating).toEqual([]);
  });
});
