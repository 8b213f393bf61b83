/**
 * "tgas python", "subscrbe python": a command with a slip in its name. Told apart from a
 * question, so the free-form answer about python does not hide that the command never ran.
 */
import { COMMON_WORDS } from './vocabulary.js';
import type { Word } from './words.js';

/** Words that make a text a question even without a '?'. */
const QUESTION_WORDS = new Set(['what', 'whats', "what's", 'which', 'why', 'how', 'who', 'whom', 'whose', 'where', 'when']);

export interface MistypedCommand {
  /** The first word as typed (lower case). */
  readonly typed: string;
  /** The command name it is a slip of. */
  readonly command: string;
}

/**
 * The first word is no command, no image and no ordinary word, but within typo distance of a
 * command name (`nearCommand`), and the text does not read as a question.
 */
export function mistypedCommand(
  input: string,
  words: readonly Word[],
  nearCommand: (word: string) => string | undefined,
  isImage: (word: string) => boolean,
): MistypedCommand | undefined {
  const typed = words[0]?.raw.toLowerCase();
  // Command names are letters only; "python:3" or "#123" is never one.
  if (typed === undefined || !/^[a-z]+$/.test(typed) || COMMON_WORDS.has(typed) || isImage(typed)) return undefined;
  if (input.includes('?') || words.some((w) => QUESTION_WORDS.has(w.text))) return undefined;
  const command = nearCommand(typed);
  // A command's own name is no slip: "notify me about bananas" failed its usage and is asked here.
  return command === undefined || command.split(' ')[0] === typed ? undefined : { typed, command };
}
