-- Where the job is: the customer card shows it (issue 19). Nullable, no default: on PostgreSQL 11+
-- adding it rewrites nothing and holds its ACCESS EXCLUSIVE lock only for the catalog change.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS service_address text;
