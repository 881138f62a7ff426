-- api_usage_thread_cost: a conversation's API cost (issue 21), and through its threads a customer's.
-- Built CONCURRENTLY (no transaction), like 0002, so it never blocks writers of api_usage.
--
-- The thread header and the customer card show the last 30 days' cost:
--   SELECT sum(estimated_cost_cents) FROM api_usage WHERE thread_id = ANY($1) AND created_at >= $2
-- an Index Only Scan over just those threads' rows (a few dozen per thread), where without it every
-- row of the window is read. Partial: the ~30% of rows with no thread (maps, email) are not indexed.
-- It also serves ON DELETE SET NULL from shared_threads (no Seq Scan of api_usage per deleted thread).
-- Rollback: api_usage_thread_cost.down.sql.
CREATE INDEX CONCURRENTLY IF NOT EXISTS api_usage_thread_cost_idx
  ON api_usage (thread_id, created_at) INCLUDE (estimated_cost_cents)
  WHERE thread_id IS NOT NULL;
