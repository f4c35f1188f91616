-- Articles, their books and blocks, the registry of every paragraph id an
-- article has used, and the paragraph-level full-text index.

CREATE TABLE articles (
	id           INTEGER PRIMARY KEY,
	slug         TEXT NOT NULL UNIQUE,
	-- readingroom.Article.Key(): the normalised title, the identity across
	-- files and re-imports.
	key          TEXT NOT NULL UNIQUE,
	title        TEXT NOT NULL,
	standfirst   TEXT NOT NULL DEFAULT '',
	byline       TEXT NOT NULL DEFAULT '',
	image_credit TEXT NOT NULL DEFAULT '',
	-- YYYY-MM-DD, NULL when the dump gave no date.
	published    TEXT CHECK (published IS NULL OR published GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	publication  TEXT NOT NULL DEFAULT '',
	issue_title  TEXT NOT NULL DEFAULT '',
	word_count   INTEGER NOT NULL DEFAULT 0,
	-- readingroom.Article.Fingerprint(): an unchanged re-import writes nothing.
	fingerprint  TEXT NOT NULL,
	-- The file the article was last imported from.
	source       TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL, -- UTC RFC 3339
	updated_at   TEXT NOT NULL  -- UTC RFC 3339
) STRICT;

-- The library listing: newest first, then by title. SQLite sorts NULL below
-- every value, so under DESC the undated articles come last by themselves.
CREATE INDEX articles_listing ON articles (published DESC, title COLLATE NOCASE);

CREATE TABLE books (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	title      TEXT NOT NULL DEFAULT '',
	author     TEXT NOT NULL DEFAULT '',
	details    TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (article_id, position)
) STRICT;

-- Every block of an article body. The id is internal (and the FTS rowid);
-- pid is the public, permanent paragraph id of readingroom.ParagraphID.
CREATE TABLE paragraphs (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	pid        TEXT NOT NULL,
	-- Not UNIQUE: an update shifts positions row by row.
	position   INTEGER NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('paragraph', 'heading', 'caption', 'author_note', 'correction')),
	text       TEXT NOT NULL,
	number     TEXT NOT NULL DEFAULT '',
	credit     TEXT NOT NULL DEFAULT '',
	UNIQUE (article_id, pid)
) STRICT;

CREATE INDEX paragraphs_article_position ON paragraphs (article_id, position);

-- Every pid an article has ever used, so that a deleted paragraph's id is
-- never handed to other text (a permalink must not start pointing somewhere
-- else). Aliases and tombstones will build on this.
CREATE TABLE paragraph_ids (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	pid        TEXT NOT NULL,
	PRIMARY KEY (article_id, pid)
) STRICT, WITHOUT ROWID;

-- The registry is kept by the database itself, so no insert can forget it.
CREATE TRIGGER paragraphs_register_pid AFTER INSERT ON paragraphs BEGIN
	INSERT OR IGNORE INTO paragraph_ids (article_id, pid) VALUES (new.article_id, new.pid);
END;

-- A permalink is permanent: a paragraph's public id never changes.
CREATE TRIGGER paragraphs_pid_permanent BEFORE UPDATE OF pid ON paragraphs
WHEN old.pid IS NOT new.pid BEGIN
	SELECT RAISE(ABORT, 'paragraph ids are permanent');
END;

-- Paragraph-level full-text index over paragraphs.text. External content:
-- the text lives once, in paragraphs; the triggers keep the index in step.
CREATE VIRTUAL TABLE paragraphs_fts USING fts5 (
	text,
	content = 'paragraphs',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- The 'delete' command must be given the values that were indexed (the OLD
-- row); anything else leaves stale entries behind.
CREATE TRIGGER paragraphs_fts_insert AFTER INSERT ON paragraphs BEGIN
	INSERT INTO paragraphs_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER paragraphs_fts_delete AFTER DELETE ON paragraphs BEGIN
	INSERT INTO paragraphs_fts (paragraphs_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER paragraphs_fts_update AFTER UPDATE OF text ON paragraphs
WHEN old.text IS NOT new.text BEGIN
	INSERT INTO paragraphs_fts (paragraphs_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO paragraphs_fts (rowid, text) VALUES (new.id, new.text);
END;
