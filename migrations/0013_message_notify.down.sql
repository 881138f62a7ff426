-- Rollback of message_notify.
DROP TRIGGER IF EXISTS shared_thread_messages_notify ON shared_thread_messages;
DROP FUNCTION IF EXISTS shared_thread_messages_notify();
