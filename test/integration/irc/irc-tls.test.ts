/**
 * TLS and SASL EXTERNAL (CertFP) against the real InspIRCd (ssl_gnutls) + Atheme
 * (nickserv/cert, saslserv/external). The server certificate comes from a throwaway CA that the
 * bot trusts only because the test names it in irc.tlsCa; verification is never switched off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IrcTestClient, parseIrcLine } from '../../support/irc-client.js';
import { eventually, startBot } from '../../support/irc-app.js';
import { failWithoutIrcServer, ircServerUsable, startIrcServer, type IrcServer, type TlsSetup } from '../../support/irc-server.js';

const ciFailure = failWithoutIrcServer();
if (ciFailure) it('needs InspIRCd, Atheme and openssl (CI=true)', () => expect.fail(ciFailure));

describe.skipIf(!ircServerUsable('irc-tls.test.ts'))('IRC over TLS with SASL EXTERNAL', () => {
  let server: IrcServer;
  let tls: TlsSetup;
  let botCert: ReturnType<TlsSetup['clientCertificate']>;

  beforeAll(async () => {
    server = await startIrcServer({ tls: true });
    tls = server.tls!;
    await server.registerAccount('doibot', 'bot-password-1');
    botCert = tls.clientCertificate('doibot');
    await tls.addCertFingerprint('doibot', 'bot-password-1', botCert.fingerprint);
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** WHOIS as a plain-port user: what the network says about the bot's connection. */
  async function whois(nick: string): Promise<Map<string, string[]>> {
    const c = await IrcTestClient.connect({ port: server.port, nick: `w${Date.now() % 100000}` });
    try {
      const since = c.lines.length;
      c.send(`WHOIS ${nick}`);
      await c.waitFor((l) => l.command === '318', 10_000, since);
      return new Map(c.lines.slice(since).map((l) => [l.command, l.params]));
    } finally {
      await c.quit();
    }
  }

  it('connects over TLS trusting the given CA, and logs in with its client certificate (no password)', async () => {
    const written: string[] = [];
    const bot = await startBot({
      server,
      port: tls.port,
      irc: { tls: true, tlsCa: tls.caFile, tlsCert: botCert.certFile, tlsKey: botCert.keyFile, channels: [{ name: '#tls' }] },
      adapter: { wireTap: (line, fromServer) => void (fromServer ? undefined : written.push(line)) },
    });
    try {
      expect(bot.adapter.status()).toMatchObject({ connected: true });
      expect(bot.adapter.status().detail).toMatch(/doibot on 127\.0\.0\.1:\d+ \(TLS\), logged in as doibot/);
      // EXTERNAL sends no credentials at all: the empty "+" is the whole exchange.
      expect(written.filter((l) => l.startsWith('AUTHENTICATE'))).toEqual(['AUTHENTICATE EXTERNAL', 'AUTHENTICATE +']);
      const w = await whois('doibot');
      expect(w.has('671'), 'RPL_WHOISSECURE: the connection is TLS').toBe(true);
      expect(w.get('330')?.[2], 'logged in to the services account').toBe('doibot');
      expect(w.get('276')?.at(-1), 'the server saw our client certificate').toContain(botCert.fingerprint);
    } finally {
      await bot.stop();
    }
  });

  it.each([
    ['without a CA (system store only)', undefined],
    ['with a CA that did not sign it', 'other'],
  ])('refuses the server certificate %s, and never registers', async (_what, ca) => {
    // A self-signed certificate of its own: valid PEM, wrong issuer for the server's certificate.
    const tlsCa = ca ? { tlsCa: tls.clientCertificate('other-ca').certFile } : {};
    const bot = await startBot({
      server,
      port: tls.port,
      noWait: true,
      irc: { tls: true, ...tlsCa, tlsCert: botCert.certFile, tlsKey: botCert.keyFile, channels: [{ name: '#tls' }] },
    });
    try {
      await eventually(
        () => /certificate|unable to (get|verify)/i.test((bot.adapter.status().problems ?? []).join(' ')),
        10_000,
        'a certificate error in status',
        () => JSON.stringify(bot.adapter.status()),
      );
      expect(bot.adapter.status().connected).toBe(false);
      expect((await whois('doibot')).has('401')).toBe(true);
    } finally {
      await bot.stop();
    }
  });

  it('does not register when its certificate is not on the account (SASL EXTERNAL refused)', async () => {
    const stranger = tls.clientCertificate('stranger');
    const fromServer: string[] = [];
    const bot = await startBot({
      server,
      port: tls.port,
      noWait: true,
      irc: { tls: true, tlsCa: tls.caFile, tlsCert: stranger.certFile, tlsKey: stranger.keyFile, channels: [{ name: '#tls' }] },
      adapter: { wireTap: (line, srv) => void (srv ? fromServer.push(line) : undefined) },
    });
    try {
      await eventually(() => fromServer.some((l) => parseIrcLine(l.trimEnd()).command === '904'), 10_000, 'SASL failure (904)');
      expect(bot.adapter.status().problems?.join(' ')).toMatch(/SASL login failed: .*\(904\); not connecting unauthenticated/);
      expect(fromServer.some((l) => parseIrcLine(l.trimEnd()).command === '001')).toBe(false);
      expect((await whois('doibot')).has('401')).toBe(true);
    } finally {
      await bot.stop();
    }
  });
});
