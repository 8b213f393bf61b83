import type { AdapterCapabilities, ChannelKey, ChatAdapter, OutboundMessage, Platform, SendResult } from '../core/chat.js';
import type { Clock } from '../core/clock.js';
import { UpstreamError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { ReplyPages } from './paging.js';

/**
 * The only door to the adapters: finds the adapter for a channel key and sends, retrying
 * retryable failures a few times. Replies are not persisted (the asker can ask again);
 * announcements go through the persisted outbox, which calls this too.
 */
export class Delivery {
  readonly #adapters = new Map<Platform, ChatAdapter>();
  readonly #log: Logger;
  readonly #clock: Clock;
  /** Long replies cut to what their target shows at once; private rests kept for `more`. */
  readonly pages: ReplyPages;
  /** Called after each attempt, for metrics. */
  onResult: ((platform: Platform, kind: OutboundMessage['kind'], outcome: 'ok' | 'retry' | 'failed') => void) | undefined;

  constructor(adapters: readonly ChatAdapter[], log: Logger, clock: Clock) {
    for (const a of adapters) this.#adapters.set(a.platform, a);
    this.#log = log;
    this.#clock = clock;
    this.pages = new ReplyPages(clock);
  }

  adapterFor(channel: string): ChatAdapter | undefined {
    const platform = channel.slice(0, channel.indexOf(':')) as Platform;
    return this.#adapters.get(platform);
  }

  /** What the platform of `channel` can do; undefined: no adapter for it here. */
  capabilitiesFor(channel: ChannelKey): AdapterCapabilities | undefined {
    return this.adapterFor(channel)?.capabilities;
  }

  capabilitiesOf(platform: Platform): AdapterCapabilities | undefined {
    return this.#adapters.get(platform)?.capabilities;
  }

  /**
   * One attempt; throws UpstreamError. Reported to onResult as ok, retry (a retryable failure:
   * the caller, e.g. the outbox worker, tries again later) or failed (permanent).
   */
  async sendOnce(msg: OutboundMessage): Promise<SendResult> {
    const platform = this.adapterFor(msg.channel)?.platform;
    try {
      const res = await this.#send(msg);
      if (platform) this.onResult?.(platform, msg.kind, 'ok');
      return res;
    } catch (err) {
      if (platform) this.onResult?.(platform, msg.kind, err instanceof UpstreamError && err.retryable ? 'retry' : 'failed');
      throw err;
    }
  }

  async #send(msg: OutboundMessage): Promise<SendResult> {
    const adapter = this.adapterFor(msg.channel);
    if (!adapter) throw new UpstreamError('delivery.no-adapter', `no adapter for ${msg.channel}`, { retryable: false });
    if (msg.updateRef !== undefined && !adapter.capabilities.editableCards) {
      throw new UpstreamError('delivery.not-editable', `${adapter.platform} messages cannot be edited`, { retryable: false });
    }
    return adapter.send(msg);
  }

  /** Replies: cut to what the target shows at once, a few quick retries, then give up with a log line. */
  async sendReply(reply: OutboundMessage, attempts = 3): Promise<SendResult | undefined> {
    const adapter = this.adapterFor(reply.channel);
    const platform = adapter?.platform;
    const msg = adapter ? this.pages.fit(reply, adapter) : reply;
    for (let i = 1; i <= attempts; i++) {
      try {
        // Not sendOnce: whether a retryable failure is final depends on the attempts left here.
        const res = await this.#send(msg);
        if (platform) this.onResult?.(platform, msg.kind, 'ok');
        return res;
      } catch (err) {
        const retryable = err instanceof UpstreamError && err.retryable && i < attempts;
        if (platform) this.onResult?.(platform, msg.kind, retryable ? 'retry' : 'failed');
        if (!retryable) {
          this.#log.warn({ err, channel: msg.channel }, 'reply not delivered');
          return undefined;
        }
        const wait = err instanceof UpstreamError && err.retryAfterMs ? err.retryAfterMs : 500 * 2 ** i;
        await this.#clock.sleep(Math.min(wait, 30_000));
      }
    }
    return undefined;
  }
}
