-- Accounts and who may see what: users with roles, groups with membership rules,
-- documents restricted to a group, server-side sessions, login failures (for rate
-- limiting), comments, open consultations and the audit log of every write. SQLite
-- dialect; migrations/postgres/ must describe the same tables and the same view.
-- Times are Unix seconds (UTC), passed in by the caller, so every backend and every
-- server sharing a database count time the same way.

-- A person who signs in. `role` decides what they may do; the password is an
-- argon2id PHC string, never the password itself.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL
                  CHECK (role IN ('secretariat', 'member_state', 'sector_member', 'observer')),
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- A group of the assembly (CWG-Internet, WG-WSIS...). `eligible_roles` is its
-- membership rule: the roles, comma-separated, that may be members.
CREATE TABLE groups (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    eligible_roles TEXT NOT NULL
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);

INSERT INTO groups (slug, name, eligible_roles) VALUES
    ('cwg-internet',
     'Council Working Group on international Internet-related public policy issues (CWG-Internet)',
     'member_state'),
    ('wg-wsis', 'Council Working Group on WSIS (WG-WSIS)', 'member_state,sector_member');

-- A document restricted to a group is seen only by the group's members (and the
-- secretariat); NULL is public.
ALTER TABLE documents ADD COLUMN restricted_to INTEGER REFERENCES groups (id);
CREATE INDEX documents_restricted ON documents (restricted_to);

-- THE visibility rule, in one place: the groups whose restricted documents a user
-- sees. A member counts only while enabled and while their role is still eligible;
-- the secretariat serves every group. Every read of the library filters with it.
CREATE VIEW viewer_groups AS
    SELECT m.user_id AS user_id, m.group_id AS group_id
      FROM group_members m
      JOIN users u ON u.id = m.user_id
      JOIN groups g ON g.id = m.group_id
     WHERE u.disabled = 0
       AND instr(',' || g.eligible_roles || ',', ',' || u.role || ',') > 0
    UNION
    SELECT u.id, g.id FROM users u, groups g
     WHERE u.role = 'secretariat' AND u.disabled = 0;

-- A signed-in browser or API client. The cookie carries a random token; only its
-- SHA-256 is stored, so a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed logins, counted per username and per address over a window.
CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    address  TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_failures_username ON login_failures (username, at);
CREATE INDEX login_failures_address ON login_failures (address, at);

-- A comment on an item of a document (`item` is the item's eId; empty for the
-- document as a whole), threaded by `parent_id`. It is seen exactly by those who see
-- its document.
CREATE TABLE comments (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    item        TEXT NOT NULL DEFAULT '',
    parent_id   INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX comments_document ON comments (document_id, id);

-- An open consultation: a question, a deadline and optionally the group it is
-- restricted to. Submissions are published after the deadline.
CREATE TABLE consultations (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    question      TEXT NOT NULL,
    deadline      INTEGER NOT NULL,
    restricted_to INTEGER REFERENCES groups (id),
    created_by    INTEGER REFERENCES users (id),
    created_at    INTEGER NOT NULL
);

CREATE TABLE submissions (
    id              INTEGER PRIMARY KEY,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    author_id       INTEGER NOT NULL REFERENCES users (id),
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX submissions_consultation ON submissions (consultation_id, id);

-- Every write: who (user id and name at the time; NULL id for the system), what
-- (action and target) and when. Written in the same transaction as the write.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    user_id  INTEGER,
    username TEXT NOT NULL,
    address  TEXT,
    action   TEXT NOT NULL,
    target   TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
