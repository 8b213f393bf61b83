import type { Db } from '../store/db.js';

/**
 * The one module that reads or writes `pipeline_samples`: observed delays between release
 * pipeline steps that the events tables do not hold (image repo commit -> official-images PR).
 */
export class PipelineSampleStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** One sample per image version; a second observation of the same version is ignored. */
  recordRepoToPr(image: string, version: string, startedAt: number, finishedAt: number, now: number): void {
    this.#db
      .prepare('INSERT OR IGNORE INTO pipeline_samples(image, version, step, started_at, finished_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(image, version, 'repo-to-pr', startedAt, finishedAt, now);
  }

  /** The newest `limit` repo-to-PR delays of `image`. */
  repoToPrDelays(image: string, limit: number): number[] {
    return this.#db
      .prepare<[string, number], { d: number }>("SELECT finished_at - started_at AS d FROM pipeline_samples WHERE image = ? AND step = 'repo-to-pr' ORDER BY finished_at DESC LIMIT ?")
      .all(image, limit)
      .map((r) => r.d);
  }
}
