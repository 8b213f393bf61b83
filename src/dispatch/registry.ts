import { typoDistance } from '../core/distance.js';
import type { CommandDef } from './command.js';

export interface CommandMatch {
  readonly command: CommandDef;
  /** How many tokens the command name used. */
  readonly wordCount: number;
}

/** Name/alias lookup with multi-word names; duplicates are a programming error caught at start. */
export class CommandRegistry {
  readonly #byName = new Map<string, CommandDef>();
  readonly #all: CommandDef[];
  readonly #maxWords: number;

  constructor(commands: readonly CommandDef[]) {
    this.#all = [...commands];
    let maxWords = 1;
    for (const cmd of commands) {
      for (const name of [cmd.name, ...cmd.aliases]) {
        const key = normalise(name);
        if (!key) throw new Error(`command with an empty name (${cmd.usage})`);
        const prior = this.#byName.get(key);
        if (prior) throw new Error(`duplicate command name "${key}" (${prior.name} and ${cmd.name})`);
        this.#byName.set(key, cmd);
        maxWords = Math.max(maxWords, key.split(' ').length);
      }
    }
    this.#maxWords = maxWords;
  }

  all(): readonly CommandDef[] {
    return this.#all;
  }

  get(name: string): CommandDef | undefined {
    return this.#byName.get(normalise(name));
  }

  /** Longest multi-word match at the start of the tokens. */
  match(tokens: readonly string[]): CommandMatch | undefined {
    for (let n = Math.min(this.#maxWords, tokens.length); n >= 1; n--) {
      const command = this.#byName.get(normalise(tokens.slice(0, n).join(' ')));
      if (command) return { command, wordCount: n };
    }
    return undefined;
  }

  /** Closest names to a typo, for "did you mean". */
  suggest(word: string): string | undefined {
    const w = word.toLowerCase();
    let best: { name: string; d: number } | undefined;
    for (const name of this.#byName.keys()) {
      const first = name.split(' ')[0]!;
      // "arch" for "arches": a typed prefix of three or more letters counts as one edit.
      const d = w.length >= 3 && first.startsWith(w) ? Math.min(1, typoDistance(w, first)) : typoDistance(w, first);
      if (d <= Math.max(1, Math.floor(w.length / 3)) && (!best || d < best.d)) best = { name, d };
    }
    return best?.name;
  }
}

const normalise = (name: string) => name.trim().toLowerCase().replace(/\s+/g, ' ');

