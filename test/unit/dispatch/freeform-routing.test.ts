import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Catalog } from '../../../src/catalog/catalog.js';
import { BundledSnapshotSource } from '../../../src/catalog/dir-source.js';
import type { InboundMessage } from '../../../src/core/chat.js';
import { silentLogger } from '../../../src/core/log.js';
import { rt, toPlainText } from '../../../src/core/richtext.js';
import { AccessPolicy } from '../../../src/dispatch/access.js';
import { defineCommand } from '../../../src/dispatch/command.js';
import { DONT_KNOW, Dispatcher, type FreeformHandler } from '../../../src/dispatch/dispatcher.js';
import { CommandRegistry } from '../../../src/dispatch/registry.js';
import { StatusBoard } from '../../../src/status.js';
import type { Understood } from '../../../src/understand/types.js';

let catalog: Catalog;
beforeAll(async () => {
  catalog = Catalog.fromFiles((await new BundledSnapshotSource().fetch())!);
});

/** A command named like a question word, taking at most one argument (as `why` does). */
const why = defineCommand({ name: 'why', summary: '', usage: 'why [ref]', access: 'anyone', args: z.array(z.string()).max(1), run: async () => rt.of('why-command') });

/** Answers only the intents it is given, and records what it saw. */
function recorder(intents: readonly string[], seen: Understood[]): FreeformHandler {
  return {
    name: 'recorder',
    async tryAnswer(_ctx, _text, u) {
      seen.push(u);
      return intents.includes(u.intent) ? rt.of(`${u.intent} ${u.image ?? '-'}`) : undefined;
    },
  };
}

/** Commands whose names people mistype ("tgas python"); never run in these tests. */
const named = (name: string) => defineCommand({ name, summary: '', usage: `${name} <image>`, access: 'anyone', args: z.array(z.string()).max(1), run: async () => rt.of(`${name}-command`) });

function dispatcher(handlers: readonly FreeformHandler[], withCatalog = true): Dispatcher {
  const registry = new CommandRegistry([why, named('tags'), named('image'), named('subscribe')]);
  return new Dispatcher({
    registry,
    freeform: handlers,
    access: new AccessPolicy({ admins: [], maintainers: [] }),
    services: { status: new StatusBoard('test', 0), commands: () => registry.all(), ...(withCatalog ? { catalog: { get: async () => catalog } } : {}) },
    log: silentLogger(),
    clock: { now: () => 0, sleep: async () => {} },
    limits: { userCommandsPerMinute: 100, commandTimeoutMs: 1000 },
  });
}

function addressed(text: string): InboundMessage {
  return {
    id: 'm1',
    channel: { platform: 'irc', id: '#c', key: 'irc:#c', name: '#c' },
    author: { platform: 'irc', id: 'bob', name: 'bob', account: 'bob' },
    text,
    isDirect: false,
    addressed: true,
    receivedAt: new Date(0),
  };
}

async function ask(d: Dispatcher, text: string): Promise<string | null> {
  const r = await d.handle(addressed(text));
  return r ? toPlainText(r) : null;
}

describe('free-form questions are routed on what the classifier understood', () => {
  it('hands each handler the classifier result, with the bot name and case folded away', async () => {
    const seen: Understood[] = [];
    const d = dispatcher([recorder(['tags'], seen)]);
    expect(await ask(d, 'doi-bot, WHICH python tags are Alpine?')).toBe('tags python');
    expect(seen).toEqual([{ intent: 'tags', image: 'python', filter: 'alpine' }]);
  });

  it('a question nobody answers gets an honest "I don\'t know" with what the bot can answer', async () => {
    const seen: Understood[] = [];
    const d = dispatcher([recorder(['tags'], seen)]);
    // "trust" is recognised but has no handler here: still no answer about the `docker` image.
    expect(await ask(d, 'are official images signed? docker content trust')).toBe(DONT_KNOW);
    expect(seen).toEqual([{ intent: 'trust' }]);
    expect(await ask(d, 'how do I install docker on ubuntu?')).toBe(DONT_KNOW);
    expect(DONT_KNOW).toMatch(/^I don't know that one\. I can answer about official images: .*try "help"\.$/);
    // One bare unknown word is still a mistyped command.
    expect(await ask(d, 'nosuchcommand')).toMatch(/^Unknown command "nosuchcommand"/);
  });

  it('a question that starts with a command name but is no use of it goes to the free-form handlers', async () => {
    const seen: Understood[] = [];
    const d = dispatcher([recorder(['tag-gone'], seen)]);
    expect(await ask(d, 'why is python:3.8 gone?')).toBe('tag-gone python');
    expect(await ask(d, 'why abc')).toBe('why-command');
    expect(await ask(d, 'why is the sky blue today?')).toMatch(/Too many arguments\. Usage: why \[ref\]/);
  });

  it('a mistyped command with arguments gets "did you mean", not an answer about its argument', async () => {
    const seen: Understood[] = [];
    const d = dispatcher([recorder(['image-info', 'tags'], seen)]);
    expect(await ask(d, 'tgas python')).toBe('Unknown command "tgas". Did you mean "tags"? Try "help tags".');
    expect(await ask(d, 'imgae python')).toMatch(/^Unknown command "imgae"\. Did you mean "image"\?/);
    expect(await ask(d, 'doi-bot: subscrbe python')).toMatch(/^Unknown command "subscrbe"\. Did you mean "subscribe"\?/);
    // No handler was asked: the command never ran and no answer pretends it did.
    expect(seen).toEqual([]);
    // Read as questions: a '?', a question word, an image name or an ordinary word first.
    expect(await ask(d, 'tgas python?')).toBe('image-info python');
    expect(await ask(d, 'who maintains python')).toBe('image-info python');
    expect(await ask(d, 'python tags')).toBe('tags python');
    // A real command whose words fail its usage is no slip of its own name.
    expect(await ask(d, 'subscribe python alpine')).not.toMatch(/^Unknown command/);
  });

  it('without a catalog no image is recognised, and topic questions still are', async () => {
    const seen: Understood[] = [];
    const d = dispatcher([recorder(['queue'], seen)], false);
    expect(await ask(d, "what's in the review queue?")).toBe('queue -');
    expect(await ask(d, 'which python tags are alpine?')).toBe(DONT_KNOW);
    expect(seen.at(-1)).toEqual({ intent: 'unknown' });
  });
});
