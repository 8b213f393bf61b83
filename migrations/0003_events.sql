-- Review and publish announcements: snapshots, seen events, subscriptions, the outbox and
-- publish tracking. Times are unix ms.

-- The last state of each pull request we looked at; the diff compares the next poll with it.
CREATE TABLE pr_snapshots (
  pr_key      TEXT PRIMARY KEY,          -- "docker-library/official-images#20123"
  repo        TEXT NOT NULL,
  number      INTEGER NOT NULL,
  state       TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,          -- GitHub updatedAt
  snapshot    TEXT NOT NULL,             -- JSON PrSnapshot
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX pr_snapshots_state ON pr_snapshots(state, updated_at);

-- Every event id ever produced: the dedupe key end to end.
CREATE TABLE seen_events (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL,
  occurred_at   INTEGER NOT NULL,
  first_seen_at INTEGER NOT NULL
) STRICT;

-- Poll cursors and health per source ("github:<owner/name>", "hub").
CREATE TABLE event_sources (
  source          TEXT PRIMARY KEY,
  cursor          TEXT,
  baseline_at     INTEGER,               -- when the present was first recorded (no backlog before)
  last_success_at INTEGER,
  last_error      TEXT,
  last_error_at   INTEGER,
  detail          TEXT
) STRICT;

CREATE TABLE subscriptions (
  id          INTEGER PRIMARY KEY,
  channel_key TEXT NOT NULL,
  images      TEXT NOT NULL,             -- JSON array of names and globs
  events      TEXT NOT NULL,             -- JSON array of kinds and globs
  mode        TEXT NOT NULL CHECK (mode IN ('every', 'merged-and-published', 'digest')),
  digest_time TEXT,                      -- "HH:MM" UTC, for mode digest
  origin      TEXT NOT NULL CHECK (origin IN ('config', 'command')),
  created_by  TEXT,
  created_at  INTEGER NOT NULL,
  spec_key    TEXT NOT NULL,             -- canonical form: seeding twice does not duplicate
  UNIQUE (channel_key, spec_key)
) STRICT;

-- One row per (event, channel). Rows are marked sent only after the adapter accepted them.
-- subscription_id has no foreign key on purpose: unsubscribing must not erase why a message was sent.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  event_id        TEXT NOT NULL,
  channel_key     TEXT NOT NULL,
  subscription_id INTEGER,
  rule            TEXT NOT NULL,         -- the rule as it read when the row was queued
  code            TEXT NOT NULL,         -- short ref shown in the announcement, for `why`
  kind            TEXT NOT NULL,
  pr_key          TEXT,
  line            TEXT NOT NULL,         -- JSON RichText: the one-line announcement (IRC; Slack thread reply)
  card            TEXT,                  -- JSON RichText: the PR card Slack edits in place
  state           TEXT NOT NULL CHECK (state IN ('pending', 'held', 'sent', 'dead', 'folded')),
  stage           INTEGER NOT NULL DEFAULT 0, -- Slack: 1 = card posted/edited, detail still to send
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_at         INTEGER NOT NULL,
  occurred_at     INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  last_error      TEXT,
  ref             TEXT,
  UNIQUE (event_id, channel_key)
) STRICT;
CREATE INDEX outbox_queue ON outbox(state, channel_key, id);
CREATE INDEX outbox_code ON outbox(channel_key, code);
CREATE INDEX outbox_by_kind ON outbox(kind, state, channel_key, id);

-- The Slack card of each PR per channel, edited in place as the PR moves.
CREATE TABLE slack_cards (
  pr_key      TEXT NOT NULL,
  channel_key TEXT NOT NULL,
  ref         TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (pr_key, channel_key)
) STRICT;

-- GitHub webhook deliveries already handled (X-GitHub-Delivery stays the same on redelivery).
CREATE TABLE webhook_deliveries (
  delivery_id TEXT PRIMARY KEY,
  event       TEXT NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;

-- The library/ tree as last seen: a changed blob is a changed manifest (merge or direct push).
CREATE TABLE library_files (
  image       TEXT PRIMARY KEY,
  blob_oid    TEXT NOT NULL,
  commit_oid  TEXT NOT NULL,
  recorded_at INTEGER NOT NULL
) STRICT;

-- A manifest change whose tags are awaited on Docker Hub, per architecture.
CREATE TABLE publish_runs (
  id            INTEGER PRIMARY KEY,
  image         TEXT NOT NULL,
  commit_oid    TEXT NOT NULL,
  pr_number     INTEGER,
  pr_url        TEXT,
  changed_at    INTEGER NOT NULL,        -- merge (or commit) time: Hub pushes after it count
  reason        TEXT NOT NULL CHECK (reason IN ('new-version', 'rebuild', 'unknown')),
  tags          TEXT NOT NULL,           -- JSON [[tag, [arch, ...]], ...] in manifest order
  new_tags      TEXT NOT NULL,           -- JSON array
  published     TEXT NOT NULL DEFAULT '{}', -- JSON {arch: ms when all its tags were seen}
  announced     TEXT NOT NULL DEFAULT '[]', -- JSON arches already announced
  state         TEXT NOT NULL CHECK (state IN ('pending', 'done', 'expired')),
  created_at    INTEGER NOT NULL,
  checked_at    INTEGER,
  UNIQUE (image, commit_oid)
) STRICT;
CREATE INDEX publish_runs_pending ON publish_runs(state, image);

-- Rebuild detection: the digest each watched tag had when last checked on Docker Hub.
CREATE TABLE hub_tag_digests (
  image      TEXT NOT NULL,
  tag        TEXT NOT NULL,
  digest     TEXT NOT NULL,
  checked_at INTEGER NOT NULL,
  PRIMARY KEY (image, tag)
) STRICT;

-- New digests with no library/ change behind them (base-image refreshes), held for a window so
-- that many images republished together are announced as one roll-up.
CREATE TABLE hub_rebuilds (
  id          INTEGER PRIMARY KEY,
  image       TEXT NOT NULL,
  key         TEXT NOT NULL UNIQUE,      -- image + the new tag digests: the same rebuild is recorded once
  tags        TEXT NOT NULL,             -- JSON tag names whose digest changed, in Hub order
  arches      TEXT NOT NULL,             -- JSON bashbrew architectures of the new digests
  detected_at INTEGER NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('held', 'announced'))
) STRICT;
CREATE INDEX hub_rebuilds_held ON hub_rebuilds(state, detected_at);
