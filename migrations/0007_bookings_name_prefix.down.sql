-- Rollback of 0007_bookings_name_prefix: 1-2 character customer lookups fall back to nothing
-- (the typeahead asks for a third character) or to the trigram index's word-start matches.
DROP INDEX CONCURRENTLY IF EXISTS customers_name_prefix_idx;
