-- 0005_api_usage_daily_rollup_backfill: fills api_usage_daily from the rows that existed before
-- 0005_api_usage_daily_rollup's triggers, and marks the rollup ready for readers.
--
-- Why a separate migration: the backfill must start after the triggers are COMMITTED. Then every
-- write is either older than the triggers (in no rollup row yet) or carries its own delta, and
-- api_usage_daily_reconcile(from, to) can add "raw rows minus rollup" as read in one snapshot, with
-- writers running alongside (see its comment). In the same transaction as CREATE TRIGGER, the
-- SHARE ROW EXCLUSIVE lock it takes would block every writer for the whole backfill.
--
-- Locks held here: ACCESS SHARE on api_usage (blocks only DDL such as ALTER TABLE), and the
-- rollup rows it corrects until it commits. Batches go oldest day first, so the current day's rows,
-- the only ones writers touch routinely, are taken by the last batch, milliseconds before COMMIT.
-- Batches of 31 days keep each aggregate small; they share one transaction because the migrator
-- (and `psql -1 -f`) run a file in one, which is what makes "ready" flip atomically with the data.
-- Idempotent: running it again corrects nothing. Nothing to roll back (see the .down.sql).
DO $$
DECLARE
  lo date;
  hi date;
  d date;
BEGIN
  SELECT first_day, last_day INTO lo, hi FROM api_usage_daily_extent();
  d := lo;
  WHILE d <= hi LOOP
    PERFORM api_usage_daily_reconcile(d, least(d + 30, hi));
    d := d + 31;
  END LOOP;
  UPDATE api_usage_rollup_settings SET backfilled_at = now();
END
$$;
