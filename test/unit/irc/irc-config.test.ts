import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/core/errors.js';

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
