-- 0002_performance_indexes: the nine indexes of the Performance Optimization Guide, names verbatim.
-- Built CONCURRENTLY so that applying this to live tables with millions of rows never blocks writes.
-- No BEGIN/COMMIT: CREATE INDEX CONCURRENTLY cannot run inside a transaction block, so this file
-- works both through `npm run migrate` (which runs it statement by statement) and through
--   psql $DATABASE_URL -f migrations/0002_performance_indexes.sql
-- If a concurrent build is interrupted it leaves an INVALID index that IF NOT EXISTS would skip:
-- `npm run migrate` finds and rebuilds it; `npm run migrate -- status` reports it.
-- Rollback: 0002_performance_indexes.down.sql (the guide's rollback plan).

-- ---- Critical priority ----

-- Guide: "basic thread lookup" (WHERE thread_id = $1). Its leading column duplicates
-- shared_thread_messages_thread_created_idx, so it only costs writes: kept because the guide names it;
-- the database health page reports it as redundant.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_thread_messages_thread_id_idx
  ON shared_thread_messages (thread_id);

-- Conversation history: WHERE thread_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50, and its
-- keyset cursor (created_at, id) < ($2, $3). A backward scan of this index serves DESC order.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_thread_messages_thread_created_idx
  ON shared_thread_messages (thread_id, created_at, id);

-- Customer bookings: WHERE customer_id = $1 ORDER BY date DESC. The date column lets the index
-- return a customer's bookings already in date order (no sort) and serve the date-range filter.
CREATE INDEX CONCURRENTLY IF NOT EXISTS appointments_customer_id_idx
  ON appointments (customer_id, date);

-- Date-based queries: the day's schedule, WHERE date >= $1 AND date < $2.
CREATE INDEX CONCURRENTLY IF NOT EXISTS appointments_date_idx
  ON appointments (date);

-- Status filtering: WHERE status = 'scheduled' AND date >= now() (status alone has six values
-- and would rarely be chosen; status + date makes it selective).
CREATE INDEX CONCURRENTLY IF NOT EXISTS appointments_status_idx
  ON appointments (status, date);

-- ---- High priority ----

-- Admin cost analytics: WHERE created_at >= now() - interval '30 days' GROUP BY service,
-- SUM(estimated_cost_cents). Covering: the INCLUDE columns allow an Index Only Scan
-- (on all-visible pages: VACUUM after bulk loads).
CREATE INDEX CONCURRENTLY IF NOT EXISTS api_usage_analytics_idx
  ON api_usage (created_at, service) INCLUDE (estimated_cost_cents, units);

-- OTP rate limiting: codes sent to one destination since $since,
-- WHERE destination = $1 AND created_at > $2.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_thread_pending_links_rate_limit_idx
  ON shared_thread_pending_links (destination, created_at);

-- ---- Medium priority ----

-- Webhook queue: the due events, WHERE status IN ('pending', 'failed') AND next_attempt_at <= now()
-- ORDER BY next_attempt_at LIMIT n FOR UPDATE SKIP LOCKED. Partial: processed and dead events
-- (nearly all rows) are never in it, so it stays small however long the history grows.
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_events_processing_idx
  ON webhook_events (next_attempt_at, id) WHERE status IN ('pending', 'failed');

-- Conversion funnel: WHERE conversion_event = $1 AND occurred_at BETWEEN $2 AND $3, joined to
-- threads and customers.
CREATE INDEX CONCURRENTLY IF NOT EXISTS attribution_data_conversion_event_idx
  ON attribution_data (conversion_event, occurred_at) INCLUDE (visitor_id, thread_id, customer_id);
