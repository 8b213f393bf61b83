/**
 * The console adapter on an interactive terminal (a pseudo-terminal from util-linux `script`):
 * the answers are never mixed with JSON log lines, which go to a file next to the database and
 * are named in one human line at start. Pipe mode keeps logs on stderr.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProgram, spawnOnTerminal } from '../support/run-program.js';

describe('console adapter on a terminal', { timeout: 90_000 }, () => {
  it('keeps JSON log lines off the terminal and writes them to doi-bot.log next to the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-tty-'));
    const logFile = join(dir, 'doi-bot.log');
    // Info level: the start (migrations, catalog) logs several lines, which used to reach the terminal.
    // A closed port for Docker Hub: the test never reaches the internet.
    const bot = spawnOnTerminal({ HOME: dir, DOIBOT_DB: join(dir, 'bot.sqlite3'), DOIBOT_LOG_LEVEL: 'info', DOCKER_HUB_URL: 'http://127.0.0.1:9' });
    if (!bot) {
      // util-linux is part of every Debian/Ubuntu base system; without it this cannot be checked.
      if (process.env.CI) expect.fail('util-linux `script` is needed for the terminal test');
      return;
    }
    try {
      await bot.waitForOutput('the prompt', (out) => (out.includes('doi-bot> ') ? true : undefined));
      bot.child.stdin.write('about\n');
      await bot.waitForOutput('the about answer', (out) => (/Knowledge base: \d+ entries/.test(out) ? true : undefined));
      bot.child.stdin.write('tag python:3.14.7\n');
      await bot.waitForOutput('the tag answer', (out) => (/python:3\.14\.7 is a shared tag[^]*Architectures: /.test(out) ? true : undefined));
      // Ctrl-D ends the session as it does for a person.
      bot.child.stdin.write('\u0004');
      expect(await bot.exited).toBe(0);
    } finally {
      if (bot.child.exitCode === null) bot.child.kill();
    }
    const terminal = bot.output();
    expect(terminal).toContain(`Logs go to ${logFile}.`);
    expect(terminal).not.toContain('{"level":');
    expect(existsSync(logFile)).toBe(true);
    const logLines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
    expect(logLines.length).toBeGreaterThan(3);
    for (const line of logLines) expect(JSON.parse(line)).toHaveProperty('level');
    expect(logLines.some((l) => l.includes('"migration applied"'))).toBe(true);
  });

  it('in pipe mode keeps the logs on stderr and writes no log file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-pipe-'));
    const r = await runProgram('about\n', { HOME: dir, DOIBOT_DB: join(dir, 'bot.sqlite3'), DOIBOT_LOG_LEVEL: 'info' });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('{"level":');
    expect(r.stdout).not.toContain('Logs go to');
    expect(r.stderr).toContain('{"level":"info"');
    expect(existsSync(join(dir, 'doi-bot.log'))).toBe(false);
  });
});
