-- A search marks the query's words in the blocks of the articles it shows
-- from the token offsets FTS5 keeps for article_fts's body, where the
-- blocks are joined with U+E000 (0030): to cut those offsets into blocks
-- it must know where the breaks stand. The index can say (rr_blocks), but
-- only by looking up the break's list in every segment for every article
-- shown, which made a search half again as slow while an import had left
-- the index in several segments. breaks keeps the answer with the
-- article: rr_breaks(body), the body's length in tokens and the offset of
-- each break, as little-endian 32-bit integers (store/fts5aux.c). The
-- store sets it wherever it indexes an article (writeArticleIndex), and
-- IntegrityCheck compares it with the text.
ALTER TABLE articles ADD COLUMN breaks BLOB;
UPDATE articles SET breaks = (SELECT rr_breaks(d.body) FROM article_docs d WHERE d.id = articles.id);
