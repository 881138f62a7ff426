-- 0023_api_usage_thread_daily: API cost per business day and conversation, kept exact by triggers.
--
-- The top customers and conversations by cost (issue 21) summed every thread-tagged row of
-- api_usage in the window through api_usage_thread_cost_idx, which is led by thread_id: a scan of
-- the whole index filtered on created_at (136 ms median at 100k rows). This rollup holds one row
-- per (business day, thread): the window is a range of its primary key, and the customer card and
-- thread header read their threads' rows through (thread_id, day).
--
-- Same design as 0005's api_usage_daily (read that file's header): statement-level triggers over
-- transition tables add each INSERT/UPDATE/DELETE's net delta in the statement's own transaction,
-- additive upserts taken in key order (no lost update, no deadlock between multi-key statements),
-- all-zero rows deleted, TRUNCATE empties it. Rows without a thread are not kept: the total per day
-- is 0005's. A thread deleted from shared_threads sets its rows' thread_id to NULL (an UPDATE): its
-- rollup rows go with it.
--
-- The zone the days are cut in is this rollup's own (api_usage_thread_rollup_settings), copied
-- from 0005's at creation: 0005's api_usage_daily_rebuild(zone) re-cuts only its own table, so the
-- app checks this one's zone and readiness separately and sums the raw rows when they do not match
-- its BUSINESS_TIME_ZONE (slow, never wrong). After a zone change:
--   CALL api_usage_thread_daily_rebuild('Europe/Paris');
--
-- Backfill: 0023_api_usage_thread_daily_backfill, in its own transaction after these triggers are
-- committed (the reason is 0005_api_usage_daily_rollup_backfill's).

CREATE TABLE api_usage_thread_rollup_settings (
  id             boolean     PRIMARY KEY DEFAULT true CHECK (id),
  time_zone      text        NOT NULL
                             CHECK (('2000-01-01 00:00+00'::timestamptz AT TIME ZONE time_zone) IS NOT NULL),
  -- NULL until the backfill (or a rebuild) has made every day exact; readers use the raw rows then.
  backfilled_at  timestamptz
);
INSERT INTO api_usage_thread_rollup_settings (id, time_zone) VALUES (true, business_time_zone());

CREATE TABLE api_usage_thread_daily (
  day        date    NOT NULL,
  thread_id  uuid    NOT NULL,
  cost_cents numeric NOT NULL,
  calls      bigint  NOT NULL,
  -- The window read (day >= $1 AND day <= $2) and the upsert's conflict target.
  PRIMARY KEY (day, thread_id)
) WITH (fillfactor = 90);
-- One thread's days (customer card, thread header): a few rows per thread.
CREATE INDEX api_usage_thread_daily_thread_idx ON api_usage_thread_daily (thread_id, day);
-- No INCLUDE (cost_cents, calls) on either index, and 10% free space per page: an upsert of an
-- existing (day, thread) then changes no indexed column and can be a HOT update (no new index
-- entries). Every INSERT into api_usage upserts one row here per (day, thread) it touches, ~0.7 per
-- inserted row (most calls are made for a conversation). Measured at 1M rows, batches of 1,000
-- (backend CPU, load 12-15, so rough): the covering variant, whose every upsert rewrote both index
-- entries, added ~6 us per inserted row (15% of throughput), this one ~1-2 us. The reads lose the
-- Index Only Scan but touch the window's pages only, which the rollup fills in day order.

CREATE FUNCTION api_usage_thread_daily_apply() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  zone text;
  d_day date[];
  d_thread uuid[];
  d_cost numeric[];
  d_calls bigint[];
  z_day date[];
  z_thread uuid[];
BEGIN
  SELECT time_zone INTO zone FROM api_usage_thread_rollup_settings;

  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(day), array_agg(thread_id), array_agg(cost), array_agg(calls)
      INTO d_day, d_thread, d_cost, d_calls
    FROM (SELECT (created_at AT TIME ZONE zone)::date AS day, thread_id,
                 sum(estimated_cost_cents) AS cost, count(*) AS calls
          FROM new_rows WHERE thread_id IS NOT NULL GROUP BY 1, 2) a;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(day), array_agg(thread_id), array_agg(-cost), array_agg(-calls)
      INTO d_day, d_thread, d_cost, d_calls
    FROM (SELECT (created_at AT TIME ZONE zone)::date AS day, thread_id,
                 sum(estimated_cost_cents) AS cost, count(*) AS calls
          FROM old_rows WHERE thread_id IS NOT NULL GROUP BY 1, 2) a;
  ELSE
    -- Old versions out, new ones in: a row moved to another day or thread (or to none) leaves one
    -- key and enters another; an update touching none of these columns nets to zero.
    SELECT array_agg(day), array_agg(thread_id), array_agg(cost), array_agg(calls)
      INTO d_day, d_thread, d_cost, d_calls
    FROM (SELECT (created_at AT TIME ZONE zone)::date AS day, thread_id, sum(cost) AS cost, sum(calls) AS calls
          FROM (SELECT created_at, thread_id, estimated_cost_cents AS cost, 1 AS calls
                FROM new_rows WHERE thread_id IS NOT NULL
                UNION ALL
                SELECT created_at, thread_id, -estimated_cost_cents, -1
                FROM old_rows WHERE thread_id IS NOT NULL) c
          GROUP BY 1, 2
          HAVING sum(cost) <> 0 OR sum(calls) <> 0) a;
  END IF;

  IF d_day IS NULL THEN
    RETURN NULL;
  END IF;

  WITH up AS (
    INSERT INTO api_usage_thread_daily AS r (day, thread_id, cost_cents, calls)
    SELECT * FROM unnest(d_day, d_thread, d_cost, d_calls)
    ORDER BY 1, 2
    ON CONFLICT (day, thread_id) DO UPDATE
      SET cost_cents = r.cost_cents + excluded.cost_cents,
          calls = r.calls + excluded.calls
    RETURNING r.day, r.thread_id, r.cost_cents, r.calls
  )
  SELECT array_agg(day), array_agg(thread_id) INTO z_day, z_thread
  FROM up WHERE calls = 0 AND cost_cents = 0;

  IF z_day IS NOT NULL THEN
    DELETE FROM api_usage_thread_daily r
    USING unnest(z_day, z_thread) AS z(day, thread_id)
    WHERE r.day = z.day AND r.thread_id = z.thread_id AND r.calls = 0 AND r.cost_cents = 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER api_usage_thread_daily_insert AFTER INSERT ON api_usage
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_thread_daily_apply();
CREATE TRIGGER api_usage_thread_daily_update AFTER UPDATE ON api_usage
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_thread_daily_apply();
CREATE TRIGGER api_usage_thread_daily_delete AFTER DELETE ON api_usage
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_thread_daily_apply();

CREATE FUNCTION api_usage_thread_daily_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  TRUNCATE api_usage_thread_daily;
  RETURN NULL;
END
$$;
CREATE TRIGGER api_usage_thread_daily_truncate AFTER TRUNCATE ON api_usage
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_thread_daily_truncate();

-- Makes days [p_from, p_to] equal the raw rows without blocking writers: in one statement (one
-- snapshot) adds "raw minus rollup"; later writes carry their own deltas (see 0005's
-- api_usage_daily_reconcile). Idempotent. Returns the number of (day, thread) rows corrected.
CREATE FUNCTION api_usage_thread_daily_reconcile(p_from date, p_to date) RETURNS integer
  LANGUAGE plpgsql
  AS $$
DECLARE
  zone text := (SELECT time_zone FROM api_usage_thread_rollup_settings);
  corrected integer;
BEGIN
  WITH raw AS (
    SELECT (created_at AT TIME ZONE zone)::date AS day, thread_id,
           sum(estimated_cost_cents) AS cost_cents, count(*) AS calls
    FROM api_usage
    WHERE thread_id IS NOT NULL
      AND created_at >= (p_from::timestamp AT TIME ZONE zone)
      AND created_at < ((p_to + 1)::timestamp AT TIME ZONE zone)
    GROUP BY 1, 2
  ), rolled AS (
    SELECT day, thread_id, cost_cents, calls FROM api_usage_thread_daily WHERE day >= p_from AND day <= p_to
  ), diff AS (
    SELECT coalesce(raw.day, rolled.day) AS day, coalesce(raw.thread_id, rolled.thread_id) AS thread_id,
           coalesce(raw.cost_cents, 0) - coalesce(rolled.cost_cents, 0) AS cost_cents,
           coalesce(raw.calls, 0) - coalesce(rolled.calls, 0) AS calls
    FROM raw FULL JOIN rolled ON rolled.day = raw.day AND rolled.thread_id = raw.thread_id
  ), up AS (
    INSERT INTO api_usage_thread_daily AS r (day, thread_id, cost_cents, calls)
    SELECT day, thread_id, cost_cents, calls FROM diff
    WHERE cost_cents <> 0 OR calls <> 0
    ORDER BY day, thread_id
    ON CONFLICT (day, thread_id) DO UPDATE
      SET cost_cents = r.cost_cents + excluded.cost_cents,
          calls = r.calls + excluded.calls
    RETURNING 1
  )
  SELECT count(*) INTO corrected FROM up;

  DELETE FROM api_usage_thread_daily WHERE day >= p_from AND day <= p_to AND calls = 0 AND cost_cents = 0;
  RETURN corrected;
END
$$;

-- Rebuilds the whole rollup online, a batch of days per transaction (run at top level: it
-- COMMITs). With a zone: re-cuts every day in it (then set BUSINESS_TIME_ZONE to match).
CREATE PROCEDURE api_usage_thread_daily_rebuild(p_time_zone text DEFAULT NULL, p_batch_days integer DEFAULT 31)
  LANGUAGE plpgsql
  AS $$
DECLARE
  zone text;
  lo date;
  hi date;
  d date;
BEGIN
  IF p_batch_days < 1 THEN
    RAISE EXCEPTION 'p_batch_days must be at least 1';
  END IF;
  IF p_time_zone IS NOT NULL AND p_time_zone IS DISTINCT FROM (SELECT time_zone FROM api_usage_thread_rollup_settings) THEN
    LOCK TABLE api_usage IN SHARE ROW EXCLUSIVE MODE;
    UPDATE api_usage_thread_rollup_settings SET time_zone = p_time_zone, backfilled_at = NULL;
  ELSE
    UPDATE api_usage_thread_rollup_settings SET backfilled_at = NULL;
  END IF;
  COMMIT;

  zone := (SELECT time_zone FROM api_usage_thread_rollup_settings);
  SELECT least(((SELECT min(created_at) FROM api_usage) AT TIME ZONE zone)::date, (SELECT min(day) FROM api_usage_thread_daily)),
         greatest(((SELECT max(created_at) FROM api_usage) AT TIME ZONE zone)::date, (SELECT max(day) FROM api_usage_thread_daily))
    INTO lo, hi;
  d := lo;
  WHILE d <= hi LOOP
    PERFORM api_usage_thread_daily_reconcile(d, least(d + p_batch_days - 1, hi));
    COMMIT;
    d := d + p_batch_days;
  END LOOP;

  UPDATE api_usage_thread_rollup_settings SET backfilled_at = now();
  COMMIT;
END
$$;
