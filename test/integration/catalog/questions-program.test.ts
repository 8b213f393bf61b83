import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DONT_KNOW } from '../../../src/dispatch/dispatcher.js';
import { runProgram } from '../../support/run-program.js';

const dir = mkdtempSync(join(tmpdir(), 'doibot-questions-program-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the program answers free-form questions from the console', { timeout: 90_000 }, () => {
  it('questions from the corpus, with and without the bot name, typos and mixed case, one answer each in order', async () => {
    const questions = [
      'doi-bot: which python tags are alpine?',
      'why is python:3.8 gone?',
      "what's the lastest Node?",
      'what replaces openjdk?',
      'doi-bot, is python:3.13-slim affected by CVE-2024-6232?',
      'how do I install docker on ubuntu?',
      'whne was ngnix last published?',
    ];
    // Docker Hub refuses connections: answers come from the manifests and say so.
    const r = await runProgram(`${questions.join('\n')}\n`, { HOME: dir, DOIBOT_DB: join(dir, 'bot.sqlite3'), DOCKER_HUB_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(0);
    // Hub being down is a warning (logged to stderr); nothing may fail.
    expect(r.stderr).not.toMatch(/"level":"(error|fatal)"/);
    const expected = [
      /^python has \d+ alpine tags: 3\.15\.0rc1-alpine3\.24, /m,
      /^python:3\.8 is not in the current manifest: if it existed, it is no longer maintained \(still pullable if published, but not updated; Docker Hub is unreachable, so I cannot check\)\. Maintained now: 3\.14, /m,
      /^node:latest is node 26\.7\.0 \(also node:26, node:26\.7, /m,
      /^openjdk: This image is officially deprecated .*\nOfficial alternatives named in its docs: amazoncorretto, eclipse-temurin, /m,
      /^I don't track CVEs, so I can't say whether python:3\.13-slim is affected\. Security scanners /m,
      new RegExp(`^${DONT_KNOW.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
      /^nginx:latest: last push unknown \(Docker Hub is unreachable\)\.\nBuilt from Dockerfile at [0-9a-f]{7} </m,
    ];
    let from = 0;
    for (const [i, pattern] of expected.entries()) {
      const m = pattern.exec(r.stdout.slice(from));
      expect(m, `answer to ${JSON.stringify(questions[i])} after offset ${from}:\n${r.stdout.slice(from, from + 400)}`).not.toBeNull();
      from += m!.index + m![0].length;
    }
    expect(r.stdout).not.toMatch(/Unknown command|Something went wrong/);
  });
});
