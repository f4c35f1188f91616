-- migrate: foreign_keys off
-- Two copies of every paragraph id go, about 7% of the database (2.6 MB of
-- 38 MB on the 5,000-article bench library, docs/benchmarks.md):
--
--   * paragraphs loses UNIQUE (article_id, pid), whose automatic index
--     SQLite cannot drop but by rebuilding the table (its documented
--     procedure: foreign keys off, copy, drop, rename, then check the
--     keys). The index on pid becomes UNIQUE (pid, article_id) and does
--     both jobs: it keeps (article_id, pid) unique and it finds a paragraph
--     by its public id, in one article or across them.
--   * paragraph_ids, the registry of ids, holds only the retired ones: an
--     id enters it when its paragraph is deleted, not when it is inserted.
--     Every id an article has used is its live ids and its registered
--     ones; one that is live again (a deleted paragraph revived) leaves
--     the registry.
--
-- Every rowid is kept, and the article_docs view is made again unchanged,
-- so the full-text index (article_fts, whose content is that view) stays
-- valid as it is. The view and the triggers on paragraphs are dropped
-- first and made again at the end.

DROP VIEW article_docs;
DROP TRIGGER paragraphs_register_pid;
DROP TRIGGER paragraphs_pid_permanent;

CREATE TABLE paragraphs_new (
	id         INTEGER PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	-- Unique within the article: see paragraphs_pid.
	pid        TEXT NOT NULL,
	-- Not UNIQUE: an update shifts positions row by row.
	position   INTEGER NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('paragraph', 'heading', 'caption', 'author_note', 'correction', 'list_item', 'code')),
	text       TEXT NOT NULL,
	number     TEXT NOT NULL DEFAULT '',
	credit     TEXT NOT NULL DEFAULT ''
) STRICT;

INSERT INTO paragraphs_new (id, article_id, pid, position, kind, text, number, credit)
SELECT id, article_id, pid, position, kind, text, number, credit FROM paragraphs;

DROP TABLE paragraphs;
ALTER TABLE paragraphs_new RENAME TO paragraphs;

-- A paragraph by its public id, within an article (article_id = ? AND
-- pid = ?) or across articles (an article whose title was edited between
-- two imports is found by its paragraphs).
CREATE UNIQUE INDEX paragraphs_pid ON paragraphs (pid, article_id);
-- As in 0040, letter for letter: an article's blocks in order, with sizes.
CREATE INDEX paragraphs_sizes ON paragraphs (article_id, position, octet_length(text) + octet_length(number) + octet_length(credit));

DELETE FROM paragraph_ids
WHERE EXISTS (SELECT 1 FROM paragraphs p WHERE p.pid = paragraph_ids.pid AND p.article_id = paragraph_ids.article_id);

-- The registry is still kept by the database itself, so no delete can
-- forget it. When an article is deleted its paragraphs go by cascade after
-- it, and there is nothing to register: DeleteArticle has recorded the
-- article's ids in deleted_paragraph_ids first.
CREATE TRIGGER paragraphs_retire_pid AFTER DELETE ON paragraphs
WHEN EXISTS (SELECT 1 FROM articles WHERE id = old.article_id) BEGIN
	INSERT OR IGNORE INTO paragraph_ids (article_id, pid) VALUES (old.article_id, old.pid);
END;

-- As in 0001: a permalink is permanent.
CREATE TRIGGER paragraphs_pid_permanent BEFORE UPDATE OF pid ON paragraphs
WHEN old.pid IS NOT new.pid BEGIN
	SELECT RAISE(ABORT, 'paragraph ids are permanent');
END;

-- As in 0030, unchanged.
CREATE VIEW article_docs AS
SELECT
	a.id AS id,
	coalesce((SELECT group_concat(p.text, ' ' || char(57344) || ' ' ORDER BY p.position)
		FROM paragraphs p WHERE p.article_id = a.id), '') AS body,
	a.title AS title,
	a.byline AS byline,
	a.standfirst AS standfirst,
	coalesce((SELECT group_concat(b.title || ' ' || char(57344) || ' ' || b.author || ' ' || char(57344) || ' ' || b.details,
		' ' || char(57344) || ' ' ORDER BY b.position) FROM books b WHERE b.article_id = a.id), '') AS books
FROM articles a;
