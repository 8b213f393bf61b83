import { z } from 'zod';
import { MAX_PATTERNS_PER_RULE, eventPatternProblem, imagePatternProblem, normalisePattern } from '../subscriptions/patterns.js';

const identity = z
  .string()
  .regex(/^(irc|slack|console):\S+$/, 'must look like "irc:<services account>" or "slack:<user id>"');

const repoName = z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be "owner/name"');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const port = z.coerce.number().int().min(0).max(65535);
const positiveSeconds = z.coerce.number().int().min(5).max(86_400);

/** A subscription pattern from the config file, checked exactly like one typed in chat. */
function pattern(problemOf: (p: string) => string | undefined) {
  return z
    .string()
    .transform(normalisePattern)
    .superRefine((p, ctx) => {
      const problem = problemOf(p);
      if (problem) ctx.addIssue({ code: 'custom', message: `"${p.slice(0, 40)}" ${problem}` });
    });
}

export const subscriptionSeed = z.strictObject({
  channel: z.string().regex(/^(irc:#\S+|slack:[A-Z0-9]+|console:\S+|memory:\S+)$/, 'must be "irc:#chan" or "slack:<channel id>"'),
  images: z.array(pattern(imagePatternProblem)).min(1).max(MAX_PATTERNS_PER_RULE).default(['*']),
  events: z.array(pattern(eventPatternProblem)).min(1).max(MAX_PATTERNS_PER_RULE).default(['*']),
  mode: z.enum(['every', 'merged-and-published', 'digest']).default('every'),
  digestTime: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (UTC)')
    .optional(),
});

const ircChannel = z.strictObject({
  name: z.string().regex(/^[#&][^\s,\x00-\x1f]+$/, 'must start with # and contain no spaces or commas'),
  key: z.string().optional(),
});

/** Names no admin contact, so it falls short of Libera.Chat's bot policy: startup warns while it is in use. */
export const DEFAULT_IRC_REALNAME = 'doi-bot, Docker Official Images helper (admin: see #docker-library)';

/** Every setting, with defaults; `configSchema` adds the checks that span sections. */
const settings = z.strictObject({
  /** Lets secrets travel in cleartext (SASL PLAIN without TLS, ...): trusted local networks and tests only. */
  allowInsecure: z.boolean().default(false),
  db: z.string().min(1).default('./data/doi-bot.sqlite3'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  http: z
    .strictObject({
      port: port.optional(),
      host: z.string().default('0.0.0.0'),
      /**
       * A second listener for /healthz, /readyz and /metrics only. When set, the main listener
       * serves only Slack events and the webhook, so it can face the internet.
       */
      opsPort: port.optional(),
      opsHost: z.string().default('127.0.0.1'),
      webhookSecret: z.string().min(8).optional(),
      /** /readyz fails when a polled source has not refreshed for this long; default 3x the slowest poll. */
      readyMaxSourceAgeSeconds: z.coerce.number().int().min(10).max(7 * 86_400).optional(),
    })
    .prefault({}),
  access: z
    .strictObject({
      admins: z.array(identity).default([]),
      maintainers: z.array(identity).default([]),
    })
    .prefault({}),
  limits: z
    .strictObject({
      userCommandsPerMinute: z.coerce.number().int().min(1).default(30),
      commandTimeoutMs: z.coerce.number().int().min(100).default(10_000),
      feedbackPerUserPerDay: z.coerce.number().int().min(0).default(3),
      feedbackGlobalPerHour: z.coerce.number().int().min(0).default(10),
    })
    .prefault({}),
  catalog: z
    .strictObject({
      libraryDir: z.string().min(1).optional(),
      refreshSeconds: positiveSeconds.default(900),
    })
    .prefault({}),
  github: z
    .strictObject({
      token: z.string().min(1).optional(),
      graphqlUrl: httpUrl.default('https://api.github.com/graphql'),
      officialImagesRepo: repoName.default('docker-library/official-images'),
      docsRepo: repoName.default('docker-library/docs'),
      pollSeconds: positiveSeconds.default(60),
      /** GraphQL points chat commands may spend per rolling hour, all users together. */
      commandPointsPerHour: z.coerce.number().int().min(0).max(100_000).default(1000),
    })
    .prefault({}),
  hub: z
    .strictObject({
      url: httpUrl.default('https://hub.docker.com'),
      pollSeconds: positiveSeconds.default(120),
      /** Tag listings per Hub pass spent looking for rebuilds (new digests, no library change); 0 = off. */
      rebuildChecksPerPass: z.coerce.number().int().min(0).max(20).default(3),
    })
    .prefault({}),
  registry: z
    .strictObject({
      /** The registry API (`/v2/library/<image>/manifests/...`) that `trust` reads. */
      url: httpUrl.default('https://registry-1.docker.io'),
      /** The token service; the registry's 401 challenge must name a realm on this origin. */
      authUrl: httpUrl.default('https://auth.docker.io'),
    })
    .prefault({}),
  irc: z
    .strictObject({
      host: z
        .string()
        .min(1)
        .refine((h) => !/^[^:]+:\d*$|^\[.*\]:\d*$|:\/\//.test(h), 'must be a host name only, without "ircs://" or ":port" (the port goes in IRC_PORT)'),
      port: port.min(1, 'must be the server port (1-65535); 6697 is TLS on Libera.Chat').default(6697),
      tls: z.boolean().default(true),
      nick: z.string().regex(/^[A-Za-z[\]\\`_^{|}][\w[\]\\`^{|}-]{0,29}$/, 'is not a valid IRC nick').default('doi-bot'),
      realname: z.string().min(1).default(DEFAULT_IRC_REALNAME),
      channels: z.array(ircChannel).default([]),
      saslAccount: z.string().min(1).optional(),
      saslPassword: z.string().min(1).optional(),
      tlsCert: z.string().min(1).optional(),
      tlsKey: z.string().min(1).optional(),
      /** PEM file of the only CA trusted for the server certificate (a private network); unset = system CAs. */
      tlsCa: z.string().min(1).optional(),
      acceptInvites: z.boolean().default(false),
      /** Lines a reply takes in a channel, its last one a count and a link when the answer is longer. */
      maxLinesPerReply: z.coerce.number().int().min(1).max(50).default(2),
      burst: z.coerce.number().int().min(1).max(20).default(4),
      lineIntervalMs: z.coerce.number().int().min(0).max(60_000).default(2000),
      colors: z.boolean().default(true),
    })
    .optional(),
  slack: z
    .strictObject({
      botToken: z.string().startsWith('xoxb-', 'must be a bot token starting with "xoxb-" (did you swap it with the app token?)'),
      appToken: z.string().startsWith('xapp-', 'must be an app-level token starting with "xapp-" (did you swap it with the bot token?)').optional(),
      signingSecret: z.string().min(8).optional(),
      apiUrl: httpUrl.optional(),
    })
    .optional(),
  subscriptions: z.array(subscriptionSeed).default([]),
});

/** The one schema. `Config` is inferred from it. */
export const configSchema = settings.superRefine((c, ctx) => {
  if (c.allowInsecure) return;
  for (const t of cleartextSecretTargets(c)) {
    ctx.addIssue({
      code: 'custom',
      path: t.path,
      message: `would send ${t.secret} in cleartext to ${t.url}: use https://, or set DOIBOT_ALLOW_INSECURE=true (allowInsecure: true) for a local test server`,
    });
  }
});

/** Endpoints configured with http:// that a secret would be sent to. */
function cleartextSecretTargets(c: z.infer<typeof settings>): Array<{ path: string[]; url: string; secret: string }> {
  const out: Array<{ path: string[]; url: string; secret: string }> = [];
  const cleartext = (url: string) => url.toLowerCase().startsWith('http:');
  if (c.github.token !== undefined && cleartext(c.github.graphqlUrl)) out.push({ path: ['github', 'graphqlUrl'], url: c.github.graphqlUrl, secret: 'GITHUB_TOKEN' });
  if (c.slack?.apiUrl !== undefined && cleartext(c.slack.apiUrl)) out.push({ path: ['slack', 'apiUrl'], url: c.slack.apiUrl, secret: 'the Slack tokens' });
  return out;
}

export type Config = z.infer<typeof configSchema>;
export type IrcConfig = NonNullable<Config['irc']>;
export type SlackConfig = NonNullable<Config['slack']>;
export type SubscriptionSeed = z.infer<typeof subscriptionSeed>;
