/**
 * Tag presence per catalog refresh (table catalog_tags_seen, migration 0008): after each new
 * catalog the tags it holds are marked seen and the tags it no longer holds are marked gone, so
 * "python:3.8 left the manifest on <date>" is known for tags the bot has seen.
 */
import type { Db } from '../store/db.js';
import type { Catalog } from './catalog.js';

export interface TagPresence {
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** When a refresh first found it gone; undefined while it is in the manifest. */
  readonly leftAt?: number;
}

interface Row {
  first_seen: number;
  last_seen: number;
  left_at: number | null;
}

export class TagHistory {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Records the catalog's tags as present at `now` and every other known tag as gone. */
  record(catalog: Catalog, now: number): void {
    const db = this.#db;
    const upsert = db.prepare(
      `INSERT INTO catalog_tags_seen(image, tag, first_seen, last_seen, left_at) VALUES (?, ?, ?, ?, NULL)
       ON CONFLICT(image, tag) DO UPDATE SET last_seen = excluded.last_seen, left_at = NULL`,
    );
    db.transaction(() => {
      db.exec('CREATE TEMP TABLE IF NOT EXISTS catalog_tags_now(image TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (image, tag)) WITHOUT ROWID');
      db.exec('DELETE FROM temp.catalog_tags_now');
      const mark = db.prepare('INSERT OR IGNORE INTO temp.catalog_tags_now(image, tag) VALUES (?, ?)');
      for (const name of catalog.names()) {
        const image = catalog.image(name)!;
        // An unreadable manifest says nothing about which tags left it.
        if (image.unreadable !== undefined) {
          db.prepare('INSERT OR IGNORE INTO temp.catalog_tags_now(image, tag) SELECT image, tag FROM catalog_tags_seen WHERE image = ?').run(name);
          continue;
        }
        for (const tag of [...image.tags, ...image.sharedTags]) {
          upsert.run(name, tag, now, now);
          mark.run(name, tag);
        }
      }
      db.prepare(
        `UPDATE catalog_tags_seen SET left_at = ? WHERE left_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM temp.catalog_tags_now n WHERE n.image = catalog_tags_seen.image AND n.tag = catalog_tags_seen.tag)`,
      ).run(now);
      db.exec('DELETE FROM temp.catalog_tags_now');
    })();
  }

  hasAny(): boolean {
    return this.#db.prepare('SELECT 1 FROM catalog_tags_seen LIMIT 1').get() !== undefined;
  }

  get(image: string, tag: string): TagPresence | undefined {
    const row = this.#db.prepare<[string, string], Row>('SELECT first_seen, last_seen, left_at FROM catalog_tags_seen WHERE image = ? AND tag = ?').get(image, tag);
    if (!row) return undefined;
    return { firstSeen: row.first_seen, lastSeen: row.last_seen, ...(row.left_at !== null ? { leftAt: row.left_at } : {}) };
  }
}
