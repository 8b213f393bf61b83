import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** What the image runs: the compiled src/, adapters/ and commands/ (tsconfig.build.json). */
const RUNTIME_DIRS = ['src', 'adapters', 'commands'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Specifiers that survive compilation: `import type` and `export type` are erased. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

const packageName = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec);

describe('packaging', () => {
  it('every package the runtime code imports is a production dependency, and tsx and ws are not', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const imported = new Set<string>();
    for (const file of RUNTIME_DIRS.flatMap(sourceFiles)) {
      for (const spec of runtimeImports(file)) if (!spec.startsWith('.') && !isBuiltin(spec)) imported.add(packageName(spec));
    }
    expect([...imported].filter((name) => !(name in pkg.dependencies))).toEqual([]);
    // `npm start` runs through tsx and the Slack fake uses ws: development only. The image
    // runs the compiled JavaScript, and @slack/bolt brings its own ws.
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(Object.keys(pkg.dependencies)).not.toContain('ws');
    expect(imported.size).toBeGreaterThan(3);
  });

  it('the HEALTHCHECK probe loads nothing but node built-ins', () => {
    const seen = new Set<string>();
    const external: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of runtimeImports(file)) {
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else if (!isBuiltin(spec)) external.push(spec);
      }
    };
    visit(resolve('src/http/healthcheck.ts'));
    expect(external).toEqual([]);
    expect([...seen].map((f) => f.slice(resolve('.').length + 1)).sort()).toEqual(['src/http/healthcheck.ts', 'src/http/probe.ts']);
    expect(readFileSync('Dockerfile', 'utf8')).toMatch(/^HEALTHCHECK .*CMD \["node", "dist\/src\/http\/healthcheck\.js"\]$/m);
  });
});
