import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProgram, type ProgramResult } from '../../support/run-program.js';

const dir = mkdtempSync(join(tmpdir(), 'doibot-catalog-program-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `printf '<input>' | npx tsx src/main.ts`, as a user would run it, with a temp database. */
function run(input: string, env: Record<string, string> = {}): Promise<ProgramResult> {
  return runProgram(input, { HOME: dir, DOIBOT_DB: join(dir, 'bot.sqlite3'), DOCKER_HUB_URL: 'http://127.0.0.1:9', ...env });
}

describe('the program answers catalog questions out of the box', { timeout: 90_000 }, () => {
  it("printf 'tags python\\n' | tsx src/main.ts answers with real tags from the bundled snapshot", async () => {
    const r = await run('tags python\n');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^python has 128 tags: 3\.15\.0rc1-trixie, 3\.15-rc-trixie, /);
    expect(r.stdout.split('\n')[0]).toMatch(/ and \d+ more\.$/);
  });

  it('a restart answers from the SQLite cache even when the configured source is unreadable', async () => {
    const r = await run('tags hello-world\nstatus\n', { DOIBOT_LIBRARY_DIR: join(dir, 'missing') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hello-world has 3 tags: linux, nanoserver-ltsc2025, nanoserver-ltsc2022.');
    expect(r.stdout).toMatch(/catalog \(directory\): .*144 images, 9474 tags \(serving cached data from bundled snapshot/);
  });
});
