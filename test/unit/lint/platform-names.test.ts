import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { privateKeyOf, type UserRef } from '../../../src/core/chat.js';

/**
 * Issue 13: no platform name branches outside adapters/ and configuration. The core asks an
 * adapter's capabilities and takes what its user references carry; it never names a platform.
 * The allowed places: the Platform type itself, configuration (src/config/), and main.ts, which
 * picks the concrete adapters.
 */
const PLATFORM_LITERAL = /(['"`])(irc|slack)(:|\1)/;
const ALLOWED_FILES = new Set(['src/main.ts']);
const ALLOWED_DIRS = ['src/config/'];
const ALLOWED_LINE = /^export type Platform = /;

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));

describe('platform names', () => {
  it('appear in src/ and commands/ only in the Platform type, configuration and main.ts', () => {
    const found = ['src', 'commands']
      .flatMap(tsFiles)
      .filter((f) => !ALLOWED_FILES.has(f) && !ALLOWED_DIRS.some((d) => f.startsWith(d)))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line: line.trim(), at: `${f}:${i + 1}` }))
          .filter(({ line }) => !/^(\/\/|\/\*|\*)/.test(line) && !ALLOWED_LINE.test(line) && PLATFORM_LITERAL.test(line))
          .map(({ at, line }) => `${at}: ${line}`),
      );
    expect(found).toEqual([]);
  });

  it('a later private message goes where the adapter said, else to the handle; nowhere without an identity', () => {
    const ircAlice: UserRef = { platform: 'irc', id: 'alice_', name: 'alice_', account: 'alice', privateKey: 'irc:account:alice' };
    expect(privateKeyOf(ircAlice)).toBe('irc:account:alice');
    expect(privateKeyOf({ platform: 'slack', id: 'U1', name: 'ann', account: 'U1' })).toBe('slack:U1');
    expect(privateKeyOf({ platform: 'irc', id: 'mallory', name: 'mallory' })).toBeUndefined();
  });
});
