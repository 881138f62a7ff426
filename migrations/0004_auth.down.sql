DROP TABLE IF EXISTS auth_rate_limit, auth_verification, auth_account, auth_session, auth_user;
