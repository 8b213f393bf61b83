/**
 * Composition root: the only module that reads process.env, argv, stdio and exits. Everything
 * else receives what it needs as parameters.
 */
import { fstatSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createApp, type App } from './app.js';
import { backupDatabase } from './store/backup.js';
import { parseCommandLine, USAGE } from './cli.js';
import { withDotEnv, type EnvWithDotEnv } from './config/dotenv.js';
import { loadConfig, type LoadedConfig } from './config/load.js';
import { preflightProblems } from './config/preflight.js';
import { describeConfig } from './config/summary.js';
import type { ChatAdapter } from './core/chat.js';
import { systemClock } from './core/clock.js';
import { BotError, ConfigError, errorMessage } from './core/errors.js';
import { createLogger, logFileDestination, type DestinationStream } from './core/log.js';
import { probeHealth } from './http/probe.js';
import { HttpServer } from './http/server.js';
import { loadBotData, type BotData } from './load-data.js';
import { projectRoot } from './paths.js';
import { openDatabase } from './store/db.js';
import { migrate, readMigrations } from './store/migrate.js';
import { ConsoleAdapter } from '../adapters/console/console-adapter.js';
import { IrcAdapter } from '../adapters/irc/irc-adapter.js';
import { SlackAdapter } from '../adapters/slack/slack-adapter.js';
import { allCommands, freeformHandlers } from '../commands/index.js';

/** Exit code when there is nothing to do (no platform, no input): non-zero so a restart policy shows it. */
const EXIT_NOTHING_TO_DO = 78; // EX_CONFIG from sysexits.h: the configuration is what is missing

async function main(argv: readonly string[]): Promise<number> {
  const command = parseCommandLine(argv);
  if (command.kind === 'usage-error') {
    process.stderr.write(`doi-bot: ${command.message}\n${USAGE}\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const root = projectRoot();
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  if (command.kind === 'version') {
    process.stdout.write(`doi-bot ${version}\n`);
    return 0;
  }
  const readFile = (p: string) => readFileSync(p, 'utf8');
  let loaded: LoadedConfig;
  let env: EnvWithDotEnv;
  try {
    env = withDotEnv(process.env, resolve('.env'), readFile);
    const checkConfig = command.kind === 'run' && command.checkConfig;
    loaded = loadConfig({ env: env.env, argv, readFile, checks: (c) => preflightProblems(c, { checkConfig }) });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`doi-bot: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const { config } = loaded;
  if (command.kind === 'run' && command.checkConfig) {
    const summary = describeConfig(config, { configFile: loaded.configFile, dotEnvFile: env.dotEnvFile });
    process.stdout.write(`configuration OK${loaded.configFile ? ` (${loaded.configFile})` : ''}\n${summary.map((l) => `  ${l}\n`).join('')}`);
    for (const warning of loaded.warnings) process.stdout.write(`warning: ${warning}\n`);
    return 0;
  }
  if (command.kind === 'healthcheck') {
    const probe = await probeHealth(
      config.http.opsPort !== undefined ? { port: config.http.opsPort, host: config.http.opsHost } : { port: config.http.port, host: config.http.host },
    );
    (probe.healthy ? process.stdout : process.stderr).write(`${probe.message}\n`);
    return probe.healthy ? 0 : 1;
  }
  if (command.kind === 'backup') {
    try {
      const b = await backupDatabase(config.db, command.target);
      process.stdout.write(`backup written: ${b.file} (${b.bytes} bytes, schema version ${b.schemaVersion}, ${b.ms} ms)\n`);
      return 0;
    } catch (err) {
      process.stderr.write(`doi-bot: ${errorMessage(err)}\n`);
      return 1;
    }
  }

  // No chat platform: the console adapter answers on this terminal. JSON log lines there would
  // bury the answers, so they go to a file next to the database.
  const consoleMode = !config.slack && !config.irc;
  const logFile = consoleMode ? terminalLogFile(config.db) : undefined;
  let logDestination: DestinationStream | undefined;
  if (logFile) {
    try {
      logDestination = logFileDestination(logFile);
    } catch (err) {
      process.stderr.write(`doi-bot: cannot write the log file ${logFile}: ${errorMessage(err)}\n`);
      return 1;
    }
  }
  // The one root logger; every part logs through a child of it. Console answers on a pipe share
  // stderr's terminal: only warnings there unless asked for more.
  const level = consoleMode && !logFile && !env.env.DOIBOT_LOG_LEVEL ? 'warn' : config.logLevel;
  const log = createLogger({ level, secrets: loaded.secrets }, logDestination);
  for (const warning of loaded.warnings) log.warn({ setting: warning.slice(0, warning.indexOf(':')) }, warning);

  let data: BotData;
  try {
    data = loadBotData(root);
  } catch (err) {
    process.stderr.write(`doi-bot: ${errorMessage(err)}\n`);
    return 1;
  }

  // The one HTTP listener (health, metrics, Slack HTTP mode, webhooks): parts add routes to it.
  // Built before the adapters because Slack's HTTP mode mounts on it.
  const httpLog = log.child({ component: 'http' });
  const http = config.http.port !== undefined ? new HttpServer(httpLog) : undefined;
  // Health and metrics on their own (loopback) listener when asked, so the main one can be public.
  const opsHttp = config.http.opsPort !== undefined ? new HttpServer(httpLog.child({ listener: 'ops' })) : undefined;
  const adapters: ChatAdapter[] = [];
  if (config.slack) {
    const slackLog = log.child({ component: 'slack' });
    try {
      adapters.push(new SlackAdapter({ config: config.slack, log: slackLog, ...(http ? { http } : {}) }));
    } catch (err) {
      process.stderr.write(`doi-bot: ${errorMessage(err)}\n`);
      return 1;
    }
  }
  if (config.irc) {
    const ircLog = log.child({ component: 'irc' });
    let clientCertificate: { cert: string; key: string } | undefined;
    if (config.irc.tlsCert && config.irc.tlsKey) {
      try {
        clientCertificate = { cert: readFileSync(config.irc.tlsCert, 'utf8'), key: readFileSync(config.irc.tlsKey, 'utf8') };
      } catch (err) {
        process.stderr.write(`doi-bot: IRC_TLS_CERT / IRC_TLS_KEY: cannot read the client certificate: ${errorMessage(err)}\n`);
        return 1;
      }
    }
    let tlsCa: string | undefined;
    if (config.irc.tlsCa) {
      try {
        tlsCa = readFileSync(config.irc.tlsCa, 'utf8');
      } catch (err) {
        process.stderr.write(`doi-bot: IRC_TLS_CA: cannot read the CA certificate: ${errorMessage(err)}\n`);
        return 1;
      }
    }
    adapters.push(
      new IrcAdapter({ settings: config.irc, log: ircLog, version, allowInsecure: config.allowInsecure, ...(clientCertificate ? { clientCertificate } : {}), ...(tlsCa ? { tlsCa } : {}) }),
    );
  }
  let consoleAdapter: ConsoleAdapter | undefined;
  if (consoleMode) {
    consoleAdapter = new ConsoleAdapter({
      input: process.stdin,
      output: process.stdout,
      interactive: Boolean(process.stdin.isTTY),
      user: env.env.USER ?? 'operator',
      ...(logFile ? { notice: `Logs go to ${logFile}.` } : {}),
    });
    adapters.push(consoleAdapter);
  }
  let db;
  try {
    db = openDatabase(config.db);
    migrate(db, readMigrations(join(root, 'migrations')), log);
  } catch (err) {
    process.stderr.write(`doi-bot: ${errorMessage(err)}\n`);
    db?.close();
    return 1;
  }

  let app: App;
  try {
    // Builds the one GitHub client (GITHUB_TOKEN), which checks GITHUB_GRAPHQL_URL.
    app = createApp({
      config,
      db,
      log,
      clock: systemClock,
      version,
      adapters,
      commands: allCommands,
      freeform: freeformHandlers,
      data,
      ...(http ? { http } : {}),
      ...(opsHttp ? { opsHttp } : {}),
    });
  } catch (err) {
    process.stderr.write(`doi-bot: ${errorMessage(err)}\n`);
    db.close();
    return 1;
  }

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= app.stop(reason).finally(() => db.close());
    return stopping;
  };
  const done = new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      if (++signals > 1) {
        log.warn({ signal: sig }, 'second signal: exiting now');
        process.exit(1);
      }
      log.info({ signal: sig }, 'stopping');
      const force = setTimeout(() => {
        log.error('shutdown deadline passed: exiting');
        process.exit(1);
      }, 9000);
      force.unref();
      void shutdown(`received ${sig}`).then(() => resolve(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (consoleAdapter) {
      const terminal = consoleAdapter;
      void terminal.ended.then(() => shutdown('end of input').then(() => resolve(nothingToDo(terminal) ? EXIT_NOTHING_TO_DO : 0)));
    }
  });

  try {
    await app.start();
  } catch (err) {
    process.stderr.write(`doi-bot: cannot start: ${errorMessage(err)}\n`);
    await shutdown('start failed');
    return 1;
  }
  return done;
}

/**
 * The log file when the console adapter talks to a person on a terminal (stdin and stdout are
 * TTYs) and stderr is that same terminal; undefined keeps logs on stderr (pipes, stderr
 * redirected or on another terminal).
 */
function terminalLogFile(dbPath: string): string | undefined {
  if (!process.stdin.isTTY || !process.stdout.isTTY || !sameFile(1, 2)) return undefined;
  return join(dirname(resolve(dbPath)), 'doi-bot.log');
}

function sameFile(fdA: number, fdB: number): boolean {
  try {
    const a = fstatSync(fdA);
    const b = fstatSync(fdB);
    return a.dev === b.dev && a.ino === b.ino && a.rdev === b.rdev;
  } catch {
    return false;
  }
}

/**
 * No chat platform and stdin gave not one line (/dev/null, closed, an empty pipe: a container
 * started without -i). Exiting 0 would make `restart: unless-stopped` a silent restart loop.
 */
function nothingToDo(terminal: ConsoleAdapter): boolean {
  if (terminal.linesRead > 0 || process.stdin.isTTY) return false;
  process.stderr.write(
    'doi-bot: no chat platform is configured and standard input is empty, so there is nothing to do.\n' +
      '  Set IRC_HOST (IRC, see IRC_NICK, IRC_CHANNELS, IRC_SASL_*) or SLACK_BOT_TOKEN with SLACK_APP_TOKEN (Slack),\n' +
      "  or pipe commands in: printf 'help\\n' | npm start   (docker run -i for the console in a container)\n",
  );
  return true;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; a handle some library forgot must not hold the exit past
    // Docker's stop timeout.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`doi-bot: ${err instanceof BotError ? err.message : (err instanceof Error ? err.stack : String(err))}\n`);
    process.exitCode = 1;
  },
);
