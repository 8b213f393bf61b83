import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import { loadBotData } from '../../../src/load-data.js';
import { projectRoot } from '../../../src/paths.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A project root holding a copy of the bundled knowledge files. */
function rootWithKnowledge(): string {
  const root = mkdtempSync(join(tmpdir(), 'doibot-data-'));
  roots.push(root);
  cpSync(join(projectRoot(), 'assets', 'knowledge'), join(root, 'assets', 'knowledge'), { recursive: true });
  return root;
}

describe('loadBotData', () => {
  it('reads the knowledge base with the Content Trust dates under the given root', () => {
    const root = rootWithKnowledge();
    const { knowledge } = loadBotData(root);
    expect(knowledge.size).toBeGreaterThan(0);
    writeFileSync(join(root, 'assets', 'knowledge', 'dct.json'), JSON.stringify({ ...knowledge.dct, notaryShutdown: '2031-01-02' }));
    expect(loadBotData(root).knowledge.dct.notaryShutdown).toBe('2031-01-02');
  });

  it('a bad file is a ConfigError naming the file and the field', () => {
    const root = rootWithKnowledge();
    const dct = join(root, 'assets', 'knowledge', 'dct.json');
    writeFileSync(dct, JSON.stringify({ ...loadBotData(root).knowledge.dct, notaryShutdown: 'soon' }));
    expect(() => loadBotData(root)).toThrow(ConfigError);
    expect(() => loadBotData(root)).toThrow(`${dct}: notaryShutdown must be a YYYY-MM-DD date`);
    writeFileSync(join(root, 'assets', 'knowledge', 'entries.json'), '{');
    rmSync(dct);
    expect(() => loadBotData(root)).toThrow(/dct\.json: ENOENT/);
  });
});
