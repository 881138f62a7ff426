-- The Database page's history: what pg_stat_statements counted in each 5-minute interval (deltas,
-- not its ever-growing totals), and each table's and index's size once a day. Written by the
-- worker (`npm run worker`, or once with `npm run db:snapshot`), pruned after a retention period.
CREATE TABLE IF NOT EXISTS db_statement_snapshots (
  captured_at timestamptz NOT NULL,
  queryid bigint NOT NULL,
  query text NOT NULL,
  calls bigint NOT NULL,
  total_ms double precision NOT NULL,
  rows bigint NOT NULL,
  PRIMARY KEY (queryid, captured_at)
);
-- Pruning and "since yesterday" read by time.
CREATE INDEX IF NOT EXISTS db_statement_snapshots_captured_at_idx ON db_statement_snapshots (captured_at);

-- The cumulative counters seen at the last capture, per statement, and pg_stat_statements'
-- stats_reset then: the next capture subtracts them, or starts over after a reset.
CREATE TABLE IF NOT EXISTS db_statement_counters (
  queryid bigint PRIMARY KEY,
  calls bigint NOT NULL,
  total_ms double precision NOT NULL,
  rows bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS db_history_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  stats_reset timestamptz,
  captured_at timestamptz
);

CREATE TABLE IF NOT EXISTS db_size_snapshots (
  captured_on date NOT NULL,
  relation text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('table', 'index')),
  table_name text NOT NULL,
  bytes bigint NOT NULL,
  estimated_rows double precision,
  PRIMARY KEY (relation, captured_on)
);
