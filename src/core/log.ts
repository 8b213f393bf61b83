import { pino, destination as pinoDestination, type Logger, type DestinationStream } from 'pino';

export type { DestinationStream, Logger };

/** Paths pino censors wherever they appear in a log object. */
export const REDACT_PATHS = [
  'token',
  'password',
  'secret',
  'authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  '*.headers.authorization',
  'config.github.token',
  'config.slack.botToken',
  'config.slack.appToken',
  'config.slack.signingSecret',
  'config.irc.saslPassword',
  'config.http.webhookSecret',
];

export function createLogger(
  opts: { level?: string; secrets?: readonly string[] } = {},
  destination?: DestinationStream,
): Logger {
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 6);
  return pino(
    {
      level: opts.level ?? 'info',
      base: null,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: {
        level: (label) => ({ level: label }),
        // Belt and braces: a secret value that slipped into any string field is masked.
        log: (obj) => (secrets.length ? maskSecrets(obj, secrets) : obj),
      },
      hooks: secrets.length
        ? {
            logMethod(args, method) {
              const masked = args.map((a: unknown) =>
                typeof a === 'string' ? maskString(a, secrets) : a,
              ) as Parameters<typeof method>;
              method.apply(this, masked);
            },
          }
        : {},
    },
    destination ?? pinoDestination({ dest: 2, sync: true }),
  );
}

function maskString(s: string, secrets: readonly string[]): string {
  let out = s;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

function maskSecrets(value: Record<string, unknown>, secrets: readonly string[]): Record<string, unknown> {
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return maskString(v, secrets);
    if (depth > 5 || v === null || typeof v !== 'object') return v;
    if (v instanceof Error) return { type: v.name, message: maskString(v.message, secrets), stack: v.stack && maskString(v.stack, secrets) };
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x, depth + 1);
    return out;
  };
  return walk(value, 0) as Record<string, unknown>;
}

/**
 * Appends JSON lines to a file (created with its directory), for when stderr is the terminal the
 * console adapter answers on. Throws when the file cannot be opened.
 */
export function logFileDestination(path: string): DestinationStream {
  return pinoDestination({ dest: path, append: true, mkdir: true, sync: true });
}

/** A logger that writes nothing: tests and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
