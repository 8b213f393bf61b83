/**
 * Local GitHub GraphQL and Docker Hub fakes seeded from assets/snapshot, for demos and manual
 * runs: `npx tsx scripts/fakes.ts [--github-port N] [--hub-port N]`, then start the bot with the
 * printed environment. Runs until Ctrl-C. Only listens on 127.0.0.1.
 */
import { join } from 'node:path';
import { projectRoot } from '../src/paths.js';
import { DEMO_HUB_IMAGES, startDemoFakes } from '../test/support/demo-fakes.js';

function portArg(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  if (i === -1) return undefined;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    process.stderr.write(`fakes: ${name} needs a port number (0-65535)\n`);
    process.exit(2);
  }
  return value;
}

if (process.argv.includes('--help')) {
  process.stdout.write('usage: npx tsx scripts/fakes.ts [--github-port N] [--hub-port N]\n');
  process.exit(0);
}
const githubPort = portArg('--github-port');
const hubPort = portArg('--hub-port');

const fakes = await startDemoFakes({
  snapshotDir: join(projectRoot(), 'assets', 'snapshot'),
  ...(githubPort !== undefined ? { githubPort } : {}),
  ...(hubPort !== undefined ? { hubPort } : {}),
});
process.stdout.write(
  [
    '# doi-bot upstream fakes are running (Ctrl-C stops them). Point the bot at them with:',
    ...Object.entries(fakes.env).map(([k, v]) => `${k}=${v}`),
    `# GitHub: ${fakes.github.world.repos.size} repositories from assets/snapshot, ${fakes.github.world.repo('docker-library/official-images').pulls.size} open pull requests`,
    `# Docker Hub: ${fakes.hubTags} tags of ${DEMO_HUB_IMAGES.join(', ')}`,
    '',
  ].join('\n'),
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stopping fakes\n');
  void fakes.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
