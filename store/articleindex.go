package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/readingroom/readingroom"
)

// blockBreak separates the blocks of an article in article_fts. U+E000 is
// a private-use character: the tokenizer keeps it as a token of its own,
// and no query can ask for it (ParseQuery keeps letters and digits only),
// so a phrase can never run from the end of one block into the next.
const blockBreak = " \uE000 "

// articleDoc is an article as article_fts indexes it: one column per
// part, so that title:, author: and the column weights work, with the
// books and the blocks joined by blockBreak. Migration 0030 makes the same
// text in SQL for the articles stored before it.
func articleDoc(a *readingroom.Article) (books, body string) {
	var sb strings.Builder
	for i, b := range a.Books {
		if i > 0 {
			sb.WriteString(blockBreak)
		}
		sb.WriteString(b.Title)
		sb.WriteString(blockBreak)
		sb.WriteString(b.Author)
		sb.WriteString(blockBreak)
		sb.WriteString(b.Details)
	}
	books = sb.String()
	sb.Reset()
	n := 0
	for _, b := range a.Blocks {
		n += len(b.Text) + len(blockBreak)
	}
	sb.Grow(n)
	for i, b := range a.Blocks {
		if i > 0 {
			sb.WriteString(blockBreak)
		}
		sb.WriteString(b.Text)
	}
	return books, sb.String()
}

// indexArticle writes the article-level index row of the article with id,
// replacing any it had. It runs in the transaction that saves the article.
func indexArticle(ctx context.Context, tx dbtx, id int64, a *readingroom.Article, replace bool) error {
	if replace {
		if err := unindexArticle(ctx, tx, id); err != nil {
			return err
		}
	}
	books, body := articleDoc(a)
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO article_fts (rowid, title, byline, standfirst, books, body) VALUES (?, ?, ?, ?, ?, ?)`,
		id, a.Title, a.Byline, a.Standfirst, books, body,
	); err != nil {
		return fmt.Errorf("index article: %w", err)
	}
	return nil
}

// unindexArticle removes the article with id from the article-level index.
func unindexArticle(ctx context.Context, tx dbtx, id int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM article_fts WHERE rowid = ?`, id); err != nil {
		return fmt.Errorf("unindex article: %w", err)
	}
	return nil
}
