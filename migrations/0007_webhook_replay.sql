-- Replay defence for the GitHub webhook: a captured signed body sent again under a new
-- X-GitHub-Delivery id is recognised by its SHA-256 for as long as delivery ids are kept.
-- Rows from before this migration have no hash (NULLs do not collide in a UNIQUE index).
ALTER TABLE webhook_deliveries ADD COLUMN body_sha256 TEXT;
CREATE UNIQUE INDEX webhook_deliveries_body ON webhook_deliveries(body_sha256);
