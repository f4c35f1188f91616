-- The built-in guide: the few articles about the room that an empty room
-- starts with. Once the room holds the reader's own articles, the guide
-- leaves the library's listing (its pages and links keep working, and the
-- footer leads to them). The built-in library was always imported from
-- these three files.

ALTER TABLE articles ADD COLUMN guide INTEGER NOT NULL DEFAULT 0 CHECK (guide IN (0, 1));

UPDATE articles SET guide = 1 WHERE source IN ('01-welcome.txt', '02-importing.txt', '03-quiet.txt');
