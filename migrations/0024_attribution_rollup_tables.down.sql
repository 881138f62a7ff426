-- Rollback of 0024_attribution_rollup_tables: triggers, functions and tables of the funnel rollup.
-- attribution_data and appointments themselves are untouched.
DROP TRIGGER IF EXISTS attribution_funnel_insert ON attribution_data;
DROP TRIGGER IF EXISTS attribution_funnel_update ON attribution_data;
DROP TRIGGER IF EXISTS attribution_funnel_delete ON attribution_data;
DROP TRIGGER IF EXISTS attribution_funnel_truncate ON attribution_data;
DROP TRIGGER IF EXISTS attribution_funnel_appointments_insert ON appointments;
DROP TRIGGER IF EXISTS attribution_funnel_appointments_update ON appointments;
DROP TRIGGER IF EXISTS attribution_funnel_appointments_delete ON appointments;
DROP TRIGGER IF EXISTS attribution_funnel_appointments_truncate ON appointments;
DROP PROCEDURE IF EXISTS attribution_funnel_rebuild(text);
DROP FUNCTION IF EXISTS attribution_funnel_truncate();
DROP FUNCTION IF EXISTS attribution_funnel_appointments();
DROP FUNCTION IF EXISTS attribution_funnel_events();
DROP FUNCTION IF EXISTS attribution_funnel_refresh(uuid[]);
DROP TABLE IF EXISTS attribution_funnel_daily, attribution_visits, attribution_funnel_settings;
