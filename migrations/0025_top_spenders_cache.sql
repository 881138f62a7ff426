-- 0025_top_spenders_cache: the top customers and conversations by cost over a window of closed
-- business days, computed once per window and kept until a change could alter it (issue 21).
--
-- analytics.topSpenders aggregates every thread active in the window from api_usage_thread_daily
-- (0023): 380-630 ms at 1M rows under load, growing with the active threads. Its window is
-- complete business days only ([today - days, today - 1]), so its inputs rarely change after the
-- day closes. This table holds the computed answer per (zone, first day, last day); a read is one
-- lookup in a table of a few rows (one per window asked for, pruned after two days), flat at any
-- size of api_usage. The app stores the top 50 of each list (the most the
-- procedure serves) and cuts the smaller lists from it.
--
-- Exact, not time-based: every change that can alter a stored answer deletes it in the changing
-- statement's own transaction, from triggers:
--   * a write to api_usage on a day inside a stored window (late rows, updates, deletes; the days
--     from the first to the last row of the statement's transition tables, cut in both rollups'
--     zones); TRUNCATE: everything;
--   * a write made directly to api_usage_thread_daily or api_usage_daily (0005's: the total) on
--     such a day: reconcile, rebuild, backfill. The rollups' own triggers skip the writes that
--     api_usage's triggers make (pg_trigger_depth() > 0), already counted above: one trigger call
--     per api_usage statement instead of four (an upsert fires both INSERT and UPDATE triggers);
--   * shared_threads.customer_id changing for a thread with cost in the window (its customer's
--     total moves), or a listed thread's contact name or phone (its label);
--   * a listed customer's name;
--   * either rollup's settings (zone, readiness): everything.
-- Writes for today, which no stored window holds, delete nothing: on that path (every insert of
-- the day) the api_usage trigger runs one query over the transition table and takes one lock.
--
-- The race between a reader that computes and a writer that commits meanwhile. A writer's
-- trigger deletes only rows it can see; a reader's snapshot misses writes not yet committed. So
-- (1) every writer above, before deleting, takes a SHARED transaction-level advisory lock on each
-- day it touched (class 21021, key = day - 2000-01-01), or on the key "every day" (-2147483648)
-- for the name and link changes and for writes spanning more than 31 days, held until it commits;
-- (2) a reader first, in one autocommit statement, TRIES the exclusive locks of every day of its
-- window and of "every day" (never waits) and only if all are free inserts a pending row (result
-- NULL) with a token of its own; (3) it computes in a new snapshot; (4) it fills the row only if
-- that token is still there. A writer that held a lock at (2) made the reader give up; one that
-- had committed by then is in the snapshot of (3); one that takes its lock after (2) runs its
-- DELETE after the pending row committed and removes it (pending rows are deleted by every
-- invalidation that can concern them), so (4) fills nothing. Nobody waits on anybody: writers
-- take shared locks (a reader's exclusive hold lasts one statement), readers only try.
-- A reader that gives up still serves what it computed; the next one stores it.

CREATE TABLE api_usage_top_spenders_cache (
  time_zone     text        NOT NULL,
  from_day      date        NOT NULL,
  to_day        date        NOT NULL,
  -- The reader filling a pending row; a row whose token changed was taken over or deleted.
  token         uuid        NOT NULL,
  -- NULL while pending: { totalCents, totalCalls, threads: [...], customers: [...] } once filled.
  result        jsonb,
  -- The listed ids, so that a rename deletes only the answers that show the name.
  thread_ids    uuid[]      NOT NULL DEFAULT '{}',
  customer_ids  bigint[]    NOT NULL DEFAULT '{}',
  computed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (time_zone, from_day, to_day)
);

-- Takes the shared locks of `p_days` (NULL: every day) and deletes the answers they may change.
CREATE FUNCTION api_usage_top_spenders_cache_invalidate(p_days date[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF p_days IS NULL OR cardinality(p_days) > 31 THEN
    PERFORM pg_advisory_xact_lock_shared(21021, -2147483648);
  ELSE
    PERFORM pg_advisory_xact_lock_shared(21021, d - date '2000-01-01') FROM unnest(p_days) d;
  END IF;
  IF p_days IS NULL THEN
    DELETE FROM api_usage_top_spenders_cache;
  ELSE
    DELETE FROM api_usage_top_spenders_cache c
     WHERE EXISTS (SELECT 1 FROM unnest(p_days) d WHERE d BETWEEN c.from_day AND c.to_day);
  END IF;
END
$$;

-- api_usage's writes: the business days from the first to the last row written, in the zones of
-- both rollups (a range: one pass over the transition table without a per-row conversion; a
-- statement writing two far-apart days also clears the answers of the days between). The hot
-- path, every insert of the day, is that one query and a lock: writes of today only skip the
-- DELETE, since no stored window can hold today (answers are stored for closed days only, and a
-- window closing later is reserved under these locks).
CREATE FUNCTION api_usage_top_spenders_cache_on_usage() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  z1 text;
  z2 text;
  lo timestamptz;
  hi timestamptz;
  first_day date;
  last_day date;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM api_usage_top_spenders_cache_invalidate(NULL);
    RETURN NULL;
  END IF;
  -- The zones in the same query: one statement on the hot path before the lock.
  IF TG_OP = 'INSERT' THEN
    SELECT min(created_at), max(created_at), (SELECT time_zone FROM api_usage_thread_rollup_settings),
           (SELECT time_zone FROM api_usage_rollup_settings)
      INTO lo, hi, z1, z2 FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT min(created_at), max(created_at), (SELECT time_zone FROM api_usage_thread_rollup_settings),
           (SELECT time_zone FROM api_usage_rollup_settings)
      INTO lo, hi, z1, z2 FROM old_rows;
  ELSE
    SELECT min(created_at), max(created_at), (SELECT time_zone FROM api_usage_thread_rollup_settings),
           (SELECT time_zone FROM api_usage_rollup_settings)
      INTO lo, hi, z1, z2 FROM (SELECT created_at FROM new_rows UNION ALL SELECT created_at FROM old_rows) r;
  END IF;
  IF lo IS NULL THEN
    RETURN NULL;
  END IF;
  first_day := least((lo AT TIME ZONE z1)::date, (lo AT TIME ZONE z2)::date);
  last_day := greatest((hi AT TIME ZONE z1)::date, (hi AT TIME ZONE z2)::date);
  IF last_day - first_day < 31 THEN
    PERFORM pg_advisory_xact_lock_shared(21021, k)
       FROM generate_series(first_day - date '2000-01-01', last_day - date '2000-01-01') k;
  ELSE
    PERFORM pg_advisory_xact_lock_shared(21021, -2147483648);
  END IF;
  IF first_day < least((clock_timestamp() AT TIME ZONE z1)::date, (clock_timestamp() AT TIME ZONE z2)::date) THEN
    DELETE FROM api_usage_top_spenders_cache WHERE from_day <= last_day AND to_day >= first_day;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER api_usage_top_spenders_cache_insert AFTER INSERT ON api_usage
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_top_spenders_cache_on_usage();
CREATE TRIGGER api_usage_top_spenders_cache_update AFTER UPDATE ON api_usage
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_top_spenders_cache_on_usage();
CREATE TRIGGER api_usage_top_spenders_cache_delete AFTER DELETE ON api_usage
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_top_spenders_cache_on_usage();
CREATE TRIGGER api_usage_top_spenders_cache_truncate AFTER TRUNCATE ON api_usage
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_top_spenders_cache_on_usage();

-- Direct writes to the rollups (reconcile, rebuild, backfill): the days of the rows written. One
-- function for both (both are keyed by `day`). WHEN (pg_trigger_depth() < 1): not the writes of
-- api_usage's own triggers, which the triggers above have counted. (So a rollup written from some
-- other trigger would go unseen: none is; reconcile and rebuild run at top level.)
CREATE FUNCTION api_usage_top_spenders_cache_on_rollup() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  days date[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM api_usage_top_spenders_cache_invalidate(NULL);
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT day) INTO days FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT day) INTO days FROM old_rows;
  ELSE
    SELECT array_agg(day) INTO days FROM (SELECT day FROM new_rows UNION SELECT day FROM old_rows) u;
  END IF;
  IF days IS NOT NULL THEN
    PERFORM api_usage_top_spenders_cache_invalidate(days);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER api_usage_top_spenders_cache_insert AFTER INSERT ON api_usage_thread_daily
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION api_usage_top_spenders_cache_on_rollup();
CREATE TRIGGER api_usage_top_spenders_cache_update AFTER UPDATE ON api_usage_thread_daily
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION api_usage_top_spenders_cache_on_rollup();
CREATE TRIGGER api_usage_top_spenders_cache_delete AFTER DELETE ON api_usage_thread_daily
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION api_usage_top_spenders_cache_on_rollup();
CREATE TRIGGER api_usage_top_spenders_cache_truncate AFTER TRUNCATE ON api_usage_thread_daily
  FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION api_usage_top_spenders_cache_on_rollup();

CREATE TRIGGER api_usage_top_spenders_cache_insert AFTER INSERT ON api_usage_daily
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION api_usage_top_spenders_cache_on_rollup();
CREATE TRIGGER api_usage_top_spenders_cache_update AFTER UPDATE ON api_usage_daily
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION api_usage_top_spenders_cache_on_rollup();
CREATE TRIGGER api_usage_top_spenders_cache_delete AFTER DELETE ON api_usage_daily
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION api_usage_top_spenders_cache_on_rollup();
CREATE TRIGGER api_usage_top_spenders_cache_truncate AFTER TRUNCATE ON api_usage_daily
  FOR EACH STATEMENT WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION api_usage_top_spenders_cache_on_rollup();

-- Zone or readiness of either rollup: everything (a zone change re-cuts every day).
CREATE FUNCTION api_usage_top_spenders_cache_on_settings() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM api_usage_top_spenders_cache_invalidate(NULL);
  RETURN NULL;
END
$$;
CREATE TRIGGER api_usage_top_spenders_cache_settings AFTER INSERT OR UPDATE OR DELETE ON api_usage_thread_rollup_settings
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_top_spenders_cache_on_settings();
CREATE TRIGGER api_usage_top_spenders_cache_settings AFTER INSERT OR UPDATE OR DELETE ON api_usage_rollup_settings
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_top_spenders_cache_on_settings();

-- A thread relinked (its cost moves between customers: every answer where it has cost in the
-- window) or relabelled (the answers that list it). Row-level with a column list and WHEN: the
-- thread list's frequent updates (last message, waiting state) queue nothing.
CREATE FUNCTION api_usage_top_spenders_cache_on_thread() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(21021, -2147483648);
  DELETE FROM api_usage_top_spenders_cache c
   WHERE c.result IS NULL
      OR NEW.id = ANY (c.thread_ids)
      OR (OLD.customer_id IS DISTINCT FROM NEW.customer_id
          AND EXISTS (SELECT 1 FROM api_usage_thread_daily r
                       WHERE r.thread_id = NEW.id AND r.day >= c.from_day AND r.day <= c.to_day));
  RETURN NULL;
END
$$;
CREATE TRIGGER api_usage_top_spenders_cache_thread
  AFTER UPDATE OF customer_id, contact_name, contact_phone ON shared_threads
  FOR EACH ROW
  WHEN (OLD.customer_id IS DISTINCT FROM NEW.customer_id
        OR OLD.contact_name IS DISTINCT FROM NEW.contact_name
        OR OLD.contact_phone IS DISTINCT FROM NEW.contact_phone)
  EXECUTE FUNCTION api_usage_top_spenders_cache_on_thread();

CREATE FUNCTION api_usage_top_spenders_cache_on_customer() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(21021, -2147483648);
  DELETE FROM api_usage_top_spenders_cache c WHERE c.result IS NULL OR NEW.id = ANY (c.customer_ids);
  RETURN NULL;
END
$$;
CREATE TRIGGER api_usage_top_spenders_cache_customer
  AFTER UPDATE OF name ON customers
  FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION api_usage_top_spenders_cache_on_customer();
