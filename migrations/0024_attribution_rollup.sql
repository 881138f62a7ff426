-- 0024_attribution_rollup: the index the attribution rollup's triggers read a visitor's journey by.
--
-- The funnel rollup (next migration, 0024_attribution_rollup_tables) recomputes a visitor's
-- journeys whenever one of their events changes: every event of that visitor, in time order, with
-- the step columns read from the index (Index Only Scan once the table is vacuumed). Built
-- CONCURRENTLY: attribution_data takes writes while it builds (about 2 s at 1M rows).
CREATE INDEX CONCURRENTLY IF NOT EXISTS attribution_data_visitor_idx
  ON attribution_data (visitor_id, occurred_at) INCLUDE (conversion_event, thread_id, customer_id);
