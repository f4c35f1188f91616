package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/readingroom/readingroom"
)

// DeletedArticle is what the room keeps of an article an admin deleted.
type DeletedArticle struct {
	Slug    string
	Title   string
	Deleted time.Time
}

// DeleteArticle deletes the article at slug with its books and blocks (and
// their full-text entries), in one transaction that also retires its slug
// and every paragraph id it ever had: the slug is never given to another
// article, so no old link shows other text, and the links answer that the
// article was deleted. An unknown slug is ENOTFOUND.
func (db *DB) DeleteArticle(ctx context.Context, slug string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: delete article %q: %w", slug, err)
	}
	defer tx.Rollback()
	var (
		id         int64
		key, title string
	)
	err = tx.QueryRowContext(ctx, `SELECT id, key, title FROM articles WHERE slug = ?`, slug).Scan(&id, &key, &title)
	if errors.Is(err, sql.ErrNoRows) {
		return readingroom.Errorf(readingroom.ENOTFOUND, "no article at %q", slug)
	}
	if err != nil {
		return fmt.Errorf("store: delete article %q: %w", slug, err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO deleted_articles (slug, key, title, deleted_at) VALUES (?, ?, ?, ?)`,
		slug, key, title, formatTime(db.now())); err != nil {
		return fmt.Errorf("store: delete article %q: retire slug: %w", slug, err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO deleted_paragraph_ids (slug, pid)
		SELECT ?1, pid FROM paragraphs WHERE article_id = ?2
		UNION SELECT ?1, pid FROM paragraph_ids WHERE article_id = ?2`,
		slug, id); err != nil {
		return fmt.Errorf("store: delete article %q: retire paragraph ids: %w", slug, err)
	}
	if err := unindexArticle(ctx, tx, id); err != nil {
		return fmt.Errorf("store: delete article %q: %w", slug, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM articles WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete article %q: %w", slug, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: delete article %q: %w", slug, err)
	}
	return nil
}

// DeletedArticle returns the record of the deleted article that had slug.
// A slug no deleted article had is ENOTFOUND.
func (db *DB) DeletedArticle(ctx context.Context, slug string) (DeletedArticle, error) {
	d := DeletedArticle{Slug: slug}
	var deleted string
	err := db.r.QueryRowContext(ctx,
		`SELECT title, deleted_at FROM deleted_articles WHERE slug = ?`, slug).Scan(&d.Title, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return DeletedArticle{}, readingroom.Errorf(readingroom.ENOTFOUND, "no deleted article at %q", slug)
	}
	if err != nil {
		return DeletedArticle{}, fmt.Errorf("store: deleted article %q: %w", slug, err)
	}
	if d.Deleted, err = parseTime(deleted); err != nil {
		return DeletedArticle{}, fmt.Errorf("store: deleted article %q: %w", slug, err)
	}
	return d, nil
}

// HadParagraph reports whether the deleted article that had slug had the
// paragraph id pid.
func (db *DB) HadParagraph(ctx context.Context, slug, pid string) (bool, error) {
	var had bool
	if err := db.r.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM deleted_paragraph_ids WHERE slug = ? AND pid = ?)`, slug, pid,
	).Scan(&had); err != nil {
		return false, fmt.Errorf("store: deleted paragraph %q/%q: %w", slug, pid, err)
	}
	return had, nil
}
