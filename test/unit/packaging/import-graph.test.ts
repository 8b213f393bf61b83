import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIRS = ['src', 'adapters', 'commands'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => resolve(e.parentPath, e.name));
}

/** Our own modules a file imports, type-only imports included (a cycle of types is still a tangle). */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+['"](\.[^'"]+)['"]/gm)) out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  for (const m of text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)) out.push(resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  return out;
}

/** Every cycle found by a depth-first walk, each as the list of files around it. */
function cycles(files: readonly string[]): string[][] {
  const graph = new Map(files.map((f) => [f, localImports(f).filter((to) => files.includes(to))]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const to of graph.get(f) ?? []) {
      if (state.get(to) === 'open') found.push(stack.slice(stack.indexOf(to)).map((x) => relative(process.cwd(), x)));
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

describe('import graph', () => {
  it('has no import cycles in src/, adapters/ and commands/', () => {
    const files = DIRS.flatMap(sourceFiles);
    expect(files.length).toBeGreaterThan(50);
    expect(cycles(files)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const dir = resolve('test/fixtures/import-cycle');
    expect(cycles(sourceFiles(dir)).map((c) => c.map((f) => f.split('/').pop()).sort())).toEqual([['a.ts', 'b.ts']]);
  });
});
