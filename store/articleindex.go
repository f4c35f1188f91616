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
//
// The view's row is read first and written with VALUES: an INSERT ...
// SELECT may write many rows, so SQLite opens a statement savepoint for
// it, and at every savepoint FTS5 writes out the terms it holds in memory
// for the transaction. An import would then write its index a segment an
// article, and merge them after, instead of one segment a batch.
func indexArticle(ctx context.Context, tx dbtx, id int64) error {
	return writeArticleIndex(ctx, tx, id, false)
}

// unindexArticle removes the article with id from the article index. FTS5
// must be given the values it indexed, so this runs before the article's
// rows change.
func unindexArticle(ctx context.Context, tx dbtx, id int64) error {
	return writeArticleIndex(ctx, tx, id, true)
}

// writeArticleIndex gives article_fts the article's row of article_docs,
// to add or, with remove, to take out (FTS5's 'delete' command). Adding it
// also keeps where the body's blocks break (articles.breaks, migration
// 0090), which search reads rather than the index.
func writeArticleIndex(ctx context.Context, tx dbtx, id int64, remove bool) error {
	var (
		body, title, byline, standfirst, books string
		breaks                                 []byte
	)
	q := `SELECT body, title, byline, standfirst, books, NULL FROM article_docs WHERE id = ?`
	if !remove {
		q = `SELECT body, title, byline, standfirst, books, rr_breaks(body) FROM article_docs WHERE id = ?`
	}
	err := tx.QueryRowContext(ctx, q, id).Scan(&body, &title, &byline, &standfirst, &books, &breaks)
	if err != nil {
		return fmt.Errorf("index article %d: %w", id, err)
	}
	if remove {
		_, err = tx.ExecContext(ctx, `INSERT INTO article_fts (article_fts, rowid, body, title, byline, standfirst, books)
			VALUES ('delete', ?, ?, ?, ?, ?, ?)`, id, body, title, byline, standfirst, books)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO article_fts (rowid, body, title, byline, standfirst, books)
			VALUES (?, ?, ?, ?, ?, ?)`, id, body, title, byline, standfirst, books)
		if err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE articles SET breaks = ? WHERE id = ?`, breaks, id)
		}
	}
	if err != nil {
		return fmt.Errorf("index article %d: %w", id, err)
	}
	return nil
}
