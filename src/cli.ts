import { parseArgs } from 'node:util';
import { typoDistance } from './core/distance.js';

export const USAGE = `usage: doi-bot [--config FILE] [--check-config]
       doi-bot backup FILE     copy the live database to FILE (safe while the bot runs)
       doi-bot healthcheck     exit 0 when the running bot's /healthz says healthy
       doi-bot --help | --version

Runs doi-bot. With no chat platform configured it answers on this terminal (or stdin/stdout
when piped). Configuration: environment variables, a .env file in the current directory and
an optional YAML file (--config FILE or DOIBOT_CONFIG); see README.md.`;

export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly checkConfig: boolean }
  | { readonly kind: 'backup'; readonly target: string }
  | { readonly kind: 'healthcheck' }
  /** The arguments make no sense: `message` says why, the caller prints it with the usage. */
  | { readonly kind: 'usage-error'; readonly message: string };

const OPTIONS = {
  config: { type: 'string' },
  'check-config': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/**
 * Strict: an unknown flag is refused rather than ignored, because a typo such as `--check-confg`
 * would otherwise start the bot and connect it to its chat platforms.
 */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    return { kind: 'usage-error', message: describeParseError(err, argv) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [verb, ...rest] = positionals;
  if (verb === undefined) return { kind: 'run', checkConfig: values['check-config'] === true };
  if (values['check-config']) return { kind: 'usage-error', message: `--check-config cannot be combined with "${clip(verb)}"` };
  if (verb === 'healthcheck') {
    return rest.length ? { kind: 'usage-error', message: `healthcheck takes no arguments (got "${clip(rest[0]!)}")` } : { kind: 'healthcheck' };
  }
  if (verb === 'backup') {
    if (rest.length !== 1) return { kind: 'usage-error', message: 'usage: doi-bot backup FILE (e.g. npm run backup -- backups/doi-bot-$(date +%F).sqlite3)' };
    return { kind: 'backup', target: rest[0]! };
  }
  return { kind: 'usage-error', message: `unknown subcommand "${clip(verb)}"` };
}

function describeParseError(err: unknown, argv: readonly string[]): string {
  const code = err instanceof Error && 'code' in err ? err.code : undefined;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const flag = argv.find((a) => a.startsWith('-') && !isKnownFlag(a)) ?? '?';
    const hint = closestFlag(flag);
    return `unknown option "${clip(flag)}"${hint ? ` (did you mean ${hint}?)` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return '--config needs a file name (--config FILE)';
  return err instanceof Error ? err.message : String(err);
}

const KNOWN_FLAGS = ['--config', '--check-config', '--help', '-h', '--version', '-V'];

function isKnownFlag(arg: string): boolean {
  return arg === '--' || KNOWN_FLAGS.includes(arg.split('=')[0]!);
}

function closestFlag(flag: string): string | undefined {
  const name = flag.split('=')[0]!;
  let best: { flag: string; d: number } | undefined;
  for (const known of KNOWN_FLAGS.filter((k) => k.startsWith('--'))) {
    const d = typoDistance(name, known);
    if (d <= 3 && (!best || d < best.d)) best = { flag: known, d };
  }
  return best?.flag;
}

const clip = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
