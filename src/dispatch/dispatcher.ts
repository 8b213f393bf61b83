import { randomBytes } from 'node:crypto';
import { identityOf, PLAIN_CAPABILITIES, type AdapterCapabilities, type InboundMessage, type Platform } from '../core/chat.js';
import type { Clock } from '../core/clock.js';
import { UserError, BotError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { runInRequestScope } from '../core/request-scope.js';
import { rt } from '../core/richtext.js';
import type { CommandServices } from '../services.js';
import { classify } from '../understand/classify.js';
import type { Understood } from '../understand/types.js';
import { AccessPolicy } from './access.js';
import type { CommandContext, Reply } from './command.js';
import { Cooldowns, rateKeyOf } from './cooldown.js';
import { CommandRegistry } from './registry.js';
import { restFrom, stripPrefix, tokenize } from './tokenize.js';

/**
 * Answers addressed text that is not a command ("when will python 3.14.1 be available?"), on
 * what the classifier understood of it (src/understand).
 */
export interface FreeformHandler {
  readonly name: string;
  /** undefined = not mine, try the next handler. */
  tryAnswer(ctx: CommandContext, text: string, understood: Understood): Promise<Reply | undefined>;
}

/** The honest answer to a question no handler took, with what the bot can answer instead. */
export const DONT_KNOW =
  'I don\'t know that one. I can answer about official images: tags ("which python tags are alpine?"), a tag, architectures, last publish, the latest version, versions on their way, deprecations, and official-images PRs; try "help".';

export interface DispatcherOptions {
  registry: CommandRegistry;
  freeform?: readonly FreeformHandler[];
  access: AccessPolicy;
  services: CommandServices;
  log: Logger;
  clock: Clock;
  limits: { userCommandsPerMinute: number; commandTimeoutMs: number };
  /** What each platform can do (Delivery.capabilitiesOf); default: plain capabilities. */
  capabilitiesOf?: (platform: Platform) => AdapterCapabilities | undefined;
  /** Called once per handled command, for metrics. */
  onCommand?: (name: string, outcome: CommandOutcome, ms: number) => void;
}

export type CommandOutcome = 'ok' | 'user_error' | 'denied' | 'limited' | 'timeout' | 'error' | 'unknown';

/** Longest message we look at; beyond this nobody is typing a command. */
const MAX_INPUT = 4000;

export class Dispatcher {
  readonly #o: DispatcherOptions;
  readonly #cooldowns: Cooldowns;
  readonly #warnedLimited = new Set<string>();

  constructor(opts: DispatcherOptions) {
    this.#o = opts;
    this.#cooldowns = new Cooldowns({ maxPerWindow: opts.limits.userCommandsPerMinute, windowMs: 60_000 });
  }

  /** InboundMessage -> reply (or null: stay silent). Never throws. */
  async handle(msg: InboundMessage): Promise<Reply> {
    const { addressed, text } = this.#addressing(msg);
    if (!addressed) return null;
    const input = text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text;
    const tokenized = tokenize(input);
    const log = this.#o.log.child({ messageId: msg.id, channel: msg.channel.key, user: msg.author.id });
    const started = this.#o.clock.now();
    const level = this.#o.access.levelOf(msg.author);

    if (tokenized.tokens.length === 0) return rt.of('Try `help` for what I can do.');
    const match = this.#o.registry.match(tokenized.tokens);
    const capabilities = this.#o.capabilitiesOf?.(msg.channel.platform) ?? PLAIN_CAPABILITIES;
    let baseCtx = { message: msg, capabilities, services: this.#o.services, log, clock: this.#o.clock, level };

    if (!match) {
      const answered = await this.#freeform({ ...baseCtx, argsText: input.trim() }, input.trim(), log, started);
      if (answered !== undefined) return answered;
      this.#o.onCommand?.('(unknown)', 'unknown', 0);
      const word = tokenized.tokens[0]!.slice(0, 40);
      const hint = this.#o.registry.suggest(word);
      // A near-miss of a command name or one bare word is a mistyped command; anything else is
      // a question we could not answer.
      if (!hint && (tokenized.tokens.length > 1 || /\?\s*$/.test(input))) return rt.of(DONT_KNOW);
      return unknownCommand(word, hint);
    }

    const { command, wordCount } = match;
    let counted = false;
    if (msg.verifyAuthor && (command.identity || command.access !== 'anyone')) {
      // Verifying costs the platform a request (an IRC WHOX): the flood guard goes first, by handle.
      const waitMs = this.#cooldowns.take(rateKeyOf(msg.author), command.name, command.cooldownMs, started);
      if (waitMs > 0) return this.#limited(command.name, rateKeyOf(msg.author), waitMs);
      counted = true;
      msg = await this.#verified(msg, log);
      baseCtx = { ...baseCtx, message: msg, level: this.#o.access.levelOf(msg.author) };
    }
    if (!this.#o.access.allows(msg.author, command.access)) {
      this.#o.onCommand?.(command.name, 'denied', 0);
      log.info({ command: command.name, identity: identityOf(msg.author) ?? null }, 'command denied');
      return rt.of(
        identityOf(msg.author)
          ? `"${command.name}" is for ${command.access}s only.`
          : `"${command.name}" is for ${command.access}s only, and you are not identified (log in to services / NickServ first).`,
      );
    }

    const waitMs = counted ? 0 : this.#cooldowns.take(rateKeyOf(msg.author), command.name, command.cooldownMs, started);
    if (waitMs > 0) return this.#limited(command.name, rateKeyOf(msg.author), waitMs);

    const ctx: CommandContext = { ...baseCtx, argsText: restFrom(input, tokenized, wordCount) };
    try {
      const reply = await this.#withTimeout(
        () => (msg.request && command.runForm ? command.runForm(ctx, msg.request) : command.invoke(ctx, tokenized.tokens.slice(wordCount))),
        command.timeoutMs ?? this.#o.limits.commandTimeoutMs,
      );
      this.#o.onCommand?.(command.name, 'ok', this.#o.clock.now() - started);
      return reply;
    } catch (err) {
      // "why is python:3.8 gone?" starts with a command's name but is a question: when the
      // command cannot make sense of its words, the free-form handlers may.
      if (err instanceof UserError && err.code.endsWith('.usage')) {
        const answered = await this.#freeform({ ...ctx, argsText: input.trim() }, input.trim(), log, started);
        if (answered !== undefined) return answered;
      }
      return this.#errorReply(err, command.name, log, started);
    }
  }

  /** The first free-form handler's answer to what the classifier made of the text, if any. */
  async #freeform(ctx: CommandContext, text: string, log: Logger, started: number): Promise<Reply | undefined> {
    const handlers = this.#o.freeform ?? [];
    if (!handlers.length) return undefined;
    const understood = await this.#understand(text);
    log.debug({ understood }, 'free-form question');
    // "tgas python" is a command that did not run, not a question about python.
    if (understood.intent === 'mistyped-command') {
      this.#o.onCommand?.('(unknown)', 'unknown', 0);
      return unknownCommand(understood.typed!.slice(0, 40), understood.command);
    }
    for (const handler of handlers) {
      try {
        const answer = await this.#withTimeout(() => handler.tryAnswer(ctx, text, understood), this.#o.limits.commandTimeoutMs);
        if (answer !== undefined) {
          this.#o.onCommand?.(`freeform:${handler.name}`, 'ok', this.#o.clock.now() - started);
          return answer;
        }
      } catch (err) {
        return this.#errorReply(err, `freeform:${handler.name}`, log, started);
      }
    }
    return undefined;
  }

  async #understand(text: string): Promise<Understood> {
    const { catalog, prs, knowledge } = this.#o.services;
    // Without a catalog no image is recognised; topic questions (PRs, help) still are.
    const current = await catalog?.get().catch(() => undefined);
    const now = this.#o.clock.now();
    return classify(text, current, {
      ...(prs ? { prRepo: prs.repo } : {}),
      ...(knowledge ? { knowledge: (t: string) => knowledge.match(t, now) !== undefined } : {}),
      nearCommand: (word: string) => this.#o.registry.suggest(word),
    });
  }

  #limited(name: string, who: string, waitMs: number): Reply {
    this.#o.onCommand?.(name, 'limited', 0);
    // Tell a flooding user once, then stay quiet until they may run commands again.
    const key = `${who}\u0000${name}`;
    if (this.#warnedLimited.has(key)) return null;
    this.#warnedLimited.add(key);
    setTimeout(() => this.#warnedLimited.delete(key), waitMs).unref();
    return rt.of(`Slow down: try "${name}" again in ${Math.ceil(waitMs / 1000)}s.`);
  }

  /** The message with its author's account as the network says now; unverified if it cannot say. */
  async #verified(msg: InboundMessage, log: Logger): Promise<InboundMessage> {
    const { verifyAuthor, ...rest } = msg;
    try {
      return { ...rest, author: await this.#withTimeout(() => verifyAuthor!(), this.#o.limits.commandTimeoutMs) };
    } catch (err) {
      log.warn({ err }, 'could not verify the sender\'s account; treating them as unidentified');
      return rest;
    }
  }

  #addressing(msg: InboundMessage): { addressed: boolean; text: string } {
    const prefixed = stripPrefix(msg.text);
    if (prefixed.addressed) return prefixed;
    return { addressed: msg.addressed, text: prefixed.text };
  }

  #errorReply(err: unknown, name: string, log: Logger, started: number): Reply {
    const ms = this.#o.clock.now() - started;
    if (err instanceof TimeoutError) {
      this.#o.onCommand?.(name, 'timeout', ms);
      log.warn({ command: name, ms }, 'command timed out');
      return rt.of(`"${name}" took too long to answer; please try again later.`);
    }
    if (err instanceof BotError && err.userMessage) {
      this.#o.onCommand?.(name, err instanceof UserError ? 'user_error' : 'error', ms);
      if (!(err instanceof UserError)) log.warn({ err, command: name }, 'command failed upstream');
      return rt.of(err.userMessage);
    }
    const ref = randomBytes(3).toString('hex');
    this.#o.onCommand?.(name, 'error', ms);
    log.error({ err, command: name, ref }, 'command failed');
    return rt.of(`Something went wrong (ref ${ref}).`);
  }

  /**
   * Runs a command in its request scope: upstream requests it makes are charged to the command
   * budget, and those still queued when it times out are dropped unsent.
   */
  #withTimeout<T>(work: () => Promise<T>, ms: number): Promise<T> {
    const abandoned = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abandoned.abort();
        reject(new TimeoutError());
      }, ms);
    });
    return Promise.race([runInRequestScope({ kind: 'command', signal: abandoned.signal }, work), timeout]).finally(() => clearTimeout(timer));
  }
}

class TimeoutError extends Error {}

function unknownCommand(word: string, hint: string | undefined): Reply {
  return rt.of(
    hint
      ? `Unknown command "${word}". Did you mean "${hint}"? Try "help ${hint}".`
      : `Unknown command "${word}". Try "help" for the list of commands.`,
  );
}
