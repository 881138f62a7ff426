-- Rollback of 0001_initial_schema: drops every table (and its data).
DROP TABLE IF EXISTS attribution_data, webhook_events, shared_thread_pending_links, api_usage,
  appointments, shared_thread_messages, shared_threads, customers;
