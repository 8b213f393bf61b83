import type { AdapterCapabilities, AdapterStatus, ChatAdapter, InboundMessage, OutboundMessage, ReplyLayout, SendResult } from '../../src/core/chat.js';
import { systemClock } from '../../src/core/clock.js';
import { ConfigError, UpstreamError } from '../../src/core/errors.js';
import { IRC_CAPABILITIES, PRIVATE_PAGE_LINES } from './capabilities.js';
import { Connection } from './connection.js';
import { IrcIdentity } from './identity.js';
import { ircReplyLayout } from './layout.js';
import { Sender } from './outbound.js';
import { DEFAULT_MAX_PER_TARGET, Pacer } from './pacing.js';
import { Receiver } from './receive.js';
import { Registration } from './registration.js';
import { stripUnsafe } from './render.js';
import { IrcSession, type IrcAdapterOptions } from './session.js';
import { ircStatus } from './status.js';

export type { IrcAdapterOptions, IrcSettings } from './session.js';
export { formatPrivmsg } from './outbound.js';

/**
 * Libera.Chat (or any IRCv3 server) over irc-framework. The library only parses and holds the
 * socket: the adapter owns reconnecting, SASL policy, pacing, splitting and escaping, because
 * the library's defaults (3 reconnect tries, unpaced writes, `reply()`) are not good citizenship.
 * Its parts share one IrcSession: connection.ts (connecting, reconnecting), registration.ts
 * (SASL, welcome, nick, joins), receive.ts (inbound), outbound.ts (sending), status.ts.
 */
export class IrcAdapter implements ChatAdapter {
  readonly platform = 'irc' as const;
  readonly capabilities: AdapterCapabilities;
  readonly layout: ReplyLayout;
  readonly #z: IrcSession;
  readonly #connection: Connection;
  readonly #receiver: Receiver;
  readonly #sender: Sender;

  constructor(opts: IrcAdapterOptions) {
    const z = new IrcSession(opts, opts.clock ?? systemClock);
    this.#z = z;
    const s = z.s;
    if (s.saslPassword && !s.tls && !opts.clientCertificate && !opts.allowInsecure) {
      throw new ConfigError(['IRC_SASL_PASSWORD: refusing SASL PLAIN without TLS (the password would travel in cleartext); set IRC_TLS=true or DOIBOT_ALLOW_INSECURE=true']);
    }
    this.#sender = new Sender(z);
    z.identity = new IrcIdentity({ now: () => z.clock.now(), send: (line) => z.control(line) });
    z.pacer = new Pacer({
      burst: s.burst,
      intervalMs: s.lineIntervalMs,
      clock: z.clock,
      write: (line) => this.#sender.writeNow(line),
      maxPerTarget: DEFAULT_MAX_PER_TARGET,
      onDrop: (target, lines) => z.log.warn({ target, lines }, 'irc: dropped the oldest replies to a target over its queue cap'),
    });
    this.#receiver = new Receiver(z);
    this.#connection = new Connection(z, new Registration(z), this.#receiver);
    this.capabilities = { ...IRC_CAPABILITIES, linesPerReply: s.maxLinesPerReply, privatePageLines: PRIVATE_PAGE_LINES };
    this.layout = ircReplyLayout({ budget: (target) => this.#sender.budget(target), colors: s.colors, nick: () => z.nick });
  }

  get nick(): string {
    return this.#z.nick;
  }

  /** Resolves once registered and every configured channel is joined or has refused the bot. */
  ready(): Promise<void> {
    if (this.#z.isReady()) return Promise.resolve();
    return new Promise((resolve) => this.#z.readyWaiters.push(resolve));
  }

  async start(onMessage: (msg: InboundMessage) => Promise<void>): Promise<void> {
    this.#receiver.deliverTo(onMessage);
    // Connecting can take long (a server being down); the app must not wait for it.
    this.#connection.connect();
  }

  async stop(reason: string): Promise<void> {
    if (this.#z.state === 'stopped') return;
    const client = this.#z.client;
    const wasRegistered = this.#z.state === 'registered';
    this.#z.state = 'stopped';
    this.#z.stopSignal.abort();
    clearInterval(this.#z.nickTimer);
    this.#z.pacer.stop(new UpstreamError('irc.stopped', 'IRC adapter stopped', { retryable: false }));
    if (client) {
      if (wasRegistered && client.connected) {
        const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
        client.quit(stripUnsafe(reason).slice(0, 200) || 'bye');
        await Promise.race([closed, this.#z.clock.sleep(3000)]);
      } else {
        client.connection.end();
      }
      client.removeAllListeners();
    }
    this.#z.log.info({ reason }, 'irc stopped');
  }

  status(): AdapterStatus {
    return ircStatus(this.#z);
  }

  send(msg: OutboundMessage): Promise<SendResult> {
    return this.#sender.send(msg);
  }
}
