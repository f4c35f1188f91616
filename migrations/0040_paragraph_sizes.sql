-- A long article is shown a page at a time, and its pages are cut by the
-- size of each block (readingroom.PageStarts). This index holds those
-- sizes in position order, so that cutting the pages reads the index
-- alone, not every paragraph's row. The expression must stay the one
-- store/page.go asks for, letter for letter, for SQLite to use it.
CREATE INDEX paragraphs_sizes ON paragraphs (article_id, position, octet_length(text) + octet_length(number) + octet_length(credit));
