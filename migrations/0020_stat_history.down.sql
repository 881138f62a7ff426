-- Rollback of stat_history: the collected history goes with it.
DROP TABLE IF EXISTS db_size_snapshots, db_history_state, db_statement_counters, db_statement_snapshots;
