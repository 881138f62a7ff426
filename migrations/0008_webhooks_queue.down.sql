-- Rollback of 0008_webhooks_queue. Dropping the columns discards the error histories and the
-- customers' source timestamps (replayed customer events would then apply regardless of age).
DROP INDEX CONCURRENTLY IF EXISTS webhook_events_status_id_idx;
ALTER TABLE customers DROP COLUMN IF EXISTS source_updated_at;
ALTER TABLE webhook_events DROP COLUMN IF EXISTS errors;
