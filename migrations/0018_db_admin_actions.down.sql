-- Rollback of db_admin_actions: the audit trail of cancel/terminate goes with it.
DROP TABLE IF EXISTS db_admin_actions;
