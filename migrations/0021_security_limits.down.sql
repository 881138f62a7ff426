DROP TABLE IF EXISTS security_limit_events;
