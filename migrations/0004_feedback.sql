-- Feedback reports from chat to an issue tracker (issue 7). Times are unix ms.
--
-- Life of a report: 'proposed' (the bot showed where it goes and a confirm code) ->
-- 'queued' (confirmed; stored before GitHub is called) -> 'filing' (one attempt in flight,
-- `attempt_id` names it) -> 'filed'. Side exits: 'cancelled', 'expired' (not confirmed in
-- time), 'failed' (GitHub refused it for good, or retries ran out).
-- `create_sent` = a createIssue mutation may have reached GitHub: before trying again the
-- worker looks for an issue carrying `<!-- doi-bot-report: <id> -->`, so a crash or a lost
-- answer between createIssue and the UPDATE cannot produce a second issue.
CREATE TABLE feedback_reports (
  id            TEXT PRIMARY KEY,          -- random; the hidden marker in the issue body
  code          TEXT NOT NULL UNIQUE,      -- short code for confirm/cancel, shown in chat
  state         TEXT NOT NULL CHECK (state IN ('proposed', 'queued', 'filing', 'filed', 'cancelled', 'expired', 'failed')),
  kind          TEXT NOT NULL CHECK (kind IN ('image', 'docs', 'process')),
  image         TEXT,
  tag           TEXT,
  repo          TEXT NOT NULL,             -- "owner/name" the issue goes to
  repo_id       TEXT,                      -- GitHub node id of repo, once known
  title         TEXT NOT NULL,             -- already neutralised and capped
  body          TEXT NOT NULL,             -- already neutralised and capped, marker included
  reporter      TEXT NOT NULL,             -- verified identity "irc:alice" / "slack:U0123"
  reporter_name TEXT NOT NULL,
  channel_key   TEXT NOT NULL,             -- where the reporter is told the outcome
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  confirmed_at  INTEGER,
  attempts      INTEGER NOT NULL DEFAULT 0,
  next_at       INTEGER,
  attempt_id    TEXT,
  create_sent   INTEGER NOT NULL DEFAULT 0 CHECK (create_sent IN (0, 1)),
  issue_number  INTEGER,
  issue_url     TEXT,
  filed_at      INTEGER,
  last_error    TEXT,
  closed_by     TEXT                       -- who cancelled it (the reporter or an admin)
) STRICT;
CREATE INDEX feedback_reports_queue ON feedback_reports(state, next_at);
CREATE INDEX feedback_reports_reporter ON feedback_reports(reporter, created_at);
CREATE INDEX feedback_reports_confirmed ON feedback_reports(confirmed_at);
