-- The last catalog files fetched from the catalog source, so a restart answers at once and a
-- refresh can skip unchanged data by revision. One row per source kind; the raw files are kept
-- (not the parsed catalog) so a newer parser rebuilds from them without refetching.
CREATE TABLE catalog_cache (
  source      TEXT PRIMARY KEY,           -- CatalogSource.name: "github", "directory", "bundled snapshot"
  detail      TEXT NOT NULL,              -- CatalogSource.detail at fetch time
  revision    TEXT NOT NULL,              -- commit sha, tree oid or content hash
  data_date   INTEGER,                    -- upstream commit time (unix ms), when known
  fetched_at  INTEGER NOT NULL,           -- when we fetched it (unix ms)
  files       TEXT NOT NULL CHECK (json_valid(files))  -- {"library": {...}, "docs": {...}}
) STRICT;
