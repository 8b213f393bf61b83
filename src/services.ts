/**
 * The service interfaces commands receive through CommandContext. Commands depend on these
 * shapes only; concrete implementations are wired in src/app.ts.
 */
import type { AdapterStatus } from './core/chat.js';
import type { CommandDef } from './dispatch/command.js';

export interface DataSourceInfo {
  readonly name: string;
  readonly detail: string;
  /** When the data was last refreshed (ms since epoch), if known. */
  readonly updatedAt?: number;
  /** The age of the underlying data itself (snapshot commit date), if known. */
  readonly dataDate?: number;
}

export interface StatusInfo {
  readonly version: string;
  readonly startedAt: number;
  adapters(): readonly AdapterStatus[];
  sources(): readonly DataSourceInfo[];
  /** Extra lines from subsystems (outbox depth, dead letters, poll state). */
  details(): readonly string[];
}

export interface CommandServices {
  readonly status: StatusInfo;
  /** The registry, for help. */
  readonly commands: () => readonly CommandDef[];
}
