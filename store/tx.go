package store

import (
	"context"
	"database/sql"
)

// dbtx is what the helpers that read and write within a transaction need:
// a *sql.Tx, or an import batch's stmtTx.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// maxStmts bounds the statements a stmtTx keeps; queries past it (such as
// IN lists of every length) run unprepared.
const maxStmts = 64

// stmtTx is a transaction that prepares each statement once and reuses
// it: an import batch runs the same few statements thousands of times,
// and SQLite compiles an insert into paragraphs together with its
// triggers.
type stmtTx struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func newStmtTx(tx *sql.Tx) *stmtTx {
	return &stmtTx{tx: tx, stmts: map[string]*sql.Stmt{}}
}

// stmt returns the prepared statement for query, or nil when too many are
// kept already.
func (t *stmtTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := t.stmts[query]; ok {
		return s, nil
	}
	if len(t.stmts) >= maxStmts {
		return nil, nil
	}
	s, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = s
	return s, nil
}

func (t *stmtTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := t.stmt(ctx, query)
	if err != nil || s == nil {
		if err != nil {
			return nil, err
		}
		return t.tx.ExecContext(ctx, query, args...)
	}
	return s.ExecContext(ctx, args...)
}

func (t *stmtTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(ctx, query)
	if err != nil || s == nil {
		if err != nil {
			return nil, err
		}
		return t.tx.QueryContext(ctx, query, args...)
	}
	return s.QueryContext(ctx, args...)
}

func (t *stmtTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s, err := t.stmt(ctx, query)
	if err != nil || s == nil {
		// The transaction gives the same error, in a *sql.Row.
		return t.tx.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// PrepareContext prepares a statement of the caller's own, on the
// transaction.
func (t *stmtTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, query)
}

// close closes the prepared statements (the transaction closes them too
// when it ends; this frees them at once).
func (t *stmtTx) close() {
	for _, s := range t.stmts {
		s.Close()
	}
	clear(t.stmts)
}
