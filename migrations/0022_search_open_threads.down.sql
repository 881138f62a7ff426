DROP INDEX CONCURRENTLY IF EXISTS shared_threads_open_idx;
