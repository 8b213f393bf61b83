import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../src/paths.js';

export interface ProgramResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Working directory (where a `.env` file would be read); the project root by default. */
  cwd?: string;
  /** 'null': stdin is /dev/null, as in a container started without -i. */
  stdin?: 'pipe' | 'null';
  /** Entry point relative to the project root; the bot (src/main.ts) by default. */
  script?: string;
}

/**
 * `printf '<input>' | node --import tsx src/main.ts [args]`, as a user would run it: stdin is a
 * pipe and the environment holds only PATH plus what the test passes.
 */
export function runProgram(input: string, env: Record<string, string>, args: readonly string[] = [], opts: RunOptions = {}): Promise<ProgramResult> {
  const root = projectRoot();
  // Absolute paths, so the program also runs from another working directory.
  const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, join(root, opts.script ?? 'src/main.ts'), ...args], {
      cwd: opts.cwd ?? root,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: [opts.stdin === 'null' ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    // stdout and stderr are pipes: spawn gives null only for 'ignore' or 'inherit'.
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin?.end(input);
  });
}

export interface SpawnedProgram {
  readonly child: ChildProcessWithoutNullStreams;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  readonly exited: Promise<number | null>;
  /** Waits until `find` returns a value for the output so far. */
  waitForOutput<T>(what: string, find: (output: string) => T | undefined, timeoutMs?: number): Promise<T>;
}

/** The real program as a long-running child process (`node --import tsx src/main.ts [args]`). */
export function spawnProgram(env: Record<string, string>, args: readonly string[] = []): SpawnedProgram {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: projectRoot(),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return watch(child);
}

function watch(child: ChildProcessWithoutNullStreams): SpawnedProgram {
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    child,
    output: () => out,
    exited,
    async waitForOutput(what, find, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = find(out);
        if (found !== undefined) return found;
        if (Date.now() > until || child.exitCode !== null) throw new Error(`timed out waiting for ${what}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/**
 * The real program on a pseudo-terminal, as a person at a terminal runs `npm start`: util-linux
 * `script` gives it a TTY for stdin, stdout and stderr, and relays what the test writes to its
 * stdin. The output is everything the terminal shows. undefined when `script` is not installed.
 */
export function spawnOnTerminal(env: Record<string, string>): SpawnedProgram | undefined {
  if (spawnSync('script', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const root = projectRoot();
  const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, '--import', tsx, join(root, 'src/main.ts')].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: root, env: { PATH: process.env.PATH ?? '', TERM: 'dumb', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  return watch(child);
}

/** The ports the program's listeners report ("http listening"), by listener ("main" or "ops"). */
export function listeningPorts(output: string): { main?: number; ops?: number } {
  const found: { main?: number; ops?: number } = {};
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const rec = JSON.parse(line) as { msg?: string; port?: number; listener?: string };
    if (rec.msg === 'http listening' && rec.port) found[rec.listener === 'ops' ? 'ops' : 'main'] = rec.port;
  }
  return found;
}
