import { randomBytes } from 'node:crypto';
import ircFramework, { type Client, type RawMessage } from 'irc-framework';
import { accountOfTarget, type AdapterCapabilities, type AdapterStatus, type ChatAdapter, type InboundMessage, type OutboundMessage, type ReplyLayout, type SendResult } from '../../src/core/chat.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { ConfigError, errorMessage, RecipientAwayError, UpstreamError } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import { ircLower } from './accounts.js';
import { IRC_CAPABILITIES, PRIVATE_PAGE_LINES } from './capabilities.js';
import { followMembership, IrcIdentity } from './identity.js';
import { toInbound, type PrivmsgLike } from './inbound.js';
import { ircReplyLayout, targetOf } from './layout.js';
import { DEFAULT_MAX_PER_TARGET, DroppedError, Pacer, QueueFullError } from './pacing.js';
import { renderRichText, stripUnsafe } from './render.js';
import { CaTransport } from './tls-transport.js';
import { maxTextBytes, splitUtf8 } from './split.js';

/** The `irc` section of the config (same names as src/config/schema.ts; adapters import only core). */
export interface IrcSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly nick: string;
  readonly realname: string;
  readonly channels: readonly { readonly name: string; readonly key?: string | undefined }[];
  readonly saslAccount?: string | undefined;
  readonly saslPassword?: string | undefined;
  readonly acceptInvites: boolean;
  readonly maxLinesPerReply: number;
  readonly burst: number;
  readonly lineIntervalMs: number;
  readonly colors: boolean;
}

export interface IrcAdapterOptions {
  readonly settings: IrcSettings;
  readonly log: Logger;
  readonly version: string;
  readonly clock?: Clock;
  /** PEM contents for SASL EXTERNAL (CertFP); main.ts reads the files. */
  readonly clientCertificate?: { readonly cert: string; readonly key: string };
  /** PEM of the only CA trusted for the server certificate (a private network); main.ts reads the file. */
  readonly tlsCa?: string;
  /** Reconnect back-off bounds; Limnoria-like defaults (10 s doubling to 5 min). */
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
  /** Wait after a SASL failure before trying again (a wrong password will not fix itself fast). */
  readonly saslRetryMs?: number;
  /** Wait after a network ban (K-line) before trying again: a ban needs a human. */
  readonly bannedRetryMs?: number;
  /** Send PING after this many idle seconds; drop the connection after `pingTimeoutSec` of silence. */
  readonly pingIntervalSec?: number;
  readonly pingTimeoutSec?: number;
  /** How often to try to take the configured nick back while using an alternate. */
  readonly nickRetryMs?: number;
  /** Verify the server certificate (always on outside tests). */
  readonly rejectUnauthorized?: boolean;
  /** Source of jitter for reconnect delays (0..1). */
  readonly random?: () => number;
  /** Permits SASL PLAIN over plain TCP (config `allowInsecure`): the password would travel in cleartext. */
  readonly allowInsecure?: boolean;
  /** Sees every line read or written, for diagnostics; must not keep secrets (AUTHENTICATE). */
  readonly wireTap?: (line: string, fromServer: boolean) => void;
}

type State = 'idle' | 'connecting' | 'registered' | 'stopped';

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
const MAX_PENDING_PER_SENDER = 50;
const CTCP_COOLDOWN_MS = 10_000;

/**
 * Libera.Chat (or any IRCv3 server) over irc-framework. The library only parses and holds the
 * socket: this class owns reconnecting, SASL policy, pacing, splitting and escaping, because
 * the library's defaults (3 reconnect tries, unpaced writes, `reply()`) are not good citizenship.
 */
export class IrcAdapter implements ChatAdapter {
  readonly platform = 'irc' as const;
  readonly capabilities: AdapterCapabilities;
  readonly layout: ReplyLayout;
  readonly #o: IrcAdapterOptions;
  readonly #s: IrcSettings;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #pacer: Pacer;
  readonly #identity: IrcIdentity;
  readonly #problems = new Map<string, string>();
  readonly #joined = new Map<string, string>();
  readonly #invited = new Map<string, string>();
  readonly #refused = new Map<string, string>();
  readonly #chains = new Map<string, { tail: Promise<void>; pending: number }>();
  readonly #ctcpAnswered = new Map<string, number>();
  readonly #stopSignal = new AbortController();
  readonly #readyWaiters: Array<() => void> = [];
  #client: Client | undefined;
  #onMessage: ((msg: InboundMessage) => Promise<void>) | undefined;
  #state: State = 'idle';
  #since: Date | undefined;
  #registeredAt = 0;
  #everRegistered = false;
  #reconnects = 0;
  #attempt = 0;
  #nextRetryAt: number | undefined;
  #lastError: string | undefined;
  #loggedInAs: string | undefined;
  #saslFailed = false;
  #banned = false;
  #capLs = new Set<string>();
  #welcomed = false;
  #nickTimer: NodeJS.Timeout | undefined;
  #altIndex = 0;
  #seq = 0;

  constructor(opts: IrcAdapterOptions) {
    this.#o = opts;
    this.#s = opts.settings;
    this.#log = opts.log;
    this.#clock = opts.clock ?? systemClock;
    this.capabilities = { ...IRC_CAPABILITIES, linesPerReply: this.#s.maxLinesPerReply, privatePageLines: PRIVATE_PAGE_LINES };
    this.layout = ircReplyLayout({ budget: (target) => this.#budget(target), colors: this.#s.colors, nick: () => this.nick });
    if (this.#s.saslPassword && !this.#s.tls && !opts.clientCertificate && !opts.allowInsecure) {
      throw new ConfigError(['IRC_SASL_PASSWORD: refusing SASL PLAIN without TLS (the password would travel in cleartext); set IRC_TLS=true or DOIBOT_ALLOW_INSECURE=true']);
    }
    this.#identity = new IrcIdentity({ now: () => this.#clock.now(), send: (line) => this.#control(line) });
    this.#pacer = new Pacer({
      burst: this.#s.burst,
      intervalMs: this.#s.lineIntervalMs,
      clock: this.#clock,
      write: (line) => this.#writeNow(line),
      maxPerTarget: DEFAULT_MAX_PER_TARGET,
      onDrop: (target, lines) => this.#log.warn({ target, lines }, 'irc: dropped the oldest replies to a target over its queue cap'),
    });
  }

  get nick(): string {
    return this.#client?.user.nick ?? this.#s.nick;
  }

  /** Resolves once registered and every configured channel is joined or has refused the bot. */
  ready(): Promise<void> {
    if (this.#isReady()) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  async start(onMessage: (msg: InboundMessage) => Promise<void>): Promise<void> {
    this.#onMessage = onMessage;
    // Connecting can take long (a server being down); the app must not wait for it.
    this.#connect();
  }

  async stop(reason: string): Promise<void> {
    if (this.#state === 'stopped') return;
    const client = this.#client;
    const wasRegistered = this.#state === 'registered';
    this.#state = 'stopped';
    this.#stopSignal.abort();
    clearInterval(this.#nickTimer);
    this.#pacer.stop(new UpstreamError('irc.stopped', 'IRC adapter stopped', { retryable: false }));
    if (client) {
      if (wasRegistered && client.connected) {
        const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
        client.quit(stripUnsafe(reason).slice(0, 200) || 'bye');
        await Promise.race([closed, this.#clock.sleep(3000)]);
      } else {
        client.connection.end();
      }
      client.removeAllListeners();
    }
    this.#log.info({ reason }, 'irc stopped');
  }

  status(): AdapterStatus {
    const problems = [...this.#problems.values()];
    if (this.#state !== 'registered' && this.#state !== 'stopped' && this.#nextRetryAt !== undefined) {
      const inSec = Math.max(0, Math.round((this.#nextRetryAt - this.#clock.now()) / 1000));
      problems.push(`disconnected${this.#lastError ? ` (${this.#lastError})` : ''}; retrying in ${inSec}s (attempt ${this.#attempt})`);
    }
    const channels = [...this.#joined.values()];
    const detail = [
      `${this.nick} on ${this.#s.host}:${this.#s.port}${this.#s.tls ? ' (TLS)' : ''}`,
      this.#loggedInAs ? `logged in as ${this.#loggedInAs}` : 'not logged in',
      channels.length ? `in ${channels.join(' ')}` : 'in no channels',
      this.#pacer.queued ? `${this.#pacer.queued} lines queued` : '',
    ]
      .filter(Boolean).join(', ');
    return {
      privateChannels: this.#s.channels.filter((c) => c.key).map((c) => c.name),
      platform: 'irc',
      connected: this.#state === 'registered',
      ...(this.#since ? { since: this.#since } : {}),
      detail,
      ...(problems.length ? { problems } : {}),
      reconnects: this.#reconnects,
      queuedLines: this.#pacer.queued,
    };
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    if (this.#state === 'stopped') throw new UpstreamError('irc.stopped', 'IRC adapter stopped', { retryable: false });
    const target = await this.#resolveTarget(msg.channel.startsWith('irc:') ? targetOf(msg.channel) : '');
    if (!/^[^\s,\u0000-\u001f:]{1,200}$/u.test(target) || target.startsWith('*')) {
      throw new UpstreamError('irc.bad-target', `not an IRC channel or nick: ${JSON.stringify(msg.channel)}`, { retryable: false });
    }
    const isChannel = this.#isChannel(target);
    const refusal = isChannel ? this.#refused.get(ircLower(target)) : undefined;
    if (refusal !== undefined) {
      throw new UpstreamError('irc.not-joined', `cannot send to ${target}: ${refusal}`, { retryable: false });
    }
    // Replies arrive already cut to a channel's lines or a private page (src/outbox/paging.ts).
    let texts = this.#toTextLines(msg, target);
    if (texts.length > DEFAULT_MAX_PER_TARGET) texts = [...texts.slice(0, DEFAULT_MAX_PER_TARGET - 1), `(${texts.length - DEFAULT_MAX_PER_TARGET + 1} more lines not sent: too long for IRC)`];
    await this.#enqueue(target, texts, msg.kind === 'reply');
    return { ref: `irc-${++this.#seq}` };
  }

  // ---- outbound -------------------------------------------------------------------------------

  /** "account:alice" (a private message for a person) -> the nick logged in as alice right now. */
  async #resolveTarget(target: string): Promise<string> {
    const account = accountOfTarget(target);
    if (account === undefined) return target;
    const nick = this.#state === 'registered' ? await this.#identity.nickOf(account) : undefined;
    if (nick === undefined) {
      throw new RecipientAwayError(`nobody is logged in as ${account} on IRC right now`, 5 * 60_000);
    }
    return nick;
  }

  /** Bytes of text one PRIVMSG to `target` holds, whatever nick the bot has by then. */
  #budget(target: string): number {
    return maxTextBytes('x'.repeat(Math.max(this.nick.length, this.#s.nick.length) + 3), target);
  }

  #toTextLines(msg: OutboundMessage, target: string): string[] {
    const budget = this.#budget(target);
    return renderRichText(msg.body, { colors: this.#s.colors, maxLinkBytes: budget }).flatMap((l) => splitUtf8(l, budget));
  }

  /** `isReply`: may be dropped when the target's queue is over its cap (the asker can ask again). */
  async #enqueue(target: string, texts: readonly string[], isReply: boolean): Promise<void> {
    const lines = texts.map((t) => formatPrivmsg(target, t));
    try {
      await this.#pacer.enqueue(ircLower(target), lines, { droppable: isReply });
    } catch (err) {
      if (err instanceof DroppedError) throw new UpstreamError('irc.reply-dropped', err.message, { retryable: false, cause: err });
      if (err instanceof QueueFullError) {
        throw new UpstreamError('irc.queue-full', err.message, { retryable: true, retryAfterMs: 30_000, cause: err });
      }
      throw err;
    }
  }

  /** The lowest send layer: refuses anything that could end the line early. */
  #writeNow(line: string): boolean {
    const client = this.#client;
    if (!client?.connected || this.#state !== 'registered') return false;
    if (/[\r\n\0]/.test(line)) {
      // formatPrivmsg/control() already refuse these; reaching here is a bug, never a send.
      this.#log.error({ line: JSON.stringify(line.slice(0, 80)) }, 'refused to write an IRC line containing CR, LF or NUL');
      return true;
    }
    client.raw(line);
    return true;
  }

  #control(line: string): void {
    assertSafeLine(line);
    this.#pacer.control(line);
  }

  // ---- connection life ------------------------------------------------------------------------

  #connect(): void {
    if (this.#state === 'stopped') return;
    this.#state = 'connecting';
    this.#nextRetryAt = undefined;
    this.#capLs = new Set();
    this.#welcomed = false;
    this.#loggedInAs = undefined;
    this.#altIndex = 0;
    this.#joined.clear();
    this.#identity.reset();
    const s = this.#s;
    const client = new ircFramework.Client();
    this.#client = client;
    this.#attach(client);
    const useExternal = this.#o.clientCertificate !== undefined;
    client.connect({
      host: s.host,
      port: s.port,
      tls: s.tls,
      rejectUnauthorized: this.#o.rejectUnauthorized ?? true,
      ...(s.tls && this.#o.tlsCa ? { transport: CaTransport, ca: this.#o.tlsCa } : {}),
      nick: s.nick,
      username: identFrom(s.nick),
      gecos: stripUnsafe(s.realname) || 'doi-bot',
      // The library's reconnect gives up after 3 tries; this class owns the loop instead.
      auto_reconnect: false,
      ping_interval: this.#o.pingIntervalSec ?? 60,
      ping_timeout: this.#o.pingTimeoutSec ?? 180,
      // Its own CTCP VERSION answer would bypass pacing.
      version: '',
      sasl_disconnect_on_fail: true,
      message_max_length: 10_000,
      ...(useExternal
        ? {
            sasl_mechanism: 'EXTERNAL' as const,
            client_certificate: { private_key: this.#o.clientCertificate.key, certificate: this.#o.clientCertificate.cert },
          }
        : {}),
      ...(!useExternal && s.saslAccount && s.saslPassword ? { account: { account: s.saslAccount, password: s.saslPassword } } : {}),
    });
    this.#log.info({ host: s.host, port: s.port, tls: s.tls, attempt: this.#attempt }, 'irc connecting');
  }

  get #saslRequired(): boolean {
    return this.#o.clientCertificate !== undefined || Boolean(this.#s.saslAccount && this.#s.saslPassword);
  }

  #attach(client: Client): void {
    client.use((_c, raw) => raw.use((command, message, _line, _client, next) => {
      if (client !== this.#client) return;
      if (this.#onRaw(client, command, message)) next();
    }));
    const tap = this.#o.wireTap;
    // Mechanism names and the empty "+" are not secrets (and tests need to see which mechanism
    // was used); every other AUTHENTICATE payload may be.
    const redact = (line: string) => (line.startsWith('AUTHENTICATE ') && !/^AUTHENTICATE (PLAIN|EXTERNAL|\+)\s*$/.test(line) ? 'AUTHENTICATE [redacted]' : line);
    if (tap) client.on('raw', (ev) => tap(redact(ev.line), ev.from_server));
    // Replies are small writes; with Nagle on, a second line waits for the server's delayed ACK.
    client.on('socket connected', () => client.connection.transport?.socket?.setNoDelay?.(true));
    client.on('registered', (ev) => this.#onRegistered(client, ev.nick));
    client.on('nick in use', (ev) => this.#onNickInUse(client, ev.nick));
    client.on('close', () => this.#onClose(client));
    client.on('socket error', (err) => {
      this.#lastError = errorMessage(err);
    });
    // The net transport never emits 'socket error' (commented out in 4.14): a refused connection
    // or a failed certificate check only arrives as the argument of 'socket close'.
    client.on('socket close', (err) => {
      if (err) this.#lastError = safe(errorMessage(err));
    });
    client.on('ping timeout', () => {
      this.#lastError = 'ping timeout';
      this.#log.warn('irc ping timeout: connection looks dead');
    });
    client.on('privmsg', (ev) => this.#onPrivmsg(client, ev));
    client.on('ctcp request', (ev) => this.#onCtcp(ev.nick, ev.type, ev.message));
    client.on('join', (ev) => {
      if (this.#isMe(ev.nick)) {
        this.#joined.set(ircLower(ev.channel), ev.channel);
        this.#refused.delete(ircLower(ev.channel));
        this.#problems.delete(`join:${ircLower(ev.channel)}`);
        this.#log.info({ channel: ev.channel }, 'irc joined');
        this.#checkReady();
      }
    });
    client.on('part', (ev) => {
      if (this.#isMe(ev.nick)) this.#joined.delete(ircLower(ev.channel));
    });
    client.on('kick', (ev) => {
      if (this.#isMe(ev.kicked)) {
        this.#joined.delete(ircLower(ev.channel));
        this.#problems.set(`join:${ircLower(ev.channel)}`, `${ev.channel}: kicked by ${safe(ev.nick)} (${safe(ev.message)})`);
        this.#log.warn({ channel: ev.channel, by: ev.nick }, 'irc kicked; not rejoining until reconnect');
      }
    });
    followMembership(client, this.#identity, (nick) => this.#isMe(nick));
    client.on('nick', (ev) => {
      // The library updates its own nick only after this event, so `ev.nick` is still "me" here.
      if (this.#isMe(ev.nick) && ircLower(ev.new_nick) === ircLower(this.#s.nick)) this.#nickRecovered();
    });
    client.on('invite', (ev) => this.#onInvite(ev.nick, ev.invited, ev.channel));
  }

  /** Returns false to swallow the line (the library must not act on it). */
  #onRaw(client: Client, command: string, m: RawMessage): boolean {
    const p = m.params;
    if (this.#identity.onReply(command, p)) return false;
    if (command === 'CAP' && p[1] === 'LS') {
      for (const cap of (p[p.length - 1] ?? '').split(' ')) if (cap) this.#capLs.add(cap.split('=')[0]!);
      if (p[2] !== '*' && this.#saslRequired && !this.#capLs.has('sasl')) {
        this.#saslFailure(client, 'the server does not offer SASL');
        return false;
      }
      return true;
    }
    if (SASL_FAILURES.has(command)) {
      this.#saslFailure(client, `${safe(p[p.length - 1] ?? 'SASL failed')} (${command})`);
      return false;
    }
    switch (command) {
      case '900':
        this.#loggedInAs = p[2];
        return true;
      case '903':
        this.#saslFailed = false;
        this.#problems.delete('sasl');
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
        this.#lastError = safe(reason);
        if (BAN_PATTERN.test(reason)) this.#markBanned(reason);
        return true;
      }
      case '731': {
        const offline = (p[1] ?? '').split(',').map((n) => ircLower(n.split('!')[0] ?? ''));
        if (offline.includes(ircLower(this.#s.nick)) && !this.#isMe(this.#s.nick)) this.#control(`NICK ${this.#s.nick}`);
        return true;
      }
      case '432':
      case '437':
        // Erroneous or held nick (services keep a regained nick held for a while): like 433.
        if (this.#state !== 'registered') this.#onNickInUse(client, p[1] ?? this.#s.nick);
        return true;
      case '404':
        this.#log.warn({ channel: p[1], reason: p[p.length - 1] }, 'irc cannot send to channel');
        return true;
    }
    const refusal = JOIN_REFUSALS[command];
    if (refusal && p[1]) {
      const channel = p[1];
      const reason = `${refusal}: ${safe(p[p.length - 1] ?? '')} (${command})`;
      if (this.#wantsChannel(channel)) {
        this.#refused.set(ircLower(channel), reason);
        this.#problems.set(`join:${ircLower(channel)}`, `${safe(channel)}: cannot join: ${reason}`);
        const dropped = this.#pacer.discard(ircLower(channel), new UpstreamError('irc.not-joined', `cannot send to ${channel}: ${reason}`, { retryable: false }));
        this.#log.warn({ channel, reason, dropped }, 'irc could not join channel');
        this.#checkReady();
      }
    }
    return true;
  }

  #saslFailure(client: Client, reason: string): void {
    this.#saslFailed = true;
    this.#lastError = `SASL login failed: ${reason}`;
    this.#problems.set('sasl', `SASL login failed: ${reason}; not connecting unauthenticated, will retry`);
    this.#log.error({ reason }, 'irc SASL failed: disconnecting instead of continuing unauthenticated');
    client.connection.end();
  }

  #markBanned(reason: string): void {
    this.#banned = true;
    this.#problems.set('ban', `refused by the network: ${safe(reason)}; a human must check before the bot comes back`);
    this.#log.error({ reason }, 'irc: banned from the network');
  }

  #onRegistered(client: Client, nick: string): void {
    if (this.#saslRequired && !this.#loggedInAs) {
      // Defence in depth: the raw hooks above should have closed the connection already.
      this.#saslFailure(client, 'registered without a SASL login');
      return;
    }
    if (this.#everRegistered) this.#reconnects++;
    this.#everRegistered = true;
    this.#state = 'registered';
    this.#since = new Date(this.#clock.now());
    this.#registeredAt = this.#clock.now();
    this.#lastError = undefined;
    this.#banned = false;
    this.#problems.delete('ban');
    this.#log.info({ nick, account: this.#loggedInAs ?? null }, 'irc registered');
    // Servers always end the welcome with a MOTD or "no MOTD"; this covers one that does not.
    setTimeout(() => {
      if (client === this.#client && this.#state === 'registered') this.#afterWelcome(client);
    }, 10_000).unref();
  }

  /** ISUPPORT is complete now: bot mode before any JOIN, then channels, then queued text. */
  #afterWelcome(client: Client): void {
    if (this.#welcomed || client !== this.#client || this.#state !== 'registered') return;
    this.#welcomed = true;
    const botMode = client.network.supports('BOT');
    if (typeof botMode === 'string' && /^[A-Za-z]$/.test(botMode)) this.#control(`MODE ${this.nick} +${botMode}`);
    for (const ch of this.#s.channels) {
      if (!validChannelName(ch.name)) continue;
      this.#control(ch.key ? `JOIN ${ch.name} ${stripUnsafe(ch.key).replace(/\s/g, '')}` : `JOIN ${ch.name}`);
    }
    for (const name of this.#invited.values()) this.#control(`JOIN ${name}`);
    if (!this.#isMe(this.#s.nick)) this.#startNickRecovery(client);
    this.#pacer.resume();
    this.#checkReady();
  }

  #onNickInUse(client: Client, nick: string): void {
    if (this.#state === 'registered') return; // a regain attempt failed; the timer tries again
    if (this.#altIndex >= 5) {
      this.#lastError = `no usable nick (last tried ${safe(nick)})`;
      this.#problems.set('nick', `the server refused nick ${this.#s.nick} and 5 alternates`);
      client.connection.end();
      return;
    }
    const alternates = [`${this.#s.nick}_`, `${this.#s.nick}__`];
    const next = alternates[this.#altIndex] ?? `${this.#s.nick.slice(0, 12)}${randomBytes(2).readUInt16BE() % 1000}`;
    this.#altIndex++;
    this.#problems.set('nick', `nick ${this.#s.nick} is in use; using ${next} and trying to regain it`);
    this.#log.warn({ wanted: nick, using: next }, 'irc nick in use');
    client.raw(`NICK ${next}`);
  }

  #startNickRecovery(client: Client): void {
    const wanted = this.#s.nick;
    this.#problems.set('nick', `nick ${wanted} is in use; using ${this.nick} and trying to regain it`);
    if (this.#loggedInAs) this.#control(`PRIVMSG NickServ :REGAIN ${wanted}`);
    if (client.network.supports('MONITOR')) this.#control(`MONITOR + ${wanted}`);
    clearInterval(this.#nickTimer);
    this.#nickTimer = setInterval(() => {
      if (client !== this.#client || this.#state !== 'registered' || this.#isMe(wanted)) return;
      this.#control(`NICK ${wanted}`);
    }, this.#o.nickRetryMs ?? 60_000);
    this.#nickTimer.unref();
  }

  #nickRecovered(): void {
    clearInterval(this.#nickTimer);
    this.#problems.delete('nick');
    this.#log.info({ nick: this.#s.nick }, 'irc nick regained');
    if (this.#client?.network.supports('MONITOR')) this.#control(`MONITOR - ${this.#s.nick}`);
  }

  #onClose(client: Client): void {
    if (client !== this.#client) return;
    client.removeAllListeners();
    clearInterval(this.#nickTimer);
    this.#pacer.pause();
    this.#joined.clear();
    if (this.#state === 'stopped') return;
    const stable = this.#state === 'registered' && this.#clock.now() - this.#registeredAt >= 30_000;
    if (stable) this.#attempt = 0;
    this.#state = 'idle';
    this.#since = undefined;
    const min = this.#o.reconnectMinMs ?? 10_000;
    const max = this.#o.reconnectMaxMs ?? 300_000;
    let delay: number;
    if (this.#banned) delay = this.#o.bannedRetryMs ?? 30 * 60_000;
    else if (this.#saslFailed) delay = this.#o.saslRetryMs ?? 15 * 60_000;
    else {
      const base = Math.min(max, min * 2 ** Math.min(this.#attempt, 20));
      // Equal jitter: never sooner than half the step, so a crowd of bots spreads out.
      delay = base / 2 + (this.#o.random ?? Math.random)() * (base / 2);
    }
    this.#attempt++;
    this.#nextRetryAt = this.#clock.now() + delay;
    this.#log.warn({ delayMs: Math.round(delay), attempt: this.#attempt, reason: this.#lastError ?? null }, 'irc disconnected; reconnecting');
    void this.#clock.sleep(delay, this.#stopSignal.signal).then(() => this.#connect());
  }

  #onInvite(from: string, invited: string, channel: string): void {
    if (!this.#isMe(invited) || !validChannelName(channel)) return;
    if (!this.#s.acceptInvites) {
      this.#log.info({ channel, from }, 'irc invite ignored (acceptInvites is off)');
      return;
    }
    this.#log.info({ channel, from }, 'irc invited: joining');
    this.#invited.set(ircLower(channel), channel);
    this.#control(`JOIN ${channel}`);
  }

  // ---- inbound --------------------------------------------------------------------------------

  #onPrivmsg(client: Client, ev: PrivmsgLike): void {
    const onMessage = this.#onMessage;
    if (!onMessage || this.#state !== 'registered') return;
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
          currentNick: this.nick,
          accountTagEnabled: accountTag,
          freshAccount: (n) => this.#identity.fresh(n),
          verifyAccount: (n) => this.#identity.verify(n),
          channelPrefixes: channelPrefixes(client),
          now: this.#clock.now(),
          fallbackId: `irc-in-${++this.#seq}`,
        });
        if (!msg) return;
        if (msg.author.account) this.#identity.noteVerified(msg.author.id, msg.author.account);
        await onMessage(msg);
      } catch (err) {
        this.#log.error({ err }, 'irc inbound message failed');
      } finally {
        chain.pending--;
        if (chain.pending === 0 && this.#chains.get(senderKey) === chain) this.#chains.delete(senderKey);
      }
    });
  }

  #onCtcp(nick: string, type: string | null, message: string): void {
    if (this.#state !== 'registered' || !nick || !/^[^\s,:!@*?]{1,64}$/u.test(nick)) return;
    if (type !== 'VERSION' && type !== 'PING') return;
    const now = this.#clock.now();
    const key = `${type}\u0000${ircLower(nick)}`;
    const last = this.#ctcpAnswered.get(key);
    // CTCP is a cheap way to make a bot flood itself off the network: answer rarely.
    if ((last !== undefined && now - last < CTCP_COOLDOWN_MS) || this.#pacer.queued > 20) return;
    if (this.#ctcpAnswered.size > 1000) this.#ctcpAnswered.clear();
    this.#ctcpAnswered.set(key, now);
    const answer = type === 'VERSION' ? `VERSION doi-bot ${stripUnsafe(this.#o.version)}` : `PING ${stripUnsafe(message.slice(5)).slice(0, 64)}`.trimEnd();
    this.#control(`NOTICE ${nick} :\u0001${answer}\u0001`);
  }

  // ---- helpers --------------------------------------------------------------------------------

  #isMe(nick: string): boolean {
    return ircLower(nick) === ircLower(this.nick);
  }

  #isChannel(target: string): boolean {
    const prefixes = this.#client ? channelPrefixes(this.#client) : '#&';
    return prefixes.includes(target[0] ?? '');
  }

  #wantsChannel(channel: string): boolean {
    const c = ircLower(channel);
    return this.#s.channels.some((x) => ircLower(x.name) === c) || this.#invited.has(c);
  }

  #isReady(): boolean {
    if (this.#state !== 'registered' || !this.#welcomed) return false;
    return this.#s.channels.every((c) => this.#joined.has(ircLower(c.name)) || this.#refused.has(ircLower(c.name)));
  }

  #checkReady(): void {
    if (!this.#isReady()) return;
    for (const w of this.#readyWaiters.splice(0)) w();
  }
}

function channelPrefixes(client: Client): string {
  const t = client.network.supports('CHANTYPES');
  // irc-framework turns CHANTYPES into an array of characters.
  if (Array.isArray(t)) return (t as unknown[]).filter((x): x is string => typeof x === 'string').join('') || '#&';
  return typeof t === 'string' && t ? t : '#&';
}

function validChannelName(name: string): boolean {
  return /^[#&][^\s,\u0000-\u001f\u0007]{1,199}$/u.test(name);
}

/** Server-supplied text we echo into our own status lines. */
function safe(text: string): string {
  return stripUnsafe(text).slice(0, 200);
}

function identFrom(nick: string): string {
  return nick.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 10) || 'doibot';
}

function assertSafeLine(line: string): void {
  if (/[\r\n\0]/.test(line)) throw new Error(`refusing to send an IRC line containing CR, LF or NUL: ${JSON.stringify(line.slice(0, 60))}`);
}

/** The one place a PRIVMSG line is built. `text` must already be rendered and split. */
export function formatPrivmsg(target: string, text: string): string {
  const line = `PRIVMSG ${target} :${text}`;
  assertSafeLine(line);
  return line;
}
