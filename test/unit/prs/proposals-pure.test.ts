import { describe, expect, it } from 'vitest';
import { checklistOf, latestMaintainerActivity, parseProposalQuestion } from '../../../src/proposals/pure.js';

describe('parseProposalQuestion', () => {
  it('takes list questions in several phrasings', () => {
    for (const q of ['what new images are proposed?', 'which new images are proposed', 'any new image proposals?', 'proposals', 'show the new-image PRs', 'what are the proposals for new images?']) {
      expect(parseProposalQuestion(q), q).toEqual({ kind: 'list' });
    }
  });

  it('takes the status of one proposal', () => {
    expect(parseProposalQuestion('status of the foo proposal')).toEqual({ kind: 'one', name: 'foo' });
    expect(parseProposalQuestion("how's the Bar-DB new-image proposal going?")).toEqual({ kind: 'one', name: 'bar-db' });
    expect(parseProposalQuestion('any news on the proposal for baz?')).toEqual({ kind: 'one', name: 'baz' });
  });

  it('leaves how-to and catalog questions alone', () => {
    for (const q of ['how do I propose a new image?', 'how to propose an image', 'where do I propose a new official image?', 'what is python:3 right now?', 'does node:22 run on arm64?', 'proposed changes to python', 'status']) {
      expect(parseProposalQuestion(q), q).toBeUndefined();
    }
  });
});

describe('checklistOf', () => {
  it('counts ticked and open task items in a PR body, and nothing else', () => {
    expect(checklistOf('Checklist:\n- [x] a\n- [X] b\n  * [ ] c\n1. [ ] d\n- not a task\n[x] not a list item')).toEqual({ ticked: 2, total: 4 });
    expect(checklistOf(null)).toEqual({ ticked: 0, total: 0 });
  });
});

describe('latestMaintainerActivity', () => {
  it('takes the newest review or comment by a member, owner or collaborator', () => {
    const act = latestMaintainerActivity({
      reviews: { nodes: [{ authorAssociation: 'COLLABORATOR', submittedAt: '2026-01-02T00:00:00Z', author: { login: 'yosifkit' } }, null] },
      comments: {
        nodes: [
          { authorAssociation: 'MEMBER', createdAt: '2026-01-03T00:00:00Z', author: { login: 'tianon' } },
          { authorAssociation: 'NONE', createdAt: '2026-02-01T00:00:00Z', author: { login: 'passer-by' } },
          { authorAssociation: 'CONTRIBUTOR', createdAt: '2026-02-02T00:00:00Z', author: { login: 'author' } },
        ],
      },
    });
    expect(act).toEqual({ login: 'tianon', kind: 'comment', at: Date.parse('2026-01-03T00:00:00Z') });
    expect(latestMaintainerActivity({ reviews: null, comments: { nodes: [] } })).toBeUndefined();
  });
});
