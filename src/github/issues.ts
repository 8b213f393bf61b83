/**
 * The GitHub GraphQL documents feedback needs: the target repository (its id for createIssue,
 * whether it takes issues) plus a duplicate search; the marker search used before re-filing;
 * and createIssue. Every query selects rateLimit (the shared client insists).
 */
import type { GitHubClient } from './client.js';

export interface SimilarIssue {
  readonly number: number;
  readonly title: string;
  readonly url: string;
  readonly state: string;
}

export interface TargetInfo {
  /** null when GitHub has no such repository. */
  readonly repo: { readonly id: string; readonly nameWithOwner: string; readonly hasIssuesEnabled: boolean; readonly isArchived: boolean } | null;
  readonly similar: readonly SimilarIssue[];
  readonly similarCount: number;
}

const TARGET = `query FeedbackTarget($owner: String!, $name: String!, $q: String!) {
  repository(owner: $owner, name: $name) { id nameWithOwner hasIssuesEnabled isArchived }
  search(query: $q, type: ISSUE, first: 3) {
    issueCount
    nodes { ... on Issue { number title url state } }
  }
  rateLimit { cost remaining resetAt }
}`;

const MARKER = `query FeedbackMarker($owner: String!, $name: String!, $q: String!, $since: DateTime!) {
  search(query: $q, type: ISSUE, first: 5) {
    nodes { ... on Issue { number url body } }
  }
  repository(owner: $owner, name: $name) {
    issues(first: 50, orderBy: {field: CREATED_AT, direction: DESC}, filterBy: {since: $since}) {
      nodes { number url body }
    }
  }
  rateLimit { cost remaining resetAt }
}`;

const CREATE = `mutation FeedbackCreateIssue($input: CreateIssueInput!) {
  createIssue(input: $input) { issue { number url } }
}`;

/** Words too common to help find duplicates. */
const STOP = new Set(
  'the and for with that this from have has not but are was were when what which while into onto does doesnt dont cant cannot will would should could there their they them then than image images docker container containers tag tags version latest please help issue problem error fails failing failed broken work works working using use used after before about just also some any'.split(' '),
);

/** Up to four distinctive words of the title, as GitHub search terms (no qualifiers can slip in). */
export function searchTerms(title: string): string[] {
  const words = title
    .toLowerCase()
    .split(/[^a-z0-9._+-]+/)
    .map((w) => w.replace(/^[._+-]+|[._+-]+$/g, ''))
    .filter((w) => w.length >= 3 && !STOP.has(w) && /^[a-z0-9][a-z0-9._+-]*$/.test(w));
  const unique = [...new Set(words)];
  // Longer words are usually the distinctive ones (package names, error codes).
  const chosen = new Set([...unique].sort((a, b) => b.length - a.length).slice(0, 4));
  return unique.filter((w) => chosen.has(w));
}

function split(repo: string): { owner: string; name: string } {
  const [owner = '', name = ''] = repo.split('/');
  return { owner, name };
}

export async function lookupTarget(gh: GitHubClient, repo: string, title: string): Promise<TargetInfo> {
  const terms = searchTerms(title);
  const q = `repo:${repo} is:issue ${terms.join(' ')}`.trim();
  const data = await gh.query<{
    repository: { id: string; nameWithOwner: string; hasIssuesEnabled: boolean; isArchived: boolean } | null;
    search: { issueCount: number; nodes: Array<Partial<SimilarIssue> | null> };
  }>(TARGET, { ...split(repo), q }, { allowNotFound: true });
  // With no usable words the search would list the repo's newest issues: not "similar".
  const nodes = terms.length ? (data.search?.nodes ?? []) : [];
  const similar = nodes
    .filter((n): n is SimilarIssue => !!n && typeof n.number === 'number' && typeof n.url === 'string')
    .map((n) => ({ number: n.number, title: String(n.title ?? ''), url: n.url, state: String(n.state ?? '') }));
  return { repo: data.repository ?? null, similar, similarCount: terms.length ? (data.search?.issueCount ?? 0) : 0 };
}

/**
 * An issue already carrying the report's marker: the search index (which can lag) and the
 * repository's newest issues since the report was confirmed (which does not).
 */
export async function findByMarker(gh: GitHubClient, repo: string, reportId: string, since: number): Promise<{ number: number; url: string } | undefined> {
  const marker = `doi-bot-report: ${reportId}`;
  const data = await gh.query<{
    search: { nodes: Array<{ number?: number; url?: string; body?: string } | null> };
    repository: { issues: { nodes: Array<{ number: number; url: string; body: string } | null> } } | null;
  }>(MARKER, { ...split(repo), q: `repo:${repo} is:issue in:body "${marker}"`, since: new Date(since).toISOString() }, { allowNotFound: true });
  const candidates = [...(data.search?.nodes ?? []), ...(data.repository?.issues.nodes ?? [])];
  const hit = candidates.find((n) => n && typeof n.body === 'string' && n.body.includes(`<!-- ${marker} -->`) && typeof n.number === 'number' && typeof n.url === 'string');
  return hit ? { number: hit.number!, url: hit.url! } : undefined;
}

export async function createIssue(gh: GitHubClient, input: { repositoryId: string; title: string; body: string; clientMutationId: string }): Promise<{ number: number; url: string }> {
  const data = await gh.mutate<{ createIssue: { issue: { number: number; url: string } | null } | null }>(CREATE, { input });
  const issue = data.createIssue?.issue;
  if (!issue) throw new Error('createIssue returned no issue');
  return issue;
}
