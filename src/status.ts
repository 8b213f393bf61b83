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

const HIDDEN = '(private channel)';
/** Slack's ids of private channels (legacy groups) start with G. */
const SLACK_PRIVATE_ID = /\bG[A-Z0-9]{8,}\b/g;

/**
 * The status as a stranger may see it: every private channel the adapter names (IRC channels
 * with a key, private Slack channels) is replaced in its detail and problems. Admins and the
 * loopback ops listener see the original.
 */
export function withoutPrivateChannels(a: AdapterStatus): AdapterStatus {
  const names = (a.privateChannels ?? []).filter((n) => n.length > 0);
  const hide = (text: string): string => {
    let out = text.replace(SLACK_PRIVATE_ID, HIDDEN);
    for (const name of names) out = out.replace(new RegExp(`(?<![^\\s,(:;])${escapeRegExp(name)}(?![^\\s,):;])`, 'giu'), HIDDEN);
    return out;
  };
  return {
    ...a,
    ...(a.detail !== undefined ? { detail: hide(a.detail) } : {}),
    ...(a.problems ? { problems: a.problems.map(hide) } : {}),
    privateChannels: [],
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
