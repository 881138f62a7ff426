-- message_search: full-text search over message bodies and voice transcripts.
--
-- search_vector is a STORED generated column (English configuration; body and transcript
-- together), not an expression index, because of what the search query does with it (measured at
-- 1M messages, bench/RESULTS.md and the README): the newest 200 matches are read in created_at
-- order and only those are ranked, so PostgreSQL evaluates `@@` on every row it walks past until it
-- has 200 hits, and ts_rank/phrase rechecks read the vector again. From a stored column that is a
-- read; from an expression index it is a to_tsvector() per row: "furnace" (3% of messages) took
-- 130-200 ms that way against 3-4 ms stored, a phrase 66-87 ms against 2-3 ms. The price: the
-- table grows by the vectors (about 60% at 1M rows) and ADD COLUMN rewrites it once, under an
-- ACCESS EXCLUSIVE lock (seconds at 1M rows; schedule it off-peak at 10M).
--
-- The GIN index keeps fastupdate (its pending list) with a 1 MB limit instead of the default 4 MB:
-- single-row inserts, the common write, cost less than with fastupdate off, and a search scans at
-- most 1 MB of unmerged entries (measured figures in the README).
--
-- shared_thread_messages_created_idx (newest first, across threads) lets a search for a common word
-- stop after its newest 200 matches instead of fetching every match from the heap; a rare word
-- takes the GIN index instead. The live-update polling fallback reads it too.
ALTER TABLE shared_thread_messages
  ADD COLUMN IF NOT EXISTS search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('english'::regconfig, body || ' ' || coalesce(voice_transcript, ''))) STORED;

CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_thread_messages_search_idx
  ON shared_thread_messages USING gin (search_vector) WITH (fastupdate = on, gin_pending_list_limit = 1024);

CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_thread_messages_created_idx
  ON shared_thread_messages (created_at DESC, id DESC);
