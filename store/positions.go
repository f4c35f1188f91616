package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/readingroom/readingroom"
)

// SetPosition records that the reader reached the paragraph pid of the
// article at slug. Reaching the article's last paragraph (or a block
// after it, such as the author's note) finishes it: a saved, unread
// article is then marked read, and finished is true. An unknown article
// is ENOTFOUND; an id the article does not have is EUNPROCESSABLE.
func (db *DB) SetPosition(ctx context.Context, userID int64, slug, pid string) (finished bool, err error) {
	if !readingroom.ValidParagraphID(pid) {
		return false, errNoParagraph(pid)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("store: set position: %w", err)
	}
	defer tx.Rollback()
	var articleID int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE slug = ?`, slug).Scan(&articleID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, readingroom.Errorf(readingroom.ENOTFOUND, "There is no article %q in this room.", slug)
	}
	if err != nil {
		return false, fmt.Errorf("store: set position: %w", err)
	}
	ref, err := resolve(ctx, tx, articleID, pid)
	if readingroom.ErrorCode(err) == readingroom.ENOTFOUND || err == nil && ref.State == ParagraphDeleted {
		return false, errNoParagraph(pid)
	}
	if err != nil {
		return false, fmt.Errorf("store: set position: %w", err)
	}
	now := formatTime(db.now())
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO reading_positions (user_id, article_id, paragraph_id, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, article_id) DO UPDATE SET paragraph_id = excluded.paragraph_id, updated_at = excluded.updated_at`,
		userID, articleID, ref.ID, now); err != nil {
		return false, fmt.Errorf("store: set position: %w", err)
	}
	// Finished: no paragraph (or list item, or code) after this block.
	if err := tx.QueryRowContext(ctx, `
		SELECT NOT EXISTS (
			SELECT 1 FROM paragraphs p
			WHERE p.article_id = ? AND p.kind IN ('paragraph', 'list_item', 'code')
			AND p.position > (SELECT position FROM paragraphs WHERE article_id = ? AND pid = ?))`,
		articleID, articleID, ref.ID).Scan(&finished); err != nil {
		return false, fmt.Errorf("store: set position: %w", err)
	}
	if finished {
		if _, err := tx.ExecContext(ctx, `
			UPDATE list_items SET state = 'read', updated_at = ?
			WHERE user_id = ? AND article_id = ? AND kind = 'article' AND state = 'unread'`,
			now, userID, articleID); err != nil {
			return false, fmt.Errorf("store: set position: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("store: set position: %w", err)
	}
	return finished, nil
}

// Positions returns, of the articles at slugs, those where the reader has
// a position, with the id of the paragraph they reached.
func (db *DB) Positions(ctx context.Context, userID int64, slugs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(slugs) == 0 {
		return out, nil
	}
	type pos struct{ slug, pid string }
	rows, err := scanRows(ctx, db.r, func(rows *sql.Rows) (pos, error) {
		var p pos
		err := rows.Scan(&p.slug, &p.pid)
		return p, err
	}, `SELECT a.slug, r.paragraph_id FROM reading_positions r JOIN articles a ON a.id = r.article_id
		WHERE r.user_id = ? AND a.slug IN (`+placeholders(len(slugs))+`)`, append([]any{userID}, anys(slugs)...)...)
	if err != nil {
		return nil, fmt.Errorf("store: positions: %w", err)
	}
	for _, p := range rows {
		out[p.slug] = p.pid
	}
	return out, nil
}

// FeedSecret returns the secret of the reader's list feed, "" when they
// have none yet.
func (db *DB) FeedSecret(ctx context.Context, userID int64) (string, error) {
	var secret string
	err := db.r.QueryRowContext(ctx, `SELECT secret FROM list_feeds WHERE user_id = ?`, userID).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: feed secret: %w", err)
	}
	return secret, nil
}

// NewFeedSecret gives the reader's list feed a new secret, retiring the
// old one, and returns it: 256 random bits, as a session's are.
func (db *DB) NewFeedSecret(ctx context.Context, userID int64) (string, error) {
	secret, err := newSecret()
	if err != nil {
		return "", fmt.Errorf("store: new feed secret: %w", err)
	}
	if _, err := db.w.ExecContext(ctx, `
		INSERT INTO list_feeds (user_id, secret, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`,
		userID, secret, formatTime(db.now())); err != nil {
		return "", fmt.Errorf("store: new feed secret: %w", err)
	}
	return secret, nil
}

// FeedOwner returns the reader whose list feed has secret. A secret no
// feed has (or one that was replaced) is ENOTFOUND.
func (db *DB) FeedOwner(ctx context.Context, secret string) (*readingroom.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users u JOIN list_feeds f ON f.user_id = u.id WHERE f.secret = ?`, secret))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, readingroom.Errorf(readingroom.ENOTFOUND, "There is no feed at that address.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: feed owner: %w", err)
	}
	return u, nil
}
