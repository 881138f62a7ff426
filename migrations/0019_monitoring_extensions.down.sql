-- Rollback of monitoring_extensions: the extensions stay. They may have been there before this
-- migration (an operator or the host created them), they hold no app data, and dropping
-- pg_stat_statements would erase the statistics an operator relies on.
SELECT 1;
