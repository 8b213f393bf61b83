/**
 * What the code running right now is doing for: a chat command (with the signal its timeout
 * aborts) or background work (no scope). Upstream clients read it to charge a command's requests
 * to the command budget and to drop a timed-out command's queued requests before they are sent,
 * without every service method growing a signal parameter.
 *
 * It carries budget and cancellation only, never reply state: where a reply goes travels in the
 * message's explicit ReplyAddress (test/unit/lint/ambient-state.test.ts keeps it so).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestScope {
  readonly kind: 'command';
  /** Aborted when the command timed out: its answer is no longer awaited. */
  readonly signal: AbortSignal;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}
