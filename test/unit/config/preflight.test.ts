import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { preflightProblems } from '../../../src/config/preflight.js';

const configFrom = (env: Record<string, string>) => loadConfig({ env, argv: [], readFile: () => '' }).config;

describe('preflight: the configuration against this machine', () => {
  it('accepts existing files, a library checkout and a creatable database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-pre-'));
    for (const f of ['cert.pem', 'key.pem', 'ca.pem']) writeFileSync(join(dir, f), 'pem\n');
    mkdirSync(join(dir, 'checkout', 'library'), { recursive: true });
    const config = configFrom({
      IRC_HOST: 'irc.test',
      IRC_TLS_CERT: join(dir, 'cert.pem'),
      IRC_TLS_KEY: join(dir, 'key.pem'),
      IRC_TLS_CA: join(dir, 'ca.pem'),
      DOIBOT_LIBRARY_DIR: join(dir, 'checkout'),
      DOIBOT_DB: join(dir, 'not', 'yet', 'there.sqlite3'),
      DOIBOT_HTTP_PORT: '8080',
    });
    expect(preflightProblems(config, { checkConfig: true })).toEqual([]);
  });

  it('names each missing file, directory and unusable database path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-pre-'));
    mkdirSync(join(dir, 'empty-checkout'));
    writeFileSync(join(dir, 'a-file'), '');
    const config = configFrom({ IRC_HOST: 'irc.test', IRC_TLS_CA: join(dir, 'empty-checkout'), DOIBOT_LIBRARY_DIR: join(dir, 'empty-checkout'), DOIBOT_DB: dir });
    expect(preflightProblems(config, { checkConfig: true })).toEqual([
      `IRC_TLS_CA (irc.tlsCa): ${join(dir, 'empty-checkout')} is not a file`,
      expect.stringMatching(/^DOIBOT_LIBRARY_DIR \(catalog\.libraryDir\): .*empty-checkout has no library\/ directory/),
      expect.stringMatching(/^DOIBOT_DB \(db\): cannot open database .*: it is a directory/),
    ]);
    const under = configFrom({ DOIBOT_LIBRARY_DIR: join(dir, 'a-file'), DOIBOT_DB: join(dir, 'a-file', 'db.sqlite3') });
    expect(preflightProblems(under, { checkConfig: true })).toEqual([
      expect.stringMatching(/a-file is not a directory$/),
      expect.stringMatching(/^DOIBOT_DB \(db\): cannot open database .*a-file is not a directory/),
    ]);
    // At start a missing checkout is not fatal: the cached catalog answers (see status).
    expect(preflightProblems(under, { checkConfig: false })).toEqual([expect.stringMatching(/^DOIBOT_DB \(db\)/)]);
  });

  it('flags HTTP port 0 only for --check-config, and placeholders always, but never echoes a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-pre-'));
    const config = configFrom({
      DOIBOT_DB: join(dir, 'db.sqlite3'),
      DOIBOT_HTTP_PORT: '0',
      DOIBOT_MAINTAINERS: 'irc:tianon,irc:YOUR-ACCOUNT',
      IRC_HOST: 'irc.test',
      IRC_CHANNELS: '#your-channel',
      GITHUB_TOKEN: 'ghp_YOURxxxxsecret',
    });
    expect(preflightProblems(config, { checkConfig: false })).toEqual([
      'DOIBOT_MAINTAINERS (access.maintainers[1]): "irc:YOUR-ACCOUNT" is a placeholder value from the example; put in a real one or remove it',
      'IRC_CHANNELS (irc.channels[0].name): "#your-channel" is a placeholder value from the example; put in a real one or remove it',
    ]);
    const strict = preflightProblems(config, { checkConfig: true });
    expect(strict).toHaveLength(3);
    expect(strict[2]).toMatch(/^DOIBOT_HTTP_PORT \(http\.port\): 0 picks a random port/);
    expect(strict.join()).not.toMatch(/ghp_/);
  });
});
