-- Search matches articles, not paragraphs: an article matches when it holds
-- every word of the query anywhere (title, byline, standfirst, book details,
-- captions, paragraphs), and a phrase when its words stand together within
-- one block. Three indexes, all with the same tokenizer:
--
--   * article_fts: one row per article (rowid = articles.id), for matching,
--     ranking and counting. Contentless (the text lives in articles and
--     paragraphs already) with contentless_delete, so the store re-indexes
--     an article by deleting its row and inserting it again. The store
--     writes it, in the transaction that saves or deletes the article. In
--     body, blocks are joined with U+E000 (a private-use character, which
--     the tokenizer keeps as a token and no query can ask for), so a phrase
--     never runs from the end of one block into the next.
--   * search_fts: the paragraph-level index, now of the text alone (the
--     title and byline copied into every paragraph's row made it larger than
--     the text), for the best paragraphs of the articles shown and their
--     snippets.
--   * head_fts: the standfirst, so an article found by its standfirst shows
--     it marked.
--
-- No prefix indexes: a prefix query costs a little more, and the index far
-- less (docs/benchmarks.md).

DROP TRIGGER search_paragraph_insert;
DROP TRIGGER search_paragraph_delete;
DROP TRIGGER search_paragraph_update;
DROP TRIGGER search_article_update;
DROP TRIGGER search_article_delete;
DROP VIEW search_docs;
DROP TABLE search_fts;

CREATE VIRTUAL TABLE search_fts USING fts5 (
	text,
	content = 'paragraphs',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- The 'delete' command must be given the values that were indexed (the OLD
-- row); anything else leaves stale entries behind. Deleting an article
-- deletes its paragraphs by cascade, which fires the delete trigger.
CREATE TRIGGER search_paragraph_insert AFTER INSERT ON paragraphs BEGIN
	INSERT INTO search_fts (rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER search_paragraph_delete AFTER DELETE ON paragraphs BEGIN
	INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER search_paragraph_update AFTER UPDATE OF text ON paragraphs
WHEN old.text IS NOT new.text BEGIN
	INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO search_fts (rowid, text) VALUES (new.id, new.text);
END;

INSERT INTO search_fts (search_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE article_fts USING fts5 (
	title,
	byline,
	standfirst,
	books,
	body,
	content = '',
	contentless_delete = 1,
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- The same text store.articleDoc makes: blocks in order, and each book's
-- title, author and details, joined by ' U+E000 '.
INSERT INTO article_fts (rowid, title, byline, standfirst, books, body)
SELECT a.id, a.title, a.byline, a.standfirst,
	coalesce((SELECT group_concat(b.title || ' ' || char(57344) || ' ' || b.author || ' ' || char(57344) || ' ' || b.details,
		' ' || char(57344) || ' ' ORDER BY b.position) FROM books b WHERE b.article_id = a.id), ''),
	coalesce((SELECT group_concat(p.text, ' ' || char(57344) || ' ' ORDER BY p.position)
		FROM paragraphs p WHERE p.article_id = a.id), '')
FROM articles a;

CREATE VIRTUAL TABLE head_fts USING fts5 (
	standfirst,
	content = 'articles',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER head_article_insert AFTER INSERT ON articles BEGIN
	INSERT INTO head_fts (rowid, standfirst) VALUES (new.id, new.standfirst);
END;

CREATE TRIGGER head_article_delete AFTER DELETE ON articles BEGIN
	INSERT INTO head_fts (head_fts, rowid, standfirst) VALUES ('delete', old.id, old.standfirst);
END;

CREATE TRIGGER head_article_update AFTER UPDATE OF standfirst ON articles
WHEN old.standfirst IS NOT new.standfirst BEGIN
	INSERT INTO head_fts (head_fts, rowid, standfirst) VALUES ('delete', old.id, old.standfirst);
	INSERT INTO head_fts (rowid, standfirst) VALUES (new.id, new.standfirst);
END;

INSERT INTO head_fts (head_fts) VALUES ('rebuild');
