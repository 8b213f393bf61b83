/**
 * PR lookups and "when will <image> <version> be available?" for the chat commands.
 *
 * Reads go through the shared GitHub client (one request at a time, budget-aware). Lists of
 * open PRs come from the announcement pipeline's stored snapshots while its poller is fresh,
 * which costs nothing; otherwise from a live query. `pr <n>` asks GitHub live (mergeability and
 * review commits are not in the snapshots) and falls back to the snapshot when GitHub fails.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../core/clock.js';
import { UpstreamError, UserError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { QueryOptions } from '../github/client.js';
import { HUB_WAIT_MS, type HubLookup, type HubTag } from '../hub/types.js';
import { bashbrewArchOf } from '../catalog/arch.js';
import type { Db } from '../store/db.js';
import { EventStore, githubSourceName, type StoredPr } from '../events/store.js';
import { PublishRunStore } from '../events/publish-store.js';
import { PipelineSampleStore } from './samples-store.js';
import {
  OPEN_PRS_QUERY,
  PR_QUERY,
  SEARCH_PRS_QUERY,
  blobField,
  historyField,
  imageRepoQuery,
  imageRepoResponseWire,
  openPrsResponseWire,
  prResponseWire,
  searchPrsResponseWire,
} from '../github/pr-queries.js';
import { detailFromSnapshot, detailFromWire, median, namesVersion } from './pure.js';
import { newerInLine } from '../catalog/versions.js';
import type { HubArchInfo, PrDetail, PrListing, QueueInfo, StepEstimate, WhenAnswer } from './types.js';

/** The part of the GitHub client used here (GitHubClient satisfies it). */
export interface PrGraphQL {
  query<T>(document: string, variables?: Readonly<Record<string, unknown>>, opts?: QueryOptions): Promise<T>;
}

export interface PrServiceOptions {
  readonly db: Db;
  /** "docker-library/official-images" */
  readonly repo: string;
  /** The events poller's interval: snapshots older than a few intervals are not trusted. */
  readonly pollSeconds: number;
  readonly clock: Clock;
  readonly log: Logger;
  readonly graphql?: PrGraphQL;
  readonly hub?: HubLookup;
  readonly catalog?: () => Promise<Catalog>;
  /** Longest wait for Docker Hub inside one answer (HUB_WAIT_MS, as the catalog answers). */
  readonly hubWaitMs?: number;
}

/** Enough for a chat answer; a longer list is capped and says so. */
const LIVE_OPEN_LIMIT = 50;
const MAX_REPO_FILES = 6;

export class PrService {
  readonly #o: PrServiceOptions;
  readonly #owner: string;
  readonly #name: string;
  readonly #events: EventStore;
  readonly #samples: PipelineSampleStore;
  readonly #publishRuns: PublishRunStore;

  constructor(opts: PrServiceOptions) {
    this.#o = opts;
    // The poller and the publish tracker write PR snapshots and publish runs; this only reads them.
    this.#events = new EventStore(opts.db);
    this.#samples = new PipelineSampleStore(opts.db);
    this.#publishRuns = new PublishRunStore(opts.db);
    const [owner = '', name = ''] = opts.repo.split('/');
    this.#owner = owner;
    this.#name = name;
  }

  get repo(): string {
    return this.#o.repo;
  }

  /** The poller stored a full, recent picture of open PRs. */
  snapshotsFresh(): boolean {
    const source = this.#events.source(githubSourceName(this.#o.repo));
    if (source.lastSuccessAt === undefined || source.baselineAt === undefined) return false;
    const window = Math.max(3 * this.#o.pollSeconds * 1000, 5 * 60_000);
    return this.#o.clock.now() - source.lastSuccessAt <= window;
  }

  snapshot(number: number): StoredPr | undefined {
    return this.#events.storedPr(this.#o.repo, number);
  }

  /** One PR in full; undefined when GitHub says there is no such PR. */
  async get(number: number): Promise<PrDetail | undefined> {
    const stored = this.snapshot(number);
    if (!this.#o.graphql) {
      if (stored) return detailFromSnapshot(stored.snap, stored.recordedAt);
      throw new UserError('pr.no-github', `I have no record of PR #${number}, and GitHub access is not configured here.`);
    }
    try {
      const data = prResponseWire.parse(
        await this.#o.graphql.query<unknown>(PR_QUERY, { owner: this.#owner, name: this.#name, number }, { allowNotFound: true }),
      );
      const node = data.repository?.pullRequest;
      return node ? detailFromWire(this.#o.repo, node) : undefined;
    } catch (err) {
      if (err instanceof UpstreamError && err.code === 'github.not_found') return undefined;
      // GitHub down or throttled: what the bot last saw beats no answer.
      if (stored) {
        this.#o.log.warn({ err, pr: number }, 'live PR lookup failed; answering from the stored snapshot');
        return detailFromSnapshot(stored.snap, stored.recordedAt);
      }
      throw this.#shapeError(err);
    }
  }

  /** Merged or closed, for notifications: from a fresh snapshot when there is one, else live. */
  async state(number: number): Promise<PrDetail | undefined> {
    const stored = this.snapshot(number);
    if (stored && this.snapshotsFresh()) return detailFromSnapshot(stored.snap, stored.recordedAt);
    return this.get(number);
  }

  /** Open PRs, optionally touching one image, newest activity first. */
  async open(image?: string): Promise<PrListing> {
    const now = this.#o.clock.now();
    if (this.snapshotsFresh() || !this.#o.graphql) {
      if (!this.#o.graphql && !this.#hasSnapshots()) {
        throw new UserError('pr.no-github', 'I have no PR data: GitHub access is not configured here.');
      }
      const prs = this.#events
        .storedPrs(this.#o.repo, { state: 'OPEN' })
        .map((r) => detailFromSnapshot(r.snap, r.recordedAt))
        .filter((p) => !image || p.images.includes(image))
        .sort((a, b) => b.updatedAt - a.updatedAt || b.number - a.number);
      return { prs, complete: true, source: 'snapshot', asOf: this.#lastPoll() ?? now };
    }
    try {
      const data = openPrsResponseWire.parse(
        await this.#o.graphql.query<unknown>(
          OPEN_PRS_QUERY,
          { owner: this.#owner, name: this.#name, first: LIVE_OPEN_LIMIT, ...(image ? { labels: [`library/${image}`] } : {}) },
        ),
      );
      const conn = data.repository?.pullRequests;
      if (!conn) throw new UpstreamError('github.no-repo', `repository ${this.#o.repo} not found`, { retryable: false, userMessage: `GitHub does not show ${this.#o.repo}.` });
      const prs = conn.nodes.flatMap((n) => (n ? [detailFromWire(this.#o.repo, n)] : []));
      return { prs, complete: conn.totalCount <= prs.length, source: 'live', asOf: now };
    } catch (err) {
      throw this.#shapeError(err);
    }
  }

  /** What waits on maintainers. */
  async queue(): Promise<QueueInfo> {
    const listing = await this.open();
    const open = listing.prs.filter((p) => !p.isDraft);
    const byAge = (a: PrDetail, b: PrDetail) => a.createdAt - b.createdAt;
    return {
      ready: open.filter((p) => p.checks === 'SUCCESS' && p.reviews.length === 0).sort(byAge),
      failing: open.filter((p) => p.checks === 'FAILURE').sort(byAge),
      openCount: listing.prs.length,
      source: listing.source,
      asOf: listing.asOf,
    };
  }

  // ---- when ----

  async when(imageName: string, version: string): Promise<WhenAnswer> {
    if (!this.#o.catalog) throw new UserError('catalog.unavailable', 'The image catalog is not available in this setup.');
    const catalog = await this.#o.catalog();
    const image = catalog.image(imageName);
    if (!image) {
      const hints = catalog.suggestImages(imageName);
      throw new UserError('when.unknown-image', `No official image "${imageName.slice(0, 60)}".${hints.length ? ` Did you mean ${hints.join(' or ')}?` : ''}`);
    }
    const [hub, pr, repo] = await Promise.all([this.#hubStep(catalog, image.name, version), this.#prStep(catalog, image.name, version), this.#repoStep(catalog, image.name, version)]);
    if (repo.kind === 'found' && repo.timing === 'first-seen' && repo.at !== undefined && pr.kind === 'pr' && pr.pr.createdAt >= repo.at) {
      this.#samples.recordRepoToPr(image.name, version, repo.at, pr.pr.createdAt, this.#o.clock.now());
    }
    const current = newerInLine([...image.tags, ...image.sharedTags], version);
    return { image: image.name, version, repo, pr, hub, estimates: this.estimates(image.name), ...(current !== undefined ? { current } : {}) };
  }

  /** Median delays the bot has observed for an image, with their sample counts. */
  estimates(image: string): StepEstimate[] {
    const repoToPr = this.#samples.repoToPrDelays(image, 50);
    const prToMerge = this.#events
      .storedPrs(this.#o.repo, { state: 'MERGED', limit: 500 })
      .map((r) => r.snap)
      .filter((s) => s.images.includes(image) && s.mergedAt !== undefined && s.mergedAt >= s.createdAt)
      .slice(0, 50)
      .map((s) => s.mergedAt! - s.createdAt);
    const mergeToPublish = this.#publishRuns.changeToPublishDelays(image, 50);
    const est = (step: StepEstimate['step'], values: number[]): StepEstimate => {
      const m = median(values);
      return { step, samples: values.length, ...(m !== undefined ? { medianMs: m } : {}) };
    };
    return [est('repo-to-pr', repoToPr), est('pr-to-merge', prToMerge), est('merge-to-publish', mergeToPublish)];
  }

  async #hubStep(catalog: Catalog, image: string, version: string): Promise<WhenAnswer['hub']> {
    const hub = this.#o.hub;
    if (!hub) return { kind: 'unchecked', why: 'Docker Hub is not configured' };
    const stop = new AbortController();
    let tag: HubTag | null;
    try {
      const answer = await Promise.race([hub.getTag(image, version, { maxAgeMs: 30_000 }), this.#o.clock.sleep(this.#o.hubWaitMs ?? HUB_WAIT_MS, stop.signal).then(() => 'slow' as const)]);
      // The manifest facts do not wait for a slow Hub; its lookup runs on and fills the cache.
      if (answer === 'slow') return { kind: 'pending' };
      tag = answer;
    } catch (err) {
      this.#o.log.warn({ image, version, error: errorMessage(err) }, 'Docker Hub lookup failed');
      return { kind: 'unchecked', why: 'Docker Hub is unreachable' };
    } finally {
      stop.abort();
    }
    if (!tag) return { kind: 'absent' };
    const info = catalog.tag(image, version);
    // A version not yet in the manifest replaces its line's entry (3.14.8 -> the "3.14" entry):
    // that entry's architectures are the ones to wait for.
    const line = info ?? lineTag(catalog, image, version);
    const arches: HubArchInfo[] = [];
    for (const img of tag.images) {
      const arch = bashbrewArchOf(img) ?? `${img.os}/${img.architecture}${img.variant ? `/${img.variant}` : ''}`;
      if (arches.some((a) => a.arch === arch)) continue;
      arches.push({ arch, ...(img.digest ? { digest: img.digest } : {}), ...(img.lastPushed !== undefined ? { pushedAt: img.lastPushed } : {}) });
    }
    const expected: readonly string[] = line?.architectures ?? [];
    const tags = info ? [...new Set(info.entries.flatMap((e) => [...e.tags, ...e.sharedTags]))].filter((t) => t !== version) : [];
    const pushedAt = tag.tagLastPushed ?? tag.lastUpdated;
    return {
      kind: 'published',
      tag: version,
      ...(tag.digest ? { digest: tag.digest } : {}),
      ...(pushedAt !== undefined ? { pushedAt } : {}),
      arches,
      pendingArches: expected.filter((a) => !arches.some((x) => x.arch === a)),
      tags,
    };
  }

  async #prStep(catalog: Catalog, image: string, version: string): Promise<WhenAnswer['pr']> {
    const info = catalog.tag(image, version);
    const inLibrary = info ? ({ kind: 'in-library', tags: [...new Set(info.entries.flatMap((e) => e.tags))] } as const) : undefined;
    const touches = (p: { images: readonly string[] }) => p.images.includes(image);
    // The bot's own record first: free, and it knows PRs GitHub search has not indexed yet.
    const stored = this.#events
      .storedPrs(this.#o.repo, { limit: 2000 })
      .filter(({ snap }) => touches(snap) && namesVersion(snap.title, version));
    const candidates: PrDetail[] = stored.map(({ snap, recordedAt }) => detailFromSnapshot(snap, recordedAt));
    let searchFailed: string | undefined;
    if (this.#o.graphql) {
      try {
        const q = `repo:${this.#o.repo} is:pr "${version.replace(/"/g, '')}" sort:updated-desc`;
        const data = searchPrsResponseWire.parse(await this.#o.graphql.query<unknown>(SEARCH_PRS_QUERY, { q }));
        for (const node of data.search.nodes ?? []) {
          if (!node || !('number' in node)) continue;
          const detail = detailFromWire(this.#o.repo, node);
          if (!touches(detail)) continue;
          // Only the current diff comment counts: older ones are minimized by the bot that posts them.
          const diffComments = (node.comments?.nodes ?? []).filter((c) => c && !c.isMinimized && /Diff for [0-9a-f]{7,40}/.test(c.body)).map((c) => c!.body);
          if (![detail.title, node.body ?? '', ...diffComments].some((t) => namesVersion(t, version))) continue;
          const i = candidates.findIndex((c) => c.number === detail.number);
          if (i >= 0) candidates[i] = detail;
          else candidates.push(detail);
        }
      } catch (err) {
        searchFailed = err instanceof UpstreamError && err.userMessage ? err.userMessage : 'GitHub search failed';
        this.#o.log.warn({ image, version, error: errorMessage(err) }, 'PR search failed');
      }
    }
    const rank = (p: PrDetail) => (p.state === 'MERGED' ? 0 : p.state === 'OPEN' ? 1 : 2);
    const best = candidates.sort((a, b) => rank(a) - rank(b) || b.updatedAt - a.updatedAt)[0];
    // A closed (unmerged) PR is only the answer when nothing better exists.
    if (best && !(best.state === 'CLOSED' && inLibrary)) return { kind: 'pr', pr: best };
    if (inLibrary) return inLibrary;
    if (searchFailed && !best) return { kind: 'unchecked', why: searchFailed };
    if (!this.#o.graphql && !best) return { kind: 'unchecked', why: 'GitHub access is not configured' };
    return { kind: 'none' };
  }

  async #repoStep(catalog: Catalog, image: string, version: string): Promise<WhenAnswer['repo']> {
    const info = catalog.image(image)!;
    const m = /^(?:https?|git):\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/i.exec(info.gitRepo ?? '');
    if (!m) return { kind: 'unchecked', why: info.gitRepo ? `its source repository is not on GitHub` : 'the manifest names no source repository' };
    if (!this.#o.graphql) return { kind: 'unchecked', why: 'GitHub access is not configured' };
    const [, owner, name] = m as unknown as [string, string, string];
    const repoName = `${owner}/${name}`;
    const sameRepo = info.entries.filter((e) => e.gitRepo.toLowerCase() === (info.gitRepo ?? '').toLowerCase());
    const paths = [...new Set(sameRepo.map((e) => (e.directory === '.' ? e.file : `${e.directory}/${e.file}`)))].slice(0, MAX_REPO_FILES);
    const vars: Record<string, unknown> = { owner, name };
    paths.forEach((p, i) => {
      vars[`p${i}`] = p;
      vars[`e${i}`] = `HEAD:${p}`;
    });
    let data;
    try {
      data = imageRepoResponseWire.parse(await this.#o.graphql.query<unknown>(imageRepoQuery(paths.length), vars, { allowNotFound: true }));
    } catch (err) {
      this.#o.log.warn({ image, repo: repoName, error: errorMessage(err) }, 'image repository lookup failed');
      return { kind: 'unchecked', why: err instanceof UpstreamError && err.userMessage ? err.userMessage : `GitHub did not answer for ${repoName}` };
    }
    const repo = data.repository;
    if (!repo) return { kind: 'unchecked', why: `GitHub does not show ${repoName}` };
    const target = repo.defaultBranchRef?.target;
    const checked: string[] = [];
    const history = (target?.versions?.nodes ?? []).flatMap((n) => (n ? [n] : []));
    if (history.length) {
      checked.push('versions.json');
      let first: (typeof history)[number] | undefined;
      let reachedEnd = true;
      for (const node of history) {
        if (namesVersion(node.file?.object?.text, version)) first = node;
        else {
          reachedEnd = false;
          break;
        }
      }
      if (first) {
        const at = Date.parse(first.committedDate);
        return {
          kind: 'found',
          repo: repoName,
          file: 'versions.json',
          ...(Number.isFinite(at) ? { at } : {}),
          timing: reachedEnd && history.length >= 10 ? 'at-least-since' : 'first-seen',
          url: `${repo.url}/blob/${repo.defaultBranchRef!.name}/versions.json`,
        };
      }
    }
    for (let i = 0; i < paths.length; i++) {
      const blob = blobField.safeParse(repo[`f${i}`]);
      if (!blob.success || !blob.data) continue;
      checked.push(paths[i]!);
      if (!namesVersion(blob.data.text, version)) continue;
      const hist = historyField.safeParse(target?.[`h${i}`]);
      const last = hist.success ? hist.data?.nodes?.[0] : undefined;
      const at = last ? Date.parse(last.committedDate) : NaN;
      return {
        kind: 'found',
        repo: repoName,
        file: paths[i]!,
        ...(Number.isFinite(at) ? { at } : {}),
        timing: 'last-changed',
        url: `${repo.url}/blob/${repo.defaultBranchRef?.name ?? 'HEAD'}/${paths[i]!}`,
      };
    }
    return { kind: 'absent', repo: repoName, checked };
  }

  #hasSnapshots(): boolean {
    return this.#events.hasStoredPrs(this.#o.repo);
  }

  #lastPoll(): number | undefined {
    return this.#events.source(githubSourceName(this.#o.repo)).lastSuccessAt;
  }

  /** GitHub answers we cannot read become an UpstreamError with a message for chat. */
  #shapeError(err: unknown): unknown {
    if (err instanceof UpstreamError && err.userMessage) return err;
    if (err instanceof UpstreamError) return new UpstreamError(err.code, err.message, { retryable: err.retryable, cause: err, userMessage: 'GitHub did not answer properly; try again in a minute.' });
    if (err instanceof Error && err.name === 'ZodError') {
      return new UpstreamError('github.shape', `GitHub answered in an unexpected shape: ${errorMessage(err).slice(0, 200)}`, { retryable: true, cause: err, userMessage: 'GitHub answered in a shape I do not understand; try again later.' });
    }
    return err;
  }
}

/** The catalog tag of a version's release line: 3.14.8 -> 3.14 -> 3. */
function lineTag(catalog: Catalog, image: string, version: string): ReturnType<Catalog['tag']> {
  const parts = version.split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const found = catalog.tag(image, parts.slice(0, n).join('.'));
    if (found) return found;
  }
  return undefined;
}
