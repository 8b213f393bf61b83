/**
 * Slash commands and buttons are answered through Slack's response_url. The adapter keeps each
 * URL under an opaque handle (InboundMessage.replyHandle), which a reply carries back in its
 * ReplyAddress. Valid 30 minutes and 5 uses; kept in memory only (meaningless after a restart).
 */
import type { SendResult } from '../../src/core/chat.js';
import type { Clock } from '../../src/core/clock.js';
import { UpstreamError } from '../../src/core/errors.js';
import type { SlackMessage } from './blocks.js';
import { describeError } from './errors.js';

/** Slack accepts a response_url for 30 minutes. */
const RESPONSE_URL_TTL_MS = 30 * 60_000;
const RESPONSE_URL_MAX_USES = 5;

interface ResponseTarget {
  readonly url: string;
  readonly responseType: 'ephemeral' | 'in_channel';
  readonly expiresAt: number;
  uses: number;
}

export class ResponseUrls {
  readonly #targets = new Map<string, ResponseTarget>();
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  #seq = 0;

  constructor(clock: Clock, timeoutMs: number) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
  }

  newHandle(): string {
    return `response-${++this.#seq}`;
  }

  remember(handle: string, url: string, responseType: ResponseTarget['responseType']): void {
    const now = this.#clock.now();
    for (const [k, t] of this.#targets) if (t.expiresAt <= now) this.#targets.delete(k);
    this.#targets.set(handle, { url, responseType, expiresAt: now + RESPONSE_URL_TTL_MS, uses: 0 });
  }

  /** The live target for `handle`; throws (not retryable) once it expired or is used up. */
  take(handle: string): ResponseTarget {
    const target = this.#targets.get(handle);
    if (!target || target.expiresAt <= this.#clock.now() || target.uses >= RESPONSE_URL_MAX_USES) {
      this.#targets.delete(handle);
      // An ephemeral answer must not fall back to a public post: drop it with a reason.
      throw new UpstreamError('slack.response-url-expired', 'the slash command can no longer be answered (response_url expired)', { retryable: false });
    }
    return target;
  }

  async post(target: ResponseTarget, rendered: SlackMessage): Promise<SendResult> {
    if (!/^https?:\/\//.test(target.url)) throw new UpstreamError('slack.response-url', 'response_url is not http(s)', { retryable: false });
    target.uses++;
    let res: Response;
    try {
      res = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: target.responseType, replace_original: false, text: rendered.text, blocks: rendered.blocks }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw new UpstreamError('slack.response-url', `response_url POST failed: ${describeError(err)}`, { retryable: true, cause: err });
    }
    await res.text().catch(() => '');
    if (!res.ok) {
      throw new UpstreamError('slack.response-url', `response_url answered HTTP ${res.status}`, {
        retryable: res.status >= 500 || res.status === 429,
        status: res.status,
      });
    }
    return {};
  }
}
