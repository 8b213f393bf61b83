-- Which tags each image's manifest held, as seen at catalog refreshes, so an answer about a tag
-- that left the manifest can say when it left. Owned by the catalog module (src/catalog/).
CREATE TABLE catalog_tags_seen (
  image       TEXT NOT NULL,
  tag         TEXT NOT NULL,               -- a Tag or a SharedTag
  first_seen  INTEGER NOT NULL,            -- first refresh that had it (unix ms)
  last_seen   INTEGER NOT NULL,            -- last refresh that had it (unix ms)
  left_at     INTEGER,                     -- first refresh without it after it was seen; NULL while present
  PRIMARY KEY (image, tag)
) STRICT, WITHOUT ROWID;
