/**
 * The one GraphQL document behind `proposals`: open official-images PRs labelled `new-image`
 * (GitHub search), plus the newest open PRs, which may add a library/ file before the labelling
 * workflow has run. Field names are GitHub's (octokit/graphql-schema); user input only ever
 * travels in variables.
 */
import { z } from 'zod';
import { PR_POLL_FIELDS, prNodeWire, rateLimitWire } from './pr-fields.js';

/** Labelled proposals read per query: the list is capped in chat anyway, the count is exact. */
export const LABELED_FIRST = 30;
/** Newest open PRs checked for an added library/ file the label has not caught up with. */
export const RECENT_FIRST = 10;

const PROPOSAL_FIELDS = /* GraphQL */ `
  fragment DoiBotProposalFields on PullRequest {
    ...DoiBotPollPrFields
    body
    reviews(last: 20) { nodes { authorAssociation submittedAt author { login } } }
    comments(last: 20) { nodes { authorAssociation createdAt author { login } } }
  }
  ${PR_POLL_FIELDS}
`;

export const PROPOSALS_QUERY = /* GraphQL */ `
  query DoiBotProposals($owner: String!, $name: String!, $labeled: String!, $first: Int!, $recent: Int!) {
    labeled: search(query: $labeled, type: ISSUE, first: $first) {
      issueCount
      nodes { __typename ...DoiBotProposalFields }
    }
    repository(owner: $owner, name: $name) {
      pullRequests(first: $recent, states: [OPEN], orderBy: { field: CREATED_AT, direction: DESC }) {
        nodes { ...DoiBotProposalFields }
      }
    }
    rateLimit { cost remaining resetAt }
  }
  ${PROPOSAL_FIELDS}
`;

/** A review or comment: who, in what role towards the repository, and when. */
const activityNode = z.object({
  authorAssociation: z.string(),
  author: z.object({ login: z.string() }).nullish(),
});
const reviewsWire = z.object({ nodes: z.array(activityNode.extend({ submittedAt: z.string().nullish() }).nullable()).nullish() }).nullish();
const commentsWire = z.object({ nodes: z.array(activityNode.extend({ createdAt: z.string() }).nullable()).nullish() }).nullish();

export const proposalNodeWire = prNodeWire.extend({
  body: z.string().nullish(),
  reviews: reviewsWire,
  comments: commentsWire,
});
export type ProposalNodeWire = z.infer<typeof proposalNodeWire>;

const searchNodeWire = z.union([proposalNodeWire.extend({ __typename: z.literal('PullRequest') }), z.object({ __typename: z.string() })]);

export const proposalsResponseWire = z.object({
  labeled: z.object({ issueCount: z.number().int(), nodes: z.array(searchNodeWire.nullable()).nullish() }),
  repository: z.object({ pullRequests: z.object({ nodes: z.array(proposalNodeWire.nullable()).nullish() }) }).nullish(),
  rateLimit: rateLimitWire,
});
export type ProposalsResponse = z.infer<typeof proposalsResponseWire>;
