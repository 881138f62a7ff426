-- 0024_attribution_rollup_tables: the attribution funnel per business day, kept exact by triggers.
--
-- The funnel (server/queries/attribution.ts) takes the cohort of visitors whose first visit in
-- [from, to) falls in the range and follows each one through the later steps. Computed from the
-- raw events, a year at 1M rows walks ~190k visitors with a lookup each (hundreds of ms); the
-- covering index alternatives still read every visitor of the range. This rollup answers any range
-- of whole business days from a few thousand rows, whatever the range's length.
--
-- Two tables:
--   attribution_visits: one row per 'visit' event with its journey precomputed: the visitor's
--     previous visit, and whether a first message / identity link / booking / completed job came at
--     or after this visit (chained: a step counts only after the ones before it), the customer, and
--     the revenue of that customer's completed appointments dated on or after the visit.
--   attribution_funnel_daily: those journeys summed per (business day of the visit, business day of
--     the visitor's previous visit, source, medium, campaign).
-- A range [fromDay, toDay) is the sum of the daily rows with fromDay <= day < toDay whose prev_day
-- is NULL or before fromDay: exactly the visits that are their visitor's first in the range (a
-- repeat visit inside the range has its previous visit inside it too). Days are cut in
-- attribution_funnel_settings.time_zone (initially the api_usage rollup's business zone); the app
-- reads the raw events when a range's bounds are not midnights in that zone, so a mismatch is
-- slow, never wrong. `CALL attribution_funnel_rebuild('Europe/Paris')` recuts the days.
--
-- Exact by construction: statement-level triggers (transition tables, one recompute per statement)
-- on attribution_data (its events; a thread or customer deleted sets their ids to NULL, which is
-- an UPDATE here) and on appointments (revenue) recompute the journeys of every visitor the
-- statement touched, and add the difference to the daily rows (additive upserts in key order, so
-- concurrent writers serialize on a row and lose nothing). Visitors are serialized by a
-- transaction-scoped advisory lock on one of 256 buckets of their id, taken in bucket order: two
-- statements touching one visitor recompute one after the other, each from committed events.
--
-- Runs in one transaction, so the rollup is complete the moment the triggers exist; CREATE
-- TRIGGER's SHARE ROW EXCLUSIVE locks on attribution_data and appointments hold writers for the
-- backfill (about 5 s at 1M rows, measured in the README).

CREATE TABLE attribution_funnel_settings (
  id        boolean PRIMARY KEY DEFAULT true CHECK (id),
  time_zone text    NOT NULL CHECK (('2000-01-01 00:00+00'::timestamptz AT TIME ZONE time_zone) IS NOT NULL)
);
INSERT INTO attribution_funnel_settings (time_zone) SELECT business_time_zone();

CREATE TABLE attribution_visits (
  -- attribution_data.id of the visit event.
  id              bigint      PRIMARY KEY,
  visitor_id      uuid        NOT NULL,
  visited_at      timestamptz NOT NULL,
  day             date        NOT NULL,
  prev_visit_at   timestamptz,
  prev_day        date,
  source          text        NOT NULL,
  medium          text,
  campaign        text,
  first_message   boolean     NOT NULL,
  identity_linked boolean     NOT NULL,
  booking_made    boolean     NOT NULL,
  job_completed   boolean     NOT NULL,
  customer_id     bigint,
  revenue_cents   bigint      NOT NULL
);
CREATE INDEX attribution_visits_visitor_idx ON attribution_visits (visitor_id);
-- Appointment writes find the journeys whose revenue they change.
CREATE INDEX attribution_visits_customer_idx ON attribution_visits (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE attribution_funnel_daily (
  day             date   NOT NULL,
  prev_day        date,
  source          text   NOT NULL,
  medium          text,
  campaign        text,
  visitors        bigint NOT NULL,
  first_message   bigint NOT NULL,
  identity_linked bigint NOT NULL,
  booking_made    bigint NOT NULL,
  job_completed   bigint NOT NULL,
  revenue_cents   bigint NOT NULL,
  -- The range read (day >= $1 AND day < $2) and the upsert's conflict target; medium, campaign and
  -- prev_day may be NULL, and NULL must meet NULL here.
  CONSTRAINT attribution_funnel_daily_key UNIQUE NULLS NOT DISTINCT (day, source, medium, campaign, prev_day)
);

-- Recomputes the journeys of the `affected` visitors from attribution_data and appointments, adds the change to
-- attribution_funnel_daily and replaces their attribution_visits rows.
-- Generic plans: with custom ones every call re-planned its statements for the array it was
-- given, which cost more than running them (a single-row insert took 5-7 ms with the trigger
-- instead of 0.3 ms; with generic plans 0.6-1.4 ms, at load 12).
CREATE FUNCTION attribution_funnel_refresh(affected uuid[]) RETURNS void
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan
  AS $$
DECLARE
  zone text;
  fresh attribution_visits[];
  days date[];
BEGIN
  IF affected IS NULL OR cardinality(affected) = 0 THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock(2023, b)
     FROM (SELECT DISTINCT abs(hashtext(v::text)) % 256 AS b FROM unnest(affected) v) x
    ORDER BY b;
  SELECT time_zone INTO zone FROM attribution_funnel_settings;
  -- A bulk statement (a seed chunk, the backfill) plans for its real array size instead: a generic
  -- plan walks tens of thousands of visitors by nested loops. Restored when the function returns.
  IF cardinality(affected) > 1000 THEN
    PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
  END IF;

  SELECT array_agg(ROW(j.id, j.visitor_id, j.visited_at, (j.visited_at AT TIME ZONE zone)::date,
                       j.prev_visit_at, (j.prev_visit_at AT TIME ZONE zone)::date, j.source, j.medium, j.campaign,
                       j.messaged, j.s2, j.s3, j.s4, j.customer_id,
                       CASE WHEN j.s4 THEN coalesce((SELECT sum(a.amount_cents) FROM appointments a
                                                      WHERE a.customer_id = j.customer_id AND a.status = 'completed'
                                                        AND a.date >= j.visited_at), 0)
                            ELSE 0 END)::attribution_visits)
    INTO fresh
    FROM (SELECT vis.*, st.messaged, st.customer_id,
                 st.messaged AND st.linked AS s2,
                 st.messaged AND st.linked AND st.booked AS s3,
                 st.messaged AND st.linked AND st.booked AND st.completed AS s4
            FROM (SELECT a.id, a.visitor_id, a.occurred_at AS visited_at,
                         lag(a.occurred_at) OVER (PARTITION BY a.visitor_id ORDER BY a.occurred_at, a.id) AS prev_visit_at,
                         a.source, a.medium, a.campaign
                    FROM attribution_data a
                   WHERE a.visitor_id = ANY (affected) AND a.conversion_event = 'visit') vis
           CROSS JOIN LATERAL (
                  -- A thread or customer id is only ever one that exists (foreign keys, SET NULL).
                  SELECT coalesce(bool_or(s.conversion_event = 'first_message' AND s.thread_id IS NOT NULL), false) AS messaged,
                         coalesce(bool_or(s.conversion_event = 'identity_linked' AND s.customer_id IS NOT NULL), false) AS linked,
                         coalesce(bool_or(s.conversion_event = 'booking_made'), false) AS booked,
                         coalesce(bool_or(s.conversion_event = 'job_completed'), false) AS completed,
                         max(s.customer_id) AS customer_id
                    FROM attribution_data s
                   WHERE s.visitor_id = vis.visitor_id AND s.occurred_at >= vis.visited_at
                     AND s.conversion_event IN ('first_message', 'identity_linked', 'booking_made', 'job_completed')
                 ) st
         ) j;

  WITH c AS (
    SELECT day, prev_day, source, medium, campaign, 1 AS n, first_message::int AS m, identity_linked::int AS l,
           booking_made::int AS b, job_completed::int AS j, revenue_cents AS r
      FROM unnest(fresh)
    UNION ALL
    SELECT day, prev_day, source, medium, campaign, -1, -first_message::int, -identity_linked::int,
           -booking_made::int, -job_completed::int, -revenue_cents
      FROM attribution_visits WHERE visitor_id = ANY (affected)
  ), delta AS (
    SELECT day, prev_day, source, medium, campaign, sum(n) AS n, sum(m) AS m, sum(l) AS l, sum(b) AS b, sum(j) AS j, sum(r) AS r
      FROM c
     GROUP BY day, prev_day, source, medium, campaign
    HAVING sum(n) <> 0 OR sum(m) <> 0 OR sum(l) <> 0 OR sum(b) <> 0 OR sum(j) <> 0 OR sum(r) <> 0
  ), up AS (
    INSERT INTO attribution_funnel_daily AS d
           (day, prev_day, source, medium, campaign, visitors, first_message, identity_linked, booking_made, job_completed, revenue_cents)
    SELECT * FROM delta ORDER BY day, source, medium, campaign, prev_day
    ON CONFLICT ON CONSTRAINT attribution_funnel_daily_key DO UPDATE
       SET visitors = d.visitors + excluded.visitors,
           first_message = d.first_message + excluded.first_message,
           identity_linked = d.identity_linked + excluded.identity_linked,
           booking_made = d.booking_made + excluded.booking_made,
           job_completed = d.job_completed + excluded.job_completed,
           revenue_cents = d.revenue_cents + excluded.revenue_cents
    RETURNING d.day, d.visitors
  )
  SELECT array_agg(DISTINCT day) INTO days FROM up WHERE visitors = 0;

  -- Every step count is at most `visitors`: a row with no visitors is empty, and means no row.
  IF days IS NOT NULL THEN
    DELETE FROM attribution_funnel_daily WHERE day = ANY (days) AND visitors = 0;
  END IF;
  DELETE FROM attribution_visits WHERE visitor_id = ANY (affected);
  INSERT INTO attribution_visits SELECT * FROM unnest(fresh);
END
$$;

CREATE FUNCTION attribution_funnel_events() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM attribution_funnel_refresh(ARRAY(SELECT DISTINCT visitor_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM attribution_funnel_refresh(ARRAY(SELECT DISTINCT visitor_id FROM old_rows));
  ELSE
    PERFORM attribution_funnel_refresh(ARRAY(SELECT visitor_id FROM new_rows UNION SELECT visitor_id FROM old_rows));
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION attribution_funnel_appointments() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  customers bigint[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    customers := ARRAY(SELECT DISTINCT customer_id FROM new_rows WHERE status = 'completed');
  ELSIF TG_OP = 'DELETE' THEN
    customers := ARRAY(SELECT DISTINCT customer_id FROM old_rows WHERE status = 'completed');
  ELSE
    -- Only a row that is, or was, completed carries revenue.
    customers := ARRAY(SELECT customer_id FROM new_rows WHERE status = 'completed'
                       UNION SELECT customer_id FROM old_rows WHERE status = 'completed');
  END IF;
  PERFORM attribution_funnel_refresh(ARRAY(SELECT DISTINCT visitor_id FROM attribution_visits
                                            WHERE customer_id = ANY (customers) AND job_completed));
  RETURN NULL;
END
$$;

CREATE FUNCTION attribution_funnel_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF TG_TABLE_NAME = 'attribution_data' THEN
    TRUNCATE attribution_visits, attribution_funnel_daily;
  ELSE
    PERFORM attribution_funnel_refresh(ARRAY(SELECT DISTINCT visitor_id FROM attribution_visits WHERE revenue_cents <> 0));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER attribution_funnel_insert AFTER INSERT ON attribution_data
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attribution_funnel_events();
CREATE TRIGGER attribution_funnel_update AFTER UPDATE ON attribution_data
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attribution_funnel_events();
CREATE TRIGGER attribution_funnel_delete AFTER DELETE ON attribution_data
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION attribution_funnel_events();
CREATE TRIGGER attribution_funnel_truncate AFTER TRUNCATE ON attribution_data
  FOR EACH STATEMENT EXECUTE FUNCTION attribution_funnel_truncate();

CREATE TRIGGER attribution_funnel_appointments_insert AFTER INSERT ON appointments
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attribution_funnel_appointments();
CREATE TRIGGER attribution_funnel_appointments_update AFTER UPDATE ON appointments
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION attribution_funnel_appointments();
CREATE TRIGGER attribution_funnel_appointments_delete AFTER DELETE ON appointments
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION attribution_funnel_appointments();
CREATE TRIGGER attribution_funnel_appointments_truncate AFTER TRUNCATE ON appointments
  FOR EACH STATEMENT EXECUTE FUNCTION attribution_funnel_truncate();

-- Recuts every day in `zone` (an IANA name): the rollup's days must be the app's business days
-- (BUSINESS_TIME_ZONE) for the app to read it. Holds writers of attribution_data for its run.
CREATE PROCEDURE attribution_funnel_rebuild(zone text)
  LANGUAGE plpgsql
  AS $$
BEGIN
  LOCK TABLE attribution_data IN SHARE ROW EXCLUSIVE MODE;
  UPDATE attribution_funnel_settings SET time_zone = zone;
  TRUNCATE attribution_visits, attribution_funnel_daily;
  PERFORM attribution_funnel_refresh(ARRAY(SELECT DISTINCT visitor_id FROM attribution_data));
END
$$;

-- The backfill: every visitor there is (an empty table gives an empty array, a no-op).
SELECT attribution_funnel_refresh(ARRAY(SELECT DISTINCT visitor_id FROM attribution_data));
ANALYZE attribution_visits, attribution_funnel_daily;
