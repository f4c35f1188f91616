package store

import (
	"context"
	"fmt"
)

// blockBreak separates the blocks of an article in article_fts's body (the
// view article_docs joins them with it): U+E000, a private-use character
// that the tokenizer keeps as a token of its own and no query can ask for,
// so a phrase never runs from one block into the next.
const blockBreak = " \uE000 "

// The article index (article_fts) takes its content from the view
// article_docs, which reads the article's rows. Whatever changes an
// article's title, byline, standfirst, books or blocks must, in the same
// transaction, unindex it before the change and index it after; the store
// does this wherever it writes them (insertArticle, updateArticle,
// DeleteArticle). IntegrityCheck finds any drift.

// indexArticle adds the article with id to the article index, as its rows
// now stand.
func indexArticle(ctx context.Context, tx dbtx, id int64) error {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO article_fts (rowid, body, title, byline, standfirst, books)
		SELECT id, body, title, byline, standfirst, books FROM article_docs WHERE id = ?`, id,
	); err != nil {
		return fmt.Errorf("index article: %w", err)
	}
	return nil
}

// unindexArticle removes the article with id from the article index. FTS5
// must be given the values it indexed, so this runs before the article's
// rows change.
func unindexArticle(ctx context.Context, tx dbtx, id int64) error {
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO article_fts (article_fts, rowid, body, title, byline, standfirst, books)
		SELECT 'delete', id, body, title, byline, standfirst, books FROM article_docs WHERE id = ?`, id,
	); err != nil {
		return fmt.Errorf("unindex article: %w", err)
	}
	return nil
}
