import type { AdapterStatus } from './core/chat.js';
import type { DataSourceInfo, StatusInfo } from './services.js';

/** Collects what subsystems report about themselves, for `about`, `status` and /readyz. */
export class StatusBoard implements StatusInfo {
  readonly version: string;
  readonly startedAt: number;
  readonly #adapters: Array<() => AdapterStatus> = [];
  readonly #sources: Array<() => DataSourceInfo | readonly DataSourceInfo[]> = [];
  readonly #details: Array<() => readonly string[]> = [];

  constructor(version: string, startedAt: number) {
    this.version = version;
    this.startedAt = startedAt;
  }

  addAdapter(fn: () => AdapterStatus): void {
    this.#adapters.push(fn);
  }
  addSource(fn: () => DataSourceInfo | readonly DataSourceInfo[]): void {
    this.#sources.push(fn);
  }
  addDetails(fn: () => readonly string[]): void {
    this.#details.push(fn);
  }

  adapters(): readonly AdapterStatus[] {
    return this.#adapters.map((f) => f());
  }
  sources(): readonly DataSourceInfo[] {
    return this.#sources.flatMap((f) => f());
  }
  details(): readonly string[] {
    return this.#details.flatMap((f) => f());
  }
}
