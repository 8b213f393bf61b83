/** What Slack's answers and errors mean for the adapter: fatal, retryable, or a wait. */
import { webApi } from '@slack/bolt';
import { ConfigError, UpstreamError, errorMessage } from '../../src/core/errors.js';

/** Slack errors that no retry can fix: a bad, revoked or wrong-type token. */
export const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type', 'user_removed_from_team', 'team_disabled', 'missing_scope']);
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** The tokens checkTokens looks at (the adapter's SlackAdapterConfig fits). */
export interface SlackTokens {
  readonly botToken: string;
  readonly appToken?: string | undefined;
  readonly signingSecret?: string | undefined;
}

/** Swapped or malformed tokens are the most common setup mistake: say exactly what is wrong. */
export function checkTokens(config: SlackTokens, hasHttp: boolean): void {
  const problems: string[] = [];
  if (config.botToken.startsWith('xapp-')) {
    problems.push('SLACK_BOT_TOKEN is an app-level token (xapp-): the bot token starts with xoxb- (did you swap SLACK_BOT_TOKEN and SLACK_APP_TOKEN?)');
  } else if (!config.botToken.startsWith('xoxb-')) {
    problems.push('SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions > Bot User OAuth Token)');
  }
  if (config.appToken !== undefined) {
    if (config.appToken.startsWith('xoxb-')) {
      problems.push('SLACK_APP_TOKEN is a bot token (xoxb-): the app-level token starts with xapp- (did you swap SLACK_BOT_TOKEN and SLACK_APP_TOKEN?)');
    } else if (!config.appToken.startsWith('xapp-')) {
      problems.push('SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information > App-Level Tokens, scope connections:write)');
    }
  } else if (!config.signingSecret || !hasHttp) {
    problems.push('Slack needs SLACK_APP_TOKEN (Socket Mode), or SLACK_SIGNING_SECRET and DOIBOT_HTTP_PORT (HTTP events)');
  }
  if (problems.length) throw new ConfigError(problems);
}

export function platformErrorCode(err: unknown): string | undefined {
  if (err instanceof Error && 'code' in err && err.code === webApi.ErrorCode.PlatformError && 'data' in err) {
    const data = err.data as { error?: unknown };
    return typeof data.error === 'string' ? data.error : undefined;
  }
  return undefined;
}

export function rateLimitWaitMs(err: unknown): number | undefined {
  if (err instanceof Error && 'code' in err && err.code === webApi.ErrorCode.RateLimitedError && 'retryAfter' in err) {
    const seconds = Number(err.retryAfter);
    return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 300) * 1000 : 1000;
  }
  return platformErrorCode(err) === 'ratelimited' ? 1000 : undefined;
}

export function describeError(err: unknown): string {
  const code = platformErrorCode(err);
  return code ?? errorMessage(err);
}

/**
 * A failed Web API call -> UpstreamError: Slack's refusals are permanent unless transient by
 * code, HTTP 5xx and network errors are retryable. `onAuthError` hears a rejected token.
 */
export function toUpstreamError(err: unknown, onAuthError: (code: string) => void): UpstreamError {
  const code = platformErrorCode(err);
  if (code) {
    if (AUTH_ERRORS.has(code)) onAuthError(code);
    return new UpstreamError(`slack.${code}`, `Slack refused the message: ${code}`, { retryable: TRANSIENT_ERRORS.has(code), cause: err });
  }
  if (err instanceof Error && 'code' in err && err.code === webApi.ErrorCode.HTTPError && 'statusCode' in err) {
    const status = Number(err.statusCode);
    return new UpstreamError('slack.http', `Slack answered HTTP ${status}`, { retryable: status >= 500, status, cause: err });
  }
  return new UpstreamError('slack.request', `Slack request failed: ${describeError(err)}`, { retryable: true, cause: err });
}
