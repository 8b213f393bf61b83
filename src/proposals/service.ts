/**
 * `proposals`: open new-image PRs of official-images, read with one GraphQL query and kept for
 * the poll interval, so a busy channel asking again and again costs GitHub nothing more.
 * Concurrent askers share one request; a failed request is not kept.
 */
import type { Clock } from '../core/clock.js';
import { UpstreamError, UserError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { splitRepo } from '../github/client.js';
import type { PrGraphQL } from '../prs/service.js';
import { LABELED_FIRST, PROPOSALS_QUERY, RECENT_FIRST, proposalsResponseWire } from '../github/proposal-queries.js';
import { NEW_IMAGE_LABEL, isProposal, toProposal, type Proposal } from './pure.js';

export interface ProposalListing {
  /** Oldest first: the queue order. */
  readonly proposals: readonly Proposal[];
  /** Open proposals GitHub counts (labelled ones plus newer unlabelled ones found here). */
  readonly total: number;
  /** Every open proposal is in `proposals` (false: the list was capped). */
  readonly complete: boolean;
  /** When GitHub was asked (ms). */
  readonly asOf: number;
  /** Where to see them all on GitHub. */
  readonly listUrl: string;
}

export interface ProposalServiceOptions {
  /** "docker-library/official-images" */
  readonly repo: string;
  /** Answers are reused for this long (the PR poll interval). */
  readonly pollSeconds: number;
  readonly clock: Clock;
  readonly log: Logger;
  readonly graphql?: PrGraphQL;
}

/** Commands keep this much GitHub budget back for the pollers. */
const COMMAND_RESERVE = 20;

export class ProposalService {
  readonly #o: ProposalServiceOptions;
  readonly #cache = new Map<string, { at: number; listing: Promise<ProposalListing> }>();

  constructor(opts: ProposalServiceOptions) {
    this.#o = opts;
  }

  get repo(): string {
    return this.#o.repo;
  }

  /** Every open new-image proposal GitHub lists (capped), oldest first. */
  list(): Promise<ProposalListing> {
    return this.#cached('');
  }

  /** The open proposal of one image (by the image it adds, else by its title), if any. */
  async find(name: string): Promise<{ proposal: Proposal | undefined; listing: ProposalListing }> {
    const wanted = name.toLowerCase();
    const pick = (l: ProposalListing) =>
      l.proposals.find((p) => p.image === wanted) ?? l.proposals.find((p) => p.title.toLowerCase().split(/[^a-z0-9._-]+/).includes(wanted));
    const listing = await this.list();
    const found = pick(listing);
    if (found || listing.complete) return { proposal: found, listing };
    // More proposals than one page: ask GitHub for this name only.
    const narrowed = await this.#cached(wanted);
    return { proposal: pick(narrowed), listing };
  }

  #cached(term: string): Promise<ProposalListing> {
    const now = this.#o.clock.now();
    const hit = this.#cache.get(term);
    if (hit && now - hit.at < this.#o.pollSeconds * 1000) return hit.listing;
    const listing = this.#fetch(term, now);
    this.#cache.set(term, { at: now, listing });
    // A failure is not an answer to keep: the next asker tries again.
    listing.catch(() => {
      if (this.#cache.get(term)?.listing === listing) this.#cache.delete(term);
    });
    for (const [key, entry] of this.#cache) if (now - entry.at >= this.#o.pollSeconds * 1000) this.#cache.delete(key);
    return listing;
  }

  async #fetch(term: string, now: number): Promise<ProposalListing> {
    const gql = this.#o.graphql;
    if (!gql) throw new UserError('proposals.no-github', 'I cannot list proposals: GitHub access is not configured here.');
    // The term only narrows a search; quotes would end the phrase early, so they go.
    const labeled = `repo:${this.#o.repo} is:pr is:open label:${NEW_IMAGE_LABEL} sort:created-asc${term ? ` "${term.replace(/"/g, '')}"` : ''}`;
    let data;
    try {
      data = proposalsResponseWire.parse(
        await gql.query<unknown>(PROPOSALS_QUERY, { ...splitRepo(this.#o.repo), labeled, first: LABELED_FIRST, recent: RECENT_FIRST }, { minRemaining: COMMAND_RESERVE }),
      );
    } catch (err) {
      this.#o.log.warn({ error: errorMessage(err) }, 'proposals query failed');
      if (err instanceof UpstreamError && err.userMessage) throw err;
      throw new UpstreamError('github.proposals', `proposals query failed: ${errorMessage(err).slice(0, 200)}`, {
        retryable: true,
        cause: err,
        userMessage: 'GitHub did not answer properly about proposals; try again in a minute.',
      });
    }
    const byNumber = new Map<number, Proposal>();
    for (const node of data.labeled.nodes ?? []) {
      if (node && 'number' in node) byNumber.set(node.number, toProposal(this.#o.repo, node));
    }
    let unlabeled = 0;
    for (const node of data.repository?.pullRequests.nodes ?? []) {
      if (!node || byNumber.has(node.number) || !isProposal(node)) continue;
      const proposal = toProposal(this.#o.repo, node);
      if (term && proposal.image !== term && !node.title.toLowerCase().includes(term)) continue;
      byNumber.set(node.number, proposal);
      if (!proposal.labeled) unlabeled++;
    }
    const proposals = [...byNumber.values()].sort((a, b) => a.createdAt - b.createdAt || a.number - b.number);
    const total = data.labeled.issueCount + unlabeled;
    return {
      proposals,
      total,
      complete: proposals.length >= total,
      asOf: now,
      listUrl: `https://github.com/${this.#o.repo}/pulls?q=${encodeURIComponent(`is:pr is:open label:${NEW_IMAGE_LABEL} sort:created-asc`)}`,
    };
  }
}
