-- IRC services accounts are now folded once, by the IRC adapter (RFC 1459 case mapping: lower
-- case, []\~ as {}|^), and compared as plain strings everywhere else. Rows written before kept
-- the account as typed (notifications) or only lower-cased it (feedback reports); fold them the
-- same way so their owners still find them.

-- A person who had the same pending notification under two spellings keeps one.
UPDATE OR IGNORE notifications
SET identity = 'irc:' || replace(replace(replace(replace(lower(substr(identity, 5)), '[', '{'), ']', '}'), '\', '|'), '~', '^')
WHERE identity LIKE 'irc:%';
UPDATE notifications SET state = 'cancelled'
WHERE state = 'pending' AND identity LIKE 'irc:%'
  AND identity <> 'irc:' || replace(replace(replace(replace(lower(substr(identity, 5)), '[', '{'), ']', '}'), '\', '|'), '~', '^');
UPDATE OR IGNORE notifications
SET identity = 'irc:' || replace(replace(replace(replace(lower(substr(identity, 5)), '[', '{'), ']', '}'), '\', '|'), '~', '^')
WHERE identity LIKE 'irc:%';
UPDATE notifications
SET target = 'irc:account:' || replace(replace(replace(replace(lower(substr(target, 13)), '[', '{'), ']', '}'), '\', '|'), '~', '^')
WHERE target LIKE 'irc:account:%';

UPDATE feedback_reports
SET reporter = 'irc:' || replace(replace(replace(replace(lower(substr(reporter, 5)), '[', '{'), ']', '}'), '\', '|'), '~', '^')
WHERE reporter LIKE 'irc:%';
UPDATE feedback_reports
SET channel_key = 'irc:account:' || replace(replace(replace(replace(lower(substr(channel_key, 13)), '[', '{'), ']', '}'), '\', '|'), '~', '^')
WHERE channel_key LIKE 'irc:account:%';
