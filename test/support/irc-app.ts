/**
 * The real app (createApp, real commands, temp SQLite) with the real IrcAdapter, pointed at a
 * test IRC server; plus a few test-only commands that echo untrusted text, need admin rights or
 * answer with many lines.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { IrcAdapter, type IrcAdapterOptions } from '../../adapters/irc/irc-adapter.js';
import { allCommands } from '../../commands/index.js';
import { createApp, type App } from '../../src/app.js';
import { loadBotData } from '../../src/load-data.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { BundledSnapshotSource } from '../../src/catalog/dir-source.js';
import { systemClock } from '../../src/core/clock.js';
import { createGitHubClient } from '../../src/github/client.js';
import type { HubLookup } from '../../src/hub/types.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { rt } from '../../src/core/richtext.js';
import { arg, defineCommand, type CommandDef } from '../../src/dispatch/command.js';
import type { FreeformHandler } from '../../src/dispatch/dispatcher.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import { projectRoot } from '../../src/paths.js';
import type { IrcServer } from './irc-server.js';

/** Echoes its argument text back: the way untrusted data reaches a reply. */
export const echoCommand = defineCommand({
  name: 'testecho',
  summary: 'test: repeat the text',
  usage: 'testecho <text>',
  access: 'anyone',
  args: arg.words,
  async run(ctx) {
    return rt.of(rt.line('you said: ', rt.text(unescape(ctx.argsText))));
  },
});

/**
 * Chat lines cannot carry CR/LF, but data from GitHub or Docker Hub can: "\\r", "\\n", "\\0" and
 * "\\xNN" in the argument stand for those characters, so a test can put them into a reply.
 */
function unescape(text: string): string {
  return text.replace(/\\(r|n|0|x[0-9a-fA-F]{2})/g, (_m, c: string) =>
    c === 'r' ? '\r' : c === 'n' ? '\n' : c === '0' ? '\0' : String.fromCharCode(parseInt(c.slice(1), 16)),
  );
}

/** Repeats untrusted text inside bold, link label and action parts too. */
export const echoRichCommand = defineCommand({
  name: 'testrich',
  summary: 'test: repeat the text in every kind of part',
  usage: 'testrich <text>',
  access: 'anyone',
  args: arg.words,
  async run(ctx) {
    const t = unescape(ctx.argsText);
    return rt.withActions(rt.of(rt.line(rt.bold(t), ' ', rt.code(t), ' ', rt.link(`https://example.test/${t}`, t))), [{ label: t, command: `confirm ${t}` }]);
  },
});

export const adminOnlyCommand = defineCommand({
  name: 'testsecret',
  summary: 'test: admins only',
  usage: 'testsecret',
  access: 'admin',
  args: arg.none,
  async run(ctx) {
    return rt.of(`admin ok for ${ctx.message.author.account ?? '?'}`);
  },
});

/** Shows the services account the adapter attached to the message: what access checks see. */
export const whoamiCommand = defineCommand({
  name: 'testwhoami',
  summary: 'test: which account sent this',
  usage: 'testwhoami',
  access: 'anyone',
  identity: true,
  args: arg.none,
  async run(ctx) {
    return rt.of(`account: ${ctx.message.author.account ?? 'none'}`);
  },
});

/** testlines / testlist: N numbered lines; testlist also names where the whole answer is (as a tags list names the Docker Hub tags page). */
const numberedLines = (name: string, word: string, wholeAnswerUrl?: string) =>
  defineCommand({
    name,
    summary: `test: answer with N numbered lines${wholeAnswerUrl ? ' and a link to the whole answer' : ''}`,
    usage: `${name} <n>`,
    access: 'anyone',
    args: z.tuple([z.coerce.number().int().min(1).max(200)]),
    async run(_ctx, [n]) {
      const body = rt.of(...Array.from({ length: n }, (_, i) => `${word} ${i + 1} of ${n}`));
      return wholeAnswerUrl ? { ...body, wholeAnswerUrl } : body;
    },
  });
export const linesCommand = numberedLines('testlines', 'line');
export const listCommand = numberedLines('testlist', 'item', 'https://hub.docker.com/_/python/tags');

/** One long line mixing 4-byte emoji, 2-byte letters and words: a splitting workout. */
export const longLineCommand = defineCommand({
  name: 'testlong',
  summary: 'test: answer with one long line',
  usage: 'testlong <n>',
  access: 'anyone',
  args: z.tuple([z.coerce.number().int().min(1).max(500)]),
  async run(_ctx, [n]) {
    return rt.of(longLine(n));
  },
});

export function longLine(n: number): string {
  return Array.from({ length: n }, (_, i) => (i % 3 === 0 ? '\u{1f433}\u00e9' : `word${i}`)).join(' ');
}

export const testCommands: readonly CommandDef[] = [...allCommands, echoCommand, echoRichCommand, adminOnlyCommand, whoamiCommand, linesCommand, listCommand, longLineCommand];

export interface BotHarness {
  readonly app: App;
  readonly adapter: IrcAdapter;
  readonly config: Config;
  readonly db: Db;
  stop(): Promise<void>;
}

export interface BotOptions {
  readonly server: IrcServer;
  readonly port?: number;
  readonly irc?: Record<string, unknown>;
  readonly access?: { admins?: string[]; maintainers?: string[] };
  readonly limits?: Record<string, unknown>;
  readonly adapter?: Partial<Omit<IrcAdapterOptions, 'settings' | 'log' | 'version'>>;
  readonly log?: Logger;
  /** Do not wait for registration and joins (for tests of failing connections). */
  readonly noWait?: boolean;
  /** Free-form question handlers (none by default: unknown text gets "Unknown command"). */
  readonly freeform?: readonly FreeformHandler[];
  /** Docker Hub base URL (a local fake); the default would reach the internet. */
  readonly hubUrl?: string;
  /** A Docker Hub client of the caller's (benchmarks warm its cache before asking); else one on hubUrl. */
  readonly hub?: HubLookup;
  /** More settings, by config key (`registry: {...}`), for commands that reach other services. */
  readonly config?: Record<string, unknown>;
  /** A fake GitHub (test/support/fake-github.ts) for feedback filing and PR lookups (`pr`, `when`); the catalog stays the bundled snapshot. */
  readonly github?: { readonly url: string };
}

export async function startBot(o: BotOptions): Promise<BotHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-ircapp-'));
  const config = configSchema.parse({
    ...o.config,
    db: join(dir, 'bot.sqlite3'),
    allowInsecure: true,
    access: o.access ?? {},
    limits: o.limits ?? {},
    ...(o.github ? { github: { token: 'ghp_irctest', graphqlUrl: o.github.url, pollSeconds: 3600 } } : {}),
    // The default Hub URL would reach the internet: a fake's, or a closed port.
    ...(o.hubUrl || o.github ? { hub: { url: o.hubUrl ?? 'http://127.0.0.1:9/', ...(o.github ? { pollSeconds: 3600 } : {}) } } : {}),
    irc: {
      host: o.server.host,
      port: o.port ?? o.server.port,
      tls: false,
      nick: 'doibot',
      burst: 4,
      lineIntervalMs: 0,
      ...o.irc,
    },
  });
  const db = openDatabase(config.db);
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  const log = o.log ?? silentLogger();
  const irc = config.irc!;
  // The same file reading as src/main.ts, so tests can go through the config keys.
  const files = {
    ...(irc.tlsCa ? { tlsCa: readFileSync(irc.tlsCa, 'utf8') } : {}),
    ...(irc.tlsCert && irc.tlsKey ? { clientCertificate: { cert: readFileSync(irc.tlsCert, 'utf8'), key: readFileSync(irc.tlsKey, 'utf8') } } : {}),
  };
  const adapter = new IrcAdapter({
    settings: irc,
    log,
    version: '0.0.0-test',
    ...files,
    // The test server is plain TCP on 127.0.0.1; SASL tests log in over it.
    allowInsecure: true,
    reconnectMinMs: 200,
    reconnectMaxMs: 2000,
    saslRetryMs: 60_000,
    ...o.adapter,
  });
  const github = o.github ? createGitHubClient({ token: 'ghp_irctest', url: o.github.url, log, clock: systemClock, mutationGapMs: 0, timeoutMs: 3000 }) : undefined;
  const app = createApp({
    config,
    db,
    log,
    clock: systemClock,
    version: '0.0.0-test',
    adapters: [adapter],
    commands: testCommands,
    ...(o.freeform ? { freeform: o.freeform } : {}),
    data: loadBotData(),
    overrides: {
      ...(o.hub ? { hub: o.hub } : {}),
      ...(github ? { github, pollGitHub: false, catalogSource: new BundledSnapshotSource(), tuning: { feedback: { inCommandMs: 3000, hubWaitMs: 200 } } } : {}),
    },
  });
  await app.start();
  if (!o.noWait) await withTimeout(adapter.ready(), 20_000, 'bot ready (registered and joined)', () => JSON.stringify(adapter.status()));
  return {
    app,
    adapter,
    config,
    db,
    async stop() {
      await app.stop('test over', 5000);
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string, diag: () => string = () => ''): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what} ${diag()}`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

export async function eventually(check: () => boolean, timeoutMs: number, what: string, diag: () => string = () => ''): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms: ${what} ${diag()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
