-- An import run leaves its segments of the full-text index merged by
-- level (store.tidyIndex): FTS5's 'merge' command with a positive count
-- merges the segments of a level once it holds usermerge of them, 4 unless
-- told; 2 leaves no two segments of one level, so a search reads each
-- word's list in as few segments as merging by levels allows.
INSERT INTO article_fts (article_fts, rank) VALUES ('usermerge', 2);
