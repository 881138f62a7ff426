-- 0009_identity_thread_rate_limit: the OTP flow's per-thread limit (issue 10).
-- Built CONCURRENTLY (no transaction), like 0002, so applying it never blocks code requests.
--
-- Why: identity.requestCode allows at most 5 codes per conversation per hour, whatever the
-- destinations, so that one anonymous chat cannot make us text or mail a list of numbers
-- (SMS pumping). The count is
--   SELECT count(*), min(created_at) FROM shared_thread_pending_links
--    WHERE thread_id = $1 AND created_at > now() - interval '1 hour'
-- and shared_thread_pending_links_rate_limit_idx (destination, created_at) cannot serve it: without
-- this index it is a Seq Scan of every code ever sent (hundreds of thousands of rows at the 1m scale),
-- inside the transaction that holds the destination's advisory lock. With it: an Index Only Scan
-- over the thread's last hour (a handful of entries).
-- It also serves the ON DELETE CASCADE from shared_threads (no index on the referencing column
-- means a Seq Scan of this table for every deleted thread).
-- Cost: one more index entry per code sent (a few per linked visitor); ~the size of the 0002 index.
-- Rollback: 0009_identity_thread_rate_limit.down.sql.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_thread_pending_links_thread_created_idx
  ON shared_thread_pending_links (thread_id, created_at);
