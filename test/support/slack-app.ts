/**
 * The real app (createApp, real commands, temp SQLite) with the real SlackAdapter pointed at
 * the fake Slack, in Socket Mode or HTTP mode on a real shared HttpServer; plus test-only
 * commands that echo untrusted text, answer slowly or need admin rights.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { SlackAdapter, type SlackAdapterOptions } from '../../adapters/slack/slack-adapter.js';
import { allCommands } from '../../commands/index.js';
import { createApp, type App } from '../../src/app.js';
import { loadBotData } from '../../src/load-data.js';
import { configSchema, type Config } from '../../src/config/schema.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { rt } from '../../src/core/richtext.js';
import { arg, defineCommand, type CommandDef } from '../../src/dispatch/command.js';
import { HttpServer } from '../../src/http/server.js';
import { projectRoot } from '../../src/paths.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import type { FakeSlack } from './fake-slack.js';

/** Echoes its text in every kind of RichText part: the way untrusted data reaches a reply. */
export const slackEchoCommand = defineCommand({
  name: 'testecho',
  summary: 'test: repeat the text in text, bold, code and link parts',
  usage: 'testecho <text>',
  access: 'anyone',
  args: arg.words,
  async run(ctx) {
    const t = ctx.argsText;
    return rt.of(rt.line('you said: ', rt.text(t)), rt.line(rt.bold(t), ' ', rt.code(t), ' ', rt.link(`https://example.test/?q=${t}`, t)));
  },
});

/** Answers with who asked, and offers a button that runs `testwho` again. */
export const whoCommand = defineCommand({
  name: 'testwho',
  summary: 'test: name the verified identity of the asker',
  usage: 'testwho',
  access: 'anyone',
  args: arg.words,
  async run(ctx) {
    return rt.withActions(rt.of(`account=${ctx.message.author.account ?? 'none'} channel=${ctx.message.channel.key}`), [
      { label: 'Again', command: 'testwho again' },
    ]);
  },
});

/** Takes `ms` before answering: lets a test break the socket while a reply is pending. */
export const slowCommand = defineCommand({
  name: 'testslow',
  summary: 'test: answer after a delay',
  usage: 'testslow <ms>',
  access: 'anyone',
  args: z.tuple([z.coerce.number().int().min(0).max(10_000)]),
  async run(ctx, [ms]) {
    await ctx.clock.sleep(ms);
    return rt.of(`slow answer after ${ms} ms`);
  },
});

export const slackLinesCommand = defineCommand({
  name: 'testlines',
  summary: 'test: answer with N long lines',
  usage: 'testlines <n>',
  access: 'anyone',
  args: z.tuple([z.coerce.number().int().min(1).max(2000)]),
  async run(_ctx, [n]) {
    return rt.of(...Array.from({ length: n }, (_, i) => `line ${i + 1} of ${n}: ${'x'.repeat(200)}`));
  },
});

export const slackTestCommands: readonly CommandDef[] = [...allCommands, slackEchoCommand, whoCommand, slowCommand, slackLinesCommand];

export interface SlackBot {
  readonly app: App;
  readonly adapter: SlackAdapter;
  readonly config: Config;
  readonly db: Db;
  /** HTTP mode: the port of the shared HttpServer. */
  readonly httpPort: number | undefined;
  stop(): Promise<void>;
}

export interface SlackBotOptions {
  readonly fake: FakeSlack;
  readonly mode?: 'socket' | 'http';
  readonly slack?: Record<string, unknown>;
  readonly access?: { admins?: string[]; maintainers?: string[] };
  readonly adapter?: Partial<Omit<SlackAdapterOptions, 'config' | 'log' | 'http'>>;
  readonly commands?: readonly CommandDef[];
  readonly log?: Logger;
  /** Resolve without waiting for the socket (tests of failing starts). */
  readonly noWait?: boolean;
}

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export async function startSlackBot(o: SlackBotOptions): Promise<SlackBot> {
  const mode = o.mode ?? 'socket';
  const dir = mkdtempSync(join(tmpdir(), 'doibot-slackapp-'));
  const config = configSchema.parse({
    db: join(dir, 'bot.sqlite3'),
    // The fake Slack listens on http://127.0.0.1.
    allowInsecure: true,
    access: o.access ?? {},
    http: mode === 'http' ? { port: 0, host: '127.0.0.1' } : {},
    slack: {
      botToken: 'xoxb-test-bot-token',
      ...(mode === 'socket' ? { appToken: 'xapp-test-app-token' } : { signingSecret: SIGNING_SECRET }),
      apiUrl: o.fake.apiUrl,
      ...o.slack,
    },
  });
  const db = openDatabase(config.db);
  migrate(db, readMigrations(join(projectRoot(), 'migrations')));
  const log = o.log ?? silentLogger();
  const http = mode === 'http' ? new HttpServer(log) : undefined;
  const adapter = new SlackAdapter({
    config: config.slack!,
    log,
    ...(http ? { http } : {}),
    pacingMs: 0,
    reconnectBaseMs: 50,
    socketPingTimeoutMs: 2000,
    ...o.adapter,
  });
  const app = createApp({ config, db, log, clock: systemClock, version: '0.0.0-test', adapters: [adapter], commands: o.commands ?? slackTestCommands, data: loadBotData() });
  await app.start();
  const httpPort = http ? await http.listen(0, '127.0.0.1') : undefined;
  if (mode === 'socket' && !o.noWait) await eventually(() => adapter.status().connected, 10_000, 'the bot to connect', () => JSON.stringify(adapter.status()));
  return {
    app,
    adapter,
    config,
    db,
    httpPort,
    async stop() {
      await app.stop('test over', 5000);
      await http?.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function eventually(check: () => boolean, timeoutMs: number, what: string, diag: () => string = () => ''): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms: ${what} ${diag()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
