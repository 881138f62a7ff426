-- search_channel: message search's full-text index with the message's channel in it (issue 18).
--
-- "furnace" among calls only: no call says "furnace", and the search, walking the newest messages
-- first until it had 200 matches, read all 1M of them (0.9 s) because the planner takes a word
-- and a channel to be independent. Common words in this data are often absent from a channel
-- ("hello" is never in a call, "voicemail" only in calls). With the channel as a second column of
-- the GIN index (btree_gin gives text its GIN operator class), "the word, in calls" is one Bitmap
-- Index Scan whose posting lists are intersected inside the index: the heap is read only for the
-- rows that match both, none for "furnace" in calls. A search without a channel uses the same
-- index on its first column, so this one REPLACES shared_thread_messages_search_idx (0011): one
-- GIN index to maintain, as before, and each row adds one more entry (its channel) to it: 21 MB
-- against 18 MB at 1M messages, both freshly built. `npm run bench` measures the write cost of
-- the two side by side (Write cost), and the 0011 settings are kept: fastupdate with a 1 MB
-- pending list.
--
-- btree_gin is a trusted extension (PostgreSQL 13+): the database owner may create it. The
-- embedded database loads it too (db/embedded.ts).
--
-- Runs outside a transaction (CONCURRENTLY): built without blocking writes, then the old index is
-- dropped without blocking reads; safe to repeat.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_thread_messages_search_channel_idx
  ON shared_thread_messages USING gin (search_vector, channel) WITH (fastupdate = on, gin_pending_list_limit = 1024);

DROP INDEX CONCURRENTLY IF EXISTS shared_thread_messages_search_idx;
