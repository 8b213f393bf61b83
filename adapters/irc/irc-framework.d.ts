/**
 * A narrow declaration of the parts of irc-framework 4.14 that doi-bot uses. The package ships
 * no types; everything here was checked against its source (src/client.js, src/connection.js,
 * src/commands/handlers/*.js). Only what the adapter touches is declared, so a library change
 * to anything else cannot silently widen what we rely on.
 */
declare module 'irc-framework' {
  export interface ClientOptions {
    host: string;
    port: number;
    nick: string;
    username: string;
    gecos: string;
    tls?: boolean;
    rejectUnauthorized?: boolean;
    client_certificate?: { private_key: string; certificate: string };
    /** SASL PLAIN credentials. */
    account?: { account: string; password: string };
    sasl_mechanism?: 'PLAIN' | 'EXTERNAL';
    sasl_disconnect_on_fail?: boolean;
    /** Falsy disables the library's own unpaced CTCP VERSION answer. */
    version?: string;
    auto_reconnect?: boolean;
    auto_reconnect_max_retries?: number;
    ping_interval?: number;
    ping_timeout?: number;
    encoding?: string;
    enable_echomessage?: boolean;
    message_max_length?: number;
    /** Class instantiated with these options for each connection (default: src/transports/net.js). */
    transport?: new (options: ClientOptions) => unknown;
    /** Not read by the library: our CaTransport's trusted CA (PEM). */
    ca?: string;
  }

  /** Tags as parsed from IRCv3 message tags: value-less tags are `true`. */
  export type MessageTagMap = Record<string, string | true>;

  export interface MessageEvent {
    nick: string;
    ident: string;
    hostname: string;
    target: string;
    message: string;
    tags: MessageTagMap;
    time?: number;
    /** From the account tag; undefined when the sender is not logged in or the cap is off. */
    account?: string;
    from_server: boolean;
  }

  export interface CtcpRequestEvent {
    nick: string;
    target: string;
    /** Upper-cased CTCP command, e.g. "VERSION". */
    type: string | null;
    /** Everything between the \x01 delimiters. */
    message: string;
    account?: string;
  }

  export interface JoinEvent {
    nick: string;
    ident: string;
    hostname: string;
    channel: string;
    /** With extended-join: the account name, or false when not logged in. */
    account?: string | false;
  }

  export interface PartEvent {
    nick: string;
    channel: string;
  }

  export interface KickEvent {
    kicked: string;
    nick: string;
    channel: string;
    message: string;
  }

  export interface QuitEvent {
    nick: string;
    message: string;
  }

  export interface NickEvent {
    nick: string;
    new_nick: string;
  }

  export interface AccountEvent {
    nick: string;
    account: string | false;
  }

  export interface InviteEvent {
    nick: string;
    invited: string;
    channel: string;
  }

  export interface RegisteredEvent {
    nick: string;
  }

  export interface WhoUser {
    nick: string;
    /** '' when not logged in (WHOX reply with account "0"). */
    account?: string;
  }

  export interface WhoListEvent {
    target: string;
    users: WhoUser[];
  }

  /** A parsed IRC line as the raw middleware sees it. */
  export interface RawMessage {
    command: string;
    params: string[];
    nick: string;
    tags: MessageTagMap;
  }

  type RawNext = (err?: unknown) => void;
  export type RawMiddleware = (command: string, message: RawMessage, rawLine: string, client: Client, next: RawNext) => void;

  interface MiddlewareStack<F> {
    use(fn: F): void;
  }

  export interface NetworkInfo {
    /** An ISUPPORT token's value: `true` for value-less tokens, undefined when absent. */
    supports(name: string): string | boolean | undefined;
    cap: {
      isEnabled(name: string): boolean;
      enabled: string[];
    };
  }

  export interface ClientEvents {
    registered: [RegisteredEvent];
    privmsg: [MessageEvent];
    'ctcp request': [CtcpRequestEvent];
    join: [JoinEvent];
    part: [PartEvent];
    kick: [KickEvent];
    quit: [QuitEvent];
    nick: [NickEvent];
    account: [AccountEvent];
    invite: [InviteEvent];
    'nick in use': [{ nick: string; reason: string }];
    'sasl failed': [{ reason: string; message?: string }];
    loggedin: [{ account: string }];
    close: [boolean];
    'socket close': [unknown];
    'socket error': [unknown];
    'ping timeout': [];
    'socket connected': [];
    raw: [{ line: string; from_server: boolean }];
  }

  export class Client {
    constructor(options?: ClientOptions);
    readonly connected: boolean;
    readonly user: { nick: string };
    readonly network: NetworkInfo;
    readonly connection: {
      end(data?: string, hadError?: boolean): void;
      /** The net transport's socket (a TLS or plain net.Socket) once connected. */
      readonly transport?: { readonly socket?: { setNoDelay?(noDelay: boolean): unknown } | null } | null;
    };
    connect(options?: ClientOptions): void;
    use(fn: (client: Client, raw: MiddlewareStack<RawMiddleware>, parsed: unknown) => void): this;
    /** Writes one line as given; the caller owns its safety. */
    raw(line: string): void;
    quit(message: string): void;
    who(target: string, cb: (event: WhoListEvent) => void): void;
    on<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this;
    once<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this;
    removeAllListeners(): this;
  }

  /** The CommonJS `module.exports` object, as Node's ESM loader hands it over. */
  const ircFramework: { Client: typeof Client };
  export default ircFramework;
}

/**
 * The TCP/TLS transport (src/transports/net.js), declared only as far as CaTransport extends
 * it: the state numbers and fields below are its internals, pinned by the exact version.
 */
declare module 'irc-framework/src/transports/net.js' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';
  import type { ClientOptions } from 'irc-framework';

  export default class NetTransport extends EventEmitter {
    constructor(options: ClientOptions);
    options: ClientOptions;
    socket: Socket | null;
    /** 0 disconnected, 1 connecting, 2 connected. */
    state: number;
    requested_disconnect: boolean;
    incoming_buffer: Buffer;
    connect(): void;
    disposeSocket(): void;
    setEncoding(encoding: string): boolean;
    debugOut(out: string): void;
    _onSocketCreate(options: ClientOptions, socket: Socket): void;
  }
}
