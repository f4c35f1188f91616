-- paragraphs_sizes (migration 0040) begins with (article_id, position), so
-- it serves every look-up and ordering that paragraphs_article_position
-- served, and it holds the paragraph's row id as well: the older index is
-- a second copy. Dropping it saves about 2% of the database (0.8 MB of
-- 38 MB on the 5,000-article bench library, docs/benchmarks.md) and one
-- index to update for every paragraph written.
DROP INDEX paragraphs_article_position;
