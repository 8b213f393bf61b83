/**
 * The knowledge base end to end: the real program on the console (a pipe), and the real app
 * with a memory IRC adapter in a channel (two lines at most, links whole, only when addressed).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { maxTextBytes } from '../../adapters/irc/split.js';
import { startPrHarness, type PrHarness } from '../support/prs/harness.js';
import { runProgram } from '../support/run-program.js';

let h: PrHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('knowledge base', { timeout: 90_000 }, () => {
  it('answers general questions on the console and shows its review date in about', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doibot-kb-'));
    const input = ['about', 'why did the digest change under the same tag?', 'I hit the pull rate limit', 'which python tags are alpine?', ''].join('\n');
    const r = await runProgram(input, { HOME: dir, DOIBOT_DB: join(dir, 'bot.sqlite3') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Knowledge base: \d+ entries, last reviewed \d{4}-\d{2}-\d{2}/);
    expect(r.stdout).toContain('Tags move: the same tag gets a new digest');
    expect(r.stdout).toContain('Source: https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier');
    expect(r.stdout).toContain('Source: https://docs.docker.com/docker-hub/usage/pulls/');
    // A catalog question still gets the catalog's answer.
    expect(r.stdout).toMatch(/alpine/);
    // about's own source line and the two answers: the catalog question got no knowledge answer.
    expect(r.stdout.match(/Source: /g)).toHaveLength(3);
  });

  it('answers in a channel when addressed, in at most two whole IRC lines, and stays quiet otherwise', async () => {
    h = await startPrHarness();
    const room = maxTextBytes('doi-bot', '#docker-library');
    for (const q of ['how do I propose a new image?', 'is docker content trust still a thing for official images?', 'are official images signed?', 'why was my tag removed?']) {
      const before = h.irc.sent.length;
      await h.irc.inject(q, { channel: '#docker-library' });
      const replies = h.irc.sent.slice(before).filter((m) => m.kind === 'reply');
      expect(replies, q).toHaveLength(1);
      const lines = replies[0]!.text.split('\n');
      expect(lines.length, q).toBe(2);
      for (const l of lines) expect(Buffer.byteLength(l), `${q}: ${l}`).toBeLessThanOrEqual(room);
      expect(lines[1]).toMatch(/^Source: https:\/\/\S+/);
    }
    const before = h.irc.sent.length;
    await h.irc.inject('why was my tag removed?', { channel: '#docker-library', addressed: false });
    expect(h.irc.sent.length).toBe(before);
  });
});
