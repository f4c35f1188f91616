-- Link-preview images, drawn on first request and kept: one per paragraph
-- (or article) text that was shared. The key is a digest of everything
-- drawn, so an edited paragraph gets a new card and the old one ages out.

CREATE TABLE preview_cards (
	key        TEXT PRIMARY KEY,
	png        BLOB NOT NULL,
	created_at TEXT NOT NULL -- UTC RFC 3339
) STRICT, WITHOUT ROWID;

CREATE INDEX preview_cards_age ON preview_cards (created_at);
