-- message_notify: tell listening dashboards which threads got new messages.
--
-- One NOTIFY per statement and thread (a statement trigger over the inserted rows), payload the
-- thread id only (36 bytes; the dashboard reads the messages itself). A statement that writes
-- messages into more than 100 threads (a bulk import) sends a single '*' instead: "many changed,
-- refresh". NOTIFY is delivered at commit, and only if the transaction commits. The seeder, which
-- turns the summary triggers off for its bulk load, turns this off the same way.
CREATE FUNCTION shared_thread_messages_notify() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  n integer;
BEGIN
  IF current_setting('app.thread_summaries', true) = 'off' THEN
    RETURN NULL;
  END IF;
  SELECT count(DISTINCT thread_id) INTO n FROM new_rows;
  IF n > 100 THEN
    PERFORM pg_notify('conversation_messages', '*');
  ELSE
    PERFORM pg_notify('conversation_messages', t::text) FROM (SELECT DISTINCT thread_id AS t FROM new_rows) x;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER shared_thread_messages_notify AFTER INSERT ON shared_thread_messages
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION shared_thread_messages_notify();
