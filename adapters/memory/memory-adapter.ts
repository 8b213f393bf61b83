import type { AdapterCapabilities, AdapterStatus, ChatAdapter, InboundMessage, OutboundMessage, Platform, SendResult, UserRef } from '../../src/core/chat.js';
import { channelKey, PLAIN_CAPABILITIES } from '../../src/core/chat.js';
import { ircUser } from '../irc/accounts.js';
import { IRC_CAPABILITIES } from '../irc/capabilities.js';
import { SLACK_CAPABILITIES } from '../slack/capabilities.js';
import { toPlainText } from '../../src/core/richtext.js';
import { UpstreamError } from '../../src/core/errors.js';

export interface SentMessage extends OutboundMessage {
  readonly text: string;
  readonly ref: string;
}

/**
 * What the memory adapter declares when it stands in for a platform: the platform's own
 * capabilities, so the core treats the stand-in exactly as the real thing. Its own: a chat that
 * takes private messages (tests of notifications).
 */
const STAND_IN: Readonly<Record<Platform, AdapterCapabilities>> = {
  irc: IRC_CAPABILITIES,
  slack: SLACK_CAPABILITIES,
  console: { ...PLAIN_CAPABILITIES, displayName: 'the console' },
  memory: { ...PLAIN_CAPABILITIES, privateMessages: true },
};

/** The capabilities a stand-in for `platform` declares (test and bench adapters use them too). */
export function standInCapabilities(platform: Platform): AdapterCapabilities {
  return STAND_IN[platform];
}

/**
 * An in-process chat: tests and benchmarks inject messages and read what was sent. It can be
 * told to fail the next sends, to exercise retries.
 */
export class MemoryAdapter implements ChatAdapter {
  readonly platform: Platform;
  readonly capabilities: AdapterCapabilities;
  readonly sent: SentMessage[] = [];
  #onMessage: ((msg: InboundMessage) => Promise<void>) | undefined;
  #connected = false;
  #failNext = 0;
  #seq = 0;
  readonly #waiters: Array<{ count: number; resolve: () => void }> = [];

  /** `declares`: capabilities on top of the stand-in's (a chat that pages, a channel line limit). */
  constructor(platform: Platform = 'memory', declares: Partial<AdapterCapabilities> = {}) {
    this.platform = platform;
    this.capabilities = { ...standInCapabilities(platform), ...declares };
  }

  async start(onMessage: (msg: InboundMessage) => Promise<void>): Promise<void> {
    this.#onMessage = onMessage;
    this.#connected = true;
  }

  /** Sends a message as if a user typed it; resolves when the bot has handled it. */
  async inject(text: string, opts: { channel?: string; user?: Partial<UserRef>; addressed?: boolean; threadId?: string } = {}): Promise<void> {
    if (!this.#onMessage) throw new Error('memory adapter not started');
    const channel = opts.channel ?? '#test';
    const given: UserRef = { platform: this.platform, id: 'alice', name: 'alice', account: 'alice', ...opts.user };
    // Standing in for IRC, people are what the IRC adapter makes of them (reached by account).
    const user = this.platform === 'irc' && opts.user?.privateKey === undefined ? { ...ircUser(given.id, given.account), name: given.name } : given;
    const msg: InboundMessage = {
      id: `m${++this.#seq}`,
      channel: { platform: this.platform, id: channel, key: channelKey(this.platform, channel), name: channel },
      author: user,
      text,
      isDirect: !channel.startsWith('#'),
      addressed: opts.addressed ?? true,
      receivedAt: new Date(),
      ...(opts.threadId ? { threadId: opts.threadId } : {}),
    };
    await this.#onMessage(msg);
  }

  failNextSends(n: number): void {
    this.#failNext = n;
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    if (this.#failNext > 0) {
      this.#failNext--;
      throw new UpstreamError('memory.send', 'simulated send failure', { retryable: true });
    }
    const ref = msg.updateRef ?? `ref${++this.#seq}`;
    this.sent.push({ ...msg, text: toPlainText(msg.body), ref });
    for (const w of [...this.#waiters]) {
      if (this.sent.length >= w.count) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve();
      }
    }
    return { ref };
  }

  /** Resolves once at least `count` messages have been sent in total. */
  waitForSent(count: number, timeoutMs = 5000): Promise<void> {
    if (this.sent.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${count} messages (have ${this.sent.length})`)), timeoutMs);
      this.#waiters.push({ count, resolve: () => { clearTimeout(t); resolve(); } });
    });
  }

  texts(channel?: string): string[] {
    return this.sent.filter((m) => !channel || m.channel === channelKey(this.platform, channel)).map((m) => m.text);
  }

  async stop(): Promise<void> {
    this.#connected = false;
  }

  status(): AdapterStatus {
    return { platform: this.platform, connected: this.#connected };
  }
}
