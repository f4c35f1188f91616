package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Bare is the ceiling the benchmark holds the room against: one FTS5 table
// of paragraphs with the room's tokenizer and nothing else (no articles,
// no ids, no triggers), written and read in the plainest way.
type Bare struct {
	db *sql.DB
}

// OpenBare creates the bare index in a new file at path.
func OpenBare(ctx context.Context, path string) (*Bare, error) {
	d, err := dsn(path, writerParams)
	if err != nil {
		return nil, fmt.Errorf("store: open bare: %w", err)
	}
	db, err := sql.Open("sqlite3", d)
	if err != nil {
		return nil, fmt.Errorf("store: open bare: %w", err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE IF NOT EXISTS bare USING fts5 (text, tokenize = 'porter unicode61 remove_diacritics 2')`); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open bare: %w", err)
	}
	return &Bare{db: db}, nil
}

// Close closes the bare index.
func (b *Bare) Close() error { return b.db.Close() }

// Insert adds paragraphs in one transaction with one prepared statement.
func (b *Bare) Insert(ctx context.Context, paragraphs []string) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: bare insert: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO bare (text) VALUES (?)`)
	if err != nil {
		return fmt.Errorf("store: bare insert: %w", err)
	}
	defer stmt.Close()
	for _, p := range paragraphs {
		if _, err := stmt.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("store: bare insert: %w", err)
		}
	}
	return tx.Commit()
}

// Query runs an FTS5 expression the way a plain search would: every match
// scored with bm25, the best 20 returned. It returns how many came back.
func (b *Bare) Query(ctx context.Context, expr string) (int, error) {
	rows, err := b.db.QueryContext(ctx, `SELECT rowid, bm25(bare) FROM bare WHERE bare MATCH ? ORDER BY rank LIMIT 20`, expr)
	if err != nil {
		return 0, fmt.Errorf("store: bare query: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			id    int64
			score float64
		)
		if err := rows.Scan(&id, &score); err != nil {
			return 0, fmt.Errorf("store: bare query: %w", err)
		}
		n++
	}
	return n, errors.Join(rows.Err(), rows.Close())
}
