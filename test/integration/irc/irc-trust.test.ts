/**
 * `trust` on a real InspIRCd + Atheme network, with the registry answers from the local fake
 * registry: the answer is at most two channel lines, key fact first, and the digest to pin is
 * never cut across lines; free-form questions addressed by nick get the same answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeformHandlers } from '../../../commands/index.js';
import { IrcTestClient } from '../../support/irc-client.js';
import { askInChannel } from '../../support/irc-ask.js';
import { startBot, type BotHarness } from '../../support/irc-app.js';
import { failWithoutIrcServer, ircServerUsable, startIrcServer, type IrcServer } from '../../support/irc-server.js';
import { PYTHON_PLATFORMS, startFakeRegistry, type FakeRegistry } from '../../support/fake-registry.js';

const ciFailure = failWithoutIrcServer();
if (ciFailure) it('needs InspIRCd and Atheme (CI=true)', () => expect.fail(ciFailure));

describe.skipIf(!ircServerUsable('irc-trust.test.ts'))('trust over IRC', () => {
  let server: IrcServer;
  let registry: FakeRegistry;
  let bot: BotHarness;
  let alice: IrcTestClient;
  let digest: string;

  beforeAll(async () => {
    registry = await startFakeRegistry();
    digest = registry.world.image('python', '3.13', [...PYTHON_PLATFORMS, { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.4052' }], (p) =>
      p.os === 'windows' ? null : { sbom: true, provenance: true },
    );
    server = await startIrcServer();
    bot = await startBot({
      server,
      irc: { channels: [{ name: '#docker-library' }] },
      config: { registry: { url: registry.url, authUrl: registry.url } },
      hubUrl: 'http://127.0.0.1:9',
      freeform: freeformHandlers,
    });
    alice = await IrcTestClient.connect({ port: server.port, nick: 'alice' });
    await alice.join('#docker-library');
  });

  afterAll(async () => {
    await alice?.quit();
    await bot?.stop();
    await server?.stop();
    await registry?.close();
  });

  const ask = (text: string): Promise<string[]> => askInChannel(alice, '#docker-library', text);

  it('answers !trust in two channel lines: the key fact first, then inspect and the whole pin', async () => {
    const lines = await ask('!trust python:3.13');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\x02python:3\.13\x02: not signed; SBOM\+provenance on 8\/9 platforms; none on windows\/amd64\. DCT retired: /);
    expect(lines[1]).toContain(`pin: python:3.13@${digest}`);
  });

  it('answers "doibot: is python:3.13 signed?" the same way', async () => {
    const lines = await ask('doibot: is python:3.13 signed?');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('python:3.13\x02: not signed;');
    expect(lines[1]).toMatch(/^inspect: docker buildx imagetools inspect python:3\.13 --format '\{\{ json \.SBOM \}\}' \(or \.Provenance\); pin: /);
  });
});
