import { z } from 'zod';
import type { AdapterCapabilities, FormRequest, InboundMessage } from '../core/chat.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { RichText } from '../core/richtext.js';
import { UserError } from '../core/errors.js';
import type { CommandServices } from '../services.js';
import type { AccessLevel } from './levels.js';

export type { AccessLevel };

/** What a command returns: a message for the asker, or null to stay silent. */
export type Reply = RichText | null;

export interface CommandContext {
  readonly message: InboundMessage;
  /** What the platform the message came from can do (commands ask this, not its name). */
  readonly capabilities: AdapterCapabilities;
  readonly services: CommandServices;
  readonly log: Logger;
  readonly clock: Clock;
  /** Everything after the command name, as typed (for free-text commands). */
  readonly argsText: string;
  /** The access level the author holds (for commands that show more to maintainers). */
  readonly level: AccessLevel;
}

export interface CommandSpec<A> {
  /** One or more words: "tags", "feedback status". */
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly access: AccessLevel;
  /** Parses the argument tokens; a failure becomes a usage reply. */
  readonly args: z.ZodType<A>;
  readonly timeoutMs?: number;
  /** Minimum time between two uses by the same person. */
  readonly cooldownMs?: number;
  /**
   * Reads the caller's verified identity (filing, notifications). Where the platform could not
   * vouch for it on receipt, it is checked with the network before the command runs; commands
   * above `anyone` always are.
   */
  readonly identity?: boolean;
  run(ctx: CommandContext, args: A): Promise<Reply>;
  /** Runs a form's structured request (InboundMessage.request) instead of parsed words. */
  runForm?(ctx: CommandContext, form: FormRequest): Promise<Reply>;
}

/** A command with its argument type sealed in, so all commands fit one array. */
export interface CommandDef {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly access: AccessLevel;
  readonly timeoutMs: number | undefined;
  readonly cooldownMs: number | undefined;
  readonly identity: boolean;
  invoke(ctx: CommandContext, tokens: readonly string[]): Promise<Reply>;
  readonly runForm?: (ctx: CommandContext, form: FormRequest) => Promise<Reply>;
}

export function defineCommand<A>(spec: CommandSpec<A>): CommandDef {
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    summary: spec.summary,
    usage: spec.usage,
    access: spec.access,
    timeoutMs: spec.timeoutMs,
    cooldownMs: spec.cooldownMs,
    identity: spec.identity ?? false,
    ...(spec.runForm ? { runForm: spec.runForm.bind(spec) } : {}),
    async invoke(ctx, tokens) {
      const parsed = spec.args.safeParse(tokens);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        const why = first ? describeArgIssue(first, tokens) : 'bad arguments';
        throw new UserError('command.usage', `${why}. Usage: ${spec.usage}`);
      }
      return spec.run(ctx, parsed.data);
    },
  };
}

function describeArgIssue(issue: z.core.$ZodIssue, tokens: readonly string[]): string {
  if (issue.code === 'too_small') return 'Missing argument';
  // A tuple element that was not typed at all.
  if (issue.code === 'invalid_type' && typeof issue.path[0] === 'number' && tokens[issue.path[0]] === undefined) return 'Missing argument';
  if (issue.code === 'too_big') return 'Too many arguments';
  const at = issue.path[0];
  if (typeof at === 'number' && tokens[at] !== undefined) {
    return `Bad argument "${tokens[at].slice(0, 40)}": ${issue.message}`;
  }
  return issue.message;
}

/** Argument schemas shared by commands. */
export const arg = {
  none: z.tuple([]),
  /** Any number of words. */
  words: z.array(z.string()),
};
