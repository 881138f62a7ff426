-- 0007_bookings_name_prefix: the customer typeahead's 1-2 character lookups.
-- Built CONCURRENTLY (no transaction), like 0002 and 0003, so applying it never blocks writes.
--
-- Why: pg_trgm (0003) serves ILIKE '%frag%' from 3 characters on. For "j" or "jo" the trigram
-- index can only match word-start trigrams ("  j", " jo"), which hit every name with a word starting
-- that way (~10-25% of customers): a Bitmap Heap Scan over thousands of rows, then a top-N sort,
-- measured at 30-70 ms on 120k customers. A B-tree on lower(name) in the "C" collation serves
--   WHERE lower(name) COLLATE "C" LIKE 'jo%' ORDER BY lower(name) COLLATE "C", id LIMIT n
-- as a range Index Scan that stops after n rows, already in order (0.05 ms on the same data).
-- The "C" collation is what lets a default-opclass B-tree answer an anchored LIKE and give the
-- ORDER BY; id makes the order total so results are stable between keystrokes.
-- Cost: ~5 MB per 120k customers and one more index entry per customer write (customers change rarely).
-- Rollback: 0007_bookings_name_prefix.down.sql.
CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_name_prefix_idx
  ON customers ((lower(name) COLLATE "C"), id);
