/**
 * Slack payloads -> InboundMessage, or a reason to drop them. Pure: no I/O, no clock of its
 * own. The Slack user id becomes UserRef.account, the only identity access checks trust.
 */
import { z } from 'zod';
import { channelKey, type ChannelRef, type FeedbackFormRequest, type InboundMessage, type UserRef } from '../../src/core/chat.js';

/** What inbound translation needs to know about us and the workspace. */
export interface SlackSelf {
  readonly botUserId: string;
  readonly botId?: string;
  /** https://<team>.slack.com/ from auth.test, for permalinks. */
  readonly teamUrl?: string;
}

export type Translated = { readonly ok: true; readonly message: InboundMessage } | { readonly ok: false; readonly reason: string };

const drop = (reason: string): Translated => ({ ok: false, reason });

const messageEvent = z.object({
  type: z.enum(['app_mention', 'message']),
  subtype: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().optional(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  channel: z.string(),
  channel_type: z.string().optional(),
  edited: z.unknown().optional(),
});

/** app_mention and message.im events. */
export function translateEvent(event: unknown, self: SlackSelf, receivedAt: Date): Translated {
  const parsed = messageEvent.safeParse(event);
  if (!parsed.success) return drop('not a message event we understand');
  const e = parsed.data;
  // Edits, joins, bot_message, message_changed...: none of them is someone asking us something.
  if (e.subtype !== undefined) return drop(`subtype ${e.subtype}`);
  if (e.edited !== undefined) return drop('edited message');
  if (e.bot_id !== undefined) return drop(e.bot_id === self.botId ? 'our own message' : 'another bot');
  if (!e.user) return drop('no user');
  if (e.user === self.botUserId) return drop('our own message');

  const isDirect = e.type === 'message' ? e.channel_type === 'im' : e.channel.startsWith('D');
  if (e.type === 'message' && !isDirect) return drop('channel message without a mention');

  const text = commandTextFromMention(e.text ?? '', self.botUserId);
  const channel = channelRef(e.channel, e.channel);
  // In a channel the answer goes to the thread the question came from (a new one if needed);
  // in a DM only an existing thread is kept.
  const threadId = isDirect ? e.thread_ts : (e.thread_ts ?? e.ts);
  const permalink = buildPermalink(self.teamUrl, e.channel, e.ts, e.thread_ts);
  return {
    ok: true,
    message: {
      id: `slack:${e.channel}:${e.ts}`,
      channel,
      author: userRef(e.user),
      text,
      isDirect,
      addressed: true,
      receivedAt,
      ...(threadId ? { threadId } : {}),
      ...(permalink ? { permalink } : {}),
    },
  };
}

const slashCommand = z.object({
  command: z.string(),
  text: z.string().default(''),
  user_id: z.string().min(1),
  user_name: z.string().optional(),
  channel_id: z.string().min(1),
  channel_name: z.string().optional(),
  response_url: z.string().min(1),
  trigger_id: z.string().optional(),
});

export type SlashCommand = z.infer<typeof slashCommand>;

/** The last word that turns an ephemeral answer into one the whole channel sees. */
export const PUBLIC_FLAG = '--public';

export interface TranslatedSlash {
  readonly message: InboundMessage;
  readonly responseUrl: string;
  readonly responseType: 'ephemeral' | 'in_channel';
}

/**
 * `/doi tags python` -> "tags python". The answer is ephemeral (only the asker sees it) unless
 * the text ends with `--public`. `replyHandle` is the message's opaque replyHandle, which the
 * adapter maps back to the response_url when the reply comes with it.
 */
export function translateSlashCommand(body: unknown, replyHandle: string, receivedAt: Date): { ok: true; value: TranslatedSlash } | { ok: false; reason: string } {
  const parsed = slashCommand.safeParse(body);
  if (!parsed.success) return { ok: false, reason: 'malformed slash command' };
  const c = parsed.data;
  let text = slackToPlain(c.text).trim();
  let responseType: 'ephemeral' | 'in_channel' = 'ephemeral';
  const words = text.split(/\s+/);
  if (words.at(-1) === PUBLIC_FLAG) {
    responseType = 'in_channel';
    text = words.slice(0, -1).join(' ');
  }
  return {
    ok: true,
    value: {
      responseUrl: c.response_url,
      responseType,
      message: {
        id: `slack:cmd:${c.trigger_id ?? `${c.channel_id}:${receivedAt.getTime()}`}`,
        channel: channelRef(c.channel_id, c.channel_name ?? c.channel_id),
        author: userRef(c.user_id, c.user_name),
        text: text || 'help',
        isDirect: c.channel_id.startsWith('D'),
        addressed: true,
        replyHandle,
        receivedAt,
      },
    },
  };
}

const blockActions = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1), name: z.string().optional(), username: z.string().optional() }),
  channel: z.object({ id: z.string().min(1), name: z.string().optional() }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
  response_url: z.string().optional(),
  trigger_id: z.string().optional(),
});

/** A click on a command button: the button's value runs as a command typed by the clicker. */
export function translateButtonClick(
  payload: unknown,
  actionPrefix: string,
  replyHandle: string | undefined,
  receivedAt: Date,
): Translated {
  const parsed = blockActions.safeParse(payload);
  if (!parsed.success) return drop('malformed block_actions payload');
  const p = parsed.data;
  const action = p.actions.find((a) => a.action_id.startsWith(actionPrefix));
  if (!action?.value) return drop('not a command button');
  const channelId = p.channel?.id ?? p.container?.channel_id;
  if (!channelId) return drop('button click without a channel');
  // With a response_url the answer goes there (ephemeral); else into the button's thread.
  const threadId = replyHandle === undefined ? (p.container?.thread_ts ?? p.container?.message_ts) : undefined;
  return {
    ok: true,
    message: {
      id: `slack:action:${p.trigger_id ?? `${channelId}:${receivedAt.getTime()}`}`,
      channel: channelRef(channelId, p.channel?.name ?? channelId),
      author: userRef(p.user.id, p.user.username ?? p.user.name),
      text: action.value,
      isDirect: channelId.startsWith('D'),
      addressed: true,
      receivedAt,
      ...(threadId ? { threadId } : {}),
      ...(replyHandle !== undefined ? { replyHandle } : {}),
    },
  };
}

const messageShortcut = z.object({
  type: z.literal('message_action'),
  callback_id: z.string(),
  trigger_id: z.string().min(1),
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }),
  message: z.object({ ts: z.string(), text: z.string().default(''), thread_ts: z.string().optional(), user: z.string().optional() }),
});

export type MessageShortcut = z.infer<typeof messageShortcut>;

export function parseMessageShortcut(payload: unknown): MessageShortcut | undefined {
  const parsed = messageShortcut.safeParse(payload);
  return parsed.success ? parsed.data : undefined;
}

/** Feedback kinds offered in the modal (issue 7): the image, its docs, the process. */
export const FEEDBACK_KINDS = [
  { value: 'image', label: 'A problem with the image' },
  { value: 'docs', label: 'The documentation' },
  { value: 'process', label: 'Official Images process / new image' },
] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number]['value'];

export interface FeedbackForm {
  readonly image: string;
  readonly kind: FeedbackKind;
  readonly text: string;
}

/** What the modal submits: the core's typed feedback request, never text to parse again. */
export function feedbackFormRequest(form: FeedbackForm): FeedbackFormRequest {
  return { command: 'feedback', kind: form.kind, image: form.image, text: form.text.trim() };
}

/** A best guess at the image a message talks about: "python:3.12", "docker pull node", "FROM golang". */
export function guessImage(text: string): string | undefined {
  const plain = slackToPlain(text);
  const patterns = [
    /(?:docker\.io\/)?library\/([a-z0-9][a-z0-9._-]*)/i,
    /\b(?:docker\s+(?:pull|run)(?:\s+-\S+)*|FROM)\s+([a-z0-9][a-z0-9._-]*)(?=[:@\s]|$)/i,
    /(?:^|\s)([a-z0-9][a-z0-9._-]*):[\w][\w.-]*/,
  ];
  for (const re of patterns) {
    const m = re.exec(plain);
    if (m?.[1] && !/^(https?|ftp)$/i.test(m[1])) return m[1].toLowerCase().slice(0, 64);
  }
  return undefined;
}

const viewSubmission = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string().min(1), name: z.string().optional(), username: z.string().optional() }),
  view: z.object({
    callback_id: z.string(),
    private_metadata: z.string().optional(),
    state: z.object({
      values: z.record(
        z.string(),
        z.record(z.string(), z.object({ value: z.string().nullish(), selected_option: z.object({ value: z.string() }).nullish() })),
      ),
    }),
  }),
});

export const MODAL_BLOCKS = { image: 'image_block', kind: 'kind_block', text: 'text_block' } as const;
export const MODAL_ACTIONS = { image: 'image_input', kind: 'kind_select', text: 'text_input' } as const;

export interface ShortcutOrigin {
  readonly channel: string;
  readonly ts: string;
  readonly permalink?: string;
}

export type ParsedSubmission =
  | { ok: true; user: UserRef; form: FeedbackForm; origin: ShortcutOrigin | undefined }
  | { ok: false; errors: Record<string, string> }
  | { ok: false; reason: string };

/** The modal's answers, checked; field errors go back into the modal next to the field. */
export function parseFeedbackSubmission(payload: unknown): ParsedSubmission {
  const parsed = viewSubmission.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: 'malformed view_submission payload' };
  const { user, view } = parsed.data;
  const field = (block: string, action: string) => view.state.values[block]?.[action];
  const image = (field(MODAL_BLOCKS.image, MODAL_ACTIONS.image)?.value ?? '').trim().toLowerCase();
  const kindValue = field(MODAL_BLOCKS.kind, MODAL_ACTIONS.kind)?.selected_option?.value ?? 'image';
  const text = (field(MODAL_BLOCKS.text, MODAL_ACTIONS.text)?.value ?? '').trim();
  const errors: Record<string, string> = {};
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(image)) errors[MODAL_BLOCKS.image] = 'Name one image, like "python" or "nginx".';
  const kind = FEEDBACK_KINDS.find((k) => k.value === kindValue)?.value;
  if (!kind) errors[MODAL_BLOCKS.kind] = 'Pick what the feedback is about.';
  if (text.length < 10) errors[MODAL_BLOCKS.text] = 'Please describe the problem in a sentence or two.';
  if (Object.keys(errors).length || !kind) return { ok: false, errors };
  return { ok: true, user: userRef(user.id, user.username ?? user.name), form: { image, kind, text }, origin: parseOrigin(view.private_metadata) };
}

function parseOrigin(metadata: string | undefined): ShortcutOrigin | undefined {
  if (!metadata) return undefined;
  try {
    const o = JSON.parse(metadata) as Record<string, unknown>;
    if (typeof o.channel !== 'string' || typeof o.ts !== 'string') return undefined;
    return { channel: o.channel, ts: o.ts, ...(typeof o.permalink === 'string' ? { permalink: o.permalink } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * "<@UBOT> tags python" -> "tags python"; "cc <@UBOT> tags python" -> "tags python" (what follows
 * the mention is the request). Then Slack markup becomes plain text.
 */
export function commandTextFromMention(text: string, botUserId: string): string {
  const mention = new RegExp(`<@${escapeRegExp(botUserId)}(?:\\|[^>]*)?>[,:]?`);
  const m = mention.exec(text);
  const rest = m ? text.slice(m.index + m[0].length) : text;
  return slackToPlain(rest).trim();
}

/**
 * Slack's wire format -> what the user typed: <@U1|ann> -> @ann, <#C1|general> -> #general,
 * <!here> -> @here, <https://x|label> -> label (https://x), <https://x> -> https://x, and the
 * &lt; &gt; &amp; entities decoded (last, so decoded text is never read as markup).
 */
export function slackToPlain(text: string): string {
  const replaced = text.replace(/<([^<>]*)>/g, (_all, inner: string) => {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? undefined : inner.slice(bar + 1);
    if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    if (target.startsWith('!')) {
      const special = target.slice(1).split('^')[0] ?? '';
      return `@${label ?? special}`;
    }
    return label && label !== target ? `${label} (${target})` : target;
  });
  return replaced.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * https://<team>.slack.com/archives/C1/p1700000000000100 (plus the thread for replies): the
 * documented permalink format, built without an API call.
 */
export function buildPermalink(teamUrl: string | undefined, channel: string, ts: string, threadTs?: string): string | undefined {
  if (!teamUrl || !/^\d+\.\d+$/.test(ts)) return undefined;
  const base = teamUrl.endsWith('/') ? teamUrl : `${teamUrl}/`;
  const link = `${base}archives/${channel}/p${ts.replace('.', '')}`;
  return threadTs && threadTs !== ts ? `${link}?thread_ts=${threadTs}&cid=${channel}` : link;
}

function channelRef(id: string, name: string): ChannelRef {
  return { platform: 'slack', id, key: channelKey('slack', id), name };
}

function userRef(id: string, name?: string): UserRef {
  return { platform: 'slack', id, name: name ?? id, account: id };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
