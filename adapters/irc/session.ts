/**
 * One IRC adapter's shared state: the settings, the current connection and what the network told
 * the bot about it (registration, login, channels, problems for `status`). The adapter's parts
 * (connection.ts, registration.ts, receive.ts, outbound.ts, status.ts) all work on one session.
 */
import type { Client } from 'irc-framework';
import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/log.js';
import { ircLower } from './accounts.js';
import type { IrcIdentity } from './identity.js';
import type { Pacer } from './pacing.js';
import { stripUnsafe } from './render.js';

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

export type State = 'idle' | 'connecting' | 'registered' | 'stopped';

export class IrcSession {
  readonly o: IrcAdapterOptions;
  readonly s: IrcSettings;
  readonly log: Logger;
  readonly clock: Clock;
  /** Set by the adapter right after construction (they need each other's callbacks). */
  pacer!: Pacer;
  identity!: IrcIdentity;
  readonly problems = new Map<string, string>();
  readonly joined = new Map<string, string>();
  readonly invited = new Map<string, string>();
  readonly refused = new Map<string, string>();
  readonly stopSignal = new AbortController();
  readonly readyWaiters: Array<() => void> = [];
  client: Client | undefined;
  state: State = 'idle';
  since: Date | undefined;
  registeredAt = 0;
  everRegistered = false;
  reconnects = 0;
  attempt = 0;
  nextRetryAt: number | undefined;
  lastError: string | undefined;
  loggedInAs: string | undefined;
  saslFailed = false;
  banned = false;
  capLs = new Set<string>();
  welcomed = false;
  nickTimer: NodeJS.Timeout | undefined;
  altIndex = 0;
  seq = 0;

  constructor(o: IrcAdapterOptions, clock: Clock) {
    this.o = o;
    this.s = o.settings;
    this.log = o.log;
    this.clock = clock;
  }

  get nick(): string {
    return this.client?.user.nick ?? this.s.nick;
  }

  get saslRequired(): boolean {
    return this.o.clientCertificate !== undefined || Boolean(this.s.saslAccount && this.s.saslPassword);
  }

  /** A command line (JOIN, MODE, NOTICE...) ahead of queued text. */
  control(line: string): void {
    assertSafeLine(line);
    this.pacer.control(line);
  }

  isMe(nick: string): boolean {
    return ircLower(nick) === ircLower(this.nick);
  }

  isChannel(target: string): boolean {
    const prefixes = this.client ? channelPrefixes(this.client) : '#&';
    return prefixes.includes(target[0] ?? '');
  }

  wantsChannel(channel: string): boolean {
    const c = ircLower(channel);
    return this.s.channels.some((x) => ircLower(x.name) === c) || this.invited.has(c);
  }

  isReady(): boolean {
    if (this.state !== 'registered' || !this.welcomed) return false;
    return this.s.channels.every((c) => this.joined.has(ircLower(c.name)) || this.refused.has(ircLower(c.name)));
  }

  checkReady(): void {
    if (!this.isReady()) return;
    for (const w of this.readyWaiters.splice(0)) w();
  }
}

export function channelPrefixes(client: Client): string {
  const t = client.network.supports('CHANTYPES');
  // irc-framework turns CHANTYPES into an array of characters.
  if (Array.isArray(t)) return (t as unknown[]).filter((x): x is string => typeof x === 'string').join('') || '#&';
  return typeof t === 'string' && t ? t : '#&';
}

export function validChannelName(name: string): boolean {
  return /^[#&][^\s,\u0000-\u001f\u0007]{1,199}$/u.test(name);
}

/** Server-supplied text we echo into our own status lines. */
export function safe(text: string): string {
  return stripUnsafe(text).slice(0, 200);
}

export function assertSafeLine(line: string): void {
  if (/[\r\n\0]/.test(line)) throw new Error(`refusing to send an IRC line containing CR, LF or NUL: ${JSON.stringify(line.slice(0, 60))}`);
}
