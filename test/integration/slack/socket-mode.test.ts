import { afterEach, describe, expect, it } from 'vitest';
import { SlackAdapter } from '../../../adapters/slack/slack-adapter.js';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/log.js';
import { rt } from '../../../src/core/richtext.js';
import { startFakeSlack, type ApiCall, type FakeSlack } from '../../support/fake-slack.js';
import { sampleValue } from '../../support/prom-text.js';
import { eventually, startSlackBot, type SlackBot } from '../../support/slack-app.js';

let fake: FakeSlack | undefined;
let bot: SlackBot | undefined;

afterEach(async () => {
  await bot?.stop();
  await fake?.close();
  bot = undefined;
  fake = undefined;
});

async function setup(opts: Parameters<typeof startSlackBot>[0] extends infer O ? Omit<O, 'fake'> : never = {}) {
  fake = await startFakeSlack();
  bot = await startSlackBot({ fake, ...opts });
  return { fake, bot };
}

const mention = (text: string, ts: string, extra: Record<string, unknown> = {}) => ({
  type: 'app_mention',
  user: 'U0USER',
  text: `<@UBOT> ${text}`,
  ts,
  channel: 'C0CHAN',
  ...extra,
});

/** Everything a message shows: the fallback text and every section. */
function shown(call: ApiCall | { params: Record<string, unknown> }): string {
  const blocks = typeof call.params.blocks === 'string' ? (JSON.parse(call.params.blocks) as Array<{ text?: { text: string } }>) : [];
  return [typeof call.params.text === 'string' ? call.params.text : '', ...blocks.map((b) => b.text?.text ?? '')].join('\n');
}

describe('Slack in Socket Mode, end to end through createApp', () => {
  it('answers a mention in the thread it came from, acks the envelope, and breaks no spec rule', async () => {
    const { fake } = await setup();
    const env = fake.sendEvent(mention('help', '1700000000.000100'));
    const call = await fake.waitForCall('chat.postMessage');
    expect(call.params.channel).toBe('C0CHAN');
    expect(call.params.thread_ts).toBe('1700000000.000100');
    expect(call.params.reply_broadcast).toBeUndefined();
    expect(call.token).toBe('xoxb-test-bot-token');
    expect(shown(call)).toContain('Commands');
    expect(env.ackedAt).toBeDefined();
    expect(env.ackedAt! - env.sentAt!).toBeLessThan(3000);

    // A question inside an existing thread is answered in that thread.
    fake.sendEvent(mention('about', '1700000000.000300', { thread_ts: '1700000000.000200' }));
    const second = await fake.waitForCall('chat.postMessage', (c) => c.params.thread_ts === '1700000000.000200');
    expect(shown(second)).toMatch(/doi-bot/);
    expect(fake.violations).toEqual([]);
    expect(fake.unacked()).toEqual([]);
  });

  it('answers a direct message in the DM, not in a thread', async () => {
    const { fake } = await setup();
    fake.sendEvent({ type: 'message', channel_type: 'im', channel: 'D0USER', user: 'U0USER', text: 'testwho', ts: '1700000000.000500' });
    const call = await fake.waitForCall('chat.postMessage');
    expect(call.params.channel).toBe('D0USER');
    expect(call.params.thread_ts).toBeUndefined();
    expect(shown(call)).toContain('account=U0USER channel=slack:D0USER');
    expect(fake.violations).toEqual([]);
  });

  it('acks /doi at once and answers through the response_url: ephemeral by default, in_channel with --public', async () => {
    const { fake } = await setup();
    const env = fake.sendSlashCommand({ text: 'help' });
    const answer = await fake.waitForResponse();
    expect(env.ackedAt! - env.sentAt!).toBeLessThan(3000);
    expect(answer.id).toBe('r1');
    expect(answer.body.response_type).toBe('ephemeral');
    expect(String(answer.body.text)).toContain('Commands');

    fake.sendSlashCommand({ text: 'about --public' });
    const pub = await fake.waitForResponse((r) => r.id === 'r2');
    expect(pub.body.response_type).toBe('in_channel');
    expect(String(pub.body.text)).toMatch(/doi-bot/);
    // A real catalog command, as the issue asks: `/doi tag python:3`.
    fake.sendSlashCommand({ text: 'tag python:3' });
    const tag = await fake.waitForResponse((r) => r.id === 'r3', 10_000);
    expect(String(tag.body.text)).toMatch(/python:3/);
    expect(String(tag.body.text)).not.toMatch(/Unknown command/);

    // The slash command answers never go through chat.postMessage.
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
    expect(fake.violations).toEqual([]);
  });

  it('escapes untrusted text so no mention, channel ping or link can be injected', async () => {
    const { fake } = await setup();
    // What Slack sends when a user types the characters literally: entities, decoded by us.
    const typed = '&lt;!channel&gt; &lt;@U123&gt; &lt;http://evil|x&gt; &lt;#C999&gt; &amp; &lt;!here|here&gt; `tick`';
    fake.sendEvent(mention(`testecho ${typed}`, '1700000000.000600'));
    const call = await fake.waitForCall('chat.postMessage');
    const all = shown(call);
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;@U123&gt;');
    expect(all).toContain('&amp;');
    for (const bad of ['<!', '<@', '<#', '<http://evil']) expect(all).not.toContain(bad);
    // Every remaining "<" opens a link we built ourselves, to the command's own URL.
    const links = all.match(/<[^>]*>/g) ?? [];
    for (const l of links) expect(l).toMatch(/^<https:\/\/example\.test\/\?q=[^|<>\s]*\|[^<>]*>$/);
    expect(fake.violations).toEqual([]);
  });

  it('strips bidi overrides and zero-width characters from what it posts', async () => {
    const { fake } = await setup();
    fake.sendEvent(mention('testecho invoice\u202egpj.exe py\u200bthon \u2066x\u2069 \ufeffend', '1700000000.000610'));
    const call = await fake.waitForCall('chat.postMessage');
    const all = shown(call);
    expect(all).toContain('invoicegpj.exe python x end');
    expect(all).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u);
    expect(fake.violations).toEqual([]);
  });

  it("ignores its own messages, other bots, edits and joins", async () => {
    const { fake } = await setup();
    const dm = { type: 'message', channel_type: 'im', channel: 'D0USER' };
    fake.sendEvent({ ...dm, user: 'UBOT', bot_id: 'BBOT', text: 'help', ts: '1700000001.000001' });
    fake.sendEvent({ ...dm, user: 'UOTHERBOT', bot_id: 'BOTHER', text: 'help', ts: '1700000001.000002' });
    fake.sendEvent({ ...dm, subtype: 'bot_message', bot_id: 'BOTHER', text: 'help', ts: '1700000001.000003' });
    fake.sendEvent({ ...dm, subtype: 'message_changed', text: 'help', ts: '1700000001.000004' });
    fake.sendEvent({ type: 'message', channel_type: 'channel', channel: 'C0CHAN', subtype: 'channel_join', user: 'U0NEW', text: '<@U0NEW> has joined', ts: '1700000001.000005' });
    fake.sendEvent({ type: 'message', channel_type: 'channel', channel: 'C0CHAN', user: 'U0USER', text: 'help', ts: '1700000001.000006' });
    fake.sendEvent({ ...dm, user: 'U0USER', text: 'testwho', ts: '1700000001.000007' });
    await fake.waitForCall('chat.postMessage');
    await bot!.app.idle();
    await new Promise((r) => setTimeout(r, 200));
    const posts = fake.callsOf('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(shown(posts[0]!)).toContain('account=U0USER');
    expect(fake.unacked()).toEqual([]);
  });

  it('reconnects after the socket drops without losing a pending reply or a queued event', async () => {
    const { fake, bot } = await setup();
    fake.sendEvent(mention('testslow 400', '1700000002.000001'));
    await fake.waitFor(() => fake.envelopes[0]?.ackedAt !== undefined, 'the ack');
    fake.dropSocket();
    // Sent while the bot is disconnected: Slack holds it for the next connection.
    fake.sendEvent(mention('testwho', '1700000002.000002'));
    await fake.waitForCall('chat.postMessage', (c) => shown(c).includes('slow answer'));
    await fake.waitForCall('chat.postMessage', (c) => shown(c).includes('account=U0USER'), 10_000);
    expect(fake.connectionsOpened()).toBeGreaterThanOrEqual(2);
    await eventually(() => bot.adapter.status().connected, 5000, 'connected again');
    await bot.app.idle();
    expect(fake.callsOf('chat.postMessage')).toHaveLength(2);
    expect(fake.violations).toEqual([]);
  });

  it('runs a redelivered event (retry_attempt > 0) only once', async () => {
    const { fake, bot } = await setup();
    const env = fake.sendEvent(mention('testwho', '1700000003.000001'));
    await fake.waitForCall('chat.postMessage');
    fake.redeliver(env);
    await fake.waitFor(() => env.retryAttempt === 1 && env.ackedAt !== undefined, 'the redelivery ack');
    await new Promise((r) => setTimeout(r, 200));
    await bot.app.idle();
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('reconnects when Slack sends a disconnect envelope', async () => {
    const { fake, bot } = await setup();
    fake.sendDisconnect('refresh_requested');
    await fake.waitFor(() => fake.socketsAccepted() >= 2 && fake.connectionsOpened() >= 2, 'a second connection', 10_000);
    await eventually(() => bot.adapter.status().connected, 5000, 'connected again');
    fake.sendEvent(mention('testwho', '1700000004.000001'));
    const call = await fake.waitForCall('chat.postMessage');
    expect(shown(call)).toContain('account=U0USER');
    expect(fake.violations).toEqual([]);
  });

  it('waits out a 429 Retry-After and then sends the message', async () => {
    const { fake, bot } = await setup();
    fake.rateLimit('chat.postMessage', 1, 1);
    fake.sendEvent(mention('testwho', '1700000005.000001'));
    const sent = await fake.waitForCall('chat.postMessage', (c) => c.status === 200, 10_000);
    const limited = fake.callsOf('chat.postMessage')[0]!;
    expect(limited.status).toBe(429);
    expect(sent.at - limited.at).toBeGreaterThanOrEqual(950);
    expect(shown(sent)).toContain('account=U0USER');
    expect(fake.callsOf('chat.postMessage')).toHaveLength(2);
    await bot.app.idle();
    expect(bot.adapter.status().problems ?? []).toEqual([]);
    // The wait is counted for metrics (Prometheus conventions: counters, seconds).
    const metrics = await bot.app.metrics.render();
    expect(sampleValue(metrics, 'doibot_rate_limit_waits_total', { platform: 'slack' })).toBe(1);
    expect(sampleValue(metrics, 'doibot_rate_limit_wait_seconds_total', { platform: 'slack' })).toBeGreaterThanOrEqual(1);
  });

  it('paces messages to one channel without holding up another', async () => {
    const { fake, bot } = await setup({ adapter: { pacingMs: 300 } });
    const sends = [1, 2, 3].map((i) => bot.adapter.send({ channel: 'slack:C0ONE', body: rt.of(`one ${i}`), kind: 'announcement' }));
    const other = bot.adapter.send({ channel: 'slack:C0TWO', body: rt.of('two'), kind: 'announcement' });
    await Promise.all([...sends, other]);
    const one = fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'C0ONE');
    const two = fake.callsOf('chat.postMessage').find((c) => c.params.channel === 'C0TWO')!;
    expect(one.map((c) => c.params.text)).toEqual(['one 1', 'one 2', 'one 3']);
    expect(one[1]!.at - one[0]!.at).toBeGreaterThanOrEqual(280);
    expect(one[2]!.at - one[1]!.at).toBeGreaterThanOrEqual(280);
    expect(two.at - one[0]!.at).toBeLessThan(200);
  });

  it('edits a card in place with chat.update and threads details without broadcast', async () => {
    const { fake, bot } = await setup();
    const first = await bot.adapter.send({ channel: 'slack:C0CHAN', body: rt.of(rt.line(rt.bold('PR #1'), ' opened')), kind: 'announcement' });
    expect(first.ref).toMatch(/^\d+\.\d+$/);
    const edited = await bot.adapter.send({ channel: 'slack:C0CHAN', body: rt.of(rt.line(rt.bold('PR #1'), ' merged')), kind: 'announcement', updateRef: first.ref! });
    expect(edited.ref).toBe(first.ref);
    await bot.adapter.send({ channel: 'slack:C0CHAN', body: rt.of('details'), kind: 'announcement', threadId: first.ref! });
    const update = fake.callsOf('chat.update')[0]!;
    expect(update.params.ts).toBe(first.ref);
    expect(shown(update)).toContain('*PR #1* merged');
    const detail = fake.callsOf('chat.postMessage')[1]!;
    expect(detail.params.thread_ts).toBe(first.ref);
    expect(detail.params.reply_broadcast).toBeUndefined();
    expect(fake.violations).toEqual([]);
  });

  it('keeps a very long answer within Block Kit limits, with a truncation note', async () => {
    const { fake } = await setup();
    fake.sendEvent(mention('testlines 400', '1700000006.000001'));
    const call = await fake.waitForCall('chat.postMessage');
    const blocks = JSON.parse(String(call.params.blocks)) as Array<{ type: string; elements?: Array<{ text: string }> }>;
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blocks.at(-1)?.type).toBe('context');
    expect(blocks.at(-1)?.elements?.[0]?.text).toContain('truncated');
    expect(fake.violations).toEqual([]);
  });

  it('opens the "Send to image maintainers" modal pre-filled from the message, and submits feedback as the user', async () => {
    const { fake } = await setup();
    const env = fake.sendInteractive(
      fake.messageShortcut({ user_id: 'U0REPORTER', channel_id: 'C0CHAN', text: 'docker pull python:3.12 fails: &lt;error&gt; &amp; more', ts: '1700000007.000100' }),
    );
    const open = await fake.waitForCall('views.open');
    expect(env.ackedAt).toBeDefined();
    const view = JSON.parse(String(open.params.view)) as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ block_id?: string; element?: { initial_value?: string; initial_option?: { value: string } } }>;
    };
    const field = (id: string) => view.blocks.find((b) => b.block_id === id)?.element;
    expect(field('image_block')?.initial_value).toBe('python');
    expect(field('kind_block')?.initial_option?.value).toBe('image');
    expect(field('text_block')?.initial_value).toBe('docker pull python:3.12 fails: <error> & more');
    expect(JSON.parse(view.private_metadata)).toEqual({
      channel: 'C0CHAN',
      ts: '1700000007.000100',
      permalink: 'https://doi-test.slack.com/archives/C0CHAN/p1700000007000100',
    });
    expect(fake.callsOf('chat.getPermalink')).toHaveLength(1);

    // An empty image name goes back into the modal as a field error.
    const bad = fake.sendInteractive(
      fake.viewSubmission({
        user_id: 'U0REPORTER',
        private_metadata: view.private_metadata,
        values: { image_block: { image_input: { value: ' ' } }, kind_block: { kind_select: { selected_option: { value: 'image' } } }, text_block: { text_input: { value: 'it fails to start on arm64' } } },
      }),
    );
    const badAck = await fake.waitForAck(bad);
    expect(badAck.ackPayload).toMatchObject({ response_action: 'errors', errors: { image_block: expect.stringContaining('image') } });

    fake.sendInteractive(
      fake.viewSubmission({
        user_id: 'U0REPORTER',
        private_metadata: view.private_metadata,
        values: { image_block: { image_input: { value: 'python' } }, kind_block: { kind_select: { selected_option: { value: 'image' } } }, text_block: { text_input: { value: 'it fails to start on arm64' } } },
      }),
    );
    const im = await fake.waitForCall('conversations.open');
    expect(im.params.users).toBe('U0REPORTER');
    const reply = await fake.waitForCall('chat.postMessage');
    expect(reply.params.channel).toBe('DU0REPORTER');
    // The submission reached the dispatcher as a feedback command about python, in the DM.
    expect(shown(reply)).toMatch(/python/);
    expect(shown(reply)).not.toMatch(/Unknown command/);
    expect(fake.violations).toEqual([]);
  });

  it('runs a button click as the clicking user and answers through its response_url', async () => {
    const { fake } = await setup();
    fake.sendEvent(mention('testwho', '1700000008.000001'));
    const card = await fake.waitForCall('chat.postMessage');
    const blocks = JSON.parse(String(card.params.blocks)) as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>;
    const button = blocks.find((b) => b.type === 'actions')?.elements?.[0];
    expect(button).toMatchObject({ action_id: 'doi_cmd_0', value: 'testwho again' });

    const env = fake.sendInteractive(fake.buttonClick({ user_id: 'U0CLICKER', channel_id: 'C0CHAN', value: button!.value, action_id: button!.action_id }));
    const answer = await fake.waitForResponse();
    expect(env.ackedAt).toBeDefined();
    expect(answer.body.response_type).toBe('ephemeral');
    expect(String(answer.body.text)).toContain('account=U0CLICKER channel=slack:C0CHAN');
    expect(fake.violations).toEqual([]);
  });
});

describe('Slack start-up problems', () => {
  it('names swapped tokens clearly, in the config loader and in the adapter', () => {
    const env = { SLACK_BOT_TOKEN: 'xapp-1-abc', SLACK_APP_TOKEN: 'xoxb-123-abc' };
    expect(() => loadConfig({ env, argv: [], readFile: () => '' })).toThrow(/swap/);
    let err: unknown;
    try {
      new SlackAdapter({ config: { botToken: 'xapp-1-abc', appToken: 'xoxb-123-abc' }, log: silentLogger() });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([
      expect.stringMatching(/SLACK_BOT_TOKEN is an app-level token .*swap/),
      expect.stringMatching(/SLACK_APP_TOKEN is a bot token .*swap/),
    ]);
    expect(() => new SlackAdapter({ config: { botToken: 'xoxb-1', signingSecret: 'secret-123' }, log: silentLogger() })).toThrow(/DOIBOT_HTTP_PORT/);
  });

  it('stops at invalid_auth for the bot token and says so in status, without retrying', async () => {
    fake = await startFakeSlack();
    bot = await startSlackBot({ fake, slack: { botToken: 'xoxb-revoked' }, noWait: true });
    await new Promise((r) => setTimeout(r, 400));
    const status = bot.adapter.status();
    expect(status.connected).toBe(false);
    expect(status.problems?.join()).toMatch(/SLACK_BOT_TOKEN was rejected by Slack \(invalid_auth\).*not retrying/);
    expect(fake.callsOf('auth.test')).toHaveLength(1);
    expect(fake.callsOf('apps.connections.open')).toHaveLength(0);
    expect(bot.app.status.adapters()[0]?.problems?.length).toBe(1);
  });

  it('stops at invalid_auth for the app token and says so in status, without retrying', async () => {
    fake = await startFakeSlack();
    bot = await startSlackBot({ fake, slack: { appToken: 'xapp-revoked' }, noWait: true });
    await new Promise((r) => setTimeout(r, 400));
    const status = bot.adapter.status();
    expect(status.connected).toBe(false);
    expect(status.problems?.join()).toMatch(/SLACK_APP_TOKEN was rejected by Slack \(invalid_auth\)/);
    expect(fake.callsOf('apps.connections.open')).toHaveLength(1);
  });

  it('keeps trying when Slack is unreachable at start, and connects when it is back', async () => {
    fake = await startFakeSlack();
    fake.failNext('auth.test', 'service_unavailable', 2);
    bot = await startSlackBot({ fake, noWait: true });
    expect(bot.adapter.status().problems?.join()).toMatch(/cannot reach Slack: service_unavailable/);
    await eventually(() => bot!.adapter.status().connected, 5000, 'connected after two failed auth.test calls');
    expect(fake.callsOf('auth.test')).toHaveLength(3);
    expect(bot.adapter.status().problems ?? []).toEqual([]);
    fake.sendEvent(mention('testwho', '1700000009.000001'));
    await fake.waitForCall('chat.postMessage');
  });

  it('keeps retrying the socket while Slack is merely failing, and connects when it recovers', async () => {
    fake = await startFakeSlack();
    fake.failNext('apps.connections.open', 'internal_error', 2);
    bot = await startSlackBot({ fake, noWait: true });
    await eventually(() => bot!.adapter.status().connected, 5000, 'connected after two failures');
    expect(fake.callsOf('apps.connections.open')).toHaveLength(3);
    expect(bot.adapter.status().problems ?? []).toEqual([]);
  });
});
