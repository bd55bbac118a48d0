-- Dashboard: the people who run a card program day to day, their sessions and sign-in attempts.
-- Passwords are kept only as Argon2id hashes, session tokens only as SHA-256 hashes, and TOTP
-- secrets only wrapped under the master key in the key store.

CREATE TABLE dashboard_users (
    id                text PRIMARY KEY,
    tenant_id         text NOT NULL REFERENCES tenants (id),
    email             text NOT NULL,
    name              text NOT NULL,
    role              text NOT NULL CHECK (role IN ('admin', 'finance', 'support', 'viewer')),
    password_hash     text NOT NULL,
    -- The TOTP secret lives wrapped in the key store (see docs/dashboard.md); null when off.
    totp_key_id       text REFERENCES key_material (id),
    failed_attempts   integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until      timestamptz,
    -- A disabled user cannot sign in and their sessions stop working at once.
    disabled_at       timestamptz,
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
-- One sign-in name across CardOS, so a person never has to say which tenant they belong to.
CREATE UNIQUE INDEX dashboard_users_email ON dashboard_users (lower(email));
CREATE INDEX dashboard_users_tenant ON dashboard_users (tenant_id, id DESC);

CREATE TABLE dashboard_sessions (
    id            text PRIMARY KEY,
    user_id       text NOT NULL REFERENCES dashboard_users (id),
    token_hash    bytea NOT NULL UNIQUE,
    mode          text NOT NULL CHECK (mode IN ('test', 'live')),
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    ended_at      timestamptz,
    -- A TOTP secret being enrolled: it becomes the user's only once a code from it is given.
    pending_totp_key_id text REFERENCES key_material (id)
);
CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_id);

-- Every sign-in attempt, kept for the lock-out and for people investigating an account.
CREATE TABLE dashboard_login_attempts (
    id          text PRIMARY KEY,
    user_id     text REFERENCES dashboard_users (id),
    succeeded   boolean NOT NULL,
    failure     text CHECK (failure IN ('unknown_user', 'wrong_password', 'wrong_code', 'locked',
                                           'disabled')),
    source_ip   text,
    occurred_at timestamptz NOT NULL
);
CREATE INDEX dashboard_login_attempts_user ON dashboard_login_attempts (user_id, id DESC);
