-- 0008_webhooks_queue: what the HousecallPro webhook queue (server/webhooks/) needs beyond 0001/0002.
-- No BEGIN/COMMIT and CONCURRENTLY, like 0002: webhook_events keeps every event ever received, so
-- the index below must be buildable on a long history without blocking the receiver's inserts.
-- Every statement is idempotent (IF NOT EXISTS), so a run interrupted half-way is simply re-run;
-- an interrupted concurrent build (an INVALID index) is rebuilt by `npm run migrate`.
-- The ADD COLUMNs take a brief ACCESS EXCLUSIVE lock each: a constant default is stored in the
-- catalog (PostgreSQL 11+), so neither rewrites nor scans the table.
-- Rollback: 0008_webhooks_queue.down.sql.

-- Error history of an event, oldest first: one {at, attempt, kind, message} object per failed
-- attempt, expired lease or replay. last_error keeps the latest message for the list view.
ALTER TABLE webhook_events ADD COLUMN IF NOT EXISTS errors jsonb NOT NULL DEFAULT '[]'::jsonb;

-- The provider's updated_at of the customer record last applied, so that an older customer event
-- (delivered late, or replayed) never overwrites newer state. appointments.source_updated_at (0001)
-- does the same for jobs. customers.updated_at stays the time of the local write.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS source_updated_at timestamptz;

-- The admin list filtered by status, newest first (WHERE status = $1 ORDER BY id DESC LIMIT n:
-- a backward range scan), its per-status counts (an index range each), and the worker's sweep of
-- expired leases (WHERE status = 'processing' AND next_attempt_at <= now()): 'processing' rows are
-- not in the partial webhook_events_processing_idx, and there are only ever a handful of them.
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_events_status_id_idx
  ON webhook_events (status, id);
