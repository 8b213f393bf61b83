import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../src/cli.js';

describe('command line', () => {
  it('runs, checks, backs up and probes with the known flags', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'run', checkConfig: false });
    expect(parseCommandLine(['--config', 'c.yaml', '--check-config'])).toEqual({ kind: 'run', checkConfig: true });
    expect(parseCommandLine(['--config=c.yaml'])).toEqual({ kind: 'run', checkConfig: false });
    expect(parseCommandLine(['--config', 'c.yaml', 'backup', 'b.sqlite3'])).toEqual({ kind: 'backup', target: 'b.sqlite3' });
    expect(parseCommandLine(['healthcheck'])).toEqual({ kind: 'healthcheck' });
    expect(parseCommandLine(['-h'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
    expect(parseCommandLine(['-V'])).toEqual({ kind: 'version' });
  });

  it('refuses unknown flags, naming the closest known one', () => {
    expect(parseCommandLine(['--check-confg'])).toEqual({ kind: 'usage-error', message: 'unknown option "--check-confg" (did you mean --check-config?)' });
    expect(parseCommandLine(['--confg=x.yaml'])).toEqual({ kind: 'usage-error', message: 'unknown option "--confg=x.yaml" (did you mean --config?)' });
    expect(parseCommandLine(['--verbose'])).toEqual({ kind: 'usage-error', message: 'unknown option "--verbose"' });
    expect(parseCommandLine(['-x'])).toMatchObject({ kind: 'usage-error', message: 'unknown option "-x"' });
  });

  it('refuses subcommands and arguments that make no sense', () => {
    expect(parseCommandLine(['--config'])).toEqual({ kind: 'usage-error', message: '--config needs a file name (--config FILE)' });
    expect(parseCommandLine(['--config', '--check-config'])).toMatchObject({ kind: 'usage-error' });
    expect(parseCommandLine(['start'])).toEqual({ kind: 'usage-error', message: 'unknown subcommand "start"' });
    expect(parseCommandLine(['backup'])).toMatchObject({ kind: 'usage-error', message: expect.stringMatching(/^usage: doi-bot backup FILE/) });
    expect(parseCommandLine(['backup', 'a', 'b'])).toMatchObject({ kind: 'usage-error' });
    expect(parseCommandLine(['healthcheck', 'now'])).toMatchObject({ kind: 'usage-error' });
    expect(parseCommandLine(['--check-config', 'backup', 'f'])).toMatchObject({ kind: 'usage-error' });
    expect(parseCommandLine(['\u001b[31mx'])).toEqual({ kind: 'usage-error', message: 'unknown subcommand "?[31mx"' });
  });
});
