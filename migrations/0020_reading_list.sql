-- The reading list: each reader's saved articles and passages, their tags,
-- where each reader stopped in each article, and the secret address of
-- each reader's list as a feed. Everything a reader has goes when their
-- account does (ON DELETE CASCADE, in DeleteUser's transaction).
--
-- An item names its article by id, and also keeps its slug and title, so
-- that it outlives the article: when an admin deletes the article, the
-- item stays, with article_id NULL, and is shown as "article missing".

CREATE TABLE list_items (
	id             INTEGER PRIMARY KEY,
	user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	article_id     INTEGER REFERENCES articles (id) ON DELETE SET NULL,
	article_slug   TEXT NOT NULL,
	article_title  TEXT NOT NULL,
	article_byline TEXT NOT NULL DEFAULT '',
	kind           TEXT NOT NULL CHECK (kind IN ('article', 'passage')),
	state          TEXT NOT NULL DEFAULT 'unread' CHECK (state IN ('unread', 'read', 'archived')),
	-- Plain text, shown as text, never as HTML.
	note           TEXT NOT NULL DEFAULT '',
	-- The item's tags as given, one per line, in order: what the full-text
	-- index reads. list_tags holds them one per row, for filters and counts.
	tags           TEXT NOT NULL DEFAULT '',
	-- A passage: the paragraph it started in when saved, and its W3C
	-- TextQuoteSelector over the article's text (readingroom.ArticleText).
	paragraph_id   TEXT NOT NULL DEFAULT '',
	exact          TEXT NOT NULL DEFAULT '',
	prefix         TEXT NOT NULL DEFAULT '',
	suffix         TEXT NOT NULL DEFAULT '',
	-- Where it was last found (readingroom.Found): the anchor, the
	-- paragraph it starts in, its TextPositionSelector (code points), the
	-- words there now (which differ from exact when fuzzy) and the text
	-- around them now, for links that mark them. An orphaned passage keeps
	-- its last place as a hint for finding it again.
	anchor         TEXT NOT NULL DEFAULT 'exact' CHECK (anchor IN ('exact', 'moved', 'fuzzy', 'orphaned')),
	anchor_pid     TEXT NOT NULL DEFAULT '',
	anchor_start   INTEGER NOT NULL DEFAULT 0,
	anchor_end     INTEGER NOT NULL DEFAULT 0,
	anchor_text    TEXT NOT NULL DEFAULT '',
	anchor_prefix  TEXT NOT NULL DEFAULT '',
	anchor_suffix  TEXT NOT NULL DEFAULT '',
	created_at     TEXT NOT NULL, -- UTC RFC 3339
	updated_at     TEXT NOT NULL, -- UTC RFC 3339: note, tags or state changed
	CHECK (kind = 'passage' OR exact = '')
) STRICT;

-- A reader's list, newest first.
CREATE INDEX list_items_user ON list_items (user_id, id);
-- The passages of an article, to re-anchor.
CREATE INDEX list_items_article ON list_items (article_id, user_id);
-- A reader's items of one article: to mark them, to filter by article,
-- and to find a second copy of an item being saved.
CREATE INDEX list_items_slug ON list_items (user_id, article_slug, kind);
-- An article is saved once by each reader. Slugs are never reused, so the
-- slug names the article even after it is deleted.
CREATE UNIQUE INDEX list_items_article_once ON list_items (user_id, article_slug) WHERE kind = 'article';

CREATE TABLE list_tags (
	item_id INTEGER NOT NULL REFERENCES list_items (id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL,
	-- readingroom.TagKey(tag): tags are the same ignoring case.
	key     TEXT NOT NULL,
	tag     TEXT NOT NULL,
	PRIMARY KEY (item_id, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX list_tags_user ON list_tags (user_id, key);

-- How many of a reader's items have each tag, kept in step by the
-- database itself, so that the list's tag choice and the tags page do
-- not count thousands of rows on every request. The spelling shown is
-- the one first used.
CREATE TABLE list_tag_counts (
	user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	key     TEXT NOT NULL,
	tag     TEXT NOT NULL,
	items   INTEGER NOT NULL,
	PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER list_tags_count_insert AFTER INSERT ON list_tags BEGIN
	INSERT OR IGNORE INTO list_tag_counts (user_id, key, tag, items) VALUES (new.user_id, new.key, new.tag, 0);
	UPDATE list_tag_counts SET items = items + 1 WHERE user_id = new.user_id AND key = new.key;
END;

CREATE TRIGGER list_tags_count_delete AFTER DELETE ON list_tags BEGIN
	UPDATE list_tag_counts SET items = items - 1 WHERE user_id = old.user_id AND key = old.key;
	DELETE FROM list_tag_counts WHERE user_id = old.user_id AND key = old.key AND items <= 0;
END;

-- The last paragraph a reader reached in an article.
CREATE TABLE reading_positions (
	user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	article_id   INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	paragraph_id TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	PRIMARY KEY (user_id, article_id)
) STRICT, WITHOUT ROWID;

-- The secret part of the address of a reader's list as an Atom feed. It
-- is kept as it is, not hashed, so the account page can show the address
-- again: it opens only that list, which a copy of the database holds
-- anyway. Making a new one retires the old address.
CREATE TABLE list_feeds (
	user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	secret     TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL
) STRICT;

-- Full-text search of a reader's quotes and notes (and tags, and the
-- article's title and byline, so title: and author: work as in the
-- library's search). External content: the text lives once, in
-- list_items; the triggers keep the index in step, always handing FTS5's
-- 'delete' the values it indexed.
CREATE VIEW list_docs AS
	SELECT id, exact AS quote, note, tags, article_title AS title, article_byline AS byline
	FROM list_items;

CREATE VIRTUAL TABLE list_fts USING fts5 (
	quote,
	note,
	tags,
	title,
	byline,
	content = 'list_docs',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER list_items_fts_insert AFTER INSERT ON list_items BEGIN
	INSERT INTO list_fts (rowid, quote, note, tags, title, byline)
		VALUES (new.id, new.exact, new.note, new.tags, new.article_title, new.article_byline);
END;

CREATE TRIGGER list_items_fts_delete AFTER DELETE ON list_items BEGIN
	INSERT INTO list_fts (list_fts, rowid, quote, note, tags, title, byline)
		VALUES ('delete', old.id, old.exact, old.note, old.tags, old.article_title, old.article_byline);
END;

CREATE TRIGGER list_items_fts_update AFTER UPDATE OF exact, note, tags, article_title, article_byline ON list_items
WHEN old.exact IS NOT new.exact OR old.note IS NOT new.note OR old.tags IS NOT new.tags
	OR old.article_title IS NOT new.article_title OR old.article_byline IS NOT new.article_byline BEGIN
	INSERT INTO list_fts (list_fts, rowid, quote, note, tags, title, byline)
		VALUES ('delete', old.id, old.exact, old.note, old.tags, old.article_title, old.article_byline);
	INSERT INTO list_fts (rowid, quote, note, tags, title, byline)
		VALUES (new.id, new.exact, new.note, new.tags, new.article_title, new.article_byline);
END;
