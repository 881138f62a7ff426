-- Rollback of 0005_api_usage_daily_rollup: the triggers, functions and tables of the rollup, and
-- api_usage's autovacuum settings back to the server's defaults. api_usage itself is untouched.
DROP TRIGGER IF EXISTS api_usage_daily_insert ON api_usage;
DROP TRIGGER IF EXISTS api_usage_daily_update ON api_usage;
DROP TRIGGER IF EXISTS api_usage_daily_delete ON api_usage;
DROP TRIGGER IF EXISTS api_usage_daily_truncate ON api_usage;
DROP PROCEDURE IF EXISTS api_usage_daily_rebuild(text, integer);
DROP FUNCTION IF EXISTS api_usage_daily_extent();
DROP FUNCTION IF EXISTS api_usage_daily_reconcile(date, date);
DROP FUNCTION IF EXISTS api_usage_daily_truncate();
DROP FUNCTION IF EXISTS api_usage_daily_apply();
DROP FUNCTION IF EXISTS business_time_zone();
DROP TABLE IF EXISTS api_usage_daily, api_usage_rollup_settings;
ALTER TABLE api_usage RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_insert_threshold);
