import type { Db } from './db.js';

/** Key/value settings persisted in SQLite. */
export class SettingsRepo {
  readonly #get;
  readonly #put;
  constructor(db: Db) {
    this.#get = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.#put = db.prepare<[string, string, number]>(
      'INSERT INTO settings(key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
    );
  }
  get(key: string): string | undefined {
    return this.#get.get(key)?.value;
  }
  set(key: string, value: string, now = Date.now()): void {
    this.#put.run(key, value, now);
  }
}
