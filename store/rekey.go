package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/readingroom/readingroom"
)

// rekeyNFC is migration 0006: article keys computed before keys were put
// in Unicode's composed form (NFC) are computed again, so that a copy of an
// article saved decomposed finds the stored one. Two stored articles whose
// keys now agree, with the same date, were stored apart by that bug; both
// are kept, with their slugs and paragraph ids, and named in the log.
func rekeyNFC(ctx context.Context, tx *sql.Tx, log *slog.Logger) error {
	type row struct {
		id         int64
		key, title string
	}
	stale, err := scanRows(ctx, tx, func(rows *sql.Rows) (row, error) {
		var r row
		err := rows.Scan(&r.id, &r.key, &r.title)
		return r, err
	}, `SELECT id, key, title FROM articles ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read keys: %w", err)
	}
	changed := 0
	for _, r := range stale {
		key := readingroom.Normalize(r.title)
		if key == r.key {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET key = ? WHERE id = ?`, key, r.id); err != nil {
			return fmt.Errorf("update key: %w", err)
		}
		changed++
	}
	if changed == 0 {
		return nil
	}
	log.Info("article keys recomputed in composed Unicode form", "changed", changed)
	collisions, err := scanRows(ctx, tx, func(rows *sql.Rows) (string, error) {
		var slugs string
		err := rows.Scan(&slugs)
		return slugs, err
	}, `SELECT group_concat(slug, ' ') FROM articles GROUP BY key, published HAVING count(*) > 1`)
	if err != nil {
		return fmt.Errorf("find collisions: %w", err)
	}
	for _, slugs := range collisions {
		log.Warn("articles stored apart are now one title and date; both are kept, with their links", "slugs", slugs)
	}
	return nil
}
