/**
 * Parts of bench/irc-latency.ts: a plain irc-framework echo client (the same-run baseline), and
 * the timing of `tag <image>:<tag>` answers as a channel member sees them: the first line and the
 * line with the commit (line 1 of a tag answer starts with the ref and names the commit).
 */
import ircFramework from 'irc-framework';
import type { Catalog } from '../src/catalog/catalog.js';
import type { IrcLine, IrcTestClient } from '../test/support/irc-client.js';

/** A plain irc-framework client in `channel` that says back every message it sees there. */
export function startEchoClient(port: number, nick: string, channel: string): Promise<{ quit(): void }> {
  const client = new ircFramework.Client();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('echo client did not join')), 20_000);
    client.on('socket connected', () => client.connection.transport?.socket?.setNoDelay?.(true));
    client.on('registered', () => client.raw(`JOIN ${channel}`));
    client.on('join', (ev) => {
      if (ev.nick !== nick || ev.channel !== channel) return;
      clearTimeout(timer);
      resolve({ quit: () => client.quit('bench over') });
    });
    client.on('privmsg', (ev) => {
      if (ev.target === channel) client.raw(`PRIVMSG ${channel} :${ev.message}`);
    });
    client.connect({ host: '127.0.0.1', port, nick, username: nick, gecos: 'echo baseline', auto_reconnect: false, version: '' });
  });
}

/** One tag per image: the first tag of its first entry, for images the catalog has. */
export function pickTags(catalog: Catalog, images: readonly string[], count: number): string[] {
  const refs: string[] = [];
  for (const name of images) {
    const tag = catalog.image(name)?.entries[0]?.tags[0];
    if (tag) refs.push(`${name}:${tag}`);
    if (refs.length === count) break;
  }
  return refs;
}

const plain = (text: string) => text.replace(/[\x02\x0f\x1d\x1f]/g, '');
/** Line 1 of a `tag` answer: the ref, then what it is built from ("... at 1a2b3c4 ..."). */
export function isCommitLine(ref: string, text: string): boolean {
  const t = plain(text);
  return t.startsWith(ref) && / at [0-9a-f]{7}\b/.test(t);
}

function botLine(l: IrcLine, botNick: string, channel: string): boolean {
  return l.command === 'PRIVMSG' && l.nick === botNick && l.params[0] === channel;
}

/**
 * `!tag <ref>` asked `n` times one after the other: ms to the first answer line and to the commit
 * line. After each answer a `!testecho` marker is awaited, so no line of one answer is taken for
 * the next.
 */
export async function tagAnswerTimes(user: IrcTestClient, botNick: string, channel: string, ref: string, n: number): Promise<{ first: number[]; commit: number[] }> {
  const first: number[] = [];
  const commit: number[] = [];
  for (let i = 0; i < n; i++) {
    let firstAt: number | undefined;
    const commitAt = new Promise<number>((resolve) => {
      user.onLine = (l) => {
        if (!botLine(l, botNick, channel)) return;
        firstAt ??= l.at;
        if (isCommitLine(ref, l.params[1] ?? '')) resolve(l.at);
      };
    });
    const t0 = performance.now();
    user.privmsg(channel, `!tag ${ref}`);
    commit.push((await commitAt) - t0);
    first.push(firstAt! - t0);
    const synced = new Promise<void>((resolve) => {
      user.onLine = (l) => {
        if (botLine(l, botNick, channel) && l.params[1] === `you said: sync-${i}`) resolve();
      };
    });
    user.privmsg(channel, `!testecho sync-${i}`);
    await synced;
    user.onLine = undefined;
  }
  return { first, commit };
}

/**
 * One `!tag <ref>` every `gapMs`, whatever the answers do: ms from each question to its commit
 * line. Refs must differ, so each commit line belongs to one question.
 */
export async function pacedTagAnswers(user: IrcTestClient, botNick: string, channel: string, refs: readonly string[], gapMs: number): Promise<number[]> {
  const sentAt: number[] = [];
  const took: Array<number | undefined> = refs.map(() => undefined);
  const all = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`paced answers incomplete: ${JSON.stringify(took)}`)), refs.length * gapMs + 120_000);
    user.onLine = (l) => {
      if (!botLine(l, botNick, channel)) return;
      const k = refs.findIndex((ref, i) => took[i] === undefined && sentAt[i] !== undefined && isCommitLine(ref, l.params[1] ?? ''));
      if (k < 0) return;
      took[k] = l.at - sentAt[k]!;
      if (took.every((t) => t !== undefined)) {
        clearTimeout(timer);
        resolve();
      }
    };
  });
  for (let i = 0; i < refs.length; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, gapMs));
    sentAt[i] = performance.now();
    user.privmsg(channel, `!tag ${refs[i]}`);
  }
  await all;
  user.onLine = undefined;
  return took.map((t) => t!);
}
