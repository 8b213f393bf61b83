import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layering rules live in eslint.config.js; this checks they bite, so a config edit cannot
 * silently drop them. Lints in-memory text under the paths of existing files (the type-aware parser wants
 * files the TypeScript project knows).
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const importAdapter = "import { IrcAdapter } from '../adapters/irc/irc-adapter.js';\nexport const x = IrcAdapter;\n";

describe('import boundaries', () => {
  it('refuses an adapters/ import from src/ and commands/, allows it in main.ts', async () => {
    expect(await restrictedImports('src/app.ts', importAdapter)).toHaveLength(1);
    expect(await restrictedImports('src/notify/service.ts', importAdapter.replace('../', '../../'))).toHaveLength(1);
    expect(await restrictedImports('commands/notify.ts', importAdapter)).toHaveLength(1);
    expect(await restrictedImports('src/main.ts', importAdapter)).toHaveLength(0);
  }, 60_000);
});
