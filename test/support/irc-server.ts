/**
 * A real IRC network for tests: InspIRCd 3 + Atheme services (Debian packages `inspircd`,
 * `atheme-services`) on 127.0.0.1, generated config in a temp dir, free ports, stopped by PID.
 * SASL is advertised only while services are linked, so "sasl in CAP LS" is the readiness signal.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IrcTestClient, type IrcLine } from './irc-client.js';

export interface IrcServerOptions {
  /**
   * Adds a second client port whose <connect> class has InspIRCd's flood protection on
   * (threshold/commandrate, fakelag off): a client writing faster than `commandsPerSecond`
   * for long enough is killed with "Excess Flood". Test clients keep the unlimited port.
   */
  readonly floodLimits?: { readonly commandsPerSecond: number; readonly threshold: number };
  /** Preload a shim that sets TCP_NODELAY on accepted sockets (InspIRCd leaves Nagle on). */
  readonly nodelay?: boolean;
  /** Leave out the account-tag module, so clients must learn accounts another way (WHOX). */
  readonly withoutAccountTag?: boolean;
  /**
   * Adds a TLS client port (ssl_gnutls) with a server certificate from a throwaway CA made with
   * openssl in the temp dir, and CertFP (sslinfo + Atheme nickserv/cert, saslserv/external).
   */
  readonly tls?: boolean;
}

export interface TlsSetup {
  readonly port: number;
  /** PEM file of the CA that signed the server certificate (valid for 127.0.0.1 and irc.test). */
  readonly caFile: string;
  /** A new self-signed client certificate (PEM) and its SHA-256 fingerprint as InspIRCd shows it. */
  clientCertificate(name: string): { cert: string; key: string; certFile: string; keyFile: string; fingerprint: string };
  /** Identifies as `account` and adds `fingerprint` to its NickServ CERT list. */
  addCertFingerprint(account: string, password: string, fingerprint: string): Promise<void>;
}

export interface IrcServer {
  readonly host: string;
  /** Unlimited client port. */
  readonly port: number;
  /** The flood-limited port when `floodLimits` is set, else the same as `port`. */
  readonly limitedPort: number;
  readonly dir: string;
  readonly nodelay: boolean;
  /** Present when started with `tls: true`. */
  readonly tls?: TlsSetup;
  registerAccount(account: string, password: string): Promise<void>;
  /** Stops the ircd (services stay up and relink) and starts it again on the same ports. */
  restartIrcd(opts?: { downMs?: number }): Promise<void>;
  stopIrcd(): Promise<void>;
  startIrcd(): Promise<void>;
  /** Freezes / thaws the ircd process (a half-open connection as the client sees it). */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
  log(): string;
}

const BINARIES = ['inspircd', 'atheme-services', 'openssl'] as const;

function findBinary(name: string): string | undefined {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin']) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

export type Availability = { ok: true } | { ok: false; reason: string };

/** Whether InspIRCd and Atheme are installed. */
export function ircServerAvailability(): Availability {
  const missing = BINARIES.filter((b) => !findBinary(b));
  if (missing.length === 0) return { ok: true };
  return { ok: false, reason: `missing ${missing.join(' and ')} (apt-get install inspircd atheme-services openssl, or run scripts/setup.sh as root)` };
}

/**
 * For test files: true when the server can run. Outside CI a missing server is reported loudly
 * and the tests skip; with CI=true the caller must fail (see `failWithoutIrcServer`).
 */
export function ircServerUsable(file: string): boolean {
  const a = ircServerAvailability();
  if (a.ok) return true;
  if (process.env.CI !== 'true') {
    process.stderr.write(`\n!!!!!!!!\n!! ${file}: SKIPPING real-IRC-server tests: ${a.reason}\n!!!!!!!!\n\n`);
  }
  return false;
}

export function failWithoutIrcServer(): string | undefined {
  const a = ircServerAvailability();
  return !a.ok && process.env.CI === 'true' ? a.reason : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const NODELAY_C = `#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
static void nd(int fd) { if (fd >= 0) { int one = 1; setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); } }
int accept(int s, struct sockaddr *a, socklen_t *l) { static int (*f)(int, struct sockaddr *, socklen_t *); if (!f) f = dlsym(RTLD_NEXT, "accept"); int fd = f(s, a, l); nd(fd); return fd; }
int accept4(int s, struct sockaddr *a, socklen_t *l, int fl) { static int (*f)(int, struct sockaddr *, socklen_t *, int); if (!f) f = dlsym(RTLD_NEXT, "accept4"); int fd = f(s, a, l, fl); nd(fd); return fd; }
`;

/** Builds the TCP_NODELAY shim with gcc; undefined (and why) when that is not possible. */
function buildNodelayShim(dir: string): { path?: string; why?: string } {
  const src = join(dir, 'nodelay.c');
  const out = join(dir, 'libnodelay.so');
  writeFileSync(src, NODELAY_C);
  const r = spawnSync('gcc', ['-shared', '-fPIC', '-O2', '-o', out, src, '-ldl'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { why: r.error ? r.error.message : r.stderr.trim().slice(0, 200) };
  return { path: out };
}

function inspircdConf(dir: string, port: number, limitedPort: number, linkPort: number, o: IrcServerOptions, tlsPort: number): string {
  // requestclientcert: a client certificate is what CertFP (SASL EXTERNAL) identifies.
  const tls = o.tls
    ? `<module name="ssl_gnutls"><module name="sslinfo">
<sslprofile name="tls" provider="gnutls" certfile="${dir}/server.pem" keyfile="${dir}/server.key" hash="sha256" requestclientcert="yes" mindhbits="2048" priority="NORMAL">
<bind address="127.0.0.1" port="${tlsPort}" type="clients" sslprofile="tls">
<connect name="tls" allow="*" port="${tlsPort}" timeout="20" pingfreq="120" hardsendq="1048576" softsendq="65536" recvq="65536"
         threshold="1000" commandrate="100000" fakelag="no" localmax="1000" globalmax="1000" maxconnwarn="no"
         resolvehostnames="no" useident="no" limit="5000">
`
    : '';
  const limited = o.floodLimits
    ? `<bind address="127.0.0.1" port="${limitedPort}" type="clients">
<connect name="limited" allow="*" port="${limitedPort}" timeout="20" pingfreq="120" hardsendq="1048576" softsendq="65536" recvq="65536"
         threshold="${o.floodLimits.threshold}" commandrate="${Math.round(o.floodLimits.commandsPerSecond * 1000)}" fakelag="no"
         localmax="1000" globalmax="1000" maxconnwarn="no" resolvehostnames="no" useident="no" limit="5000">
`
    : '';
  return `<server name="irc.test" description="local test ircd" id="001" network="TestNet">
<admin name="test" nick="test" email="test@localhost">
<bind address="127.0.0.1" port="${port}" type="clients">
<bind address="127.0.0.1" port="${linkPort}" type="servers">
${limited}${tls}<connect name="main" allow="*" port="${port}" timeout="20" pingfreq="120" hardsendq="1048576" softsendq="65536" recvq="65536"
         threshold="1000" commandrate="100000" fakelag="no" localmax="1000" globalmax="1000" maxconnwarn="no"
         resolvehostnames="no" useident="no" limit="5000">
<power diepass="die" restartpass="restart">
<files motd="${dir}/motd.txt">
<dns server="127.0.0.1" timeout="1">
<pid file="${dir}/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="${dir}/inspircd.log">
<options syntaxhints="no" announcets="yes" hostintopic="yes" pingwarning="15" splitwhois="no" exemptchanops="">
<security hideserver="" userstats="Pu" customversion="" flatlinks="no" hidesplits="no" hideulines="no" hidebans="no" maxtargets="20">
<module name="cap"><module name="ircv3">${o.withoutAccountTag ? '' : '<module name="ircv3_accounttag">'}<module name="ircv3_batch">
<module name="ircv3_capnotify"><module name="ircv3_chghost"><module name="ircv3_ctctags"><module name="ircv3_echomessage">
<module name="ircv3_invitenotify"><module name="ircv3_labeledresponse"><module name="ircv3_msgid"><module name="ircv3_servertime">
<module name="namesx"><module name="uhnames"><module name="monitor"><module name="setname"><module name="botmode">
<module name="services_account">
<module name="sasl">
<sasl target="services.test" requiressl="no">
<module name="spanningtree">
<module name="hidechans"><module name="chghost"><module name="chgident"><module name="chgname"><module name="globops">
<module name="sajoin"><module name="sapart"><module name="sanick"><module name="samode"><module name="saquit">
<module name="svshold"><module name="servprotect"><module name="topiclock">
<module name="alias">
<include file="${dir}/services-generic.conf">
<link name="services.test" ipaddr="127.0.0.1" port="${linkPort}" allowmask="127.0.0.0/8" sendpass="linkpass" recvpass="linkpass" timeout="30">
<uline server="services.test" silent="yes">
`;
}

function athemeConf(dir: string, linkPort: number, o: IrcServerOptions): string {
  const certfp = o.tls ? 'loadmodule "modules/nickserv/cert";\nloadmodule "modules/saslserv/external";\n' : '';
  return `loadmodule "modules/protocol/inspircd";
loadmodule "modules/backend/opensex";
loadmodule "modules/crypto/pbkdf2v2";
loadmodule "modules/nickserv/main";
loadmodule "modules/nickserv/register";
loadmodule "modules/nickserv/identify";
loadmodule "modules/nickserv/logout";
loadmodule "modules/nickserv/info";
loadmodule "modules/nickserv/enforce";
loadmodule "modules/nickserv/help";
loadmodule "modules/saslserv/main";
loadmodule "modules/saslserv/plain";
${certfp}serverinfo {
	name = "services.test"; desc = "Atheme test services"; numeric = "00A"; recontime = 1;
	netname = "TestNet"; hidehostsuffix = "users.test"; adminname = "test"; adminemail = "test@localhost";
	registeremail = "noreply@localhost"; auth = none; casemapping = rfc1459;
	loglevel = { error; info; admin; network; }; maxlogins = 50; maxusers = 50; mdlimit = 30; emaillimit = 10; emailtime = 300;
};
uplink "irc.test" { host = "127.0.0.1"; port = ${linkPort}; send_password = "linkpass"; receive_password = "linkpass"; };
nickserv { nick = "NickServ"; user = "NickServ"; host = "services.test"; real = "Nickname Services"; maxnicks = 5; expire = 0; };
saslserv { nick = "SaslServ"; user = "SaslServ"; host = "services.test"; real = "SASL Authentication Agent"; };
general { flood_msgs = 0; flood_time = 10; ratelimit_uses = 0; ratelimit_period = 60; commit_interval = 1;
	uplink_sendq_limit = 1048576; language = "en"; kline_time = 7; immune_level = immune; };
logfile "${dir}/atheme.log" { error; info; admin; network; register; };
`;
}

function openssl(dir: string, args: readonly string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${r.error?.message ?? r.stderr.trim().slice(0, 300)}`);
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A throwaway CA and a server certificate it signed, for 127.0.0.1 and irc.test. */
function makeServerCertificate(dir: string): void {
  openssl(dir, ['req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=doi-bot test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['req', '-new', ...EC_KEY, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=irc.test']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:irc.test\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext']);
}

function tlsSetup(dir: string, plainPort: number, tlsPort: number): TlsSetup {
  return {
    port: tlsPort,
    caFile: join(dir, 'ca.pem'),
    clientCertificate(name) {
      const safe = name.replace(/[^a-z0-9-]/gi, '');
      openssl(dir, ['req', '-x509', ...EC_KEY, '-keyout', `client-${safe}.key`, '-out', `client-${safe}.pem`, '-days', '2', '-subj', `/CN=${safe}`]);
      const cert = readFileSync(join(dir, `client-${safe}.pem`), 'utf8');
      // InspIRCd's certfp: lower-case hex SHA-256 of the DER certificate, no colons.
      const fingerprint = new X509Certificate(cert).fingerprint256.replace(/:/g, '').toLowerCase();
      const [certFile, keyFile] = [join(dir, `client-${safe}.pem`), join(dir, `client-${safe}.key`)];
      return { cert, key: readFileSync(keyFile, 'utf8'), certFile, keyFile, fingerprint };
    },
    async addCertFingerprint(account, password, fingerprint) {
      const c = await IrcTestClient.connect({ port: plainPort, nick: `${account}-cert` });
      try {
        const fromNickServ = (re: RegExp) => (m: IrcLine) => m.command === 'NOTICE' && m.nick === 'NickServ' && re.test(m.params[1] ?? '');
        c.privmsg('NickServ', `IDENTIFY ${account} ${password}`);
        await c.waitFor(fromNickServ(/now identified|invalid|not registered/i), 10_000);
        c.privmsg('NickServ', `CERT ADD ${fingerprint}`);
        const reply = await c.waitFor(fromNickServ(/fingerprint|not logged in|unknown command|invalid/i), 10_000);
        if (!/added fingerprint/i.test(reply.params[1] ?? '')) throw new Error(`NickServ CERT ADD for ${account}: ${reply.params[1] ?? ''}`);
      } finally {
        await c.quit();
      }
    },
  };
}

/** True once a fresh connection sees `sasl` in CAP LS (services linked). */
async function saslAdvertised(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new Socket();
    let buf = '';
    const done = (v: boolean) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(1500, () => done(false));
    sock.on('error', () => done(false));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      const line = buf.split('\r\n').find((l) => / CAP \S+ LS /.test(l));
      if (line) done(/\bsasl\b/.test(line));
    });
    sock.connect(port, '127.0.0.1', () => sock.write('CAP LS 302\r\n'));
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, diag: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`IRC test server: ${what} not ready after ${timeoutMs} ms\n${diag()}`);
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killAndWait(child: ChildProcess | undefined, timeoutMs = 5000): Promise<void> {
  const pid = child?.pid;
  if (!child || !alive(pid)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(t);
}

export async function startIrcServer(opts: IrcServerOptions = {}): Promise<IrcServer> {
  const a = ircServerAvailability();
  if (!a.ok) throw new Error(`cannot start the IRC test server: ${a.reason}`);
  const dir = mkdtempSync(join(tmpdir(), 'doibot-irc-'));
  mkdirSync(join(dir, 'atheme-data'));
  writeFileSync(join(dir, 'motd.txt'), 'test ircd\n');
  const generic = spawnSync('sh', ['-c', 'dpkg -L inspircd | grep services/generic.conf.example'], { encoding: 'utf8' }).stdout.trim();
  if (generic && existsSync(generic)) copyFileSync(generic, join(dir, 'services-generic.conf'));
  else writeFileSync(join(dir, 'services-generic.conf'), '');
  const [port, limited, linkPort, tlsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const limitedPort = opts.floodLimits ? limited : port;
  if (opts.tls) makeServerCertificate(dir);
  writeFileSync(join(dir, 'inspircd.conf'), inspircdConf(dir, port, limitedPort, linkPort, opts, tlsPort));
  writeFileSync(join(dir, 'atheme.conf'), athemeConf(dir, linkPort, opts));
  let preload: string | undefined;
  if (opts.nodelay) {
    const shim = buildNodelayShim(dir);
    if (!shim.path) throw new Error(`cannot build the TCP_NODELAY shim: ${shim.why ?? 'unknown'}`);
    preload = shim.path;
  }

  let ircd: ChildProcess | undefined;
  let atheme: ChildProcess | undefined;
  const inspircdBin = findBinary('inspircd')!;
  const athemeBin = findBinary('atheme-services')!;
  const readLog = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').slice(-2000) : '');
  const diag = () => `--- inspircd.out\n${readLog('inspircd.out')}\n--- atheme.log\n${readLog('atheme.log')}`;

  const spawnIrcd = () => {
    const out = openSync(join(dir, 'inspircd.out'), 'a');
    ircd = spawn(inspircdBin, ['--config', join(dir, 'inspircd.conf'), '--nofork', '--runasroot'], {
      stdio: ['ignore', out, out],
      env: { ...process.env, ...(preload ? { LD_PRELOAD: preload } : {}) },
    });
    closeSync(out);
  };
  const startIrcd = async () => {
    spawnIrcd();
    await waitFor('ircd with services', () => saslAdvertised(port), 15_000, diag);
  };
  const ircdProcess = () => ircd;
  try {
    spawnIrcd();
    const out = openSync(join(dir, 'atheme.out'), 'a');
    atheme = spawn(athemeBin, ['-n', '-c', join(dir, 'atheme.conf'), '-D', join(dir, 'atheme-data'), '-l', join(dir, 'atheme.out.log'), '-p', join(dir, 'atheme.pid')], {
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    await waitFor('ircd with services', () => saslAdvertised(port), 15_000, diag);
  } catch (err) {
    await killAndWait(ircd);
    await killAndWait(atheme);
    throw err;
  }

  const server: IrcServer = {
    host: '127.0.0.1',
    port,
    limitedPort,
    dir,
    nodelay: Boolean(preload),
    ...(opts.tls ? { tls: tlsSetup(dir, port, tlsPort) } : {}),
    async registerAccount(account, password) {
      const c = await IrcTestClient.connect({ port, nick: account });
      try {
        c.privmsg('NickServ', `REGISTER ${password} ${account}@example.test`);
        const reply = await c.waitFor((m) => m.command === 'NOTICE' && m.nick === 'NickServ', 10_000);
        if (!/registered/i.test(reply.params[1] ?? '')) throw new Error(`NickServ REGISTER ${account}: ${reply.params[1] ?? ''}`);
      } finally {
        await c.quit();
      }
    },
    async stopIrcd() {
      await killAndWait(ircdProcess());
    },
    async startIrcd() {
      await startIrcd();
    },
    async restartIrcd({ downMs = 0 } = {}) {
      await killAndWait(ircdProcess());
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      await startIrcd();
    },
    freeze() {
      ircdProcess()?.kill('SIGSTOP');
    },
    thaw() {
      ircdProcess()?.kill('SIGCONT');
    },
    async stop() {
      ircdProcess()?.kill('SIGCONT');
      await killAndWait(ircdProcess());
      await killAndWait(atheme);
      rmSync(dir, { recursive: true, force: true });
    },
    log: diag,
  };
  return server;
}
