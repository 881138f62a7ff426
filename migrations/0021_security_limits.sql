-- Sign-in and verification-code limits shared by every app process and kept across restarts
-- (server/security/limits.ts). One row per counted event; a bucket names what is limited:
-- 'signin:client:<address>', 'signin:pair:<email>|<address>', 'signin:account:<email>',
-- 'signin:ok:<email>|<address>', 'otp:client:<address>'. Checks read one bucket's recent rows
-- through the (bucket, at) index; old rows are deleted as their buckets are written.
CREATE TABLE IF NOT EXISTS security_limit_events (
  bucket text        NOT NULL CHECK (length(bucket) <= 600),
  at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS security_limit_events_bucket_at_idx ON security_limit_events (bucket, at);
