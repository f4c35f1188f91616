package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/readingroom/readingroom"
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

// indexArticle adds the article with id, which the caller has just
// written as a is (its row, books and blocks), to the article index.
//
// Its row of article_docs is made here from a rather than read back
// (doc: the view joins the rows it was given from a, so the two are the
// same text; IntegrityCheck compares the index with the view), and
// written with VALUES: an INSERT ... SELECT may write many rows, so SQLite
// opens a statement savepoint for it, and at every savepoint FTS5 writes
// out the terms it holds in memory for the transaction. An import would
// then write its index a segment an article, and merge them after,
// instead of one segment a batch.
func indexArticle(ctx context.Context, tx dbtx, id int64, a *readingroom.Article) error {
	d := doc(a)
	_, err := tx.ExecContext(ctx, `INSERT INTO article_fts (rowid, body, title, byline, standfirst, books)
		VALUES (?, ?, ?, ?, ?, ?)`, id, d.body, d.title, d.byline, d.standfirst, d.books)
	if err == nil {
		// Where the body's blocks break (migration 0090), which search
		// reads rather than the index.
		_, err = tx.ExecContext(ctx, `UPDATE articles SET breaks = rr_breaks(?) WHERE id = ?`, d.body, id)
	}
	if err != nil {
		return fmt.Errorf("index article %d: %w", id, err)
	}
	return nil
}

// unindexArticle removes the article with id from the article index:
// FTS5's 'delete' command, given the values it indexed, its row of
// article_docs. This runs before the article's rows change.
func unindexArticle(ctx context.Context, tx dbtx, id int64) error {
	var d articleDoc
	err := tx.QueryRowContext(ctx, `SELECT body, title, byline, standfirst, books FROM article_docs WHERE id = ?`, id).
		Scan(&d.body, &d.title, &d.byline, &d.standfirst, &d.books)
	if err == nil {
		_, err = tx.ExecContext(ctx, `INSERT INTO article_fts (article_fts, rowid, body, title, byline, standfirst, books)
			VALUES ('delete', ?, ?, ?, ?, ?, ?)`, id, d.body, d.title, d.byline, d.standfirst, d.books)
	}
	if err != nil {
		return fmt.Errorf("unindex article %d: %w", id, err)
	}
	return nil
}

// articleDoc is an article's row of the view article_docs: the text of
// each column of article_fts.
type articleDoc struct {
	body, title, byline, standfirst, books string
}

// doc is the row of article_docs for an article stored as a: its blocks'
// text in order, and its books' title, author and details, joined by
// blockBreak as the view joins them (group_concat leaves out only NULLs,
// and these columns are NOT NULL).
func doc(a *readingroom.Article) articleDoc {
	texts := make([]string, len(a.Blocks))
	for i, b := range a.Blocks {
		texts[i] = b.Text
	}
	books := make([]string, len(a.Books))
	for i, b := range a.Books {
		books[i] = b.Title + blockBreak + b.Author + blockBreak + b.Details
	}
	return articleDoc{
		body:       strings.Join(texts, blockBreak),
		title:      a.Title,
		byline:     a.Byline,
		standfirst: a.Standfirst,
		books:      strings.Join(books, blockBreak),
	}
}
