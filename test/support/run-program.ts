import { spawn } from 'node:child_process';
import { projectRoot } from '../../src/paths.js';

export interface ProgramResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `printf '<input>' | node --import tsx src/main.ts [args]`, as a user would run it: stdin is a
 * pipe and the environment holds only PATH plus what the test passes.
 */
export function runProgram(input: string, env: Record<string, string>, args: readonly string[] = []): Promise<ProgramResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: projectRoot(),
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
