import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The project directory (the one holding package.json), whether we run from src/ with tsx or
 * from dist/ after a build. Migrations and bundled data are found relative to it.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the doi-bot project directory (package.json + migrations/)');
    dir = up;
  }
}
