-- Search ranks title matches high and filters by byline, so the
-- paragraph-level index gains the article's title and byline as columns.
-- It indexes a view that joins each paragraph to its article; triggers
-- keep it in step, always handing FTS5's 'delete' the values it indexed:
-- when a title or byline changes, every paragraph of the article is
-- re-indexed, and an article's paragraphs are deleted before the article
-- itself, while its title is still there to read.

DROP TRIGGER paragraphs_fts_insert;
DROP TRIGGER paragraphs_fts_delete;
DROP TRIGGER paragraphs_fts_update;
DROP TABLE paragraphs_fts;

CREATE VIEW search_docs AS
	SELECT p.id AS id, p.text AS text, a.title AS title, a.byline AS byline
	FROM paragraphs p JOIN articles a ON a.id = p.article_id;

CREATE VIRTUAL TABLE search_fts USING fts5 (
	text,
	title,
	byline,
	content = 'search_docs',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2',
	-- Prefix indexes, so that a short prefix such as lib* need not merge
	-- the posting lists of every word it starts.
	prefix = '2 3 4'
);

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

INSERT INTO search_fts (search_fts) VALUES ('rebuild');
