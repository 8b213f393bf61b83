/**
 * Sending: a reply or announcement rendered, split to the byte budget of one PRIVMSG as relayed,
 * and queued per target through the pacer; the lowest layer refuses anything that could end a
 * line early. Replies arrive already cut to what the target shows (src/outbox/paging.ts).
 */
import type { OutboundMessage, SendResult } from '../../src/core/chat.js';
import { accountOfTarget } from './accounts.js';
import { RecipientAwayError, UpstreamError } from '../../src/core/errors.js';
import { ircLower } from './accounts.js';
import { targetOf } from './layout.js';
import { DEFAULT_MAX_PER_TARGET, DroppedError, QueueFullError } from './pacing.js';
import { renderRichText } from './render.js';
import { assertSafeLine, type IrcSession } from './session.js';
import { maxTextBytes, splitUtf8 } from './split.js';

export class Sender {
  readonly #z: IrcSession;

  constructor(session: IrcSession) {
    this.#z = session;
  }

  async send(msg: OutboundMessage): Promise<SendResult> {
    if (this.#z.state === 'stopped') throw new UpstreamError('irc.stopped', 'IRC adapter stopped', { retryable: false });
    const target = await this.#resolveTarget(msg.channel.startsWith('irc:') ? targetOf(msg.channel) : '');
    if (!/^[^\s,\u0000-\u001f:]{1,200}$/u.test(target) || target.startsWith('*')) {
      throw new UpstreamError('irc.bad-target', `not an IRC channel or nick: ${JSON.stringify(msg.channel)}`, { retryable: false });
    }
    const isChannel = this.#z.isChannel(target);
    const refusal = isChannel ? this.#z.refused.get(ircLower(target)) : undefined;
    if (refusal !== undefined) {
      throw new UpstreamError('irc.not-joined', `cannot send to ${target}: ${refusal}`, { retryable: false });
    }
    // Replies arrive already cut to a channel's lines or a private page (src/outbox/paging.ts).
    let texts = this.#toTextLines(msg, target);
    if (texts.length > DEFAULT_MAX_PER_TARGET) texts = [...texts.slice(0, DEFAULT_MAX_PER_TARGET - 1), `(${texts.length - DEFAULT_MAX_PER_TARGET + 1} more lines not sent: too long for IRC)`];
    await this.#enqueue(target, texts, msg.kind === 'reply');
    return { ref: `irc-${++this.#z.seq}` };
  }

  /** "account:alice" (a private message for a person) -> the nick logged in as alice right now. */
  async #resolveTarget(target: string): Promise<string> {
    const account = accountOfTarget(target);
    if (account === undefined) return target;
    const nick = this.#z.state === 'registered' ? await this.#z.identity.nickOf(account) : undefined;
    if (nick === undefined) {
      throw new RecipientAwayError(`nobody is logged in as ${account} on IRC right now`, 5 * 60_000);
    }
    return nick;
  }

  /** Bytes of text one PRIVMSG to `target` holds, whatever nick the bot has by then. */
  budget(target: string): number {
    return maxTextBytes('x'.repeat(Math.max(this.#z.nick.length, this.#z.s.nick.length) + 3), target);
  }

  #toTextLines(msg: OutboundMessage, target: string): string[] {
    const budget = this.budget(target);
    return renderRichText(msg.body, { colors: this.#z.s.colors, maxLinkBytes: budget }).flatMap((l) => splitUtf8(l, budget));
  }

  /** `isReply`: may be dropped when the target's queue is over its cap (the asker can ask again). */
  async #enqueue(target: string, texts: readonly string[], isReply: boolean): Promise<void> {
    const lines = texts.map((t) => formatPrivmsg(target, t));
    try {
      await this.#z.pacer.enqueue(ircLower(target), lines, { droppable: isReply });
    } catch (err) {
      if (err instanceof DroppedError) throw new UpstreamError('irc.reply-dropped', err.message, { retryable: false, cause: err });
      if (err instanceof QueueFullError) {
        throw new UpstreamError('irc.queue-full', err.message, { retryable: true, retryAfterMs: 30_000, cause: err });
      }
      throw err;
    }
  }

  /** The lowest send layer: refuses anything that could end the line early. */
  writeNow(line: string): boolean {
    const client = this.#z.client;
    if (!client?.connected || this.#z.state !== 'registered') return false;
    if (/[\r\n\0]/.test(line)) {
      // formatPrivmsg/control() already refuse these; reaching here is a bug, never a send.
      this.#z.log.error({ line: JSON.stringify(line.slice(0, 80)) }, 'refused to write an IRC line containing CR, LF or NUL');
      return true;
    }
    client.raw(line);
    return true;
  }
}

/** The one place a PRIVMSG line is built. `text` must already be rendered and split. */
export function formatPrivmsg(target: string, text: string): string {
  const line = `PRIVMSG ${target} :${text}`;
  assertSafeLine(line);
  return line;
}
