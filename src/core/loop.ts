import type { Clock } from './clock.js';

export interface LoopOptions {
  readonly clock: Clock;
  /** One pass of the job. Returns the wait before the next pass, or nothing for the (jittered) interval. */
  readonly pass: () => Promise<number | void> | number | void;
  readonly intervalMs: number;
  /** 0.2 = each wait is the interval ±20%, so several instances do not poll in step. */
  readonly jitter?: number;
  /**
   * A pass threw. Returns the wait before the next pass (nothing = the interval). A loop never
   * stops on an error, so this is where the job logs it.
   */
  readonly onError: (err: unknown) => number | void;
  /** Tests pin the jitter. */
  readonly random?: () => number;
}

/** `ms` spread by ±jitter (0.2 = ±20%). */
export function jittered(ms: number, jitter: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 - jitter + random() * 2 * jitter));
}

/**
 * Waits until every one of `work` has settled, but at most `deadlineMs`: how a job's stop()
 * waits for its pass and sends in flight. False when the deadline came first.
 */
export async function settledWithin(clock: Clock, deadlineMs: number, work: Iterable<Promise<unknown>>): Promise<boolean> {
  const stop = new AbortController();
  try {
    return await Promise.race([Promise.allSettled(work).then(() => true), clock.sleep(deadlineMs, stop.signal).then(() => false)]);
  } finally {
    stop.abort();
  }
}

interface Run {
  running: boolean;
  kicked: boolean;
  wake: AbortController;
}

/**
 * The one background-loop skeleton: a pass now, then one every interval; passes never overlap;
 * `kick()` ends the current wait (a kick during a pass makes the next pass start at once);
 * `stop()` ends the wait and resolves when the pass in progress has finished. It can be started again.
 */
export class Loop {
  readonly #o: LoopOptions;
  #current: Run | undefined;
  /** Settles when the last started run has ended. */
  #done: Promise<void> = Promise.resolve();
  #active = 0;

  constructor(opts: LoopOptions) {
    this.#o = opts;
  }

  get running(): boolean {
    return this.#current?.running ?? false;
  }

  start(): void {
    if (this.#current?.running) return;
    const run: Run = { running: true, kicked: false, wake: new AbortController() };
    this.#current = run;
    // Started again before a stopped run finished its pass: the new run waits for it, so passes never overlap.
    this.#done = this.#active === 0 ? this.#track(run) : this.#done.then(() => this.#track(run));
  }

  kick(): void {
    const run = this.#current;
    if (!run?.running) return;
    run.kicked = true;
    run.wake.abort();
  }

  stop(): Promise<void> {
    const run = this.#current;
    if (run) {
      run.running = false;
      run.wake.abort();
    }
    return this.#done;
  }

  async #track(run: Run): Promise<void> {
    this.#active++;
    try {
      await this.#run(run);
    } finally {
      this.#active--;
    }
  }

  async #run(run: Run): Promise<void> {
    const { clock, intervalMs, jitter = 0, random = Math.random } = this.#o;
    while (run.running) {
      run.kicked = false;
      let wait: number | void;
      try {
        wait = await this.#o.pass();
      } catch (err) {
        wait = this.#o.onError(err);
      }
      if (!run.running) break;
      if (run.kicked) continue;
      run.wake = new AbortController();
      const ms = wait ?? jittered(intervalMs, jitter, random);
      if (ms > 0) await clock.sleep(ms, run.wake.signal);
    }
  }
}
