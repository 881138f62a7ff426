-- Rollback of 0009_identity_thread_rate_limit: the per-thread OTP count falls back to a Seq Scan
-- of shared_thread_pending_links (correct, slower as the table grows).
DROP INDEX CONCURRENTLY IF EXISTS shared_thread_pending_links_thread_created_idx;
