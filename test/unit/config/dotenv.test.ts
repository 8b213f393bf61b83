import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDotEnv } from '../../../src/config/dotenv.js';
import { ConfigError } from '../../../src/core/errors.js';

const read = (p: string) => readFileSync(p, 'utf8');

describe('.env file', () => {
  it('adds its variables; the real environment wins, even when empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-dotenv-'));
    writeFileSync(join(dir, '.env'), '# comment\nIRC_HOST=irc.example.org\nIRC_NICK=filebot\nDOIBOT_HTTP_PORT=8080\nIRC_CHANNELS="#a,#b key"\n');
    const { env, dotEnvFile } = withDotEnv({ IRC_NICK: 'envbot', DOIBOT_HTTP_PORT: '', PATH: '/bin' }, join(dir, '.env'), read);
    expect(dotEnvFile).toBe(join(dir, '.env'));
    expect(env).toEqual({ IRC_HOST: 'irc.example.org', IRC_NICK: 'envbot', DOIBOT_HTTP_PORT: '', IRC_CHANNELS: '#a,#b key', PATH: '/bin' });
  });

  it('is optional, but one that cannot be read is a configuration error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-dotenv-'));
    const processEnv = { A: '1' };
    expect(withDotEnv(processEnv, join(dir, '.env'), read)).toEqual({ env: processEnv, dotEnvFile: undefined });
    mkdirSync(join(dir, 'sub', '.env'), { recursive: true });
    expect(() => withDotEnv(processEnv, join(dir, 'sub', '.env'), read)).toThrow(ConfigError);
    expect(() => withDotEnv(processEnv, join(dir, 'sub', '.env'), read)).toThrow(/\.env: cannot read the \.env file: EISDIR/);
  });
});
