-- 0010_thread_summaries: shared_threads' summary columns kept exact by the database.
--
-- The thread list reads message_count, channels, last_message_at and last_message_preview from
-- shared_threads (one row a thread, in the order of shared_threads_last_message_idx) instead of
-- aggregating shared_thread_messages. Until now every writer of messages had to update them
-- itself; the dashboard writes no messages, the chat, SMS and voice systems do. These statement
-- triggers make the columns follow the messages whoever writes them:
--
--   message_count         count of the thread's messages
--   channels              its messages' channels, in the order web, sms, voice
--   last_message_at       created_at of its newest message (NULL without messages)
--   last_message_preview  left(body, 160) of that message (the highest id among equal times)
--
-- INSERT (the common case, often one row) adds each statement's messages to the summary
-- incrementally, without reading the thread's older messages. UPDATE, DELETE and TRUNCATE, which
-- can remove a thread's newest message or its last message of a channel, recompute the affected
-- threads from their messages (shared_thread_messages_thread_created_idx: one range per thread).
--
-- Concurrency: each trigger first locks the affected thread rows in id order (no deadlock between
-- two multi-thread statements) with FOR NO KEY UPDATE, the lock its UPDATE takes anyway, which does
-- not conflict with the FOR KEY SHARE that the messages' foreign-key checks hold on the same
-- threads (FOR UPDATE would: two concurrent inserts into one thread deadlocked that way in the
-- tests). It then computes in a new statement, whose READ COMMITTED snapshot includes every change
-- committed by a writer that held those locks before. Increments are
-- applied to the row version they lock, so concurrent inserts into one thread lose nothing. A
-- thread stays locked until the writer commits, as any row it updates would: a transaction that
-- writes to several threads in separate statements should take them in id order, or retry when
-- PostgreSQL reports a deadlock (one statement touching many threads is always safe).
--
-- Bulk loaders that compute the summaries themselves (the seeder, which also checks them) may
-- skip the work with `SET LOCAL app.thread_summaries = 'off'` for their own transaction.
-- Whoever bypasses owns the consistency: shared_threads_summary_refresh(ids) recomputes any thread.

-- The summaries of the given threads as their messages make them (a thread without messages: 0,
-- '{}', NULL, NULL). Reads only: one pass over each thread's messages for the count and channels
-- (shared_thread_messages_thread_id_idx), one index probe for the newest.
CREATE FUNCTION shared_threads_summary_of(p_ids uuid[])
  RETURNS TABLE (id uuid, message_count integer, channels text[], last_message_at timestamptz, last_message_preview text)
  LANGUAGE sql STABLE
  AS $$
  SELECT x.id, a.n,
         ARRAY(SELECT c FROM unnest(ARRAY['web', 'sms', 'voice']) AS c WHERE c = ANY (a.channels)),
         l.created_at, left(l.body, 160)
    FROM (SELECT DISTINCT u.id FROM unnest(p_ids) AS u(id)) x
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS n, array_agg(DISTINCT m.channel) AS channels
        FROM shared_thread_messages m WHERE m.thread_id = x.id
    ) a
    LEFT JOIN LATERAL (
      SELECT m.created_at, m.body FROM shared_thread_messages m
       WHERE m.thread_id = x.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1
    ) l ON true
$$;

-- Makes the given threads' summaries exact: locks them (id order), then recomputes them in a new
-- statement, which sees every change committed before the locks were granted. Returns how many
-- threads changed.
CREATE FUNCTION shared_threads_summary_refresh(p_ids uuid[]) RETURNS integer
  LANGUAGE plpgsql
  AS $$
DECLARE
  changed integer;
BEGIN
  PERFORM 1 FROM shared_threads WHERE id = ANY (p_ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE shared_threads t
     SET message_count = s.message_count, channels = s.channels,
         last_message_at = s.last_message_at, last_message_preview = s.last_message_preview
    FROM shared_threads_summary_of(p_ids) s
   WHERE t.id = s.id
     AND (t.message_count, t.channels, t.last_message_at, t.last_message_preview)
         IS DISTINCT FROM (s.message_count, s.channels, s.last_message_at, s.last_message_preview);
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END
$$;

-- The threads (of those given, or all when NULL) whose stored summary differs from their messages.
-- For checks and repairs: SELECT shared_threads_summary_refresh(array(SELECT shared_threads_summary_drift(NULL)));
CREATE FUNCTION shared_threads_summary_drift(p_ids uuid[]) RETURNS SETOF uuid
  LANGUAGE sql STABLE
  AS $$
  SELECT t.id
    FROM shared_threads t
    JOIN shared_threads_summary_of(coalesce(p_ids, ARRAY(SELECT id FROM shared_threads))) s ON s.id = t.id
   WHERE (t.message_count, t.channels, t.last_message_at, t.last_message_preview)
         IS DISTINCT FROM (s.message_count, s.channels, s.last_message_at, s.last_message_preview)
$$;

CREATE FUNCTION shared_threads_summary_apply() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  ids uuid[];
BEGIN
  IF current_setting('app.thread_summaries', true) = 'off' THEN
    RETURN NULL;
  END IF;

  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT thread_id) INTO ids FROM new_rows;
    PERFORM 1 FROM shared_threads WHERE id = ANY (ids) ORDER BY id FOR NO KEY UPDATE;
    UPDATE shared_threads t
       SET message_count = t.message_count + a.n,
           channels = ARRAY(SELECT c FROM unnest(ARRAY['web', 'sms', 'voice']) AS c
                            WHERE c = ANY (t.channels) OR c = ANY (a.channels)),
           last_message_at = CASE WHEN t.last_message_at IS NULL OR l.created_at > t.last_message_at
                                  THEN l.created_at ELSE t.last_message_at END,
           -- Newer than every stored message: the statement's newest. The same time as the stored
           -- newest: the higher id wins, whichever writer committed first, so ask the index.
           last_message_preview = CASE
             WHEN t.last_message_at IS NULL OR l.created_at > t.last_message_at THEN left(l.body, 160)
             WHEN l.created_at = t.last_message_at THEN
               (SELECT left(m.body, 160) FROM shared_thread_messages m
                 WHERE m.thread_id = t.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
             ELSE t.last_message_preview END
      FROM (SELECT thread_id, count(*)::int AS n, array_agg(DISTINCT channel) AS channels
              FROM new_rows GROUP BY thread_id) a
      JOIN (SELECT DISTINCT ON (thread_id) thread_id, created_at, body
              FROM new_rows ORDER BY thread_id, created_at DESC, id DESC) l USING (thread_id)
     WHERE t.id = a.thread_id;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(DISTINCT thread_id) INTO ids FROM old_rows;
    PERFORM shared_threads_summary_refresh(ids);
  ELSE
    -- Only messages whose thread, channel, time, body or id changed (editing a transcript
    -- recomputes nothing); both sides, since a message moved to another thread leaves one summary
    -- and enters another.
    SELECT array_agg(DISTINCT t) INTO ids
      FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
     CROSS JOIN LATERAL unnest(ARRAY[o.thread_id, n.thread_id]) AS t
     WHERE t IS NOT NULL
       AND (o.id IS NULL OR n.id IS NULL
            OR (o.thread_id, o.channel, o.created_at, o.body) IS DISTINCT FROM (n.thread_id, n.channel, n.created_at, n.body));
    IF ids IS NOT NULL THEN
      PERFORM shared_threads_summary_refresh(ids);
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER shared_thread_messages_summary_insert AFTER INSERT ON shared_thread_messages
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION shared_threads_summary_apply();
CREATE TRIGGER shared_thread_messages_summary_update AFTER UPDATE ON shared_thread_messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION shared_threads_summary_apply();
CREATE TRIGGER shared_thread_messages_summary_delete AFTER DELETE ON shared_thread_messages
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION shared_threads_summary_apply();

-- TRUNCATE fires no DELETE trigger; it holds ACCESS EXCLUSIVE on the messages, so nothing interleaves.
CREATE FUNCTION shared_threads_summary_truncate() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF current_setting('app.thread_summaries', true) = 'off' THEN
    RETURN NULL;
  END IF;
  UPDATE shared_threads
     SET message_count = 0, channels = '{}', last_message_at = NULL, last_message_preview = NULL
   WHERE message_count <> 0 OR channels <> '{}' OR last_message_at IS NOT NULL OR last_message_preview IS NOT NULL;
  RETURN NULL;
END
$$;
CREATE TRIGGER shared_thread_messages_summary_truncate AFTER TRUNCATE ON shared_thread_messages
  FOR EACH STATEMENT EXECUTE FUNCTION shared_threads_summary_truncate();

-- Bring existing threads in line, 10,000 at a time. Reads first, and locks and rewrites only the
-- threads that differ: on data whose writers kept it right, this takes no lock that blocks them.
DO $$
DECLARE
  batch uuid[];
  stale uuid[];
  last_id uuid := '00000000-0000-0000-0000-000000000000';
BEGIN
  LOOP
    SELECT array_agg(id ORDER BY id) INTO batch
      FROM (SELECT id FROM shared_threads WHERE id > last_id ORDER BY id LIMIT 10000) b;
    EXIT WHEN batch IS NULL;
    stale := ARRAY(SELECT shared_threads_summary_drift(batch));
    IF cardinality(stale) > 0 THEN
      PERFORM shared_threads_summary_refresh(stale);
    END IF;
    last_id := batch[array_upper(batch, 1)];
  END LOOP;
END
$$;
