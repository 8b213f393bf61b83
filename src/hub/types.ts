/**
 * The longest Docker Hub wait a chat answer accepts (about the time a reader notices a pause);
 * after it the answer comes from the manifests, says the Hub facts are pending, and the lookup
 * runs on so the next question finds them cached.
 */
export const HUB_WAIT_MS = 300;
/** The `why` of an answer that did not wait for Docker Hub; its lookup is still running. */
export const HUB_PENDING = 'Docker Hub is slow to answer; its facts are pending, ask again in a few seconds';

/** Docker Hub facts about one tag, as the bot uses them (field meanings from Hub's v2 API). */
export interface HubImage {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly digest?: string;
  /** ms since epoch */
  readonly lastPushed?: number;
  readonly status?: string;
}

export interface HubTag {
  readonly name: string;
  /** The manifest list / index digest. */
  readonly digest?: string;
  /** ms since epoch */
  readonly lastUpdated?: number;
  /** ms since epoch */
  readonly tagLastPushed?: number;
  readonly images: readonly HubImage[];
}

export interface HubFreshness {
  /** Accept a cached answer only if younger than this; 0 asks Hub (pollers waiting for a new digest). */
  readonly maxAgeMs?: number;
}

export interface HubLookup {
  /** null when Hub says the tag does not exist; throws UpstreamError when Hub is unreachable. */
  getTag(repository: string, tag: string, opts?: HubFreshness): Promise<HubTag | null>;
  /** All tags of library/<repository>, most recently updated first, following pages up to a cap. */
  listTags(repository: string, opts?: { maxPages?: number } & HubFreshness): Promise<readonly HubTag[]>;
}
