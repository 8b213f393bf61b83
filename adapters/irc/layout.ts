/**
 * IRC lines as the core's paging counts them (src/outbox/paging.ts): a reply rendered, split to
 * the byte budget of one PRIVMSG as relayed (split.ts: never inside a code point or a URL), one
 * Line per IRC line. Sending the laid-out lines renders them to the same text again.
 */
import type { ChannelKey, ReplyLayout } from '../../src/core/chat.js';
import { rt, type Line, type RichText } from '../../src/core/richtext.js';
import { renderLine, renderRichText, stripUnsafe } from './render.js';
import { splitUtf8 } from './split.js';

const BOLD = '\u0002';
/** A question echoed in the "ask me in private" hint stays short. */
const ECHO_MAX_CHARS = 60;

export interface IrcLayoutOptions {
  /** Bytes of text one PRIVMSG to `target` holds (depends on the bot's nick and the target). */
  readonly budget: (target: string) => number;
  readonly colors: boolean;
  /** The bot's nick right now, for "/msg <nick> <question>". */
  readonly nick: () => string;
}

/** "irc:#docker-library" -> "#docker-library". */
export function targetOf(channel: ChannelKey): string {
  return channel.startsWith('irc:') ? channel.slice(4) : channel;
}

export function ircReplyLayout(o: IrcLayoutOptions): ReplyLayout {
  return {
    lines(body: RichText, channel: ChannelKey): RichText {
      // A bold run cut between two lines is closed and opened again: two bytes more per line.
      const room = o.budget(targetOf(channel)) - (o.colors ? 2 : 0);
      const lines = renderRichText(body, { colors: o.colors, maxLinkBytes: room }).flatMap((text) => asLines(splitUtf8(text, room)));
      return { lines };
    },
    fitsOneLine(line: Line, channel: ChannelKey): boolean {
      return Buffer.byteLength(renderLine(line, { colors: o.colors }), 'utf8') <= o.budget(targetOf(channel));
    },
    askPrivately(question: string): string | undefined {
      const asked = stripUnsafe(question).trim().replace(/^!/u, '');
      return asked && [...asked].length <= ECHO_MAX_CHARS ? `/msg ${o.nick()} ${asked}` : undefined;
    },
  };
}

/**
 * Rendered pieces of one line -> Lines that render to the same text: the only code left in
 * rendered text is bold, which becomes bold parts again (carried from one piece to the next).
 */
function asLines(pieces: readonly string[]): Line[] {
  let bold = false;
  return pieces.map((piece) => {
    const line = piece.split(BOLD).flatMap((text, i) => {
      if (i > 0) bold = !bold;
      return text ? [bold ? rt.bold(text) : rt.text(text)] : [];
    });
    return line;
  });
}
