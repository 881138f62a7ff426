-- cost_budgets: monthly API budgets per service (and in total) with warning and alert levels and a
-- spike rule, and the history of alerts they fired with each alert's deliveries (issue 21).
--
-- Evaluated on a schedule by `npm run alerts` from the daily rollup (api_usage_daily): no trigger
-- on api_usage, so inserts pay nothing for it. "Once per level per period" is the UNIQUE key of
-- cost_alerts: a second evaluation, a restart or a second job process cannot fire it again.
-- Small tables: plain DDL in the migrator's transaction.
CREATE TABLE cost_budgets (
  -- A service name as in api_usage.service, or '*' for all services together.
  service          text          PRIMARY KEY CHECK (length(service) BETWEEN 1 AND 64),
  monthly_cents    bigint        NOT NULL CHECK (monthly_cents > 0),
  warn_percent     integer       NOT NULL DEFAULT 80 CHECK (warn_percent BETWEEN 1 AND 1000),
  alert_percent    integer       NOT NULL DEFAULT 100 CHECK (alert_percent BETWEEN 1 AND 1000),
  -- A day above this many times its trailing 7-day average is a spike; NULL: no spike rule.
  spike_multiplier numeric(6,2)  CHECK (spike_multiplier IS NULL OR spike_multiplier > 1),
  updated_at       timestamptz   NOT NULL DEFAULT now(),
  updated_by       text,
  CHECK (warn_percent < alert_percent)
);

CREATE TABLE cost_alerts (
  id              bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  service         text          NOT NULL,
  level           text          NOT NULL CHECK (level IN ('warning', 'alert', 'spike')),
  -- 'YYYY-MM' for the monthly levels, 'YYYY-MM-DD' (the business day) for a spike.
  period          text          NOT NULL,
  spend_cents     numeric(16,4) NOT NULL,
  threshold_cents numeric(16,4) NOT NULL,
  budget_cents    bigint        NOT NULL,
  fired_at        timestamptz   NOT NULL DEFAULT now(),
  UNIQUE (service, level, period)
);
CREATE INDEX cost_alerts_fired_at_idx ON cost_alerts (fired_at DESC);

-- One row per alert and channel configured when it fired; retried with backoff until delivered
-- or out of attempts. A job claims due rows with a lease (next_attempt_at moved forward), so two
-- job processes never send the same delivery at once.
CREATE TABLE cost_alert_deliveries (
  alert_id        bigint        NOT NULL REFERENCES cost_alerts (id) ON DELETE CASCADE,
  channel         text          NOT NULL CHECK (channel IN ('email', 'webhook')),
  attempts        integer       NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  delivered_at    timestamptz,
  last_error      text,
  PRIMARY KEY (alert_id, channel)
);
CREATE INDEX cost_alert_deliveries_due_idx ON cost_alert_deliveries (next_attempt_at)
  WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL;
