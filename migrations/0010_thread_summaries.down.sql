-- Rollback of 0010_thread_summaries: the summary columns stay as they are, maintained by nobody.
DROP TRIGGER IF EXISTS shared_thread_messages_summary_insert ON shared_thread_messages;
DROP TRIGGER IF EXISTS shared_thread_messages_summary_update ON shared_thread_messages;
DROP TRIGGER IF EXISTS shared_thread_messages_summary_delete ON shared_thread_messages;
DROP TRIGGER IF EXISTS shared_thread_messages_summary_truncate ON shared_thread_messages;
DROP FUNCTION IF EXISTS shared_threads_summary_apply();
DROP FUNCTION IF EXISTS shared_threads_summary_truncate();
DROP FUNCTION IF EXISTS shared_threads_summary_drift(uuid[]);
DROP FUNCTION IF EXISTS shared_threads_summary_refresh(uuid[]);
DROP FUNCTION IF EXISTS shared_threads_summary_of(uuid[]);
