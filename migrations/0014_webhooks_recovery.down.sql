-- Rollback of webhooks_recovery.
DROP TABLE IF EXISTS webhook_rejection_counts;
DROP TABLE IF EXISTS webhook_rejections;
DROP TABLE IF EXISTS webhook_replay_jobs;
DROP INDEX CONCURRENTLY IF EXISTS webhook_events_received_at_idx;
DROP INDEX CONCURRENTLY IF EXISTS webhook_events_customer_id_idx;
DROP INDEX CONCURRENTLY IF EXISTS webhook_events_job_id_idx;
DROP FUNCTION IF EXISTS webhook_payload_customer_id(jsonb);
DROP FUNCTION IF EXISTS webhook_payload_job_id(jsonb);
ALTER TABLE webhook_events DROP COLUMN IF EXISTS replayed_at;
