-- Finding an article by its paragraphs (its title was edited between two
-- imports) looks paragraphs up by public id across articles.
CREATE INDEX paragraphs_pid ON paragraphs (pid);
