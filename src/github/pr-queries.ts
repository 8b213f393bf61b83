/**
 * The GraphQL documents the PR commands send and the zod shapes of their answers. Field names
 * are GitHub's (octokit/graphql-schema). Every document selects rateLimit so the shared client
 * can keep the budget. User input only ever travels in variables, never in document text.
 */
import { z } from 'zod';
import { PR_DETAIL_FIELDS, prDetailWire, rateLimitWire } from './pr-fields.js';

export const PR_QUERY = /* GraphQL */ `
  query DoiBotPr($owner: String!, $name: String!, $number: Int!) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) {
        ...DoiBotPrFields
        mergeable
        mergeStateStatus
      }
    }
    rateLimit { cost remaining resetAt }
  }
  ${PR_DETAIL_FIELDS}
`;

/** Open PRs, newest activity first; `labels` narrows to one image ("library/python"). */
export const OPEN_PRS_QUERY = /* GraphQL */ `
  query DoiBotOpenPrs($owner: String!, $name: String!, $first: Int!, $labels: [String!]) {
    repository(owner: $owner, name: $name) {
      pullRequests(first: $first, states: [OPEN], labels: $labels, orderBy: { field: UPDATED_AT, direction: DESC }) {
        totalCount
        nodes { ...DoiBotPrFields }
      }
    }
    rateLimit { cost remaining resetAt }
  }
  ${PR_DETAIL_FIELDS}
`;

/**
 * PRs whose title, body or comments name a version (GitHub search also reads comments, where
 * the official-images "Diff for" bot comment lists the new tags); the last comments come along
 * so the diff comment can be checked here too.
 */
export const SEARCH_PRS_QUERY = /* GraphQL */ `
  query DoiBotSearchPrs($q: String!) {
    search(query: $q, type: ISSUE, first: 20) {
      issueCount
      nodes {
        __typename
        ... on PullRequest {
          ...DoiBotPrFields
          body
          comments(last: 10) { nodes { body isMinimized author { login } } }
        }
      }
    }
    rateLimit { cost remaining resetAt }
  }
  ${PR_DETAIL_FIELDS}
`;

/**
 * The image's own repository: versions.json (docker-library's convention) with its recent
 * history, plus the Dockerfiles the manifest builds (for repos without versions.json), each
 * with the last commit that touched it. Paths come in variables p0..pN.
 */
export function imageRepoQuery(paths: number): string {
  const vars = Array.from({ length: paths }, (_, i) => `, $p${i}: String!, $e${i}: String!`).join('');
  const files = Array.from(
    { length: paths },
    (_, i) => `f${i}: object(expression: $e${i}) { ... on Blob { text isTruncated } }`,
  ).join('\n      ');
  const histories = Array.from({ length: paths }, (_, i) => `h${i}: history(first: 1, path: $p${i}) { nodes { committedDate url } }`).join(
    '\n            ',
  );
  return /* GraphQL */ `
  query DoiBotImageRepo($owner: String!, $name: String!${vars}) {
    repository(owner: $owner, name: $name) {
      url
      defaultBranchRef {
        name
        target {
          ... on Commit {
            oid
            committedDate
            versions: history(first: 10, path: "versions.json") {
              nodes {
                oid
                committedDate
                url
                file(path: "versions.json") { object { ... on Blob { text isTruncated } } }
              }
            }
            ${histories}
          }
        }
      }
      ${files}
    }
    rateLimit { cost remaining resetAt }
  }`;
}

export const prResponseWire = z.object({
  repository: z.object({ pullRequest: prDetailWire.nullish() }).nullish(),
  rateLimit: rateLimitWire,
});

export const openPrsResponseWire = z.object({
  repository: z
    .object({
      pullRequests: z.object({ totalCount: z.number().int(), nodes: z.array(prDetailWire.nullable()) }),
    })
    .nullish(),
  rateLimit: rateLimitWire,
});

const searchNodeWire = z.union([
  prDetailWire.extend({
    __typename: z.literal('PullRequest'),
    body: z.string().nullish(),
    comments: z
      .object({
        nodes: z
          .array(z.object({ body: z.string(), isMinimized: z.boolean().nullish(), author: z.object({ login: z.string() }).nullish() }).nullable())
          .nullish(),
      })
      .nullish(),
  }),
  z.object({ __typename: z.string() }),
]);

export const searchPrsResponseWire = z.object({
  search: z.object({ issueCount: z.number().int(), nodes: z.array(searchNodeWire.nullable()).nullish() }),
  rateLimit: rateLimitWire,
});

const blobWire = z.object({ text: z.string().nullish(), isTruncated: z.boolean().nullish() }).nullish();
const historyWire = z.object({ nodes: z.array(z.object({ committedDate: z.string(), url: z.string() }).nullable()).nullish() }).nullish();

export const imageRepoResponseWire = z.object({
  repository: z
    .looseObject({
      url: z.string(),
      defaultBranchRef: z
        .object({
          name: z.string(),
          target: z
            .looseObject({
              oid: z.string().optional(),
              committedDate: z.string().optional(),
              versions: z
                .object({
                  nodes: z
                    .array(
                      z
                        .object({
                          oid: z.string(),
                          committedDate: z.string(),
                          url: z.string(),
                          file: z.object({ object: blobWire }).nullish(),
                        })
                        .nullable(),
                    )
                    .nullish(),
                })
                .nullish(),
            })
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
  rateLimit: rateLimitWire,
});

export const blobField = blobWire;
export const historyField = historyWire;
