/**
 * The connection's life: connecting with the configured login, wiring the library's events to
 * registration.ts and receive.ts, and reconnecting forever with jittered back-off (longer after
 * a SASL failure or a ban, which will not fix themselves fast).
 */
import ircFramework, { type Client } from 'irc-framework';
import { errorMessage } from '../../src/core/errors.js';
import { ircLower } from './accounts.js';
import { followMembership } from './identity.js';
import type { Receiver } from './receive.js';
import type { Registration } from './registration.js';
import { stripUnsafe } from './render.js';
import { safe, type IrcSession } from './session.js';
import { CaTransport } from './tls-transport.js';

export class Connection {
  readonly #z: IrcSession;
  readonly #reg: Registration;
  readonly #receive: Receiver;

  constructor(session: IrcSession, registration: Registration, receiver: Receiver) {
    this.#z = session;
    this.#reg = registration;
    this.#receive = receiver;
  }

  connect(): void {
    if (this.#z.state === 'stopped') return;
    this.#z.state = 'connecting';
    this.#z.nextRetryAt = undefined;
    this.#z.capLs = new Set();
    this.#z.welcomed = false;
    this.#z.loggedInAs = undefined;
    this.#z.altIndex = 0;
    this.#z.joined.clear();
    this.#z.identity.reset();
    const s = this.#z.s;
    const client = new ircFramework.Client();
    this.#z.client = client;
    this.#attach(client);
    const useExternal = this.#z.o.clientCertificate !== undefined;
    client.connect({
      host: s.host,
      port: s.port,
      tls: s.tls,
      rejectUnauthorized: this.#z.o.rejectUnauthorized ?? true,
      ...(s.tls && this.#z.o.tlsCa ? { transport: CaTransport, ca: this.#z.o.tlsCa } : {}),
      nick: s.nick,
      username: identFrom(s.nick),
      gecos: stripUnsafe(s.realname) || 'doi-bot',
      // The library's reconnect gives up after 3 tries; this class owns the loop instead.
      auto_reconnect: false,
      ping_interval: this.#z.o.pingIntervalSec ?? 60,
      ping_timeout: this.#z.o.pingTimeoutSec ?? 180,
      // Its own CTCP VERSION answer would bypass pacing.
      version: '',
      sasl_disconnect_on_fail: true,
      message_max_length: 10_000,
      ...(useExternal
        ? {
            sasl_mechanism: 'EXTERNAL' as const,
            client_certificate: { private_key: this.#z.o.clientCertificate.key, certificate: this.#z.o.clientCertificate.cert },
          }
        : {}),
      ...(!useExternal && s.saslAccount && s.saslPassword ? { account: { account: s.saslAccount, password: s.saslPassword } } : {}),
    });
    this.#z.log.info({ host: s.host, port: s.port, tls: s.tls, attempt: this.#z.attempt }, 'irc connecting');
  }

  #attach(client: Client): void {
    client.use((_c, raw) => raw.use((command, message, _line, _client, next) => {
      if (client !== this.#z.client) return;
      if (this.#reg.onRaw(client, command, message)) next();
    }));
    const tap = this.#z.o.wireTap;
    // Mechanism names and the empty "+" are not secrets (and tests need to see which mechanism
    // was used); every other AUTHENTICATE payload may be.
    const redact = (line: string) => (line.startsWith('AUTHENTICATE ') && !/^AUTHENTICATE (PLAIN|EXTERNAL|\+)\s*$/.test(line) ? 'AUTHENTICATE [redacted]' : line);
    if (tap) client.on('raw', (ev) => tap(redact(ev.line), ev.from_server));
    // Replies are small writes; with Nagle on, a second line waits for the server's delayed ACK.
    client.on('socket connected', () => client.connection.transport?.socket?.setNoDelay?.(true));
    client.on('registered', (ev) => this.#reg.onRegistered(client, ev.nick));
    client.on('nick in use', (ev) => this.#reg.onNickInUse(client, ev.nick));
    client.on('close', () => this.#onClose(client));
    client.on('socket error', (err) => {
      this.#z.lastError = errorMessage(err);
    });
    // The net transport never emits 'socket error' (commented out in 4.14): a refused connection
    // or a failed certificate check only arrives as the argument of 'socket close'.
    client.on('socket close', (err) => {
      if (err) this.#z.lastError = safe(errorMessage(err));
    });
    client.on('ping timeout', () => {
      this.#z.lastError = 'ping timeout';
      this.#z.log.warn('irc ping timeout: connection looks dead');
    });
    client.on('privmsg', (ev) => this.#receive.onPrivmsg(client, ev));
    client.on('ctcp request', (ev) => this.#receive.onCtcp(ev.nick, ev.type, ev.message));
    client.on('join', (ev) => {
      if (this.#z.isMe(ev.nick)) {
        this.#z.joined.set(ircLower(ev.channel), ev.channel);
        this.#z.refused.delete(ircLower(ev.channel));
        this.#z.problems.delete(`join:${ircLower(ev.channel)}`);
        this.#z.log.info({ channel: ev.channel }, 'irc joined');
        this.#z.checkReady();
      }
    });
    client.on('part', (ev) => {
      if (this.#z.isMe(ev.nick)) this.#z.joined.delete(ircLower(ev.channel));
    });
    client.on('kick', (ev) => {
      if (this.#z.isMe(ev.kicked)) {
        this.#z.joined.delete(ircLower(ev.channel));
        this.#z.problems.set(`join:${ircLower(ev.channel)}`, `${ev.channel}: kicked by ${safe(ev.nick)} (${safe(ev.message)})`);
        this.#z.log.warn({ channel: ev.channel, by: ev.nick }, 'irc kicked; not rejoining until reconnect');
      }
    });
    followMembership(client, this.#z.identity, (nick) => this.#z.isMe(nick));
    client.on('nick', (ev) => {
      // The library updates its own nick only after this event, so `ev.nick` is still "me" here.
      if (this.#z.isMe(ev.nick) && ircLower(ev.new_nick) === ircLower(this.#z.s.nick)) this.#reg.nickRecovered();
    });
    client.on('invite', (ev) => this.#reg.onInvite(ev.nick, ev.invited, ev.channel));
  }

  #onClose(client: Client): void {
    if (client !== this.#z.client) return;
    client.removeAllListeners();
    clearInterval(this.#z.nickTimer);
    this.#z.pacer.pause();
    this.#z.joined.clear();
    if (this.#z.state === 'stopped') return;
    const stable = this.#z.state === 'registered' && this.#z.clock.now() - this.#z.registeredAt >= 30_000;
    if (stable) this.#z.attempt = 0;
    this.#z.state = 'idle';
    this.#z.since = undefined;
    const min = this.#z.o.reconnectMinMs ?? 10_000;
    const max = this.#z.o.reconnectMaxMs ?? 300_000;
    let delay: number;
    if (this.#z.banned) delay = this.#z.o.bannedRetryMs ?? 30 * 60_000;
    else if (this.#z.saslFailed) delay = this.#z.o.saslRetryMs ?? 15 * 60_000;
    else {
      const base = Math.min(max, min * 2 ** Math.min(this.#z.attempt, 20));
      // Equal jitter: never sooner than half the step, so a crowd of bots spreads out.
      delay = base / 2 + (this.#z.o.random ?? Math.random)() * (base / 2);
    }
    this.#z.attempt++;
    this.#z.nextRetryAt = this.#z.clock.now() + delay;
    this.#z.log.warn({ delayMs: Math.round(delay), attempt: this.#z.attempt, reason: this.#z.lastError ?? null }, 'irc disconnected; reconnecting');
    void this.#z.clock.sleep(delay, this.#z.stopSignal.signal).then(() => this.connect());
  }
}

function identFrom(nick: string): string {
  return nick.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 10) || 'doibot';
}
