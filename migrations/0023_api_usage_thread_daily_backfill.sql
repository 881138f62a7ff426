-- 0023_api_usage_thread_daily_backfill: fills api_usage_thread_daily from the rows that existed
-- before 0023_api_usage_thread_daily's triggers, and marks it ready. A separate migration for the
-- reason 0005_api_usage_daily_rollup_backfill gives: it must start after the triggers are
-- committed, and then holds no lock that blocks writers (ACCESS SHARE on api_usage, and the rollup
-- rows it corrects). Oldest days first, 31 per batch, in one transaction so "ready" flips with the
-- data. Idempotent; nothing to roll back.
DO $$
DECLARE
  zone text := (SELECT time_zone FROM api_usage_thread_rollup_settings);
  lo date := ((SELECT min(created_at) FROM api_usage) AT TIME ZONE zone)::date;
  hi date := ((SELECT max(created_at) FROM api_usage) AT TIME ZONE zone)::date;
  d date := lo;
BEGIN
  WHILE d <= hi LOOP
    PERFORM api_usage_thread_daily_reconcile(d, least(d + 30, hi));
    d := d + 31;
  END LOOP;
  UPDATE api_usage_thread_rollup_settings SET backfilled_at = now();
END
$$;
