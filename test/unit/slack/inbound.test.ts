import { describe, expect, it } from 'vitest';
import {
  buildPermalink,
  commandTextFromMention,
  feedbackFormRequest,
  guessImage,
  parseFeedbackSubmission,
  slackToPlain,
  translateButtonClick,
  translateEvent,
  translateSlashCommand,
} from '../../../adapters/slack/inbound.js';

const self = { botUserId: 'UBOT', botId: 'BBOT', teamUrl: 'https://doi.slack.com/' };
const at = new Date(1_700_000_000_000);

describe('Slack events -> InboundMessage', () => {
  it('turns a mention into an addressed message from the verified user id, threaded', () => {
    const r = translateEvent({ type: 'app_mention', user: 'U1', text: '<@UBOT> tags python &amp; more', ts: '1700000000.000100', channel: 'C1' }, self, at);
    expect(r).toEqual({
      ok: true,
      message: {
        id: 'slack:C1:1700000000.000100',
        channel: { platform: 'slack', id: 'C1', key: 'slack:C1', name: 'C1' },
        author: { platform: 'slack', id: 'U1', name: 'U1', account: 'U1' },
        text: 'tags python & more',
        isDirect: false,
        addressed: true,
        receivedAt: at,
        threadId: '1700000000.000100',
        permalink: 'https://doi.slack.com/archives/C1/p1700000000000100',
      },
    });
  });

  it('keeps the thread a reply came from, and links to it', () => {
    const r = translateEvent({ type: 'app_mention', user: 'U1', text: 'cc <@UBOT|doi-bot>: help', ts: '1700000000.000300', thread_ts: '1700000000.000200', channel: 'C1' }, self, at);
    expect(r.ok && r.message.threadId).toBe('1700000000.000200');
    expect(r.ok && r.message.text).toBe('help');
    expect(r.ok && r.message.permalink).toBe('https://doi.slack.com/archives/C1/p1700000000000300?thread_ts=1700000000.000200&cid=C1');
  });

  it('takes DMs, and only DMs, from message events', () => {
    const dm = translateEvent({ type: 'message', channel_type: 'im', user: 'U1', text: 'help', ts: '1.2', channel: 'D1' }, self, at);
    expect(dm.ok && dm.message.isDirect).toBe(true);
    expect(dm.ok && dm.message.threadId).toBeUndefined();
    expect(translateEvent({ type: 'message', channel_type: 'channel', user: 'U1', text: 'help', ts: '1.2', channel: 'C1' }, self, at).ok).toBe(false);
  });

  it.each([
    ['our own message', { user: 'UBOT', bot_id: 'BBOT' }],
    ['another bot', { user: 'U2', bot_id: 'B2' }],
    ['subtype bot_message', { subtype: 'bot_message', bot_id: 'B2' }],
    ['subtype message_changed', { subtype: 'message_changed' }],
    ['subtype channel_join', { subtype: 'channel_join', user: 'U3' }],
    ['edited message', { user: 'U1', edited: { user: 'U1', ts: '1.3' } }],
    ['our own message', { user: 'UBOT' }],
  ])('drops %s', (reason, extra) => {
    const r = translateEvent({ type: 'message', channel_type: 'im', text: 'help', ts: '1.2', channel: 'D1', ...extra }, self, at);
    expect(r).toEqual({ ok: false, reason });
  });

  it('drops malformed events with a reason instead of throwing', () => {
    expect(translateEvent(null, self, at).ok).toBe(false);
    expect(translateEvent({ type: 'app_mention', text: 5 }, self, at).ok).toBe(false);
  });
});

describe('slash commands, buttons, shortcut form', () => {
  const body = { command: '/doi', text: 'tag python:3 --public', user_id: 'U1', user_name: 'ann', channel_id: 'C1', channel_name: 'general', response_url: 'https://hooks.slack.com/x', trigger_id: 't1' };

  it('strips a trailing --public and answers in channel; ephemeral otherwise; empty text means help', () => {
    const pub = translateSlashCommand(body, 'h1', at);
    expect(pub.ok && pub.value.responseType).toBe('in_channel');
    expect(pub.ok && pub.value.message.text).toBe('tag python:3');
    expect(pub.ok && pub.value.message.replyHandle).toBe('h1');
    expect(pub.ok && pub.value.message.author.account).toBe('U1');
    const priv = translateSlashCommand({ ...body, text: 'feedback python the --public flag is odd' }, 'h2', at);
    expect(priv.ok && priv.value.responseType).toBe('ephemeral');
    const empty = translateSlashCommand({ ...body, text: '' }, 'h3', at);
    expect(empty.ok && empty.value.message.text).toBe('help');
    expect(translateSlashCommand({ text: 'x' }, 'h4', at).ok).toBe(false);
  });

  it('runs a command button as the clicker', () => {
    const r = translateButtonClick({ type: 'block_actions', user: { id: 'U9', username: 'bob' }, channel: { id: 'C1' }, actions: [{ action_id: 'doi_cmd_0', value: 'confirm ab12' }] }, 'doi_cmd_', 'h', at);
    expect(r.ok && r.message.text).toBe('confirm ab12');
    expect(r.ok && r.message.author).toEqual({ platform: 'slack', id: 'U9', name: 'bob', account: 'U9' });
    // Answered through the response_url (the handle), not in a thread.
    expect(r.ok && r.message.replyHandle).toBe('h');
    expect(r.ok && r.message.threadId).toBeUndefined();
    expect(translateButtonClick({ type: 'block_actions', user: { id: 'U9' }, channel: { id: 'C1' }, actions: [{ action_id: 'other', value: 'x' }] }, 'doi_cmd_', 'h', at).ok).toBe(false);
  });

  it('checks the modal fields and builds the typed feedback request', () => {
    const values = (image: string, kind: string, text: string) => ({
      type: 'view_submission',
      user: { id: 'U1' },
      view: {
        callback_id: 'm',
        private_metadata: JSON.stringify({ channel: 'C1', ts: '1.2', permalink: 'https://doi.slack.com/archives/C1/p12' }),
        state: { values: { image_block: { image_input: { value: image } }, kind_block: { kind_select: { selected_option: { value: kind } } }, text_block: { text_input: { value: text } } } },
      },
    });
    const ok = parseFeedbackSubmission(values(' Python ', 'docs', 'the README is out of date'));
    expect(ok).toMatchObject({ ok: true, form: { image: 'python', kind: 'docs' }, origin: { permalink: 'https://doi.slack.com/archives/C1/p12' } });
    expect(ok.ok && feedbackFormRequest(ok.form)).toEqual({ command: 'feedback', kind: 'docs', image: 'python', text: 'the README is out of date' });
    expect(feedbackFormRequest({ image: 'node', kind: 'image', text: ' crashes on arm64 ' })).toEqual({ command: 'feedback', kind: 'image', image: 'node', text: 'crashes on arm64' });
    const bad = parseFeedbackSubmission(values('not an image!', 'weird', 'short'));
    expect(bad).toEqual({ ok: false, errors: { image_block: expect.any(String), kind_block: expect.any(String), text_block: expect.any(String) } });
  });

  it('guesses the image a message talks about', () => {
    expect(guessImage('docker pull python:3.12-slim fails')).toBe('python');
    expect(guessImage('FROM golang AS build')).toBe('golang');
    expect(guessImage('see <https://hub.docker.com/_/nginx|hub> and docker.io/library/redis')).toBe('redis');
    expect(guessImage('node:20 segfaults')).toBe('node');
    expect(guessImage('it is broken')).toBeUndefined();
  });
});

describe('Slack wire text -> plain text', () => {
  it('renders entities the way the user saw them, decoding escapes last', () => {
    expect(slackToPlain('<@U1|ann> in <#C1|general>: <!here> see <https://x.test/a?b=1&amp;c=2|docs> or <https://y.test> &lt;@U2&gt; &amp;lt;')).toBe(
      '@ann in #general: @here see docs (https://x.test/a?b=1&c=2) or https://y.test <@U2> &lt;',
    );
    expect(commandTextFromMention('<@UBOT>   tags  python', 'UBOT')).toBe('tags  python');
    expect(commandTextFromMention('no mention here', 'UBOT')).toBe('no mention here');
  });

  it('builds permalinks only from a real ts', () => {
    expect(buildPermalink('https://doi.slack.com', 'C1', '1700000000.000100')).toBe('https://doi.slack.com/archives/C1/p1700000000000100');
    expect(buildPermalink(undefined, 'C1', '1.2')).toBeUndefined();
    expect(buildPermalink('https://doi.slack.com/', 'C1', 'x')).toBeUndefined();
  });
});
