import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProgram, type ProgramResult } from '../support/run-program.js';

/** Runs the real program as a user would, with stdin as a pipe and a fresh database. */
function runBot(input: string, env: Record<string, string> = {}, args: string[] = []): Promise<ProgramResult> {
  const dir = mkdtempSync(join(tmpdir(), 'doibot-console-'));
  return runProgram(input, { HOME: dir, DOIBOT_DB: join(dir, 'bot.sqlite3'), ...env }, args);
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
    expect(dbBad.stderr).toMatch(/cannot open database/);
    expect(dbBad.stderr.split('\n').filter(Boolean)).toHaveLength(1);
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
    expect(warned.stdout).toMatch(/configuration OK\nwarning: IRC_REALNAME: not set; the default names no admin contact/);
    const sasl = await runBot('', { ...irc, IRC_REALNAME: 'doi-bot (admin: me)', IRC_SASL_ACCOUNT: 'bot', IRC_SASL_PASSWORD: 'hunter22' }, ['--check-config']);
    expect(sasl.code).toBe(1);
    expect(sasl.stderr).toMatch(/IRC_SASL_ACCOUNT \/ IRC_SASL_PASSWORD: .*DOIBOT_ALLOW_INSECURE=true/);
    expect(sasl.stderr).not.toContain('hunter22');
  });
});
