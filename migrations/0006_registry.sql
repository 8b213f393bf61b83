-- Registry manifests fetched by digest (image indexes and BuildKit attestation manifests).
-- Content addressed by its digest never changes, so a manifest fetched once is never fetched
-- again: each GET counts against Docker Hub's pull limit. Times are unix ms.

CREATE TABLE registry_manifests (
  digest      TEXT PRIMARY KEY,           -- "sha256:<64 hex>", verified against the body
  media_type  TEXT NOT NULL,
  body        TEXT NOT NULL,              -- the manifest JSON exactly as served
  fetched_at  INTEGER NOT NULL,
  used_at     INTEGER NOT NULL            -- last read; the least recently used rows are pruned
) STRICT;
CREATE INDEX registry_manifests_used ON registry_manifests(used_at);
