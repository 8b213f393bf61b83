/**
 * Inbound PRIVMSGs in order per sender (one person's commands are answered in the order sent,
 * different people do not wait for each other), and the few CTCP requests worth answering.
 */
import type { Client } from 'irc-framework';
import type { InboundMessage } from '../../src/core/chat.js';
import { ircLower } from './accounts.js';
import { toInbound, type PrivmsgLike } from './inbound.js';
import { stripUnsafe } from './render.js';
import { channelPrefixes, type IrcSession } from './session.js';

const MAX_PENDING_PER_SENDER = 50;
const CTCP_COOLDOWN_MS = 10_000;

export class Receiver {
  readonly #z: IrcSession;
  readonly #chains = new Map<string, { tail: Promise<void>; pending: number }>();
  readonly #ctcpAnswered = new Map<string, number>();
  #onMessage: ((msg: InboundMessage) => Promise<void>) | undefined;

  constructor(session: IrcSession) {
    this.#z = session;
  }

  /** Where messages go once the app has started the adapter. */
  deliverTo(onMessage: (msg: InboundMessage) => Promise<void>): void {
    this.#onMessage = onMessage;
  }

  onPrivmsg(client: Client, ev: PrivmsgLike): void {
    const onMessage = this.#onMessage;
    if (!onMessage || this.#z.state !== 'registered') return;
    const accountTag = client.network.cap.isEnabled('account-tag');
    const senderKey = ircLower(ev.nick ?? '');
    const chain = this.#chains.get(senderKey) ?? { tail: Promise.resolve(), pending: 0 };
    if (chain.pending >= MAX_PENDING_PER_SENDER) return;
    chain.pending++;
    this.#chains.set(senderKey, chain);
    // One sender's commands are answered in the order sent; different senders do not wait.
    chain.tail = chain.tail.then(async () => {
      try {
        const msg = toInbound(ev, {
          currentNick: this.#z.nick,
          accountTagEnabled: accountTag,
          freshAccount: (n) => this.#z.identity.fresh(n),
          verifyAccount: (n) => this.#z.identity.verify(n),
          channelPrefixes: channelPrefixes(client),
          now: this.#z.clock.now(),
          fallbackId: `irc-in-${++this.#z.seq}`,
        });
        if (!msg) return;
        if (msg.author.account) this.#z.identity.noteVerified(msg.author.id, msg.author.account);
        await onMessage(msg);
      } catch (err) {
        this.#z.log.error({ err }, 'irc inbound message failed');
      } finally {
        chain.pending--;
        if (chain.pending === 0 && this.#chains.get(senderKey) === chain) this.#chains.delete(senderKey);
      }
    });
  }

  onCtcp(nick: string, type: string | null, message: string): void {
    if (this.#z.state !== 'registered' || !nick || !/^[^\s,:!@*?]{1,64}$/u.test(nick)) return;
    if (type !== 'VERSION' && type !== 'PING') return;
    const now = this.#z.clock.now();
    const key = `${type}\u0000${ircLower(nick)}`;
    const last = this.#ctcpAnswered.get(key);
    // CTCP is a cheap way to make a bot flood itself off the network: answer rarely.
    if ((last !== undefined && now - last < CTCP_COOLDOWN_MS) || this.#z.pacer.queued > 20) return;
    if (this.#ctcpAnswered.size > 1000) this.#ctcpAnswered.clear();
    this.#ctcpAnswered.set(key, now);
    const answer = type === 'VERSION' ? `VERSION doi-bot ${stripUnsafe(this.#z.o.version)}` : `PING ${stripUnsafe(message.slice(5)).slice(0, 64)}`.trimEnd();
    this.#z.control(`NOTICE ${nick} :\u0001${answer}\u0001`);
  }
}
