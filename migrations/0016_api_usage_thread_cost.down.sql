-- Rollback of api_usage_thread_cost: per-thread and per-customer cost read the whole window.
DROP INDEX CONCURRENTLY IF EXISTS api_usage_thread_cost_idx;
