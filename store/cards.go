package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/readingroom/readingroom"
)

// MaxCards bounds the preview cards kept; beyond it, the oldest go. A card
// is tens of kilobytes and is drawn again in a few milliseconds if asked
// for after it went.
const MaxCards = 5000

// Card returns the preview card stored under key; ENOTFOUND when there is
// none.
func (db *DB) Card(ctx context.Context, key string) ([]byte, error) {
	var png []byte
	err := db.r.QueryRowContext(ctx, `SELECT png FROM preview_cards WHERE key = ?`, key).Scan(&png)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, readingroom.Errorf(readingroom.ENOTFOUND, "no card %q", key)
	}
	if err != nil {
		return nil, fmt.Errorf("store: card: %w", err)
	}
	return png, nil
}

// SaveCard keeps a preview card under key, and lets the oldest go when
// there are more than MaxCards.
func (db *DB) SaveCard(ctx context.Context, key string, png []byte) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: save card: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO preview_cards (key, png, created_at) VALUES (?, ?, ?)`,
		key, png, db.now().UTC().Format(time.RFC3339Nano)); err != nil {
		return fmt.Errorf("store: save card: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		DELETE FROM preview_cards WHERE key IN (
			SELECT key FROM preview_cards ORDER BY created_at DESC LIMIT -1 OFFSET ?)`, MaxCards); err != nil {
		return fmt.Errorf("store: save card: prune: %w", err)
	}
	return tx.Commit()
}
