-- 0004_auth: the tables better-auth (email + password, database sessions, admin plugin roles,
-- database-backed rate limits) reads and writes, created here so that `npm run migrate` stays the
-- one way the schema changes. Column names are better-auth's own (camelCase, quoted); the tables
-- are prefixed auth_ (see server/auth.ts, which maps better-auth's models to these names).

CREATE TABLE auth_user (
  id              text        PRIMARY KEY,
  name            text        NOT NULL,
  email           text        NOT NULL UNIQUE,
  "emailVerified" boolean     NOT NULL DEFAULT false,
  image           text,
  role            text        NOT NULL DEFAULT 'staff' CHECK (role IN ('admin', 'staff')),
  banned          boolean     DEFAULT false,
  "banReason"     text,
  "banExpires"    timestamptz,
  "createdAt"     timestamptz NOT NULL DEFAULT now(),
  "updatedAt"     timestamptz NOT NULL DEFAULT now()
);

-- Sessions live in the database so that an admin can revoke one (sign-out everywhere, a banned user).
CREATE TABLE auth_session (
  id               text        PRIMARY KEY,
  "expiresAt"      timestamptz NOT NULL,
  token            text        NOT NULL UNIQUE,
  "createdAt"      timestamptz NOT NULL DEFAULT now(),
  "updatedAt"      timestamptz NOT NULL DEFAULT now(),
  "ipAddress"      text,
  "userAgent"      text,
  "userId"         text        NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
  "impersonatedBy" text
);
CREATE INDEX auth_session_user_id_idx ON auth_session ("userId");

CREATE TABLE auth_account (
  id                      text        PRIMARY KEY,
  "accountId"             text        NOT NULL,
  "providerId"            text        NOT NULL,
  "userId"                text        NOT NULL REFERENCES auth_user (id) ON DELETE CASCADE,
  "accessToken"           text,
  "refreshToken"          text,
  "idToken"               text,
  "accessTokenExpiresAt"  timestamptz,
  "refreshTokenExpiresAt" timestamptz,
  scope                   text,
  password                text,
  "createdAt"             timestamptz NOT NULL DEFAULT now(),
  "updatedAt"             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX auth_account_user_id_idx ON auth_account ("userId");

CREATE TABLE auth_verification (
  id          text        PRIMARY KEY,
  identifier  text        NOT NULL,
  value       text        NOT NULL,
  "expiresAt" timestamptz NOT NULL,
  "createdAt" timestamptz NOT NULL DEFAULT now(),
  "updatedAt" timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX auth_verification_identifier_idx ON auth_verification (identifier);

-- Failed sign-ins are rate-limited per IP and path; counts survive a restart of the server.
CREATE TABLE auth_rate_limit (
  id            text   PRIMARY KEY,
  key           text   NOT NULL UNIQUE,
  count         integer NOT NULL,
  "lastRequest" bigint NOT NULL
);
