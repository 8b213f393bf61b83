/** Small pieces the Slack adapter needs around the SDK: its logger, dedup keys, URLs. */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import { errorMessage } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * Bolt and the SDKs log through this. Their debug output includes whole payloads and request
 * bodies, so debug is dropped even when our own level is debug.
 */
export function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'slack-sdk' });
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : errorMessage(m))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: () => undefined,
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** A bounded set of recently seen keys (insertion order = age). */
export class RecentKeys {
  readonly #keys = new Set<string>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  has(key: string): boolean {
    return this.#keys.has(key);
  }
  add(key: string): void {
    this.#keys.add(key);
    if (this.#keys.size > this.#max) {
      const oldest = this.#keys.values().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
  }
}
