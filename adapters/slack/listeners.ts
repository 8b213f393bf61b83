/**
 * Slack's inbound surfaces (events, slash commands, buttons, the message shortcut and its modal)
 * -> InboundMessage for the bot, through the pure translators in inbound.ts.
 */
import type { App, webApi } from '@slack/bolt';
import type { InboundMessage } from '../../src/core/chat.js';
import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/log.js';
import { COMMAND_ACTION_PREFIX } from './blocks.js';
import { describeError } from './errors.js';
import {
  buildPermalink,
  feedbackFormRequest,
  guessImage,
  parseFeedbackSubmission,
  parseMessageShortcut,
  slackToPlain,
  translateButtonClick,
  translateEvent,
  translateSlashCommand,
  type SlackSelf,
} from './inbound.js';
import { MODAL_CALLBACK_ID, SHORTCUT_CALLBACK_ID, feedbackModal } from './modal.js';
import type { ResponseUrls } from './response-url.js';

/** What the listeners need from the adapter. */
export interface ListenerHost {
  readonly log: Logger;
  readonly clock: Clock;
  readonly responses: ResponseUrls;
  /** Who we are (auth.test); set before any listener runs. */
  self(): SlackSelf | undefined;
  /** Hands a message to the bot once, whatever Slack redelivers. */
  deliver(msg: InboundMessage, keys: ReadonlyArray<string | undefined>): void;
}

export function registerListeners(app: App, host: ListenerHost): void {
  // A Bolt-typed event body: translateEvent validates it.
  const onEvent = async ({ event, body }: { event: unknown; body: Record<string, unknown> }) => {
    const self = host.self()!;
    const result = translateEvent(event, self, new Date(host.clock.now()));
    if (!result.ok) {
      host.log.debug({ reason: result.reason }, 'slack event ignored');
      return;
    }
    const m = result.message;
    host.deliver(m, [typeof body.event_id === 'string' ? `event:${body.event_id}` : undefined, `msg:${m.channel.id}:${m.id}`]);
  };
  app.event('app_mention', onEvent);
  app.event('message', onEvent);

  // Any slash command routed to this app: a workspace may name it /doi or something else.
  app.command(/.*/, async ({ ack, body }) => {
    await ack();
    const handle = host.responses.newHandle();
    const result = translateSlashCommand(body, handle, new Date(host.clock.now()));
    if (!result.ok) {
      host.log.warn({ reason: result.reason }, 'slash command ignored');
      return;
    }
    host.responses.remember(handle, result.value.responseUrl, result.value.responseType);
    host.deliver(result.value.message, [`cmd:${body.trigger_id}`]);
  });

  app.action(new RegExp(`^${COMMAND_ACTION_PREFIX}`), async ({ ack, body }) => {
    await ack();
    const responseUrl = 'response_url' in body && typeof body.response_url === 'string' ? body.response_url : undefined;
    const handle = responseUrl ? host.responses.newHandle() : undefined;
    const result = translateButtonClick(body, COMMAND_ACTION_PREFIX, handle, new Date(host.clock.now()));
    if (!result.ok) {
      host.log.warn({ reason: result.reason }, 'button click ignored');
      return;
    }
    if (handle && responseUrl) host.responses.remember(handle, responseUrl, 'ephemeral');
    host.deliver(result.message, ['trigger_id' in body ? `action:${String(body.trigger_id)}` : undefined]);
  });

  // app.client, not the listener's client: that one adds team_id, which single-workspace
  // installs do not send (and the spec does not list).
  const client = app.client;
  app.shortcut(SHORTCUT_CALLBACK_ID, async ({ ack, body }) => {
    await ack();
    const shortcut = parseMessageShortcut(body);
    if (!shortcut) {
      host.log.warn('malformed message shortcut ignored');
      return;
    }
    const { channel, message } = shortcut;
    let permalink = buildPermalink(host.self()?.teamUrl, channel.id, message.ts, message.thread_ts);
    try {
      const res = await client.chat.getPermalink({ channel: channel.id, message_ts: message.ts });
      if (res.permalink) permalink = res.permalink;
    } catch (err) {
      host.log.info({ err: describeError(err) }, 'chat.getPermalink failed; using the built link');
    }
    const text = slackToPlain(message.text);
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: feedbackModal({
        image: guessImage(message.text),
        kind: 'image',
        text,
        origin: { channel: channel.id, ts: message.ts, ...(permalink ? { permalink } : {}) },
      }) as unknown as webApi.ViewsOpenArguments['view'],
    });
  });

  app.view(MODAL_CALLBACK_ID, async ({ ack, body }) => {
    const parsed = parseFeedbackSubmission(body);
    if (!parsed.ok) {
      if ('errors' in parsed) await ack({ response_action: 'errors', errors: parsed.errors });
      else {
        await ack();
        host.log.warn({ reason: parsed.reason }, 'modal submission ignored');
      }
      return;
    }
    await ack();
    // The answer (where the report goes, confirm or cancel) is a conversation: a DM.
    const im = await client.conversations.open({ users: parsed.user.id });
    const dm = im.channel?.id;
    if (!dm) throw new Error('conversations.open returned no channel');
    const msg: InboundMessage = {
      id: `slack:view:${body.view.id}`,
      channel: { platform: 'slack', id: dm, key: `slack:${dm}`, name: dm },
      author: parsed.user,
      text: 'feedback',
      request: feedbackFormRequest(parsed.form),
      isDirect: true,
      addressed: true,
      receivedAt: new Date(host.clock.now()),
      ...(parsed.origin?.permalink ? { permalink: parsed.origin.permalink } : {}),
    };
    host.deliver(msg, [`view:${body.view.id}`]);
  });
}
