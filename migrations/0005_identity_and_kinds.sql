-- migrate: foreign_keys off
-- Two changes SQLite makes only by rebuilding a table (its documented
-- procedure: foreign keys off, copy, drop, rename, then check the keys):
--
--   * articles.key is no longer UNIQUE. Magazines reuse titles for their
--     columns, so an article is its title together with its date (and,
--     when a date is missing, its text): see readingroom.Match.
--   * paragraphs accept the kinds the Markdown reader makes: list items
--     and code.
--
-- Every rowid is kept, so the full-text index, keyed by paragraph id, stays
-- valid as it is. The view and triggers over the two tables are dropped
-- first and made again, unchanged, at the end.

DROP VIEW search_docs;
DROP TRIGGER search_article_update;
DROP TRIGGER search_article_delete;
DROP TRIGGER search_paragraph_insert;
DROP TRIGGER search_paragraph_delete;
DROP TRIGGER search_paragraph_update;
DROP TRIGGER paragraphs_register_pid;
DROP TRIGGER paragraphs_pid_permanent;

CREATE TABLE articles_new (
	id           INTEGER PRIMARY KEY,
	slug         TEXT NOT NULL UNIQUE,
	-- readingroom.Article.Key(): the normalised title. Not unique: see above.
	key          TEXT NOT NULL,
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

INSERT INTO articles_new (id, slug, key, title, standfirst, byline, image_credit, published,
	publication, issue_title, word_count, fingerprint, source, created_at, updated_at)
SELECT id, slug, key, title, standfirst, byline, image_credit, published,
	publication, issue_title, word_count, fingerprint, source, created_at, updated_at
FROM articles;

DROP TABLE articles;
ALTER TABLE articles_new RENAME TO articles;

CREATE INDEX articles_listing ON articles (published DESC, title COLLATE NOCASE);
-- Finding the stored articles that share an incoming article's title.
CREATE INDEX articles_key ON articles (key, published);

CREATE TABLE paragraphs_new (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	pid        TEXT NOT NULL,
	-- Not UNIQUE: an update shifts positions row by row.
	position   INTEGER NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('paragraph', 'heading', 'caption', 'author_note', 'correction', 'list_item', 'code')),
	text       TEXT NOT NULL,
	number     TEXT NOT NULL DEFAULT '',
	credit     TEXT NOT NULL DEFAULT '',
	UNIQUE (article_id, pid)
) STRICT;

INSERT INTO paragraphs_new (id, article_id, pid, position, kind, text, number, credit)
SELECT id, article_id, pid, position, kind, text, number, credit FROM paragraphs;

DROP TABLE paragraphs;
ALTER TABLE paragraphs_new RENAME TO paragraphs;

CREATE INDEX paragraphs_article_position ON paragraphs (article_id, position);
CREATE INDEX paragraphs_pid ON paragraphs (pid);

-- As in 0001: the registry of ids, kept by the database itself, and ids
-- that never change.
CREATE TRIGGER paragraphs_register_pid AFTER INSERT ON paragraphs BEGIN
	INSERT OR IGNORE INTO paragraph_ids (article_id, pid) VALUES (new.article_id, new.pid);
END;

CREATE TRIGGER paragraphs_pid_permanent BEFORE UPDATE OF pid ON paragraphs
WHEN old.pid IS NOT new.pid BEGIN
	SELECT RAISE(ABORT, 'paragraph ids are permanent');
END;

-- As in 0003: the search index's content and the triggers that keep it in
-- step, always giving FTS5's 'delete' the values it indexed.
CREATE VIEW search_docs AS
	SELECT p.id AS id, p.text AS text, a.title AS title, a.byline AS byline
	FROM paragraphs p JOIN articles a ON a.id = p.article_id;

CREATE TRIGGER search_paragraph_insert AFTER INSERT ON paragraphs BEGIN
	INSERT INTO search_fts (rowid, text, title, byline)
		SELECT new.id, new.text, a.title, a.byline FROM articles a WHERE a.id = new.article_id;
END;

CREATE TRIGGER search_paragraph_delete AFTER DELETE ON paragraphs BEGIN
	INSERT INTO search_fts (search_fts, rowid, text, title, byline)
		SELECT 'delete', old.id, old.text, a.title, a.byline FROM articles a WHERE a.id = old.article_id;
END;

CREATE TRIGGER search_paragraph_update AFTER UPDATE OF text ON paragraphs
WHEN old.text IS NOT new.text BEGIN
	INSERT INTO search_fts (search_fts, rowid, text, title, byline)
		SELECT 'delete', old.id, old.text, a.title, a.byline FROM articles a WHERE a.id = old.article_id;
	INSERT INTO search_fts (rowid, text, title, byline)
		SELECT new.id, new.text, a.title, a.byline FROM articles a WHERE a.id = new.article_id;
END;

CREATE TRIGGER search_article_update AFTER UPDATE OF title, byline ON articles
WHEN old.title IS NOT new.title OR old.byline IS NOT new.byline BEGIN
	INSERT INTO search_fts (search_fts, rowid, text, title, byline)
		SELECT 'delete', p.id, p.text, old.title, old.byline FROM paragraphs p WHERE p.article_id = old.id;
	INSERT INTO search_fts (rowid, text, title, byline)
		SELECT p.id, p.text, new.title, new.byline FROM paragraphs p WHERE p.article_id = new.id;
END;

CREATE TRIGGER search_article_delete BEFORE DELETE ON articles BEGIN
	DELETE FROM paragraphs WHERE article_id = old.id;
END;
