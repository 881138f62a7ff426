ALTER TABLE customers DROP COLUMN IF EXISTS service_address;
