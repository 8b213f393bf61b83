import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { IrcAdapter } from '../../../adapters/irc/irc-adapter.js';
import { configSchema } from '../../../src/config/schema.js';
import { ConfigError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/log.js';

const noFiles = (path: string): string => {
  throw new Error(`ENOENT: no such file, open '${path}'`);
};

describe('IRC TLS config', () => {
  it('binds IRC_TLS_CA to irc.tlsCa, and leaves it unset by default (system CAs)', () => {
    const load = (env: Record<string, string>) => loadConfig({ env: { IRC_HOST: 'irc.test', ...env }, argv: [], readFile: noFiles }).config.irc;
    expect(load({ IRC_TLS_CA: '/etc/doibot/ca.pem' })?.tlsCa).toBe('/etc/doibot/ca.pem');
    expect(load({})?.tlsCa).toBeUndefined();
    expect(load({})?.tls).toBe(true);
  });

  it('refuses IRC_TLS_CA when TLS is off, since it would silently do nothing', () => {
    let issues: readonly string[] = [];
    try {
      loadConfig({ env: { IRC_HOST: 'irc.test', IRC_TLS: 'false', IRC_TLS_CA: '/ca.pem' }, argv: [], readFile: noFiles });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues = err.issues;
    }
    expect(issues.join('\n')).toMatch(/IRC_TLS_CA: only means something with IRC_TLS=true/);
  });
});

function issuesOf(env: Record<string, string>, argv: string[] = [], readFile: (p: string) => string = noFiles): readonly string[] {
  try {
    loadConfig({ env, argv, readFile });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('IRC cleartext SASL', () => {
  const plainSasl = { IRC_HOST: 'irc.test', IRC_TLS: 'false', IRC_SASL_ACCOUNT: 'doi-bot', IRC_SASL_PASSWORD: 'hunter22' };

  it('refuses SASL PLAIN over plain TCP, naming the SASL settings, TLS and the insecure setting', () => {
    const issues = issuesOf(plainSasl).join('\n');
    expect(issues).toMatch(/IRC_SASL_ACCOUNT \/ IRC_SASL_PASSWORD: .*cleartext.*IRC_TLS=false.*DOIBOT_ALLOW_INSECURE=true \(allowInsecure\)/);
    expect(issues).not.toContain('hunter22');
  });

  it('accepts it with DOIBOT_ALLOW_INSECURE=true or allowInsecure: true in the YAML file, and TLS without either', () => {
    expect(loadConfig({ env: { ...plainSasl, DOIBOT_ALLOW_INSECURE: 'true' }, argv: [], readFile: noFiles }).config.allowInsecure).toBe(true);
    const yaml = (p: string) => (p === 'c.yaml' ? 'allowInsecure: true\n' : noFiles(p));
    expect(loadConfig({ env: plainSasl, argv: ['--config', 'c.yaml'], readFile: yaml }).config.allowInsecure).toBe(true);
    expect(issuesOf({ ...plainSasl, IRC_TLS: 'true' })).toEqual([]);
    expect(loadConfig({ env: {}, argv: [], readFile: noFiles }).config.allowInsecure).toBe(false);
    expect(issuesOf({ ...plainSasl, DOIBOT_ALLOW_INSECURE: 'perhaps' }).join('\n')).toMatch(/DOIBOT_ALLOW_INSECURE: must be true or false/);
  });

  it('the adapter refuses it too when built without allowInsecure (config not from loadConfig)', () => {
    const settings = configSchema.parse({ irc: { host: 'irc.test', tls: false, saslAccount: 'doi-bot', saslPassword: 'hunter22' } }).irc!;
    expect(() => new IrcAdapter({ settings, log: silentLogger(), version: 't' })).toThrow(/IRC_SASL_PASSWORD: refusing SASL PLAIN without TLS.*DOIBOT_ALLOW_INSECURE/);
    expect(() => new IrcAdapter({ settings, log: silentLogger(), version: 't', allowInsecure: true })).not.toThrow();
    expect(() => new IrcAdapter({ settings: { ...settings, tls: true }, log: silentLogger(), version: 't' })).not.toThrow();
  });
});

describe('IRC realname', () => {
  it('warns when IRC_REALNAME is not set, since the default names no admin contact', () => {
    const warned = loadConfig({ env: { IRC_HOST: 'irc.test' }, argv: [], readFile: noFiles }).warnings;
    expect(warned).toEqual([expect.stringMatching(/^IRC_REALNAME: not set; the default names no admin contact.*Libera/)]);
    expect(loadConfig({ env: { IRC_HOST: 'irc.test', IRC_REALNAME: 'doi-bot (admin: tianon)' }, argv: [], readFile: noFiles }).warnings).toEqual([]);
    expect(loadConfig({ env: {}, argv: [], readFile: noFiles }).warnings).toEqual([]);
  });
});
