/**
 * `when` on a real InspIRCd network with the fake GitHub and a slow fake Docker Hub: the answer
 * comes from the manifest and the PR without waiting for Hub (its facts are called pending), in
 * at most two channel lines with the PR link whole; the Hub lookup it did not wait for fills the
 * cache, so asking again shows where the version is on Docker Hub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../support/fake-github.js';
import { startFakeHub, type FakeHub } from '../../support/fake-hub.js';
import { IrcTestClient } from '../../support/irc-client.js';
import { askInChannel } from '../../support/irc-ask.js';
import { startBot, type BotHarness } from '../../support/irc-app.js';
import { failWithoutIrcServer, ircServerUsable, startIrcServer, type IrcServer } from '../../support/irc-server.js';

const ciFailure = failWithoutIrcServer();
if (ciFailure) it('needs InspIRCd and Atheme (CI=true)', () => expect.fail(ciFailure));

/** Longer than the bot used to wait for Hub in `when` (4 s), far longer than it waits now. */
const SLOW_HUB_MS = 3000;

describe.skipIf(!ircServerUsable('irc-when.test.ts'))('when over IRC with a slow Docker Hub', () => {
  let server: IrcServer;
  let gh: FakeGitHub;
  let hub: FakeHub;
  let bot: BotHarness;
  let alice: IrcTestClient;

  beforeAll(async () => {
    server = await startIrcServer();
    gh = await startFakeGitHub();
    hub = await startFakeHub();
    gh.world.addRepository('docker-library/official-images');
    gh.world.addRepository('docker-library/python', { files: { 'versions.json': JSON.stringify({ '3.14': { version: '3.14.8' } }) } });
    bot = await startBot({ server, github: gh, hubUrl: hub.url, irc: { channels: [{ name: '#docker-library' }] } });
    alice = await IrcTestClient.connect({ port: server.port, nick: 'alice' });
    await alice.join('#docker-library');
  }, 60_000);

  afterAll(async () => {
    await alice?.quit();
    await bot?.stop();
    await server?.stop();
    await gh?.close();
    await hub?.close();
  });

  const ask = (text: string): Promise<string[]> => askInChannel(alice, '#docker-library', text, { timeoutMs: 20_000 });

  it('answers from GitHub and the manifest at once, Hub pending, then Hub facts from the cache', { timeout: 60_000 }, async () => {
    const n = gh.world.openPr({ title: 'Update python to 3.14.8', files: ['library/python'], labels: ['library/python'] });
    gh.world.merge(n);
    hub.world.setTag('python', '3.14.8', { digest: `sha256:${'ab'.repeat(32)}`, images: [{ os: 'linux', architecture: 'amd64', digest: `sha256:${'1'.repeat(64)}` }] });
    hub.faults.delay(1, SLOW_HUB_MS);

    const first = await ask('!when python 3.14.8');
    expect(first).toHaveLength(2);
    expect(first[0]).toMatch(/^\x02python 3\.14\.8\x02: merged in official-images PR #\d+ \d+s ago; Docker Hub: pending \(slow to answer; ask again in a few seconds\), so whether it is built and pushed is unknown\./);
    expect(first.join('\n')).not.toContain('waiting for the build');
    expect(first[1]).toMatch(new RegExp(`^PR #${n} <https://github\\.com/docker-library/official-images/pull/${n}> merged `));

    // The lookup the answer did not wait for goes on and fills the cache.
    await new Promise((resolve) => setTimeout(resolve, SLOW_HUB_MS + 500));
    const second = await ask('!when python 3.14.8');
    expect(second).toHaveLength(2);
    expect(second[0]).toMatch(/^\x02python 3\.14\.8\x02: on Docker Hub .*digest sha256:abababababab/);
    expect(second[1]).toMatch(/^https:\/\/hub\.docker\.com\/_\/python\/tags\?name=3\.14\.8 · /);
  });

  it('pr and prs in a channel: state first in two lines; a long list ends with its count and the GitHub link', { timeout: 60_000 }, async () => {
    const numbers = Array.from({ length: 9 }, (_, i) => gh.world.openPr({ title: `Update node ${i}`, files: ['library/node'], labels: ['library/node'] }));
    gh.world.setChecks(numbers[0]!, 'failure');
    const pr = await ask(`!pr ${numbers[0]}`);
    expect(pr).toHaveLength(2);
    expect(pr[0]).toMatch(new RegExp(`^\x02#${numbers[0]}\x02 Update node 0: open · checks failing.* https://github\.com/docker-library/official-images/pull/${numbers[0]}$`));
    const prs = await ask('!prs node');
    expect(prs).toHaveLength(2);
    expect(prs[0]).toMatch(/^\x029 open PRs touching node\x02, newest activity first:$/);
    expect(prs[1]).toMatch(/^\(\d+ more lines: https:\/\/github\.com\/docker-library\/official-images\/pulls\?q=is%3Apr%20is%3Aopen%20label%3Alibrary%2Fnode%20sort%3Aupdated-desc\)$/);
  });
});
