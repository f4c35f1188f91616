-- Accounts: users, their browser sessions and their API tokens; and the
-- record of deleted articles, whose slugs and paragraph ids stay retired.
-- Sessions and tokens are stored only as SHA-256 hashes of the secrets
-- handed out, so a copy of the database signs no one in. Removing a user
-- removes everything of theirs by cascade, in the same transaction.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	-- As given (NFC); shown to people.
	name          TEXT NOT NULL,
	-- readingroom.UserNameKey(name): case folded, so names are unique
	-- ignoring case.
	name_key      TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'reader')),
	-- PHC string: $argon2id$v=19$m=...,t=...,p=...$salt$hash
	password_hash TEXT NOT NULL,
	created_at    TEXT NOT NULL, -- UTC RFC 3339
	updated_at    TEXT NOT NULL  -- UTC RFC 3339: name, role or password changed
) STRICT;

CREATE TABLE sessions (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	-- SHA-256 of the cookie's token.
	token_hash   BLOB NOT NULL UNIQUE,
	created_at   TEXT NOT NULL,
	-- Moved forward at most once a minute; a session idle for 30 days ends.
	last_seen_at TEXT NOT NULL,
	-- What the account page shows to tell sessions apart.
	user_agent   TEXT NOT NULL DEFAULT '',
	ip           TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	-- SHA-256 of the token.
	token_hash   BLOB NOT NULL UNIQUE,
	label        TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	last_used_at TEXT -- NULL until first used
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- An article deleted by an admin. Its slug is never given to another
-- article, so its links (and its paragraphs' links) never show other text.
CREATE TABLE deleted_articles (
	slug       TEXT PRIMARY KEY,
	key        TEXT NOT NULL,
	title      TEXT NOT NULL,
	deleted_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Every paragraph id a deleted article had, so that its permalinks answer
-- "deleted" rather than "never existed".
CREATE TABLE deleted_paragraph_ids (
	slug TEXT NOT NULL REFERENCES deleted_articles (slug) ON DELETE CASCADE,
	pid  TEXT NOT NULL,
	PRIMARY KEY (slug, pid)
) STRICT, WITHOUT ROWID;
