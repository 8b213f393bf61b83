/**
 * A raw-socket IRC client for tests: the "other user". It records every line exactly as the
 * server sent it, which is what injection tests must look at (a library would hide a forged
 * second command by parsing it).
 */
import { Socket } from 'node:net';

export interface IrcLine {
  readonly raw: string;
  readonly tags: Record<string, string>;
  readonly prefix: string;
  readonly nick: string;
  readonly command: string;
  readonly params: string[];
  readonly at: number;
}

export function parseIrcLine(raw: string): IrcLine {
  let rest = raw;
  const tags: Record<string, string> = {};
  if (rest.startsWith('@')) {
    const sp = rest.indexOf(' ');
    for (const kv of rest.slice(1, sp).split(';')) {
      const eq = kv.indexOf('=');
      if (eq < 0) tags[kv] = '';
      else tags[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    rest = rest.slice(sp + 1);
  }
  let prefix = '';
  if (rest.startsWith(':')) {
    const sp = rest.indexOf(' ');
    prefix = rest.slice(1, sp);
    rest = rest.slice(sp + 1);
  }
  const params: string[] = [];
  let command = '';
  while (rest.length) {
    if (rest.startsWith(':') && command) {
      params.push(rest.slice(1));
      break;
    }
    const sp = rest.indexOf(' ');
    const word = sp < 0 ? rest : rest.slice(0, sp);
    rest = sp < 0 ? '' : rest.slice(sp + 1);
    if (!command) command = word;
    else if (word) params.push(word);
  }
  return { raw, tags, prefix, nick: prefix.split('!')[0] ?? '', command, params, at: performance.now() };
}

export interface ConnectOptions {
  readonly port: number;
  readonly host?: string;
  readonly nick: string;
  readonly sasl?: { readonly account: string; readonly password: string };
  /** Capabilities to request when offered. */
  readonly caps?: readonly string[];
  readonly timeoutMs?: number;
  readonly noDelay?: boolean;
}

type Waiter = { match: (l: IrcLine) => boolean; resolve: (l: IrcLine) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class IrcTestClient {
  readonly lines: IrcLine[] = [];
  nick: string;
  #sock: Socket;
  #buf = '';
  #waiters: Waiter[] = [];
  #closed = false;
  readonly closed: Promise<void>;
  /** Called for every line as it arrives (latency measurement). */
  onLine: ((l: IrcLine) => void) | undefined;

  private constructor(sock: Socket, nick: string) {
    this.#sock = sock;
    this.nick = nick;
    this.closed = new Promise((resolve) => sock.once('close', () => {
      this.#closed = true;
      for (const w of this.#waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new Error(`connection of ${this.nick} closed while waiting`));
      }
      resolve();
    }));
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => this.#onData(d));
    sock.on('error', () => undefined);
  }

  static async connect(o: ConnectOptions): Promise<IrcTestClient> {
    const sock = new Socket();
    if (o.noDelay) sock.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.connect(o.port, o.host ?? '127.0.0.1', () => {
        sock.off('error', reject);
        resolve();
      });
    });
    const c = new IrcTestClient(sock, o.nick);
    const timeout = o.timeoutMs ?? 10_000;
    c.send('CAP LS 302');
    c.send(`NICK ${o.nick}`);
    c.send(`USER ${o.nick.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 10) || 'user'} 0 * :test user ${o.nick}`);
    const ls = await c.waitFor((l) => l.command === 'CAP' && l.params[1] === 'LS' && l.params[2] !== '*', timeout);
    const offered = new Set((ls.params.at(-1) ?? '').split(' ').map((x) => x.split('=')[0]));
    const want = [...(o.caps ?? ['account-tag', 'message-tags', 'server-time']), ...(o.sasl ? ['sasl'] : [])].filter((x) => offered.has(x));
    if (want.length) {
      c.send(`CAP REQ :${want.join(' ')}`);
      await c.waitFor((l) => l.command === 'CAP' && (l.params[1] === 'ACK' || l.params[1] === 'NAK'), timeout);
    }
    if (o.sasl) {
      c.send('AUTHENTICATE PLAIN');
      await c.waitFor((l) => l.command === 'AUTHENTICATE', timeout);
      c.send(`AUTHENTICATE ${Buffer.from(`${o.sasl.account}\0${o.sasl.account}\0${o.sasl.password}`).toString('base64')}`);
      const r = await c.waitFor((l) => ['903', '904', '905'].includes(l.command), timeout);
      if (r.command !== '903') throw new Error(`SASL failed for ${o.sasl.account}: ${r.raw}`);
    }
    c.send('CAP END');
    const welcome = await c.waitFor((l) => l.command === '001' || l.command === '433', timeout);
    if (welcome.command === '433') throw new Error(`nick ${o.nick} in use`);
    await c.waitFor((l) => l.command === '376' || l.command === '422', timeout);
    return c;
  }

  send(line: string): void {
    if (/[\r\n]/.test(line)) throw new Error('test client: a line must not contain CR/LF');
    this.#sock.write(`${line}\r\n`);
  }

  /** Writes bytes exactly as given (for sending several commands in one write). */
  writeRaw(data: string): void {
    this.#sock.write(data);
  }

  privmsg(target: string, text: string): void {
    this.send(`PRIVMSG ${target} :${text}`);
  }

  async join(channel: string, key?: string): Promise<void> {
    this.send(key ? `JOIN ${channel} ${key}` : `JOIN ${channel}`);
    await this.waitFor((l) => l.command === 'JOIN' && l.nick === this.nick && l.params[0]?.toLowerCase() === channel.toLowerCase(), 10_000);
  }

  /** Waits for a line already received after `since` (index) or a future one. */
  waitFor(match: (l: IrcLine) => boolean, timeoutMs = 10_000, since = 0): Promise<IrcLine> {
    const seen = this.lines.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    if (this.#closed) return Promise.reject(new Error(`connection of ${this.nick} is closed`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.timer !== timer);
        reject(new Error(`${this.nick}: timed out after ${timeoutMs} ms waiting for a line; last lines:\n${this.lines.slice(-8).map((l) => l.raw).join('\n')}`));
      }, timeoutMs);
      this.#waiters.push({ match, resolve, reject, timer });
    });
  }

  /** PRIVMSGs from `from` seen so far (optionally to `target`). */
  messagesFrom(from: string, target?: string): IrcLine[] {
    return this.lines.filter(
      (l) => l.command === 'PRIVMSG' && l.nick.toLowerCase() === from.toLowerCase() && (!target || l.params[0]?.toLowerCase() === target.toLowerCase()),
    );
  }

  async waitForMessages(from: string, count: number, timeoutMs: number, target?: string): Promise<IrcLine[]> {
    const until = Date.now() + timeoutMs;
    while (this.messagesFrom(from, target).length < count) {
      if (Date.now() > until) throw new Error(`${this.nick}: got ${this.messagesFrom(from, target).length}/${count} messages from ${from}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.messagesFrom(from, target);
  }

  async quit(reason = 'bye'): Promise<void> {
    if (this.#closed) return;
    this.send(`QUIT :${reason}`);
    const t = setTimeout(() => this.#sock.destroy(), 2000);
    await this.closed;
    clearTimeout(t);
  }

  destroy(): void {
    this.#sock.destroy();
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  #onData(d: string): void {
    this.#buf += d;
    let i: number;
    while ((i = this.#buf.indexOf('\n')) >= 0) {
      const raw = this.#buf.slice(0, i).replace(/\r$/, '');
      this.#buf = this.#buf.slice(i + 1);
      if (!raw) continue;
      const line = parseIrcLine(raw);
      if (line.command === 'PING') this.send(`PONG :${line.params[0] ?? ''}`);
      if (line.command === 'NICK' && line.nick === this.nick && line.params[0]) this.nick = line.params[0];
      this.lines.push(line);
      this.onLine?.(line);
      for (const w of [...this.#waiters]) {
        if (w.match(line)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          clearTimeout(w.timer);
          w.resolve(line);
        }
      }
    }
  }
}
