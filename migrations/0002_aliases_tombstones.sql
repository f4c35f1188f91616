-- Paragraph ids that no longer name a live paragraph keep working:
-- an alias redirects to the paragraph that took its text (two paragraphs
-- merged); a tombstone keeps the last text of a deleted paragraph and the
-- id of its nearest surviving neighbour. An id is in at most one of
-- paragraphs, paragraph_aliases and paragraph_tombstones, and stays in
-- paragraph_ids for ever.

CREATE TABLE paragraph_aliases (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	pid        TEXT NOT NULL,
	-- The id this one now resolves to; followed again if it was retired too.
	target     TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (article_id, pid)
) STRICT, WITHOUT ROWID;

CREATE TABLE paragraph_tombstones (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	pid        TEXT NOT NULL,
	kind       TEXT NOT NULL,
	text       TEXT NOT NULL,
	neighbour  TEXT NOT NULL DEFAULT '',
	deleted_at TEXT NOT NULL,
	PRIMARY KEY (article_id, pid)
) STRICT, WITHOUT ROWID;
