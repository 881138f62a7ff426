-- The Database page's two helpers, created only where the server has them: pg_stat_statements
-- (per-statement timings; it records only when also in shared_preload_libraries) and HypoPG
-- (hypothetical indexes, for index suggestions). The embedded PGlite and some hosts have neither,
-- and a role without the privilege to create them gets a notice, not a failed migration: the page
-- then says what is missing and how to enable it.
DO $$
DECLARE
  ext text;
BEGIN
  FOREACH ext IN ARRAY ARRAY['pg_stat_statements', 'hypopg'] LOOP
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = ext) THEN
      BEGIN
        EXECUTE format('CREATE EXTENSION IF NOT EXISTS %I', ext);
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'extension % not created: %', ext, SQLERRM;
      END;
    END IF;
  END LOOP;
END
$$;
