import type { Logger } from '../core/log.js';
import type { Config } from '../config/schema.js';
import type { GitHubClient } from '../github/client.js';
import { BundledSnapshotSource, DirectoryCatalogSource } from './dir-source.js';
import { GitHubCatalogSource } from './github-source.js';
import type { CatalogSource } from './source.js';

/** Points the catalog leaves to the PR poller (commands stop earlier, at the client's command reserve). */
const CATALOG_BUDGET_RESERVE = 200;

export interface CatalogSourceDeps {
  readonly log: Logger;
  /** The app's one GitHub client (one budget, one request queue); absent without GITHUB_TOKEN. */
  readonly github?: GitHubClient;
  /** Project root holding assets/snapshot (tests). */
  readonly root?: string;
}

/**
 * A GitHub client (GITHUB_TOKEN set) -> GitHub (GITHUB_GRAPHQL_URL); else DOIBOT_LIBRARY_DIR;
 * else the bundled snapshot (the contract in DESIGN.md section 8).
 */
export function chooseCatalogSource(config: Config, deps: CatalogSourceDeps): CatalogSource {
  const client = deps.github;
  if (client) {
    const { officialImagesRepo, docsRepo, graphqlUrl } = config.github;
    return new GitHubCatalogSource({
      client,
      officialImagesRepo,
      docsRepo,
      log: deps.log,
      minRemaining: CATALOG_BUDGET_RESERVE,
      detail: `${officialImagesRepo} + ${docsRepo} via ${new URL(graphqlUrl).host}`,
    });
  }
  if (config.catalog.libraryDir) return new DirectoryCatalogSource(config.catalog.libraryDir);
  return new BundledSnapshotSource(deps.root);
}
