/**
 * Both upstream fakes seeded from the bundled snapshot, the same way for demos
 * (scripts/fakes.ts), benchmarks and tests: GitHub holds official-images library/ and the docs
 * folders plus a few open pull requests; Docker Hub has every tag of a few images published on
 * every architecture their manifests list.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OFFICIAL_IMAGES, seedCatalogRepos, startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { startFakeHub, type FakeHub } from './fake-hub.js';
import { seedHubFromManifests } from './hub-seed.js';

export const DEMO_HUB_IMAGES = ['python', 'node', 'nginx', 'hello-world'] as const;

export interface DemoFakes {
  readonly github: FakeGitHub;
  readonly hub: FakeHub;
  readonly token: string;
  /** Lines for a shell or .env file pointing the bot at these fakes. */
  readonly env: Record<'GITHUB_TOKEN' | 'GITHUB_GRAPHQL_URL' | 'DOCKER_HUB_URL' | 'DOIBOT_ALLOW_INSECURE', string>;
  readonly hubTags: number;
  close(): Promise<void>;
}

export async function startDemoFakes(opts: { snapshotDir: string; githubPort?: number; hubPort?: number; token?: string; withPullRequests?: boolean }): Promise<DemoFakes> {
  // A fresh token per run: nothing to leak, and a bot pointed elsewhere cannot reuse it.
  const token = opts.token ?? `ghp_fake_${randomBytes(12).toString('hex')}`;
  const github = await startFakeGitHub({ token, ...(opts.githubPort !== undefined ? { port: opts.githubPort } : {}) });
  let hub: FakeHub | undefined;
  try {
    seedCatalogRepos(github.world, { libraryDir: join(opts.snapshotDir, 'library'), docsDir: join(opts.snapshotDir, 'docs') });
    if (opts.withPullRequests ?? true) seedPullRequests(github);
    hub = await startFakeHub(opts.hubPort !== undefined ? { port: opts.hubPort } : {});
    const { date } = JSON.parse(readFileSync(join(opts.snapshotDir, 'snapshot.json'), 'utf8')) as { date: string };
    const publishedAt = new Date(Date.parse(date)).toISOString();
    const hubTags = seedHubFromManifests(hub.world, join(opts.snapshotDir, 'library'), DEMO_HUB_IMAGES, publishedAt);
    const started = hub;
    return {
      github,
      hub: started,
      token,
      hubTags,
      // The fakes speak plain http on 127.0.0.1; the bot refuses to send a token there without this.
      env: { GITHUB_TOKEN: token, GITHUB_GRAPHQL_URL: github.url, DOCKER_HUB_URL: started.url, DOIBOT_ALLOW_INSECURE: 'true' },
      async close() {
        await Promise.all([github.close(), started.close()]);
      },
    };
  } catch (err) {
    await Promise.all([github.close(), hub?.close()]);
    throw err;
  }
}

/** A few PRs in different states, so `pr`, `prs` and `queue` have something to show. */
function seedPullRequests(github: FakeGitHub): void {
  const w = github.world;
  const python = w.openPr({ title: 'Update python', body: 'Changes:\n\n- https://github.com/docker-library/python/commit/0000000: Update 3.14 to 3.14.1', files: ['library/python'], labels: ['library/python'] });
  w.setChecks(python, 'success');
  const nginx = w.openPr({ title: 'Updated nginx mainline to 1.31.4', author: 'thresheek', files: ['library/nginx'], labels: ['library/nginx'] });
  w.setChecks(nginx, 'failure');
  const node = w.openPr({ title: 'Update node', files: ['library/node'], labels: ['library/node'] });
  w.setChecks(node, 'success');
  w.review(node, { author: 'yosifkit', state: 'APPROVED' });
  w.openPr({ title: 'Add espocrm official image', author: 'espocrm-bot', isDraft: true, files: [{ path: 'library/espocrm', changeType: 'ADDED' }], labels: ['new-image'] });
  w.addIssue({ repo: OFFICIAL_IMAGES, title: 'How do I request a new architecture?', body: 'Is riscv64 planned for more images?' });
}
