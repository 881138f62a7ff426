-- The Database page's audit trail: every cancel (pg_cancel_backend) and terminate
-- (pg_terminate_backend) an admin asks for, who asked, when, and what the session was running.
-- Kept even when the signal fails or the user is deleted later: no foreign key to auth_user.
CREATE TABLE IF NOT EXISTS db_admin_actions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id text NOT NULL,
  actor_email text NOT NULL,
  action text NOT NULL CHECK (action IN ('cancel', 'terminate')),
  target_pid integer NOT NULL,
  target_user text,
  target_application text,
  target_state text,
  target_query text,
  target_query_start timestamptz,
  succeeded boolean NOT NULL,
  detail text
);

-- The page lists the newest actions first.
CREATE INDEX IF NOT EXISTS db_admin_actions_at_idx ON db_admin_actions (at DESC);
