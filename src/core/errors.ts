/** Base of every error we throw on purpose. Only `userMessage` may ever reach chat. */
export class BotError extends Error {
  readonly code: string;
  readonly userMessage: string | undefined;
  constructor(code: string, message: string, opts: { cause?: unknown; userMessage?: string } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.userMessage = opts.userMessage;
  }
}

/** Something the user did or asked that we refuse or cannot answer; the message is for them. */
export class UserError extends BotError {
  constructor(code: string, userMessage: string, opts: { cause?: unknown } = {}) {
    super(code, userMessage, { ...opts, userMessage });
  }
}

/** Bad configuration: fatal at start. `issues` lists every bad key at once. */
export class ConfigError extends BotError {
  readonly issues: readonly string[];
  constructor(issues: readonly string[], opts: { cause?: unknown } = {}) {
    super('config.invalid', `invalid configuration:\n  ${issues.join('\n  ')}`, opts);
    this.issues = issues;
  }
}

/** A remote service failed. `retryable` says whether trying again later can help. */
export class UpstreamError extends BotError {
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** Milliseconds the remote asked us to wait (Retry-After, rate limit reset). */
  readonly retryAfterMs: number | undefined;
  constructor(
    code: string,
    message: string,
    opts: {
      retryable: boolean;
      status?: number;
      retryAfterMs?: number;
      cause?: unknown;
      userMessage?: string;
    },
  ) {
    super(code, message, opts);
    this.retryable = opts.retryable;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/**
 * The person a private message is for is not online right now (IRC: nobody is logged in as the
 * account). Not a failure of the platform: the outbox keeps the message and tries again later.
 */
export class RecipientAwayError extends UpstreamError {
  constructor(message: string, retryAfterMs: number) {
    super('delivery.recipient-away', message, { retryable: true, retryAfterMs });
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
