import { parse as parseYaml } from 'yaml';
import { ConfigError, errorMessage } from '../core/errors.js';
import { configSchema, DEFAULT_IRC_REALNAME, type Config } from './schema.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface EnvBinding {
  readonly name: string;
  readonly path: readonly string[];
  readonly kind?: 'list' | 'bool' | 'channels';
  /** Secret: also read from NAME_FILE, never from the YAML file, masked in logs. */
  readonly secret?: boolean;
}

/** Every environment variable the bot reads. `.env.example` documents each one. */
export const ENV_BINDINGS: readonly EnvBinding[] = [
  { name: 'DOIBOT_DB', path: ['db'] },
  { name: 'DOIBOT_ALLOW_INSECURE', path: ['allowInsecure'], kind: 'bool' },
  { name: 'DOIBOT_LOG_LEVEL', path: ['logLevel'] },
  { name: 'DOIBOT_HTTP_PORT', path: ['http', 'port'] },
  { name: 'DOIBOT_HTTP_HOST', path: ['http', 'host'] },
  { name: 'DOIBOT_OPS_PORT', path: ['http', 'opsPort'] },
  { name: 'DOIBOT_OPS_HOST', path: ['http', 'opsHost'] },
  { name: 'DOIBOT_WEBHOOK_SECRET', path: ['http', 'webhookSecret'], secret: true },
  { name: 'DOIBOT_READY_MAX_SOURCE_AGE_SECONDS', path: ['http', 'readyMaxSourceAgeSeconds'] },
  { name: 'DOIBOT_ADMINS', path: ['access', 'admins'], kind: 'list' },
  { name: 'DOIBOT_MAINTAINERS', path: ['access', 'maintainers'], kind: 'list' },
  { name: 'DOIBOT_USER_COMMANDS_PER_MINUTE', path: ['limits', 'userCommandsPerMinute'] },
  { name: 'DOIBOT_FEEDBACK_PER_USER_PER_DAY', path: ['limits', 'feedbackPerUserPerDay'] },
  { name: 'DOIBOT_FEEDBACK_GLOBAL_PER_HOUR', path: ['limits', 'feedbackGlobalPerHour'] },
  { name: 'DOIBOT_LIBRARY_DIR', path: ['catalog', 'libraryDir'] },
  { name: 'DOIBOT_CATALOG_REFRESH_SECONDS', path: ['catalog', 'refreshSeconds'] },
  { name: 'DOIBOT_POLL_SECONDS', path: ['github', 'pollSeconds'] },
  { name: 'DOIBOT_GITHUB_COMMAND_POINTS_PER_HOUR', path: ['github', 'commandPointsPerHour'] },
  { name: 'DOIBOT_HUB_POLL_SECONDS', path: ['hub', 'pollSeconds'] },
  { name: 'DOIBOT_HUB_REBUILD_CHECKS', path: ['hub', 'rebuildChecksPerPass'] },
  { name: 'DOIBOT_OFFICIAL_IMAGES_REPO', path: ['github', 'officialImagesRepo'] },
  { name: 'DOIBOT_DOCS_REPO', path: ['github', 'docsRepo'] },
  { name: 'GITHUB_TOKEN', path: ['github', 'token'], secret: true },
  { name: 'GITHUB_GRAPHQL_URL', path: ['github', 'graphqlUrl'] },
  { name: 'DOCKER_HUB_URL', path: ['hub', 'url'] },
  { name: 'DOCKER_REGISTRY_URL', path: ['registry', 'url'] },
  { name: 'DOCKER_AUTH_URL', path: ['registry', 'authUrl'] },
  { name: 'IRC_HOST', path: ['irc', 'host'] },
  { name: 'IRC_PORT', path: ['irc', 'port'] },
  { name: 'IRC_TLS', path: ['irc', 'tls'], kind: 'bool' },
  { name: 'IRC_NICK', path: ['irc', 'nick'] },
  { name: 'IRC_REALNAME', path: ['irc', 'realname'] },
  { name: 'IRC_CHANNELS', path: ['irc', 'channels'], kind: 'channels' },
  { name: 'IRC_SASL_ACCOUNT', path: ['irc', 'saslAccount'] },
  { name: 'IRC_SASL_PASSWORD', path: ['irc', 'saslPassword'], secret: true },
  { name: 'IRC_TLS_CERT', path: ['irc', 'tlsCert'] },
  { name: 'IRC_TLS_KEY', path: ['irc', 'tlsKey'] },
  { name: 'IRC_TLS_CA', path: ['irc', 'tlsCa'] },
  { name: 'IRC_LINE_INTERVAL_MS', path: ['irc', 'lineIntervalMs'] },
  { name: 'IRC_BURST', path: ['irc', 'burst'] },
  { name: 'SLACK_BOT_TOKEN', path: ['slack', 'botToken'], secret: true },
  { name: 'SLACK_APP_TOKEN', path: ['slack', 'appToken'], secret: true },
  { name: 'SLACK_SIGNING_SECRET', path: ['slack', 'signingSecret'], secret: true },
  { name: 'SLACK_API_URL', path: ['slack', 'apiUrl'] },
];

export interface LoadedConfig {
  readonly config: Config;
  /** Secret values in use, so the logger can mask them wherever they appear. */
  readonly secrets: readonly string[];
  readonly configFile: string | undefined;
  /** Settings that work but should change; logged at start and shown by --check-config. */
  readonly warnings: readonly string[];
}

export interface LoadConfigInput {
  env: Env;
  argv: readonly string[];
  readFile: (path: string) => string;
  /** Further checks of the parsed settings (files, directories, ...), reported with the rest. */
  checks?: (config: Config) => readonly string[];
}

/** Reads the YAML file (if any) and the environment; throws ConfigError naming every bad key. */
export function loadConfig({ env, argv, readFile, checks }: LoadConfigInput): LoadedConfig {
  const problems: string[] = [];
  const configFile = argValue(argv, '--config') ?? nonEmpty(env.DOIBOT_CONFIG);
  let raw: Record<string, unknown> = {};
  if (configFile) {
    try {
      const parsed: unknown = parseYaml(readFile(configFile));
      if (parsed === null || parsed === undefined) raw = {};
      else if (typeof parsed !== 'object' || Array.isArray(parsed)) problems.push(`${configFile}: must be a YAML mapping of settings`);
      else raw = parsed as Record<string, unknown>;
    } catch (err) {
      problems.push(`${configFile}: cannot read config file: ${errorMessage(err).split('\n')[0]}`);
    }
  }

  for (const b of ENV_BINDINGS.filter((x) => x.secret)) {
    if (getPath(raw, b.path) !== undefined) {
      problems.push(`${b.path.join('.')}: secrets are read only from the environment (${b.name} or ${b.name}_FILE), not from the config file`);
      deletePath(raw, b.path);
    }
  }
  normaliseChannels(raw);

  const origin = new Map<string, string>();
  const secrets: string[] = [];
  for (const b of ENV_BINDINGS) {
    let value = nonEmpty(env[b.name]);
    let source = b.name;
    const fileVar = `${b.name}_FILE`;
    if (b.secret && value === undefined && nonEmpty(env[fileVar])) {
      source = fileVar;
      try {
        value = nonEmpty(readFile(env[fileVar]!).trim());
        if (value === undefined) problems.push(`${fileVar}: file ${env[fileVar]} is empty`);
      } catch (err) {
        problems.push(`${fileVar}: cannot read ${env[fileVar]}: ${errorMessage(err)}`);
      }
    }
    if (value === undefined) continue;
    if (b.secret) secrets.push(value);
    let converted: unknown = value;
    if (b.kind === 'list') converted = splitList(value);
    else if (b.kind === 'channels') converted = splitList(value).map(parseChannel);
    else if (b.kind === 'bool') {
      const v = parseBool(value);
      if (v === undefined) {
        problems.push(`${b.name}: must be true or false (got "${value.slice(0, 20)}")`);
        continue;
      }
      converted = v;
    }
    setPath(raw, b.path, converted);
    origin.set(b.path.join('.'), source);
  }

  // A platform section is on only when its essential setting is present (env or file); other
  // settings of a platform without it would be dropped without a word, so they are refused.
  const irc = raw.irc as Record<string, unknown> | null | undefined;
  if (irc === null) delete raw.irc;
  else if (irc && typeof irc === 'object' && !Array.isArray(irc) && irc.host === undefined) {
    const given = Object.keys(irc).map((k) => origin.get(`irc.${k}`) ?? `irc.${k}`);
    if (given.length) problems.push(`IRC_HOST (irc.host): required when IRC settings are given (${given.join(', ')}); without it IRC stays off`);
    delete raw.irc;
  }
  const slack = raw.slack as Record<string, unknown> | undefined;
  if (slack && typeof slack === 'object' && slack.botToken === undefined) {
    if (slack.appToken !== undefined || slack.signingSecret !== undefined) {
      problems.push('SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set');
    }
    delete raw.slack;
  }

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push(`${describeIssuePath(issue.path, origin, raw)}: ${issue.message}`);
    }
  }
  // With bad keys set aside, the rest is still checked, so one run names every problem.
  const checked = result.success ? result.data : parseWithoutBadKeys(raw);
  if (checked) problems.push(...crossChecks(checked), ...(checks?.(checked) ?? []));
  if (problems.length) throw new ConfigError([...new Set(problems)]);
  return { config: result.data!, secrets, configFile, warnings: configWarnings(result.data!) };
}

function configWarnings(c: Config): string[] {
  const out: string[] = [];
  if (c.irc && c.irc.realname === DEFAULT_IRC_REALNAME) {
    out.push('IRC_REALNAME: not set; the default names no admin contact, which Libera.Chat\'s bot policy asks for (e.g. "doi-bot, Docker Official Images bot (admin: yournick)")');
  }
  return out;
}

/** The settings minus the keys the schema refused (or the section holding them), or undefined. */
function parseWithoutBadKeys(raw: Record<string, unknown>): Config | undefined {
  const rest = structuredClone(raw);
  for (let round = 0; round < 4; round++) {
    const attempt = configSchema.safeParse(rest);
    if (attempt.success) return attempt.data;
    for (const issue of attempt.error.issues) {
      const keys = issue.path.map(String);
      // A required key that is missing cannot be deleted: drop the section holding it instead.
      const target = getPath(rest, keys) === undefined ? keys.slice(0, -1) : keys;
      if (target.length === 0) return undefined;
      deletePath(rest, target);
    }
  }
  return undefined;
}

function crossChecks(c: Config): string[] {
  const out: string[] = [];
  if (c.irc?.saslAccount && !c.irc.saslPassword && !c.irc.tlsCert) {
    out.push('IRC_SASL_PASSWORD: required with IRC_SASL_ACCOUNT (or set IRC_TLS_CERT for SASL EXTERNAL)');
  }
  if ((c.irc?.tlsCert === undefined) !== (c.irc?.tlsKey === undefined)) {
    out.push('IRC_TLS_KEY: IRC_TLS_CERT and IRC_TLS_KEY go together');
  }
  if (c.irc && !c.irc.tls && c.irc.saslPassword && !c.irc.tlsCert && !c.allowInsecure) {
    out.push('IRC_SASL_ACCOUNT / IRC_SASL_PASSWORD: SASL PLAIN would send the password in cleartext because IRC_TLS=false; turn TLS on, or set DOIBOT_ALLOW_INSECURE=true (allowInsecure) on a trusted network');
  }
  if (c.irc?.tlsCa && !c.irc.tls) {
    out.push('IRC_TLS_CA: only means something with IRC_TLS=true');
  }
  if (c.slack?.signingSecret && c.http.port === undefined) {
    out.push('SLACK_SIGNING_SECRET: Slack HTTP events mode needs DOIBOT_HTTP_PORT (or unset SLACK_SIGNING_SECRET and use SLACK_APP_TOKEN for Socket Mode)');
  } else if (c.slack && !c.slack.appToken && !c.slack.signingSecret) {
    out.push('SLACK_APP_TOKEN: required for Socket Mode (or set SLACK_SIGNING_SECRET and DOIBOT_HTTP_PORT for HTTP mode)');
  }
  return out;
}

function argValue(argv: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === flag) return argv[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
const splitList = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

function parseBool(v: string): boolean | undefined {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  return undefined;
}

/** "#chan" or "#chan key" -> { name, key? } */
function parseChannel(v: string): { name: string; key?: string } {
  const [name = '', key] = v.trim().split(/\s+/, 2);
  return key ? { name, key } : { name };
}

function normaliseChannels(raw: Record<string, unknown>): void {
  const irc = raw.irc;
  if (!irc || typeof irc !== 'object') return;
  const channels = (irc as Record<string, unknown>).channels;
  if (Array.isArray(channels)) {
    (irc as Record<string, unknown>).channels = channels.map((c: unknown) => (typeof c === 'string' ? parseChannel(c) : c));
  }
}

/**
 * Names a bad setting the way the operator wrote it: `IRC_PORT (irc.port)` for a variable,
 * `IRC_CHANNELS item 2 ("nohash")` for an item of a comma list in a variable, the YAML path otherwise.
 */
function describeIssuePath(path: readonly PropertyKey[], origin: ReadonlyMap<string, string>, raw: Record<string, unknown>): string {
  for (let n = path.length; n > 0; n--) {
    const prefix = path.slice(0, n);
    if (!prefix.every((p) => typeof p === 'string')) continue;
    const from = origin.get(prefix.join('.'));
    if (!from) continue;
    const item = path[n];
    if (typeof item !== 'number') return `${from} (${formatPath(path)})`;
    const value = getPath(raw, prefix);
    const entry = Array.isArray(value) ? (value[item] as unknown) : undefined;
    const text = typeof entry === 'object' && entry !== null && 'name' in entry ? String(entry.name) : String(entry);
    return `${from} item ${item + 1} ("${text.replace(/[^\x20-\x7e]/g, '?').slice(0, 40)}")`;
  }
  return formatPath(path);
}

/** `IRC_TLS_CERT (irc.tlsCert)`: how messages about a setting name it, whichever way it was set. */
export function settingName(path: readonly PropertyKey[]): string {
  return bindingFor(path) ? `${bindingFor(path)!.name} (${formatPath(path)})` : formatPath(path);
}

/** The variable that sets this path or the list or section holding it. */
export function bindingFor(path: readonly PropertyKey[]): EnvBinding | undefined {
  const firstIndex = path.findIndex((p) => typeof p !== 'string');
  const keys = (firstIndex < 0 ? path : path.slice(0, firstIndex)).join('.');
  return ENV_BINDINGS.find((b) => b.path.join('.') === keys);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(top level)';
}

function getPath(obj: Record<string, unknown>, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    const next = cur[p];
    if (!next || typeof next !== 'object' || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function deletePath(obj: Record<string, unknown>, path: readonly string[]): void {
  const parent = getPath(obj, path.slice(0, -1));
  if (parent && typeof parent === 'object') delete (parent as Record<string, unknown>)[path[path.length - 1]!];
}
