-- 0005_api_usage_daily_rollup: cost per business day and service, kept exact by the database.
--
-- The 30-day cost query over the covering index still reads every row of the window (about 14 ms
-- at 1M rows, 170 ms at 10M: issue 11). This rollup holds one row per (business day, service), so
-- whole days cost a few hundred rows at any size; only the still-open day is read from api_usage.
--
-- Exact by construction: every INSERT, UPDATE, DELETE, TRUNCATE and COPY on api_usage adds its
-- delta in the same transaction (statement-level triggers over transition tables: a bulk load of
-- 100k rows costs one aggregate, not 100k upserts). Deltas are additive (x = x + excluded.x under
-- ON CONFLICT DO UPDATE), so concurrent writers to one (day, service) serialize on its row and lose
-- nothing under READ COMMITTED; rows are taken in (day, service) order so two multi-day statements
-- cannot deadlock. An all-zero row means the same as no row, so it is deleted.
--
-- The business day is `(created_at AT TIME ZONE business_time_zone())::date`. The zone lives in
-- api_usage_rollup_settings, not in the environment, because the stored rows are cut in it:
-- changing BUSINESS_TIME_ZONE means `CALL api_usage_daily_rebuild('Europe/Paris')` (see below).
-- The app reads the zone and readiness with every query and serves whole days from the raw rows
-- when they do not match its own BUSINESS_TIME_ZONE, so a mismatch is slow, never wrong.
--
-- Runs in one transaction; it holds SHARE ROW EXCLUSIVE on api_usage (CREATE TRIGGER) only for
-- the few DDL statements here. The backfill of existing rows is the next migration,
-- 0005_api_usage_daily_rollup_backfill, in its own transaction: it must start after these
-- triggers are committed, and then needs no lock that blocks writers (see that file).

CREATE TABLE api_usage_rollup_settings (
  -- One row: the primary key can only be true.
  id             boolean     PRIMARY KEY DEFAULT true CHECK (id),
  -- An IANA zone; AT TIME ZONE rejects unknown names, so the CHECK validates it.
  time_zone      text        NOT NULL DEFAULT 'America/Chicago'
                             CHECK (('2000-01-01 00:00+00'::timestamptz AT TIME ZONE time_zone) IS NOT NULL),
  -- Set when every day holds the exact totals (end of the backfill or of a rebuild); NULL while
  -- a (re)build runs, and readers then use the raw rows.
  backfilled_at  timestamptz
);
INSERT INTO api_usage_rollup_settings (id) VALUES (true);

-- The zone the rollup's days are cut in (read per statement by the triggers, and by the app).
CREATE FUNCTION business_time_zone() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT time_zone FROM api_usage_rollup_settings $$;

CREATE TABLE api_usage_daily (
  day        date    NOT NULL,
  service    text    NOT NULL,
  -- Sums of numeric(14,4): exact, no rounding ever.
  cost_cents numeric NOT NULL,
  calls      bigint  NOT NULL,
  units      bigint  NOT NULL,
  -- Serves the range read (WHERE day >= $1 AND day < $2) and the upsert's conflict target.
  PRIMARY KEY (day, service)
);

-- Adds the net effect of one statement's transition tables per (business day, service). One
-- function serves the three triggers: plpgsql parses a branch only when it runs, so a transition
-- table that the event lacks is never named.
CREATE FUNCTION api_usage_daily_apply() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  zone text;
  d_day date[];
  d_service text[];
  d_cost numeric[];
  d_calls bigint[];
  d_units bigint[];
  z_day date[];
  z_service text[];
BEGIN
  SELECT time_zone INTO zone FROM api_usage_rollup_settings;

  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(day), array_agg(service), array_agg(cost), array_agg(calls), array_agg(units)
      INTO d_day, d_service, d_cost, d_calls, d_units
    FROM (SELECT (created_at AT TIME ZONE zone)::date AS day, service,
                 sum(estimated_cost_cents) AS cost, count(*) AS calls, sum(units) AS units
          FROM new_rows GROUP BY 1, 2) a;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(day), array_agg(service), array_agg(-cost), array_agg(-calls), array_agg(-units)
      INTO d_day, d_service, d_cost, d_calls, d_units
    FROM (SELECT (created_at AT TIME ZONE zone)::date AS day, service,
                 sum(estimated_cost_cents) AS cost, count(*) AS calls, sum(units) AS units
          FROM old_rows GROUP BY 1, 2) a;
  ELSE
    -- UPDATE: subtract the old versions, add the new ones. A row moved to another day or service
    -- leaves one key and enters another; an update touching none of these columns (thread_id set
    -- to NULL by ON DELETE SET NULL, say) nets to zero and writes nothing.
    SELECT array_agg(day), array_agg(service), array_agg(cost), array_agg(calls), array_agg(units)
      INTO d_day, d_service, d_cost, d_calls, d_units
    FROM (SELECT (created_at AT TIME ZONE zone)::date AS day, service,
                 sum(cost) AS cost, sum(calls) AS calls, sum(units) AS units
          FROM (SELECT created_at, service, estimated_cost_cents AS cost, 1 AS calls, units::bigint AS units
                FROM new_rows
                UNION ALL
                SELECT created_at, service, -estimated_cost_cents, -1, -units::bigint
                FROM old_rows) c
          GROUP BY 1, 2
          HAVING sum(cost) <> 0 OR sum(calls) <> 0 OR sum(units) <> 0) a;
  END IF;

  IF d_day IS NULL THEN
    RETURN NULL;
  END IF;

  WITH up AS (
    INSERT INTO api_usage_daily AS r (day, service, cost_cents, calls, units)
    SELECT * FROM unnest(d_day, d_service, d_cost, d_calls, d_units)
    ORDER BY 1, 2
    ON CONFLICT (day, service) DO UPDATE
      SET cost_cents = r.cost_cents + excluded.cost_cents,
          calls = r.calls + excluded.calls,
          units = r.units + excluded.units
    RETURNING r.day, r.service, r.cost_cents, r.calls, r.units
  )
  SELECT array_agg(day), array_agg(service) INTO z_day, z_service
  FROM up WHERE calls = 0 AND cost_cents = 0 AND units = 0;

  -- A key whose last row left holds zeros: drop it (only if still all-zero when we get to it).
  IF z_day IS NOT NULL THEN
    DELETE FROM api_usage_daily r
    USING unnest(z_day, z_service) AS z(day, service)
    WHERE r.day = z.day AND r.service = z.service AND r.calls = 0 AND r.cost_cents = 0 AND r.units = 0;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER api_usage_daily_insert AFTER INSERT ON api_usage
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_daily_apply();
CREATE TRIGGER api_usage_daily_update AFTER UPDATE ON api_usage
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_daily_apply();
CREATE TRIGGER api_usage_daily_delete AFTER DELETE ON api_usage
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_daily_apply();

-- TRUNCATE fires no DELETE trigger (the seeder's --reset, TRUNCATE ... CASCADE from shared_threads).
-- It holds ACCESS EXCLUSIVE on api_usage, so no writer can interleave.
CREATE FUNCTION api_usage_daily_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  TRUNCATE api_usage_daily;
  RETURN NULL;
END
$$;
CREATE TRIGGER api_usage_daily_truncate AFTER TRUNCATE ON api_usage
  FOR EACH STATEMENT EXECUTE FUNCTION api_usage_daily_truncate();

-- Makes days [p_from, p_to] of the rollup equal the raw rows, without blocking writers.
-- In ONE statement (one snapshot S) it reads the raw totals and the rollup's rows, and adds the
-- difference. Every write committed after S adds its own delta (its trigger), so whatever the
-- rollup held before, afterwards it holds raw(S) + the deltas after S = the raw rows. Additive, so
-- concurrent triggers interleave safely; idempotent (a second run adds nothing). Used by the
-- backfill, by api_usage_daily_rebuild, and to repair any drift the consistency check reports.
-- Requires the triggers to be committed before it starts (they are: see 0005_*_backfill).
-- Returns the number of (day, service) rows it corrected.
CREATE FUNCTION api_usage_daily_reconcile(p_from date, p_to date) RETURNS integer
  LANGUAGE plpgsql
  AS $$
DECLARE
  zone text := business_time_zone();
  corrected integer;
BEGIN
  WITH raw AS (
    SELECT (created_at AT TIME ZONE zone)::date AS day, service,
           sum(estimated_cost_cents) AS cost_cents, count(*) AS calls, sum(units) AS units
    FROM api_usage
    WHERE created_at >= (p_from::timestamp AT TIME ZONE zone)
      AND created_at < ((p_to + 1)::timestamp AT TIME ZONE zone)
    GROUP BY 1, 2
  ), rolled AS (
    SELECT day, service, cost_cents, calls, units
    FROM api_usage_daily
    WHERE day >= p_from AND day <= p_to
  ), diff AS (
    SELECT coalesce(raw.day, rolled.day) AS day, coalesce(raw.service, rolled.service) AS service,
           coalesce(raw.cost_cents, 0) - coalesce(rolled.cost_cents, 0) AS cost_cents,
           coalesce(raw.calls, 0) - coalesce(rolled.calls, 0) AS calls,
           coalesce(raw.units, 0) - coalesce(rolled.units, 0) AS units
    FROM raw FULL JOIN rolled ON rolled.day = raw.day AND rolled.service = raw.service
  ), up AS (
    INSERT INTO api_usage_daily AS r (day, service, cost_cents, calls, units)
    SELECT day, service, cost_cents, calls, units
    FROM diff
    WHERE cost_cents <> 0 OR calls <> 0 OR units <> 0
    ORDER BY day, service
    ON CONFLICT (day, service) DO UPDATE
      SET cost_cents = r.cost_cents + excluded.cost_cents,
          calls = r.calls + excluded.calls,
          units = r.units + excluded.units
    RETURNING 1
  )
  SELECT count(*) INTO corrected FROM up;

  DELETE FROM api_usage_daily
  WHERE day >= p_from AND day <= p_to AND calls = 0 AND cost_cents = 0 AND units = 0;
  RETURN corrected;
END
$$;

-- The first and last business day holding data, in the raw rows or in the rollup (whose own may
-- differ after a zone change). NULLs when both are empty. Each end is one index probe.
CREATE FUNCTION api_usage_daily_extent(OUT first_day date, OUT last_day date)
  LANGUAGE sql STABLE
  AS $$
  SELECT least(((SELECT min(created_at) FROM api_usage) AT TIME ZONE business_time_zone())::date,
               (SELECT min(day) FROM api_usage_daily)),
         greatest(((SELECT max(created_at) FROM api_usage) AT TIME ZONE business_time_zone())::date,
                  (SELECT max(day) FROM api_usage_daily))
$$;

-- Rebuilds the whole rollup online, one batch of days per transaction, oldest first:
--   CALL api_usage_daily_rebuild();                 -- repair drift, same zone
--   CALL api_usage_daily_rebuild('Europe/Paris');   -- BUSINESS_TIME_ZONE changed: re-cut every day
-- Run it at top level (psql, or a client in autocommit): it COMMITs between batches so that no
-- lock or snapshot is held for long. While it runs, backfilled_at is NULL and the app computes
-- whole days from the raw rows (exact, slower). Afterwards set BUSINESS_TIME_ZONE to the same zone;
-- until then the app keeps using the raw rows. A writer in REPEATABLE READ whose snapshot predates
-- the zone switch could still cut one statement in the old zone: the consistency check shows it,
-- and running this again fixes it.
CREATE PROCEDURE api_usage_daily_rebuild(p_time_zone text DEFAULT NULL, p_batch_days integer DEFAULT 31)
  LANGUAGE plpgsql
  AS $$
DECLARE
  lo date;
  hi date;
  d date;
BEGIN
  IF p_batch_days < 1 THEN
    RAISE EXCEPTION 'p_batch_days must be at least 1';
  END IF;
  IF p_time_zone IS NOT NULL AND p_time_zone IS DISTINCT FROM business_time_zone() THEN
    -- Waits for the writers in flight and holds new ones for an instant, so that every statement
    -- that runs after this commit cuts its days in the new zone.
    LOCK TABLE api_usage IN SHARE ROW EXCLUSIVE MODE;
    UPDATE api_usage_rollup_settings SET time_zone = p_time_zone, backfilled_at = NULL;
  ELSE
    UPDATE api_usage_rollup_settings SET backfilled_at = NULL;
  END IF;
  COMMIT;

  SELECT first_day, last_day INTO lo, hi FROM api_usage_daily_extent();
  d := lo;
  WHILE d <= hi LOOP
    PERFORM api_usage_daily_reconcile(d, least(d + p_batch_days - 1, hi));
    COMMIT;
    d := d + p_batch_days;
  END LOOP;

  UPDATE api_usage_rollup_settings SET backfilled_at = now();
  COMMIT;
END
$$;

-- Keep the current day's pages all-visible, so its Index Only Scan on api_usage_analytics_idx
-- does not fall back to heap fetches: by default an insert-only table is vacuumed only after it
-- grows by 20% (200k rows at 1M); with 0.5% + 1000 rows it is vacuumed every ~6k inserts at 1M.
ALTER TABLE api_usage SET (autovacuum_vacuum_insert_scale_factor = 0.005, autovacuum_vacuum_insert_threshold = 1000);
