-- One-shot notifications ("notify me when python:3.14.2 is published", "notify me about pr 123")
-- and the pipeline delays the bot observed for `when` estimates. Times are unix ms.

CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('tag', 'pr')),
  image       TEXT,                      -- kind tag
  tag         TEXT,                      -- kind tag
  pr_number   INTEGER,                   -- kind pr
  identity    TEXT NOT NULL,             -- verified identity of the asker: "irc:<account>", "slack:<user id>"
  target      TEXT NOT NULL,             -- where the private message goes: "irc:<nick>", "slack:<user id>"
  state       TEXT NOT NULL CHECK (state IN ('pending', 'fired', 'cancelled')),
  created_at  INTEGER NOT NULL,
  fired_at    INTEGER,
  outcome     TEXT,                      -- what was seen when it fired ("merged", "published on amd64, ...")
  CHECK ((kind = 'tag' AND image IS NOT NULL AND tag IS NOT NULL AND pr_number IS NULL)
      OR (kind = 'pr' AND pr_number IS NOT NULL AND image IS NULL AND tag IS NULL))
) STRICT;
-- The same person asking twice for the same thing while it is pending gets one notification.
CREATE UNIQUE INDEX notifications_once ON notifications(identity, kind, COALESCE(image, ''), COALESCE(tag, ''), COALESCE(pr_number, 0))
  WHERE state = 'pending';
CREATE INDEX notifications_pending ON notifications(state, kind);

-- Observed delays between release pipeline steps that the events tables do not hold
-- (image repo commit -> official-images PR opened), one sample per image version.
CREATE TABLE pipeline_samples (
  image       TEXT NOT NULL,
  version     TEXT NOT NULL,
  step        TEXT NOT NULL CHECK (step IN ('repo-to-pr')),
  started_at  INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (image, version, step)
) STRICT;
