-- Rollback of message_search.
DROP INDEX CONCURRENTLY IF EXISTS shared_thread_messages_created_idx;
DROP INDEX CONCURRENTLY IF EXISTS shared_thread_messages_search_idx;
ALTER TABLE shared_thread_messages DROP COLUMN IF EXISTS search_vector;
