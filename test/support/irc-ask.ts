/**
 * Asking the bot in an IRC channel and collecting its whole answer: the question, then a marker
 * command whose echo ends the answer (the bot answers in order per channel).
 */
import type { IrcTestClient } from './irc-client.js';

export async function askInChannel(client: IrcTestClient, channel: string, text: string, opts: { botNick?: string; timeoutMs?: number } = {}): Promise<string[]> {
  const nick = opts.botNick ?? 'doibot';
  const before = client.messagesFrom(nick, channel).length;
  client.privmsg(channel, text);
  client.privmsg(channel, '!testecho end-of-answer');
  const lines = () => client.messagesFrom(nick, channel).slice(before).map((l) => l.params[1]!);
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  while (!lines().some((l) => l.includes('end-of-answer'))) {
    if (Date.now() > deadline) throw new Error(`no marker reply; got ${JSON.stringify(lines())}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return lines().slice(0, lines().findIndex((l) => l.includes('end-of-answer')));
}
