import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Issue 13: no ambient (AsyncLocalStorage) value carries reply state; replies travel with an
 * explicit ReplyAddress. The one ambient value is the command's request scope: which budget a
 * GitHub request spends from and the timeout's abort signal (docs/architecture.md says why).
 */
const AMBIENT_HOME = 'src/core/request-scope.ts';
const AMBIENT = /\bAsyncLocalStorage\b|node:async_hooks|\bAsyncResource\b/;

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));

describe('ambient state', () => {
  it('AsyncLocalStorage is used only by the request scope', () => {
    const users = ['src', 'adapters', 'commands'].flatMap(tsFiles).filter((f) => AMBIENT.test(readFileSync(f, 'utf8')));
    expect(users).toEqual([AMBIENT_HOME]);
  });

  it('the request scope holds a kind and an abort signal, nothing about a reply', () => {
    const text = readFileSync(AMBIENT_HOME, 'utf8');
    const scope = /export interface RequestScope \{([^}]*)\}/.exec(text)?.[1];
    expect(scope, 'RequestScope interface').toBeDefined();
    const fields = [...scope!.matchAll(/^\s*readonly (\w+)\??:/gm)].map((m) => m[1]);
    expect(fields).toEqual(['kind', 'signal']);
  });
});
