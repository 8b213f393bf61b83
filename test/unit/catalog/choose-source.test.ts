import { describe, expect, it } from 'vitest';
import { chooseCatalogSource } from '../../../src/catalog/choose-source.js';
import { githubClientFromConfig } from '../../../src/github/from-config.js';
import { BundledSnapshotSource, DirectoryCatalogSource } from '../../../src/catalog/dir-source.js';
import { GitHubCatalogSource } from '../../../src/catalog/github-source.js';
import { configSchema } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/core/log.js';

const log = silentLogger();

describe('chooseCatalogSource', () => {
  it('uses GitHub when there is a client (a token is set), naming the repos and the endpoint host', () => {
    const config = configSchema.parse({ allowInsecure: true, github: { token: 'ghp_x', graphqlUrl: 'http://127.0.0.1:9/graphql', officialImagesRepo: 'me/oi' }, catalog: { libraryDir: '/tmp/x' } });
    const source = chooseCatalogSource(config, { log, github: githubClientFromConfig(config, { log })! });
    expect(source).toBeInstanceOf(GitHubCatalogSource);
    expect(source.name).toBe('github');
    expect(source.detail).toBe('me/oi + docker-library/docs via 127.0.0.1:9');
    expect(source.detail).not.toContain('ghp_x');
  });

  it('uses the directory without a token, else the bundled snapshot', () => {
    expect(chooseCatalogSource(configSchema.parse({ catalog: { libraryDir: '/srv/doi' } }), { log })).toBeInstanceOf(DirectoryCatalogSource);
    expect(chooseCatalogSource(configSchema.parse({}), { log })).toBeInstanceOf(BundledSnapshotSource);
  });

  it('creates a GitHub client only when a token is set', () => {
    expect(githubClientFromConfig(configSchema.parse({}), { log })).toBeUndefined();
    expect(githubClientFromConfig(configSchema.parse({ github: { token: 't' } }), { log })?.budget()).toMatchObject({ requests: 0 });
  });
});
