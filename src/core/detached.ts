import type { Logger } from './log.js';

/** The one sanctioned fire-and-forget: failures are logged, never thrown into an event handler. */
export function runDetached(log: Logger, label: string, fn: () => Promise<unknown>): void {
  fn().catch((err: unknown) => log.error({ err, task: label }, 'background task failed'));
}
