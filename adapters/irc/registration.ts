/**
 * Registration with the network and what it says afterwards: SASL policy (never continue
 * unauthenticated), bans, the welcome (bot mode, then joins), nick collisions and taking the
 * configured nick back, join refusals and invites.
 */
import { randomBytes } from 'node:crypto';
import type { Client, RawMessage } from 'irc-framework';
import { UpstreamError } from '../../src/core/errors.js';
import { ircLower } from './accounts.js';
import { stripUnsafe } from './render.js';
import { safe, validChannelName, type IrcSession } from './session.js';

/** Numerics that mean "you cannot join this channel", with the params index of the channel. */
const JOIN_REFUSALS: Record<string, string> = {
  '403': 'no such channel',
  '405': 'joined too many channels',
  '471': 'channel is full (+l)',
  '473': 'invite only (+i)',
  '474': 'banned (+b)',
  '475': 'wrong or missing key (+k)',
  '477': 'needs a registered/identified account (+r)',
  '479': 'illegal channel name',
  '480': 'cannot join',
  '489': 'secure connection required (+z)',
  '520': 'operators only (+O)',
};
const SASL_FAILURES = new Set(['902', '904', '905', '906', '908']);
const BAN_PATTERN = /\b([kgzd]-?lined|banned)\b/i;

export class Registration {
  readonly #z: IrcSession;

  constructor(session: IrcSession) {
    this.#z = session;
  }

  /** Returns false to swallow the line (the library must not act on it). */
  onRaw(client: Client, command: string, m: RawMessage): boolean {
    const p = m.params;
    if (this.#z.identity.onReply(command, p)) return false;
    if (command === 'CAP' && p[1] === 'LS') {
      for (const cap of (p[p.length - 1] ?? '').split(' ')) if (cap) this.#z.capLs.add(cap.split('=')[0]!);
      if (p[2] !== '*' && this.#z.saslRequired && !this.#z.capLs.has('sasl')) {
        this.saslFailure(client, 'the server does not offer SASL');
        return false;
      }
      return true;
    }
    if (SASL_FAILURES.has(command)) {
      this.saslFailure(client, `${safe(p[p.length - 1] ?? 'SASL failed')} (${command})`);
      return false;
    }
    switch (command) {
      case '900':
        this.#z.loggedInAs = p[2];
        return true;
      case '903':
        this.#z.saslFailed = false;
        this.#z.problems.delete('sasl');
        return true;
      case '376':
      case '422':
        this.#afterWelcome(client);
        return true;
      case '465':
        this.#markBanned(p[p.length - 1] ?? 'banned');
        return true;
      case 'ERROR': {
        const reason = p[p.length - 1] ?? '';
        this.#z.lastError = safe(reason);
        if (BAN_PATTERN.test(reason)) this.#markBanned(reason);
        return true;
      }
      case '731': {
        const offline = (p[1] ?? '').split(',').map((n) => ircLower(n.split('!')[0] ?? ''));
        if (offline.includes(ircLower(this.#z.s.nick)) && !this.#z.isMe(this.#z.s.nick)) this.#z.control(`NICK ${this.#z.s.nick}`);
        return true;
      }
      case '432':
      case '437':
        // Erroneous or held nick (services keep a regained nick held for a while): like 433.
        if (this.#z.state !== 'registered') this.onNickInUse(client, p[1] ?? this.#z.s.nick);
        return true;
      case '404':
        this.#z.log.warn({ channel: p[1], reason: p[p.length - 1] }, 'irc cannot send to channel');
        return true;
    }
    const refusal = JOIN_REFUSALS[command];
    if (refusal && p[1]) {
      const channel = p[1];
      const reason = `${refusal}: ${safe(p[p.length - 1] ?? '')} (${command})`;
      if (this.#z.wantsChannel(channel)) {
        this.#z.refused.set(ircLower(channel), reason);
        this.#z.problems.set(`join:${ircLower(channel)}`, `${safe(channel)}: cannot join: ${reason}`);
        const dropped = this.#z.pacer.discard(ircLower(channel), new UpstreamError('irc.not-joined', `cannot send to ${channel}: ${reason}`, { retryable: false }));
        this.#z.log.warn({ channel, reason, dropped }, 'irc could not join channel');
        this.#z.checkReady();
      }
    }
    return true;
  }

  saslFailure(client: Client, reason: string): void {
    this.#z.saslFailed = true;
    this.#z.lastError = `SASL login failed: ${reason}`;
    this.#z.problems.set('sasl', `SASL login failed: ${reason}; not connecting unauthenticated, will retry`);
    this.#z.log.error({ reason }, 'irc SASL failed: disconnecting instead of continuing unauthenticated');
    client.connection.end();
  }

  #markBanned(reason: string): void {
    this.#z.banned = true;
    this.#z.problems.set('ban', `refused by the network: ${safe(reason)}; a human must check before the bot comes back`);
    this.#z.log.error({ reason }, 'irc: banned from the network');
  }

  onRegistered(client: Client, nick: string): void {
    if (this.#z.saslRequired && !this.#z.loggedInAs) {
      // Defence in depth: the raw hooks above should have closed the connection already.
      this.saslFailure(client, 'registered without a SASL login');
      return;
    }
    if (this.#z.everRegistered) this.#z.reconnects++;
    this.#z.everRegistered = true;
    this.#z.state = 'registered';
    this.#z.since = new Date(this.#z.clock.now());
    this.#z.registeredAt = this.#z.clock.now();
    this.#z.lastError = undefined;
    this.#z.banned = false;
    this.#z.problems.delete('ban');
    this.#z.log.info({ nick, account: this.#z.loggedInAs ?? null }, 'irc registered');
    // Servers always end the welcome with a MOTD or "no MOTD"; this covers one that does not.
    setTimeout(() => {
      if (client === this.#z.client && this.#z.state === 'registered') this.#afterWelcome(client);
    }, 10_000).unref();
  }

  /** ISUPPORT is complete now: bot mode before any JOIN, then channels, then queued text. */
  #afterWelcome(client: Client): void {
    if (this.#z.welcomed || client !== this.#z.client || this.#z.state !== 'registered') return;
    this.#z.welcomed = true;
    const botMode = client.network.supports('BOT');
    if (typeof botMode === 'string' && /^[A-Za-z]$/.test(botMode)) this.#z.control(`MODE ${this.#z.nick} +${botMode}`);
    for (const ch of this.#z.s.channels) {
      if (!validChannelName(ch.name)) continue;
      this.#z.control(ch.key ? `JOIN ${ch.name} ${stripUnsafe(ch.key).replace(/\s/g, '')}` : `JOIN ${ch.name}`);
    }
    for (const name of this.#z.invited.values()) this.#z.control(`JOIN ${name}`);
    if (!this.#z.isMe(this.#z.s.nick)) this.#startNickRecovery(client);
    this.#z.pacer.resume();
    this.#z.checkReady();
  }

  onNickInUse(client: Client, nick: string): void {
    if (this.#z.state === 'registered') return; // a regain attempt failed; the timer tries again
    if (this.#z.altIndex >= 5) {
      this.#z.lastError = `no usable nick (last tried ${safe(nick)})`;
      this.#z.problems.set('nick', `the server refused nick ${this.#z.s.nick} and 5 alternates`);
      client.connection.end();
      return;
    }
    const alternates = [`${this.#z.s.nick}_`, `${this.#z.s.nick}__`];
    const next = alternates[this.#z.altIndex] ?? `${this.#z.s.nick.slice(0, 12)}${randomBytes(2).readUInt16BE() % 1000}`;
    this.#z.altIndex++;
    this.#z.problems.set('nick', `nick ${this.#z.s.nick} is in use; using ${next} and trying to regain it`);
    this.#z.log.warn({ wanted: nick, using: next }, 'irc nick in use');
    client.raw(`NICK ${next}`);
  }

  #startNickRecovery(client: Client): void {
    const wanted = this.#z.s.nick;
    this.#z.problems.set('nick', `nick ${wanted} is in use; using ${this.#z.nick} and trying to regain it`);
    if (this.#z.loggedInAs) this.#z.control(`PRIVMSG NickServ :REGAIN ${wanted}`);
    if (client.network.supports('MONITOR')) this.#z.control(`MONITOR + ${wanted}`);
    clearInterval(this.#z.nickTimer);
    this.#z.nickTimer = setInterval(() => {
      if (client !== this.#z.client || this.#z.state !== 'registered' || this.#z.isMe(wanted)) return;
      this.#z.control(`NICK ${wanted}`);
    }, this.#z.o.nickRetryMs ?? 60_000);
    this.#z.nickTimer.unref();
  }

  nickRecovered(): void {
    clearInterval(this.#z.nickTimer);
    this.#z.problems.delete('nick');
    this.#z.log.info({ nick: this.#z.s.nick }, 'irc nick regained');
    if (this.#z.client?.network.supports('MONITOR')) this.#z.control(`MONITOR - ${this.#z.s.nick}`);
  }

  onInvite(from: string, invited: string, channel: string): void {
    if (!this.#z.isMe(invited) || !validChannelName(channel)) return;
    if (!this.#z.s.acceptInvites) {
      this.#z.log.info({ channel, from }, 'irc invite ignored (acceptInvites is off)');
      return;
    }
    this.#z.log.info({ channel, from }, 'irc invited: joining');
    this.#z.invited.set(ircLower(channel), channel);
    this.#z.control(`JOIN ${channel}`);
  }
}
