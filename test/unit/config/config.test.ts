import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_BINDINGS, loadConfig } from '../../../src/config/load.js';
import { preflightProblems } from '../../../src/config/preflight.js';
import { ConfigError } from '../../../src/core/errors.js';

const files = (map: Record<string, string>) => (path: string) => {
  const v = map[path];
  if (v === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
  return v;
};

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.issues];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('has working defaults with nothing set', () => {
    const { config } = loadConfig({ env: {}, argv: [], readFile: files({}) });
    expect(config.db).toBe('./data/doi-bot.sqlite3');
    expect(config.github.graphqlUrl).toBe('https://api.github.com/graphql');
    expect(config.irc).toBeUndefined();
    expect(config.slack).toBeUndefined();
  });

  it('parses the example files so they cannot rot', () => {
    const yaml = readFileSync('config.example.yaml', 'utf8');
    const { config } = loadConfig({ env: {}, argv: ['--config', 'c.yaml'], readFile: files({ 'c.yaml': yaml }) });
    expect(config.irc?.channels.map((c) => c.name)).toEqual(['#your-channel']);
    expect(config.subscriptions).toHaveLength(2);
    // Copied verbatim, the example makes nobody an admin and joins no real channel: every
    // identity and channel in it is a placeholder that the start refuses.
    const placeholders = preflightProblems(config, { checkConfig: false }).filter((p) => p.includes('placeholder value'));
    expect(placeholders.map((p) => p.split(':')[0])).toEqual([
      'DOIBOT_ADMINS (access.admins[0])',
      'DOIBOT_ADMINS (access.admins[1])',
      'DOIBOT_MAINTAINERS (access.maintainers[0])',
      'IRC_CHANNELS (irc.channels[0].name)',
      'subscriptions[0].channel',
      'subscriptions[1].channel',
    ]);

    const env: Record<string, string> = {};
    for (const line of readFileSync('.env.example', 'utf8').split('\n')) {
      const m = /^#?\s*([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
      if (m) env[m[1]!] = m[2]!;
    }
    // Every variable the loader knows is documented in .env.example.
    for (const b of ENV_BINDINGS) expect(Object.keys(env), b.name).toContain(b.name);
    expect(Object.keys(env)).toContain('DOIBOT_CONFIG');
  });

  it('reports every bad key at once, naming the variable', () => {
    const issues = problems(() =>
      loadConfig({
        env: { IRC_HOST: 'irc.test', IRC_PORT: 'seventy', IRC_TLS: 'maybe', DOIBOT_LOG_LEVEL: 'loud', DOIBOT_ADMINS: 'alice', GITHUB_GRAPHQL_URL: 'ftp://x' },
        argv: [],
        readFile: files({}),
      }),
    );
    expect(issues.join('\n')).toMatch(/IRC_PORT \(irc\.port\)/);
    expect(issues.join('\n')).toMatch(/IRC_TLS: must be true or false/);
    expect(issues.join('\n')).toMatch(/DOIBOT_LOG_LEVEL \(logLevel\)/);
    expect(issues.join('\n')).toMatch(/DOIBOT_ADMINS item 1 \("alice"\): must look like "irc:/);
    expect(issues.join('\n')).toMatch(/GITHUB_GRAPHQL_URL/);
    expect(issues.length).toBeGreaterThanOrEqual(5);
  });

  it('names bad keys in the YAML file with their path', () => {
    const yaml = 'irc:\n  host: x\n  channels: ["nohash", "#ok"]\nunknownKey: 1\nsubscriptions:\n  - channel: "irc:#c"\n    mode: sometimes\n';
    const issues = problems(() => loadConfig({ env: {}, argv: ['--config=c.yaml'], readFile: files({ 'c.yaml': yaml }) }));
    const text = issues.join('\n');
    expect(text).toMatch(/irc\.channels\[0\]\.name: must start with #/);
    expect(text).toMatch(/unknownKey/);
    expect(text).toMatch(/subscriptions\[0\]\.mode/);
  });

  it('checks seeded subscription patterns like the subscribe command does', () => {
    const nasty = `${'*a'.repeat(12)}*b`;
    const yaml = `subscriptions:\n  - channel: "irc:#c"\n    images: [python, "${nasty}"]\n    events: ["pr.*", "pr.nonsense"]\n  - channel: "irc:#d"\n    images: ["**Node"]\n`;
    const text = problems(() => loadConfig({ env: {}, argv: ['--config', 'c.yaml'], readFile: files({ 'c.yaml': yaml }) })).join('\n');
    expect(text).toMatch(/subscriptions\[0\]\.images\[1\]: ".*" has more than 8 wildcards/);
    expect(text).toMatch(/subscriptions\[0\]\.events\[1\]: "pr\.nonsense" matches no event kind/);
    expect(text).not.toMatch(/subscriptions\[1\]/);
    const ok = loadConfig({ env: {}, argv: ['--config', 'c.yaml'], readFile: files({ 'c.yaml': 'subscriptions:\n  - channel: "irc:#d"\n    images: ["**Node"]\n' }) });
    expect(ok.config.subscriptions[0]!.images).toEqual(['*node']);
  });

  it('refuses to send tokens to http:// endpoints unless DOIBOT_ALLOW_INSECURE is set', () => {
    const env = { GITHUB_TOKEN: 'ghp_secret_value', GITHUB_GRAPHQL_URL: 'http://gh.test/graphql', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_API_URL: 'http://slack.test/api/' };
    const text = problems(() => loadConfig({ env, argv: [], readFile: files({}) })).join('\n');
    expect(text).toMatch(/GITHUB_GRAPHQL_URL \(github\.graphqlUrl\): would send GITHUB_TOKEN in cleartext to http:\/\/gh\.test\/graphql: use https:\/\/, or set DOIBOT_ALLOW_INSECURE=true/);
    expect(text).toMatch(/SLACK_API_URL \(slack\.apiUrl\): would send the Slack tokens in cleartext/);
    expect(text).not.toContain('ghp_secret_value');
    const yaml = 'github:\n  graphqlUrl: http://gh.test/graphql\n';
    expect(problems(() => loadConfig({ env: { GITHUB_TOKEN: 'ghp_x' }, argv: ['--config', 'c.yaml'], readFile: files({ 'c.yaml': yaml }) })).join()).toMatch(/^github\.graphqlUrl: would send GITHUB_TOKEN/);
    // No token, nothing to leak; https is always fine; the explicit setting lets a test server through.
    expect(loadConfig({ env: { GITHUB_GRAPHQL_URL: 'http://gh.test/graphql' }, argv: [], readFile: files({}) }).config.allowInsecure).toBe(false);
    expect(() => loadConfig({ env: { ...env, GITHUB_GRAPHQL_URL: 'https://gh.test/graphql', SLACK_API_URL: 'https://slack.test/api/' }, argv: [], readFile: files({}) })).not.toThrow();
    expect(loadConfig({ env: { ...env, DOIBOT_ALLOW_INSECURE: 'true' }, argv: [], readFile: files({}) }).config.allowInsecure).toBe(true);
    expect(loadConfig({ env: { GITHUB_TOKEN: 'ghp_x' }, argv: ['--config', 'c.yaml'], readFile: files({ 'c.yaml': `${yaml}allowInsecure: true\n` }) }).config.allowInsecure).toBe(true);
  });

  it('refuses secrets in the file and reads *_FILE variants', () => {
    const issues = problems(() =>
      loadConfig({ env: { DOIBOT_CONFIG: 'c.yaml' }, argv: [], readFile: files({ 'c.yaml': 'github:\n  token: ghp_x\n' }) }),
    );
    expect(issues.join('\n')).toMatch(/github\.token: secrets are read only from the environment \(GITHUB_TOKEN/);
    const { config, secrets } = loadConfig({ env: { GITHUB_TOKEN_FILE: '/run/secrets/gh' }, argv: [], readFile: files({ '/run/secrets/gh': 'ghp_fromfile\n' }) });
    expect(config.github.token).toBe('ghp_fromfile');
    expect(secrets).toContain('ghp_fromfile');
    expect(problems(() => loadConfig({ env: { GITHUB_TOKEN_FILE: '/missing' }, argv: [], readFile: files({}) })).join()).toMatch(/GITHUB_TOKEN_FILE: cannot read \/missing/);
  });

  it('catches swapped Slack tokens and an unreadable or malformed file', () => {
    const swapped = problems(() => loadConfig({ env: { SLACK_BOT_TOKEN: 'xapp-1', SLACK_APP_TOKEN: 'xoxb-2' }, argv: [], readFile: files({}) })).join('\n');
    expect(swapped).toMatch(/SLACK_BOT_TOKEN \(slack\.botToken\): must be a bot token/);
    expect(swapped).toMatch(/SLACK_APP_TOKEN \(slack\.appToken\): must be an app-level token/);
    expect(problems(() => loadConfig({ env: {}, argv: ['--config', 'nope.yaml'], readFile: files({}) })).join()).toMatch(/nope\.yaml: cannot read config file/);
    expect(problems(() => loadConfig({ env: {}, argv: ['--config', 'b.yaml'], readFile: files({ 'b.yaml': 'a: [' }) })).join()).toMatch(/b\.yaml: cannot read config file/);
    expect(problems(() => loadConfig({ env: {}, argv: ['--config', 'l.yaml'], readFile: files({ 'l.yaml': '- 1\n- 2\n' }) })).join()).toMatch(/must be a YAML mapping/);
  });

  it('documents every environment variable in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    const missing = ENV_BINDINGS.map((b) => b.name).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('env wins over the file', () => {
    const { config } = loadConfig({ env: { DOIBOT_DB: '/tmp/env.db' }, argv: ['--config', 'c.yaml'], readFile: files({ 'c.yaml': 'db: /tmp/file.db\n' }) });
    expect(config.db).toBe('/tmp/env.db');
  });

  it('names the variable for a bad item of an env list, the YAML path for the file', () => {
    const fromEnv = problems(() => loadConfig({ env: { IRC_HOST: 'irc.test', IRC_CHANNELS: '#ok,nohash' }, argv: [], readFile: files({}) }));
    expect(fromEnv).toEqual(['IRC_CHANNELS item 2 ("nohash"): must start with # and contain no spaces or commas']);
  });

  it('refuses IRC settings without a host instead of dropping them', () => {
    const fromFile = problems(() => loadConfig({ env: {}, argv: ['--config', 'c.yaml'], readFile: files({ 'c.yaml': 'irc:\n  nick: bot\n  channels: ["#a"]\n' }) }));
    expect(fromFile).toEqual(['IRC_HOST (irc.host): required when IRC settings are given (irc.nick, irc.channels); without it IRC stays off']);
    const fromEnv = problems(() => loadConfig({ env: { IRC_NICK: 'bot' }, argv: [], readFile: files({}) }));
    expect(fromEnv).toEqual(['IRC_HOST (irc.host): required when IRC settings are given (IRC_NICK); without it IRC stays off']);
    expect(loadConfig({ env: {}, argv: ['--config', 'c.yaml'], readFile: files({ 'c.yaml': 'irc:\n' }) }).config.irc).toBeUndefined();
  });

  it('refuses a port in IRC_HOST, port 0 for IRC and a Slack signing secret without an HTTP port', () => {
    const text = problems(() =>
      loadConfig({ env: { IRC_HOST: 'irc.libera.chat:6697', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'signing-secret' }, argv: [], readFile: files({}) }),
    ).join('\n');
    expect(text).toMatch(/IRC_HOST \(irc\.host\): must be a host name only, without "ircs:\/\/" or ":port"/);
    expect(text).toMatch(/SLACK_SIGNING_SECRET: Slack HTTP events mode needs DOIBOT_HTTP_PORT/);
    for (const host of ['ircs://irc.libera.chat', '[2001:db8::1]:6697']) {
      expect(problems(() => loadConfig({ env: { IRC_HOST: host }, argv: [], readFile: files({}) })).join()).toMatch(/IRC_HOST \(irc\.host\)/);
    }
    expect(problems(() => loadConfig({ env: { IRC_HOST: 'irc.test', IRC_PORT: '0' }, argv: [], readFile: files({}) })).join()).toMatch(/IRC_PORT \(irc\.port\): must be the server port/);
    expect(loadConfig({ env: { IRC_HOST: '2001:db8::1' }, argv: [], readFile: files({}) }).config.irc?.host).toBe('2001:db8::1');
  });

  it('runs further checks on the valid part even when some keys are bad, so one run names everything', () => {
    const issues = problems(() =>
      loadConfig({ env: { IRC_HOST: 'irc.test', IRC_PORT: 'seventy', DOIBOT_LIBRARY_DIR: '/x' }, argv: [], readFile: files({}), checks: (c) => [`checked ${c.catalog.libraryDir}`] }),
    );
    expect(issues).toEqual([expect.stringMatching(/^IRC_PORT \(irc\.port\)/), 'checked /x']);
  });
});
