import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack.js';

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
});

it('the real program connects to Slack from env, answers a mention, keeps tokens out of its log and exits 0 on SIGTERM', async () => {
  fake = await startFakeSlack({ botToken: 'xoxb-program-secret-token', appToken: 'xapp-program-secret-token' });
  const dir = mkdtempSync(join(tmpdir(), 'doibot-slackprog-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      DOIBOT_DB: join(dir, 'bot.sqlite3'),
      DOIBOT_LOG_LEVEL: 'debug',
      SLACK_BOT_TOKEN: 'xoxb-program-secret-token',
      SLACK_APP_TOKEN: 'xapp-program-secret-token',
      SLACK_API_URL: fake.apiUrl,
      DOIBOT_ALLOW_INSECURE: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  try {
    const f = fake;
    await f.waitFor(() => f.socketsAccepted() >= 1, 'the program to connect', 15_000);
    f.sendEvent({ type: 'app_mention', user: 'U0USER', text: '<@UBOT> about', ts: '1700000200.000100', channel: 'C0CHAN' });
    const reply = await f.waitForCall('chat.postMessage', undefined, 10_000);
    expect(String(reply.params.text)).toMatch(/doi-bot/);
    expect(reply.params.thread_ts).toBe('1700000200.000100');
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(output).toContain('slack socket connected');
  expect(output).not.toContain('program-secret-token');
  expect(fake.violations).toEqual([]);
}, 30_000);
