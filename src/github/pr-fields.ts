/**
 * The PR fields every PR query selects, written once: the GraphQL fragments and the zod shapes of
 * what they return. The poll (pr-poll.ts), the PR lookups (pr-queries.ts) and the proposals
 * query (proposal-queries.ts) spread these fragments and extend these shapes, so a field added
 * here is selected and validated everywhere. Field names are GitHub's (octokit/graphql-schema).
 */
import { z } from 'zod';

/** What the poller (and so every stored PR snapshot) knows about a PR; `pr <n>` adds to it. */
export const PR_POLL_FIELDS = /* GraphQL */ `
  fragment DoiBotPollPrFields on PullRequest {
    number
    title
    url
    isDraft
    state
    createdAt
    updatedAt
    mergedAt
    closedAt
    headRefOid
    changedFiles
    additions
    deletions
    author { login }
    labels(first: 20) { nodes { name } }
    latestReviews(first: 10) { nodes { id state submittedAt author { login } } }
    statusCheckRollup {
      state
      contexts(first: 30) {
        nodes {
          __typename
          ... on CheckRun { name conclusion }
          ... on StatusContext { context state }
        }
      }
    }
    files(first: 100) { nodes { path changeType } }
  }
`;

/** The PR fields the event poller reads, plus what `pr <n>` shows on top. */
export const PR_DETAIL_FIELDS = /* GraphQL */ `
  fragment DoiBotPrFields on PullRequest {
    ...DoiBotPollPrFields
    reviewDecision
    latestReviews(first: 10) { nodes { commit { oid } } }
  }
  ${PR_POLL_FIELDS}
`;

/** The `rateLimit { cost remaining resetAt }` every document selects. */
export const rateLimitWire = z.object({ cost: z.number(), remaining: z.number(), resetAt: z.string() }).nullish();

/** A GraphQL connection's `nodes`, where GitHub may return null for the list and for each node. */
export function nodesOf<T extends z.ZodType>(node: T) {
  return z.object({ nodes: z.array(node.nullable()).nullish() }).nullish();
}

// A deleted account shows as null ("ghost").
const authorWire = z.object({ login: z.string() }).nullish();

const reviewWire = z.object({
  id: z.string(),
  state: z.enum(['APPROVED', 'CHANGES_REQUESTED', 'COMMENTED', 'DISMISSED', 'PENDING']),
  submittedAt: z.string().nullish(),
  author: authorWire,
});

/** One PR as DoiBotPollPrFields selects it. */
export const prNodeWire = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  url: z.string(),
  isDraft: z.boolean(),
  state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
  createdAt: z.string(),
  updatedAt: z.string(),
  mergedAt: z.string().nullish(),
  closedAt: z.string().nullish(),
  headRefOid: z.string(),
  changedFiles: z.number().int().nonnegative(),
  additions: z.number().int().nonnegative(),
  deletions: z.number().int().nonnegative(),
  author: authorWire,
  labels: nodesOf(z.object({ name: z.string() })),
  latestReviews: nodesOf(reviewWire),
  statusCheckRollup: z
    .object({
      state: z.enum(['SUCCESS', 'FAILURE', 'PENDING', 'ERROR', 'EXPECTED']),
      contexts: nodesOf(
        z.object({
          __typename: z.string(),
          name: z.string().optional(),
          conclusion: z.string().nullish(),
          context: z.string().optional(),
          state: z.string().optional(),
        }),
      ),
    })
    .nullish(),
  files: nodesOf(z.object({ path: z.string(), changeType: z.string().nullish() })),
});
export type PrNodeWire = z.infer<typeof prNodeWire>;

/** One PR as DoiBotPrFields selects it (mergeable and mergeStateStatus come from PR_QUERY alone). */
export const prDetailWire = prNodeWire.extend({
  reviewDecision: z.string().nullish(),
  latestReviews: nodesOf(reviewWire.extend({ commit: z.object({ oid: z.string() }).nullish() })),
  mergeable: z.string().nullish(),
  mergeStateStatus: z.string().nullish(),
});
export type PrDetailWire = z.infer<typeof prDetailWire>;
