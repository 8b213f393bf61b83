import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';

describe('logger', () => {
  it('writes one JSON line per event and never a secret', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } });
    const log = createLogger({ level: 'info', secrets: ['xoxb-secret-token-value'] }, sink);
    log.info({ token: 'ghp_abcdef', headers: { authorization: 'Bearer zzz' } }, 'calling api');
    log.error({ err: new Error('auth failed for xoxb-secret-token-value') }, 'slack said no with xoxb-secret-token-value');
    expect(lines).toHaveLength(2);
    const all = lines.join('');
    expect(all).not.toContain('ghp_abcdef');
    expect(all).not.toContain('zzz');
    expect(all).not.toContain('xoxb-secret-token-value');
    for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'calling api' });
  });
});
