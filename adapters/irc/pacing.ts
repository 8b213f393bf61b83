import type { Clock } from '../../src/core/clock.js';

export interface PacerOptions {
  /** Lines that may go out back to back when the bucket is full. */
  readonly burst: number;
  /** One token comes back every `intervalMs`; 0 means unpaced. */
  readonly intervalMs: number;
  readonly clock: Clock;
  /**
   * Writes one line to the connection. Returns false when it cannot (not connected): the line
   * stays at the head of its queue and the pacer waits for `resume()`.
   */
  readonly write: (line: string) => boolean;
  /** Most lines held at once; beyond it `enqueue` refuses (back-pressure, bounded memory). */
  readonly maxQueued?: number;
  /**
   * Most lines held for one target, so one person's flood cannot fill the whole queue: at the
   * cap the target's oldest droppable lines (replies) give way, else the new lines are refused.
   */
  readonly maxPerTarget?: number;
  /** Told about replies dropped to make room (for a log line). */
  readonly onDrop?: (target: string, lines: number) => void;
}

interface Pending {
  readonly line: string;
  /** Lines of one enqueue() call share a group; a dropped reply goes as a whole. */
  readonly group: number;
  readonly droppable: boolean;
  /** On the last line of an enqueue() call. */
  readonly done?: () => void;
  readonly fail?: (err: Error) => void;
}

export class QueueFullError extends Error {}

/** A reply dropped from a full target queue to make room for newer lines. */
export class DroppedError extends Error {}

export const DEFAULT_MAX_PER_TARGET = 100;

/**
 * A token bucket per connection with round-robin fairness across targets: one chatty channel
 * cannot starve a private reply. Control lines (JOIN, MODE, NICK) jump the queue but still pay a
 * token, so nothing the bot writes after registration escapes the flood budget.
 */
export class Pacer {
  readonly #o: PacerOptions;
  readonly #queues = new Map<string, Pending[]>();
  /** Round-robin order of targets that have lines waiting. */
  readonly #order: string[] = [];
  readonly #control: Pending[] = [];
  #tokens: number;
  #refilledAt: number;
  #paused = true;
  #draining = false;
  #stopped = false;
  #wake: AbortController | undefined;
  #written = 0;
  #groups = 0;

  constructor(opts: PacerOptions) {
    this.#o = opts;
    this.#tokens = opts.burst;
    this.#refilledAt = opts.clock.now();
  }

  /** Lines waiting to be written. */
  get queued(): number {
    let n = this.#control.length;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  get written(): number {
    return this.#written;
  }

  /** Lines waiting for one target. */
  queuedFor(target: string): number {
    return this.#queues.get(target)?.length ?? 0;
  }

  /**
   * Queues lines for `target`; resolves once the last one has been written. `droppable` lines
   * (replies: the asker can ask again) may later be dropped to keep the target under its cap.
   */
  enqueue(target: string, lines: readonly string[], opts: { droppable?: boolean } = {}): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    const perTarget = this.#o.maxPerTarget ?? DEFAULT_MAX_PER_TARGET;
    if (lines.length > perTarget) return Promise.reject(new QueueFullError(`${lines.length} lines for ${target} are more than its cap of ${perTarget}`));
    if (this.queuedFor(target) + lines.length > perTarget) this.#dropOldestReplies(target, this.queuedFor(target) + lines.length - perTarget);
    if (this.queuedFor(target) + lines.length > perTarget) {
      return Promise.reject(new QueueFullError(`IRC send queue for ${target} full (${this.queuedFor(target)} lines waiting)`));
    }
    const max = this.#o.maxQueued ?? 1000;
    if (this.queued + lines.length > max) return Promise.reject(new QueueFullError(`IRC send queue full (${this.queued} lines waiting)`));
    const group = ++this.#groups;
    const droppable = opts.droppable ?? false;
    return new Promise<void>((resolve, reject) => {
      let q = this.#queues.get(target);
      if (!q) {
        q = [];
        this.#queues.set(target, q);
      }
      if (!this.#order.includes(target)) this.#order.push(target);
      lines.forEach((line, i) => q.push(i === lines.length - 1 ? { line, group, droppable, done: resolve, fail: reject } : { line, group, droppable }));
      this.#kick();
    });
  }

  /** Drops whole droppable groups of `target`, oldest first, until `needed` lines are freed. */
  #dropOldestReplies(target: string, needed: number): void {
    const q = this.#queues.get(target);
    if (!q) return;
    let freed = 0;
    const dropped = new Set<number>();
    for (const p of q) {
      if (freed >= needed) break;
      if (!p.droppable || dropped.has(p.group)) continue;
      dropped.add(p.group);
      // Every line of the group counts: it leaves as a whole.
      freed += q.filter((x) => x.group === p.group).length;
    }
    if (dropped.size === 0) return;
    const kept = q.filter((p) => !dropped.has(p.group));
    const gone = q.filter((p) => dropped.has(p.group));
    q.length = 0;
    q.push(...kept);
    for (const p of gone) p.fail?.(new DroppedError(`reply to ${target} dropped: too many lines waiting for it`));
    this.#o.onDrop?.(target, gone.length);
  }

  /** A protocol line that goes before any queued text but still costs a token. */
  control(line: string): void {
    this.#control.push({ line, group: 0, droppable: false });
    this.#kick();
  }

  /** Connection is up: start writing. */
  resume(): void {
    this.#paused = false;
    this.#kick();
  }

  /** Connection is down: keep everything queued. Control lines belong to one connection. */
  pause(): void {
    this.#paused = true;
    this.#control.length = 0;
  }

  /** Drops everything queued; their senders get `err`. */
  stop(err: Error): void {
    this.#stopped = true;
    this.#wake?.abort();
    for (const target of [...this.#queues.keys()]) this.discard(target, err);
  }

  /** Drops the lines waiting for `target` (a channel that refused the bot); senders get `err`. */
  discard(target: string, err: Error): number {
    const q = this.#queues.get(target);
    if (!q) return 0;
    this.#queues.delete(target);
    const i = this.#order.indexOf(target);
    if (i >= 0) this.#order.splice(i, 1);
    for (const p of q) p.fail?.(err);
    return q.length;
  }

  #kick(): void {
    this.#wake?.abort();
    if (!this.#draining) void this.#drain();
  }

  #refill(): void {
    const now = this.#o.clock.now();
    if (this.#o.intervalMs <= 0) {
      this.#tokens = this.#o.burst;
    } else {
      const gained = (now - this.#refilledAt) / this.#o.intervalMs;
      this.#tokens = Math.min(this.#o.burst, this.#tokens + gained);
    }
    this.#refilledAt = now;
  }

  #next(): { pending: Pending; from: Pending[]; target?: string } | undefined {
    if (this.#control.length) return { pending: this.#control[0]!, from: this.#control };
    while (this.#order.length) {
      const target = this.#order[0]!;
      const q = this.#queues.get(target);
      if (q?.length) return { pending: q[0]!, from: q, target };
      this.#order.shift();
      this.#queues.delete(target);
    }
    return undefined;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (!this.#stopped && !this.#paused) {
        const next = this.#next();
        if (!next) return;
        this.#refill();
        if (this.#tokens < 1) {
          const waitMs = Math.ceil((1 - this.#tokens) * this.#o.intervalMs);
          this.#wake = new AbortController();
          await this.#o.clock.sleep(waitMs, this.#wake.signal);
          continue;
        }
        if (!this.#o.write(next.pending.line)) {
          this.#paused = true;
          return;
        }
        this.#tokens -= 1;
        this.#written++;
        next.from.shift();
        if (next.target !== undefined) {
          // Round robin: this target goes to the back of the line.
          this.#order.shift();
          if (next.from.length) this.#order.push(next.target);
          else this.#queues.delete(next.target);
        }
        next.pending.done?.();
      }
    } finally {
      this.#draining = false;
    }
  }
}
