/**
 * The GraphQL documents the event poller sends, the zod shapes of their answers, and the pure
 * mapping to PrSnapshot. Field names are GitHub's (octokit/graphql-schema).
 */
import { z } from 'zod';
import type { ChecksState, PrReview, PrSnapshot } from '../core/events.js';
import { PR_POLL_FIELDS, prNodeWire, rateLimitWire, type PrNodeWire } from './pr-fields.js';

/** PRs per page: labels/reviews/contexts/files per PR make 1 + 4×25 = 101 connection requests, 1 point. */
export const PR_PAGE_SIZE = 25;
/** The first run pages through open PRs in bigger pages (2 points each). */
export const BASELINE_PAGE_SIZE = 50;

export const POLL_QUERY = /* GraphQL */ `
  query DoiBotPoll($owner: String!, $name: String!, $first: Int!, $after: String, $states: [PullRequestState!]) {
    repository(owner: $owner, name: $name) {
      pullRequests(first: $first, after: $after, states: $states, orderBy: { field: UPDATED_AT, direction: DESC }) {
        pageInfo { hasNextPage endCursor }
        nodes { ...DoiBotPollPrFields }
      }
      defaultBranchRef {
        target {
          ... on Commit {
            oid
            committedDate
            file(path: "library") {
              oid
              object { ... on Tree { entries { name oid type } } }
            }
          }
        }
      }
    }
    rateLimit { cost remaining resetAt }
  }
  ${PR_POLL_FIELDS}
`;

/**
 * File texts at given revisions ("<commit oid>:library/python") as b0, b1, ...: the manifest
 * before and after a change. Expressions go in variables, never into the document text.
 */
export function blobsQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$e${i}: String!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) => `b${i}: object(expression: $e${i}) { ... on Blob { text isTruncated } }`).join('\n      ');
  return `query DoiBotLibraryBlobs($owner: String!, $name: String!, ${vars}) {
    repository(owner: $owner, name: $name) {
      ${fields}
    }
    rateLimit { cost remaining resetAt }
  }`;
}

export const pollResponseWire = z.object({
  repository: z
    .object({
      pullRequests: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
        nodes: z.array(prNodeWire.nullable()),
      }),
      defaultBranchRef: z
        .object({
          target: z
            .object({
              oid: z.string().optional(),
              committedDate: z.string().optional(),
              file: z
                .object({
                  oid: z.string(),
                  object: z.object({ entries: z.array(z.object({ name: z.string(), oid: z.string(), type: z.string() })).optional() }).nullish(),
                })
                .nullish(),
            })
            .nullish(),
        })
        .nullish(),
    })
    .nullable(),
  rateLimit: rateLimitWire,
});
export type PollResponse = z.infer<typeof pollResponseWire>;

export const blobsResponseWire = z.object({
  repository: z.record(z.string(), z.object({ text: z.string().nullish(), isTruncated: z.boolean().optional() }).nullable()).nullable(),
  rateLimit: rateLimitWire,
});

const LIBRARY_PATH = /^library\/([a-z0-9][a-z0-9._-]*)$/;
const FAILED_CONCLUSIONS = new Set(['FAILURE', 'TIMED_OUT', 'CANCELLED', 'STARTUP_FAILURE', 'ACTION_REQUIRED']);
const FAILED_STATES = new Set(['FAILURE', 'ERROR']);

function ms(iso: string): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
}

function checksOf(rollup: PrNodeWire['statusCheckRollup']): { checks: ChecksState; failing: string[] } {
  if (!rollup) return { checks: 'NONE', failing: [] };
  const failing: string[] = [];
  for (const c of rollup.contexts?.nodes ?? []) {
    if (!c) continue;
    if (c.__typename === 'CheckRun' && c.conclusion && FAILED_CONCLUSIONS.has(c.conclusion)) failing.push(c.name ?? 'check');
    if (c.__typename === 'StatusContext' && c.state && FAILED_STATES.has(c.state)) failing.push(c.context ?? 'status');
  }
  const checks: ChecksState = rollup.state === 'SUCCESS' ? 'SUCCESS' : rollup.state === 'FAILURE' || rollup.state === 'ERROR' ? 'FAILURE' : 'PENDING';
  return { checks, failing: failing.slice(0, 5) };
}

/** Pure: one GraphQL PR node -> the snapshot the diff and renderers use. */
export function toSnapshot(repo: string, node: PrNodeWire): PrSnapshot {
  const labels = (node.labels?.nodes ?? []).flatMap((l) => (l ? [l.name] : []));
  const paths = (node.files?.nodes ?? []).flatMap((f) => (f ? [f.path] : []));
  const libraryFiles = paths.filter((p) => LIBRARY_PATH.test(p));
  const images = new Set<string>();
  for (const p of [...libraryFiles, ...labels]) {
    const m = LIBRARY_PATH.exec(p);
    if (m) images.add(m[1]!);
  }
  const reviews: PrReview[] = (node.latestReviews?.nodes ?? []).flatMap((r) =>
    r && r.submittedAt ? [{ id: r.id, state: r.state, author: r.author?.login ?? 'ghost', submittedAt: ms(r.submittedAt) }] : [],
  );
  const { checks, failing } = checksOf(node.statusCheckRollup);
  return {
    repo,
    number: node.number,
    title: node.title,
    url: node.url,
    author: node.author?.login ?? 'ghost',
    state: node.state,
    isDraft: node.isDraft,
    createdAt: ms(node.createdAt),
    updatedAt: ms(node.updatedAt),
    ...(node.mergedAt ? { mergedAt: ms(node.mergedAt) } : {}),
    ...(node.closedAt ? { closedAt: ms(node.closedAt) } : {}),
    headOid: node.headRefOid,
    labels,
    images: [...images].sort(),
    changedFiles: node.changedFiles,
    additions: node.additions,
    deletions: node.deletions,
    reviews,
    checks,
    failingChecks: failing,
    libraryFiles,
  };
}
