-- Rollback of 0024_attribution_rollup: the visitor index (the rollup's own rollback runs first).
DROP INDEX CONCURRENTLY IF EXISTS attribution_data_visitor_idx;
