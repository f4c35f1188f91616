-- Search matches articles, not paragraphs: an article matches when it holds
-- every word of the query anywhere (title, byline, standfirst, book details,
-- captions, paragraphs), and a phrase when its words stand together within
-- one block. One full-text index does it all, article_fts: one row per
-- article (rowid = articles.id), for matching, ranking, counting, and,
-- through highlight(), for finding and marking the blocks that hold the
-- words. The paragraph-level index goes: it tokenized every word a second
-- time on import, and with the title and byline copied into each
-- paragraph's row it was larger than the text.
--
-- The index's content is the view article_docs, so the text is stored once,
-- in articles, books and paragraphs. In body, the blocks are joined in
-- order with U+E000, a private-use character that the tokenizer keeps as a
-- token of its own and that no query can ask for (ParseQuery keeps letters
-- and digits only), so a phrase never runs from one block into the next;
-- search splits highlighted text on it to find each block. body comes
-- first: FTS5 marks a position in any other column with two bytes more.
--
-- The store keeps the index in step in the transaction that saves or
-- deletes an article: 'delete' with the view's values before the article's
-- rows change, an insert from the view after. Triggers would re-index the
-- whole article for each of its paragraphs. IntegrityCheck compares the
-- index with the view.
--
-- No prefix indexes: docs/benchmarks.md says what they cost and bring.

DROP TRIGGER search_paragraph_insert;
DROP TRIGGER search_paragraph_delete;
DROP TRIGGER search_paragraph_update;
DROP TRIGGER search_article_update;
DROP TRIGGER search_article_delete;
DROP VIEW search_docs;
DROP TABLE search_fts;

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

CREATE VIRTUAL TABLE article_fts USING fts5 (
	body,
	title,
	byline,
	standfirst,
	books,
	content = 'article_docs',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO article_fts (article_fts) VALUES ('rebuild');
