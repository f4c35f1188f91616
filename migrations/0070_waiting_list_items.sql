-- Items waiting for their article: restored into a reader's list while no
-- article had their slug (article_id NULL). When an article is imported
-- under that slug, they join it, in the import's transaction; this index
-- finds them by slug without reading every item without an article.

CREATE INDEX list_items_waiting ON list_items (article_slug) WHERE article_id IS NULL;
