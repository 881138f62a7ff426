-- Rollback of cost_budgets: budgets, alert history and pending deliveries are dropped.
DROP TABLE IF EXISTS cost_alert_deliveries;
DROP TABLE IF EXISTS cost_alerts;
DROP TABLE IF EXISTS cost_budgets;
