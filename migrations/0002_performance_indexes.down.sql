-- Rollback of 0002_performance_indexes: the guide's rollback plan. Dropping these breaks nothing;
-- queries return to full table scans. `npm run migrate -- down` runs this and records the revert;
-- `psql $DATABASE_URL -f migrations/0002_performance_indexes.down.sql` works too.

-- Critical Priority
DROP INDEX IF EXISTS shared_thread_messages_thread_id_idx;
DROP INDEX IF EXISTS shared_thread_messages_thread_created_idx;
DROP INDEX IF EXISTS appointments_customer_id_idx;
DROP INDEX IF EXISTS appointments_date_idx;
DROP INDEX IF EXISTS appointments_status_idx;

-- High Priority
DROP INDEX IF EXISTS api_usage_analytics_idx;
DROP INDEX IF EXISTS shared_thread_pending_links_rate_limit_idx;

-- Medium Priority
DROP INDEX IF EXISTS webhook_events_processing_idx;
DROP INDEX IF EXISTS attribution_data_conversion_event_idx;
