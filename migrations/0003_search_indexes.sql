-- 0003_search_indexes: indexes the dashboard's lookups need beyond the guide's nine.
-- Built CONCURRENTLY (no transaction), like 0002, so applying them never blocks writes.

-- Typeahead customer search matches a fragment anywhere in a name, phone or email
-- ("smi", "555 01", "@gmail"). A B-tree serves only prefixes of the whole value; pg_trgm GIN
-- indexes serve ILIKE '%fragment%' (3+ characters) with a Bitmap Index Scan at any table size.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_name_trgm_idx
  ON customers USING gin (name gin_trgm_ops);

CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_phone_trgm_idx
  ON customers USING gin (phone gin_trgm_ops);

CREATE INDEX CONCURRENTLY IF NOT EXISTS customers_email_trgm_idx
  ON customers USING gin (email gin_trgm_ops);

-- Thread list, most recent activity first, keyset-paged on (last_message_at, id): without it every
-- page sorts all threads.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_threads_last_message_idx
  ON shared_threads (last_message_at DESC NULLS LAST, id DESC);

-- Thread list filtered to the customers a search matched; also serves "this customer's conversations"
-- and the ON DELETE SET NULL of customers.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_threads_customer_id_idx
  ON shared_threads (customer_id, last_message_at DESC);

-- Anonymous SMS/voice threads are found by the caller's number before identity is linked.
CREATE INDEX CONCURRENTLY IF NOT EXISTS shared_threads_contact_phone_trgm_idx
  ON shared_threads USING gin (contact_phone gin_trgm_ops);
