-- Rollback of 0025_top_spenders_cache: its triggers, functions and table. The app then computes
-- the top spenders on every request (it reads the cache only when the table exists).
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_customer ON customers;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_thread ON shared_threads;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_settings ON api_usage_rollup_settings;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_settings ON api_usage_thread_rollup_settings;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_insert ON api_usage;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_update ON api_usage;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_delete ON api_usage;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_truncate ON api_usage;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_insert ON api_usage_daily;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_update ON api_usage_daily;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_delete ON api_usage_daily;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_truncate ON api_usage_daily;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_insert ON api_usage_thread_daily;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_update ON api_usage_thread_daily;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_delete ON api_usage_thread_daily;
DROP TRIGGER IF EXISTS api_usage_top_spenders_cache_truncate ON api_usage_thread_daily;
DROP FUNCTION IF EXISTS api_usage_top_spenders_cache_on_customer();
DROP FUNCTION IF EXISTS api_usage_top_spenders_cache_on_thread();
DROP FUNCTION IF EXISTS api_usage_top_spenders_cache_on_settings();
DROP FUNCTION IF EXISTS api_usage_top_spenders_cache_on_rollup();
DROP FUNCTION IF EXISTS api_usage_top_spenders_cache_on_usage();
DROP FUNCTION IF EXISTS api_usage_top_spenders_cache_invalidate(date[]);
DROP TABLE IF EXISTS api_usage_top_spenders_cache;
