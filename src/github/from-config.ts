import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { Config } from '../config/schema.js';
import { createGitHubClient, type GitHubClient } from './client.js';

/** The GitHub client config asks for: one when GITHUB_TOKEN is set, else undefined. */
export function githubClientFromConfig(config: Config, deps: { log: Logger; clock?: Clock }): GitHubClient | undefined {
  const token = config.github.token;
  if (!token) return undefined;
  return createGitHubClient({
    token,
    url: config.github.graphqlUrl,
    log: deps.log,
    commandPointsPerHour: config.github.commandPointsPerHour,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
}
