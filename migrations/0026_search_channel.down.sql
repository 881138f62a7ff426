CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_thread_messages_search_idx
  ON shared_thread_messages USING gin (search_vector) WITH (fastupdate = on, gin_pending_list_limit = 1024);
DROP INDEX CONCURRENTLY IF EXISTS shared_thread_messages_search_channel_idx;
-- btree_gin stays: other objects may use it, and it costs nothing unused.
