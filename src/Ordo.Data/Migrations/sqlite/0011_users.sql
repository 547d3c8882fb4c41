-- People who sign in to the console (issue 5), through ASP.NET Core Identity over Ordo's own store
-- (src/Ordo.Data/Security/UserStore.cs). normalized_email is the sign-in name; its unique index is also what keeps two
-- instances starting together from creating two first admins. authenticator_key is sealed (SecretBox, like shop
-- secrets); recovery_codes is a JSON array of SHA-256 hashes of the unused codes. Users are disabled, never deleted,
-- so the audit log's actors keep meaning something.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    normalized_email TEXT NOT NULL UNIQUE,
    display_name TEXT NULL,
    password_hash TEXT NULL,
    security_stamp TEXT NOT NULL,
    concurrency_stamp TEXT NOT NULL,
    lockout_end TEXT NULL,
    lockout_enabled INTEGER NOT NULL DEFAULT 1,
    access_failed_count INTEGER NOT NULL DEFAULT 0,
    two_factor_enabled INTEGER NOT NULL DEFAULT 0,
    authenticator_key TEXT NULL,
    recovery_codes TEXT NOT NULL DEFAULT '[]',
    culture TEXT NOT NULL DEFAULT 'zh-CN',
    time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai',
    must_change_password INTEGER NOT NULL DEFAULT 0,
    disabled_at TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);
CREATE INDEX ix_user_roles_role ON user_roles (role);

-- The keys that protect sign-in cookies and antiforgery tokens (ASP.NET Core Data Protection), shared here so that
-- every instance on one database accepts the cookies of the others. xml is sealed with SecretBox.
CREATE TABLE data_protection_keys (
    id INTEGER PRIMARY KEY,
    friendly_name TEXT NOT NULL,
    xml TEXT NOT NULL,
    created_at TEXT NOT NULL
);
