import type { Line, RichText } from './richtext.js';

export type Platform = 'console' | 'memory' | 'irc' | 'slack';

/** Stable key for maps and DB rows: "irc:#docker-library", "slack:C0123ABCD", "console:tty". */
export type ChannelKey = string;

export interface ChannelRef {
  readonly platform: Platform;
  /** Platform id of the channel (IRC channel name or nick for a query, Slack channel id). */
  readonly id: string;
  readonly key: ChannelKey;
  readonly name: string;
}

export interface UserRef {
  readonly platform: Platform;
  /** Platform handle (IRC nick, Slack user id). Never an identity by itself. */
  readonly id: string;
  readonly name: string;
  /**
   * Verified identity: IRC services account, Slack user id. Absent = unidentified.
   * Canonical as the adapter hands it over (IRC accounts RFC 1459 folded), so it compares as a
   * plain string. Access checks use `${platform}:${account}` and nothing else.
   */
  readonly account?: string;
  /**
   * Where a later private message for this person goes (notifications, feedback notices), set by
   * adapters whose handles anyone can take over (IRC nicks): an address the adapter resolves at
   * send time, such as the services account. Absent: the handle itself is the address.
   */
  readonly privateKey?: ChannelKey;
}

/**
 * A request a platform form submitted already structured (Slack's "send to maintainers" modal):
 * the core runs the named command with these fields and never re-parses text built from them,
 * so a field's words cannot turn into options.
 */
export interface FeedbackFormRequest {
  readonly command: 'feedback';
  readonly kind: 'image' | 'docs' | 'process';
  readonly image: string;
  readonly text: string;
}

export type FormRequest = FeedbackFormRequest;

export interface InboundMessage {
  readonly id: string;
  readonly channel: ChannelRef;
  readonly author: UserRef;
  readonly text: string;
  readonly isDirect: boolean;
  /** DM, mention, slash command, or command prefix present. */
  readonly addressed: boolean;
  readonly threadId?: string;
  readonly receivedAt: Date;
  /**
   * The platform's own handle for answering this message (a Slack slash command's response_url
   * is kept by the adapter under it). Opaque to the core: it travels back in ReplyAddress.handle.
   */
  readonly replyHandle?: string;
  /** A form's structured request; `text` is then the command's name, for matching and logs. */
  readonly request?: FormRequest;
  /** Platform link to the message, when the platform has one (Slack permalink). */
  readonly permalink?: string;
  /**
   * Present when the platform could not vouch for the sender's account on receipt (IRC without
   * account-tag, a nick the bot cannot watch): `author` then carries no account, and this asks
   * the network now. The dispatcher calls it only for commands that need the identity.
   */
  readonly verifyAuthor?: () => Promise<UserRef>;
}

/**
 * Where a reply goes, copied from the inbound message it answers: explicit, so an adapter never
 * needs ambient state (what was being handled when send() was called) to answer right.
 */
export interface ReplyAddress {
  /** The inbound message answered. */
  readonly messageId: string;
  /** Who asked: the reply may be addressed to them, and what is left over is kept for them. */
  readonly asker: UserRef;
  readonly isDirect: boolean;
  /** InboundMessage.replyHandle, when the platform gave one. */
  readonly handle?: string;
  /** What was asked, so a shortened answer can say what to ask in private. */
  readonly question?: string;
}

export function replyAddressOf(msg: InboundMessage): ReplyAddress {
  return { messageId: msg.id, asker: msg.author, isDirect: msg.isDirect, question: msg.text, ...(msg.replyHandle !== undefined ? { handle: msg.replyHandle } : {}) };
}

export interface OutboundMessage {
  readonly channel: ChannelKey;
  readonly body: RichText;
  readonly kind: 'reply' | 'announcement' | 'notice';
  readonly threadId?: string;
  /** Set on replies: the message answered and its asker. */
  readonly replyTo?: ReplyAddress;
  /**
   * Edit the message this ref (from an earlier SendResult) names instead of posting a new one.
   * Only for adapters declaring `editableCards`; Delivery refuses it for the others.
   */
  readonly updateRef?: string;
}

/** What an adapter returns for a sent message: a platform ref usable for later edits. */
export interface SendResult {
  readonly ref?: string;
}

export interface AdapterStatus {
  readonly platform: Platform;
  readonly connected: boolean;
  readonly since?: Date;
  readonly detail?: string;
  readonly problems?: readonly string[];
  /** Connections established after the first one (cumulative), for metrics. */
  readonly reconnects?: number;
  /** Channels whose names only admins may see (an IRC channel with a key, a private Slack channel). */
  readonly privateChannels?: readonly string[];
  /** 429 answers waited out (cumulative), and the Retry-After time they cost, for metrics. */
  readonly rateLimitWaits?: number;
  readonly rateLimitWaitMs?: number;
  /** Lines waiting in the adapter's own send queue (IRC pacing), for metrics. */
  readonly queuedLines?: number;
}

/**
 * What a platform can do. The core asks these, never the platform's name: a new platform is a
 * new adapter declaring its capabilities, not a new branch in the core.
 */
export interface AdapterCapabilities {
  /** The platform as people call it ("IRC", "Slack"), for text such as a report's origin. */
  readonly displayName: string;
  /** Can deliver a message addressed to one person later (IRC query, Slack DM): notifications. */
  readonly privateMessages: boolean;
  /** What such a message is called there ("a private message", "a direct message"). */
  readonly privateMessageName: string;
  /** Sent messages can be edited later through their SendResult.ref (announcement cards). */
  readonly editableCards: boolean;
  /** Some replies can be shown to the asker alone (Slack slash commands). */
  readonly ephemeralReplies: boolean;
  /**
   * Lines a reply may take in a shared channel; undefined: no limit of its own. A longer reply
   * shows its first lines, then a count and where the whole answer is (never "type more").
   */
  readonly linesPerReply?: number;
  /**
   * Paging: a private reply longer than this shows one page, and `more` shows the next one.
   * undefined: private replies are sent whole.
   */
  readonly privatePageLines?: number;
}

/**
 * How a platform lays a reply out in lines, for the core's paging (src/outbox/paging.ts). Without
 * it, each RichText line is one displayed line and every line fits.
 */
export interface ReplyLayout {
  /**
   * `body` as displayed lines in `channel`: one Line per line the platform shows (a long line
   * split, never inside a link). Actions the platform shows as text are among the lines and
   * left out of the result; sending the result shows exactly these lines.
   */
  lines(body: RichText, channel: ChannelKey): RichText;
  /** Whether `line` shows whole in one displayed line, its links not shortened. */
  fitsOneLine(line: Line, channel: ChannelKey): boolean;
  /** How to ask the bot `question` privately ("/msg doibot tags python"), if the platform can say it. */
  askPrivately?(question: string): string | undefined;
}

/** A platform that declares nothing special: plain messages, nothing private, nothing edited. */
export const PLAIN_CAPABILITIES: AdapterCapabilities = {
  displayName: 'chat',
  privateMessages: false,
  privateMessageName: 'a private message',
  editableCards: false,
  ephemeralReplies: false,
};

export interface ChatAdapter {
  readonly platform: Platform;
  readonly capabilities: AdapterCapabilities;
  /** How replies are laid out in lines, when a line is not simply a RichText line. */
  readonly layout?: ReplyLayout;
  /**
   * Begins receiving. `onMessage` resolves once the message is fully handled (reply sent) and
   * never rejects; adapters that need ordering (console pipe mode) await it.
   */
  start(onMessage: (msg: InboundMessage) => Promise<void>): Promise<void>;
  /** Throws UpstreamError { retryable } on failure. Adapters pace their own platform. */
  send(msg: OutboundMessage): Promise<SendResult>;
  stop(reason: string): Promise<void>;
  status(): AdapterStatus;
}

export function channelKey(platform: Platform, id: string): ChannelKey {
  return `${platform}:${id}`;
}

/**
 * Where a later private message for this person goes (notifications, feedback notices): the
 * adapter's `privateKey` when it gave one, else their handle. undefined: not identified.
 */
export function privateKeyOf(user: UserRef): ChannelKey | undefined {
  if (!user.account) return undefined;
  return user.privateKey ?? channelKey(user.platform, user.id);
}

/** The identity string used by access lists: "irc:alice", "slack:U0123". */
export function identityOf(user: UserRef): string | undefined {
  return user.account ? `${user.platform}:${user.account}` : undefined;
}
