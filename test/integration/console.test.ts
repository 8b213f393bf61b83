import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProgram, type ProgramResult, type RunOptions } from '../support/run-program.js';

/** Runs the real program as a user would, with stdin as a pipe and a fresh database. */
function runBot(input: string, env: Record<string, string> = {}, args: string[] = [], opts: RunOptions = {}): Promise<ProgramResult> {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-console-'));
  return runProgram(input, { HOME: dir, DOIBOT_DB: join(dir, 'bot.sqlite3'), ...env }, args, opts);
}

describe('console adapter through a real pipe', { timeout: 90_000 }, () => {
  it('answers each line in order and exits 0 at end of input', async () => {
    const r = await runBot('help\nhelp about\nnosuchcommand\n\nabout\n');
    expect(r.code).toBe(0);
    const out = r.stdout;
    const iHelp = out.indexOf('Commands');
    const iUsage = out.indexOf('Usage: about');
    const iUnknown = out.indexOf('Unknown command "nosuchcommand"');
    const iAbout = out.indexOf('doi-bot 0.');
    expect([iHelp, iUsage, iUnknown, iAbout].every((i) => i >= 0)).toBe(true);
    expect(iHelp < iUsage && iUsage < iUnknown && iUnknown < iAbout).toBe(true);
  });

  it('reports a bad configuration with one clear message and exit 1', async () => {
    const r = await runBot('help\n', { IRC_HOST: 'irc.test', IRC_PORT: 'x' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/IRC_PORT \(irc\.port\)/);
    expect(r.stdout).toBe('');
  });

  it('reports an unreadable config file and an unwritable database path', async () => {
    const missing = await runBot('help\n', {}, ['--config', '/nonexistent/doi.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read config file/);
    const dbBad = await runBot('help\n', { DOIBOT_DB: '/dev/null/doibot/db.sqlite3' });
    expect(dbBad.code).toBe(1);
    expect(dbBad.stderr).toMatch(/DOIBOT_DB \(db\): cannot open database .*\/dev\/null is not a directory/);
    expect(dbBad.stderr.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('--check-config validates and exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-cfg-'));
    writeFileSync(join(dir, 'c.yaml'), 'limits:\n  userCommandsPerMinute: 5\n');
    const ok = await runBot('', {}, ['--config', join(dir, 'c.yaml'), '--check-config']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/configuration OK/);
    expect(ok.stdout).not.toMatch(/warning/);
  });

  it('--check-config shows the IRC realname warning and refuses cleartext SASL', async () => {
    const irc = { IRC_HOST: 'irc.test', IRC_TLS: 'false' };
    const warned = await runBot('', irc, ['--check-config']);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toMatch(/^configuration OK\n( {2}.*\n)+warning: IRC_REALNAME: not set; the default names no admin contact/);
    const sasl = await runBot('', { ...irc, IRC_REALNAME: 'doi-bot (admin: me)', IRC_SASL_ACCOUNT: 'bot', IRC_SASL_PASSWORD: 'hunter22' }, ['--check-config']);
    expect(sasl.code).toBe(1);
    expect(sasl.stderr).toMatch(/IRC_SASL_ACCOUNT \/ IRC_SASL_PASSWORD: .*DOIBOT_ALLOW_INSECURE=true/);
    expect(sasl.stderr).not.toContain('hunter22');
  });

  it('--check-config says what will run', async () => {
    const ok = await runBot('', { IRC_HOST: 'irc.test', IRC_CHANNELS: '#a,#b key', DOIBOT_HTTP_PORT: '8080' }, ['--check-config']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/platforms: IRC irc\.test:6697 \(TLS\) as doi-bot, no login, #a #b\n/);
    expect(ok.stdout).toMatch(/catalog: the bundled snapshot/);
    expect(ok.stdout).toMatch(/GitHub: off \(no GITHUB_TOKEN\)/);
    expect(ok.stdout).toMatch(/webhook: off/);
    expect(ok.stdout).toMatch(/HTTP listener: 0\.0\.0\.0:8080 \(\/healthz, \/readyz, \/metrics\)/);
    expect(ok.stdout).not.toMatch(/key/);
  });

  it('--check-config reports every setup trap at once, by variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-traps-'));
    writeFileSync(join(dir, 'file.txt'), 'not a directory\n');
    const r = await runBot(
      '',
      {
        DOIBOT_HTTP_PORT: '0',
        DOIBOT_LIBRARY_DIR: join(dir, 'no-such-checkout'),
        DOIBOT_DB: join(dir, 'file.txt', 'bot.sqlite3'),
        DOIBOT_ADMINS: 'irc:YOUR-ACCOUNT',
        IRC_HOST: 'irc.libera.chat',
        IRC_TLS_CERT: join(dir, 'missing-cert.pem'),
        IRC_TLS_KEY: join(dir, 'missing-key.pem'),
        IRC_TLS_CA: join(dir, 'missing-ca.pem'),
      },
      ['--check-config'],
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n').slice(1).map((l) => l.trim());
    expect(lines).toEqual([
      expect.stringMatching(/^DOIBOT_ADMINS \(access\.admins\[0\]\): "irc:YOUR-ACCOUNT" is a placeholder value/),
      expect.stringMatching(/^IRC_TLS_CERT \(irc\.tlsCert\): cannot read .*missing-cert\.pem/),
      expect.stringMatching(/^IRC_TLS_KEY \(irc\.tlsKey\): cannot read .*missing-key\.pem/),
      expect.stringMatching(/^IRC_TLS_CA \(irc\.tlsCa\): cannot read .*missing-ca\.pem/),
      expect.stringMatching(/^DOIBOT_LIBRARY_DIR \(catalog\.libraryDir\): directory .*no-such-checkout does not exist/),
      expect.stringMatching(/^DOIBOT_DB \(db\): cannot open database .*file\.txt is not a directory/),
      expect.stringMatching(/^DOIBOT_HTTP_PORT \(http\.port\): 0 picks a random port/),
    ]);
  });

  it('refuses unknown flags with the usage and starts nothing; --help and --version answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-flags-'));
    const db = join(dir, 'bot.sqlite3');
    const typo = await runBot('help\n', { DOIBOT_DB: db, IRC_HOST: '127.0.0.1', IRC_PORT: '9', IRC_TLS: 'false' }, ['--check-confg']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^doi-bot: unknown option "--check-confg" \(did you mean --check-config\?\)\nusage: doi-bot/);
    expect(typo.stdout).toBe('');
    expect(existsSync(db)).toBe(false);
    const help = await runBot('', {}, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: doi-bot .*--check-config/);
    const version = await runBot('', {}, ['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^doi-bot \d+\.\d+\.\d+\n$/);
  });

  it('with no platform and no input at all it exits non-zero naming what to configure', async () => {
    const devNull = await runBot('', {}, [], { stdin: 'null' });
    expect(devNull.code).toBe(78);
    expect(devNull.stderr).toMatch(/no chat platform is configured and standard input is empty/);
    expect(devNull.stderr).toMatch(/IRC_HOST.*SLACK_BOT_TOKEN/s);
    const emptyPipe = await runBot('');
    expect(emptyPipe.code).toBe(78);
    // A pipe that delivered lines, even only a blank one, is a console session.
    const blank = await runBot('\n');
    expect(blank.code, blank.stderr).toBe(0);
  });

  it('reads .env from the working directory; the real environment wins', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'doibot-dotenv-'));
    writeFileSync(join(cwd, '.env'), '# copied from .env.example\nIRC_HOST=irc.from-dotenv.test\nIRC_NICK=fromfile\nIRC_CHANNELS="#one,#two"\n');
    const r = await runBot('', { IRC_NICK: 'fromenv' }, ['--check-config'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/platforms: IRC irc\.from-dotenv\.test:6697 \(TLS\) as fromenv, no login, #one #two/);
    expect(r.stdout).toMatch(/settings read from: environment, .*\.env\n/);
    const withoutFile = await runBot('', {}, ['--check-config'], { cwd: mkdtempSync(join(tmpdir(), 'doibot-nodotenv-')) });
    expect(withoutFile.stdout).toMatch(/platforms: none: console only/);
  });
});
