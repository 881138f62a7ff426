-- Rollback of thread_waiting: 0010's summary functions exactly as 0010 created them (they no
-- longer write last_direction), then the index and the column.
DROP INDEX CONCURRENTLY IF EXISTS shared_threads_waiting_idx;

CREATE OR REPLACE FUNCTION shared_threads_summary_refresh(p_ids uuid[]) RETURNS integer
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

CREATE OR REPLACE FUNCTION shared_threads_summary_drift(p_ids uuid[]) RETURNS SETOF uuid
  LANGUAGE sql STABLE
  AS $$
  SELECT t.id
    FROM shared_threads t
    JOIN shared_threads_summary_of(coalesce(p_ids, ARRAY(SELECT id FROM shared_threads))) s ON s.id = t.id
   WHERE (t.message_count, t.channels, t.last_message_at, t.last_message_preview)
         IS DISTINCT FROM (s.message_count, s.channels, s.last_message_at, s.last_message_preview)
$$;

CREATE OR REPLACE FUNCTION shared_threads_summary_apply() RETURNS trigger
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

CREATE OR REPLACE FUNCTION shared_threads_summary_truncate() RETURNS trigger
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

ALTER TABLE shared_threads DROP COLUMN IF EXISTS last_direction;
