DROP INDEX IF EXISTS customers_name_trgm_idx, customers_phone_trgm_idx, customers_email_trgm_idx,
  shared_threads_last_message_idx, shared_threads_customer_id_idx, shared_threads_contact_phone_trgm_idx;
-- pg_trgm stays: other objects may use it, and it costs nothing unused.
