import type { Config } from './schema.js';

/**
 * What `--check-config` says will run, so the operator sees a silently-off part (no token, no
 * port) before deploying rather than after. Names no secret.
 */
export function describeConfig(config: Config, sources: { configFile: string | undefined; dotEnvFile: string | undefined }): string[] {
  const lines: string[] = [];
  const platforms: string[] = [];
  if (config.irc) {
    const { host, port, tls, nick, channels, saslAccount, tlsCert } = config.irc;
    const login = saslAccount ? `SASL as ${saslAccount}` : tlsCert ? 'SASL EXTERNAL (CertFP)' : 'no login';
    const chans = channels.length ? channels.map((c) => c.name).join(' ') : 'no channels';
    platforms.push(`IRC ${host}:${port}${tls ? ' (TLS)' : ' (no TLS)'} as ${nick}, ${login}, ${chans}`);
  }
  if (config.slack) platforms.push(`Slack (${config.slack.appToken ? 'Socket Mode' : 'HTTP events at /slack/events'})`);
  lines.push(`platforms: ${platforms.length ? platforms.join('; ') : 'none: console only (set IRC_HOST or SLACK_BOT_TOKEN for a chat platform)'}`);

  const refresh = `refreshed every ${config.catalog.refreshSeconds} s`;
  if (config.github.token) {
    lines.push(`catalog: GitHub ${config.github.officialImagesRepo} + ${config.github.docsRepo}, ${refresh}`);
  } else if (config.catalog.libraryDir) {
    lines.push(`catalog: directory ${config.catalog.libraryDir}, ${refresh}`);
  } else {
    lines.push('catalog: the bundled snapshot (set GITHUB_TOKEN or DOIBOT_LIBRARY_DIR for live data)');
  }

  lines.push(
    config.github.token
      ? `GitHub: ${config.github.graphqlUrl}, PRs polled every ${config.github.pollSeconds} s, announcements and feedback filing on`
      : 'GitHub: off (no GITHUB_TOKEN): no PR answers or announcements; feedback answers with a prefilled link',
  );

  const webhookNeeds = [config.http.port === undefined ? 'DOIBOT_HTTP_PORT' : '', config.github.token ? '' : 'GITHUB_TOKEN'].filter(Boolean);
  if (!config.http.webhookSecret) lines.push('webhook: off (no DOIBOT_WEBHOOK_SECRET)');
  else if (webhookNeeds.length) lines.push(`webhook: off: DOIBOT_WEBHOOK_SECRET is set but it also needs ${webhookNeeds.join(' and ')}`);
  else lines.push('webhook: POST /webhooks/github (signed with DOIBOT_WEBHOOK_SECRET)');

  if (config.http.port === undefined) lines.push('HTTP listener: off (no DOIBOT_HTTP_PORT): no /healthz, /readyz or /metrics');
  else {
    const health = config.http.opsPort === undefined ? ['/healthz', '/readyz', '/metrics'] : [];
    const webhook = config.http.webhookSecret && config.github.token ? ['/webhooks/github'] : [];
    const routes = [...health, ...(config.slack && !config.slack.appToken ? ['/slack/events'] : []), ...webhook];
    lines.push(`HTTP listener: ${config.http.host}:${config.http.port} (${routes.join(', ')})`);
  }
  if (config.http.opsPort !== undefined) lines.push(`ops listener: ${config.http.opsHost}:${config.http.opsPort} (/healthz, /readyz, /metrics)`);
  lines.push(`database: ${config.db}`);
  const read = ['environment', ...(sources.dotEnvFile ? [sources.dotEnvFile] : []), ...(sources.configFile ? [sources.configFile] : [])];
  lines.push(`settings read from: ${read.join(', ')}`);
  return lines;
}
