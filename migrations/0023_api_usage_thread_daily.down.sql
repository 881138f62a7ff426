-- Rollback of 0023_api_usage_thread_daily: its triggers, functions and tables. api_usage is untouched;
-- the app then sums the raw rows for cost per conversation and per customer.
DROP TRIGGER IF EXISTS api_usage_thread_daily_insert ON api_usage;
DROP TRIGGER IF EXISTS api_usage_thread_daily_update ON api_usage;
DROP TRIGGER IF EXISTS api_usage_thread_daily_delete ON api_usage;
DROP TRIGGER IF EXISTS api_usage_thread_daily_truncate ON api_usage;
DROP PROCEDURE IF EXISTS api_usage_thread_daily_rebuild(text, integer);
DROP FUNCTION IF EXISTS api_usage_thread_daily_reconcile(date, date);
DROP FUNCTION IF EXISTS api_usage_thread_daily_truncate();
DROP FUNCTION IF EXISTS api_usage_thread_daily_apply();
DROP TABLE IF EXISTS api_usage_thread_daily, api_usage_thread_rollup_settings;
