package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// A migration is one step of the schema's history: a numbered .sql file
// from the migrations package, or a Go function for what SQL cannot do
// (recomputing a value with the domain's rules). Each runs in its own
// transaction together with the row that records it, so a failing step
// leaves no trace and is tried again on the next open.
type migration struct {
	version string
	name    string // the file, or the Go step's version
	sql     string
	// foreignKeysOff runs the step with foreign keys off, as SQLite's
	// procedure for rebuilding a table requires; the step's transaction
	// checks them before it commits. A .sql file asks for it with the
	// first line "-- migrate: foreign_keys off".
	foreignKeysOff bool
	fn             func(ctx context.Context, tx *sql.Tx, log *slog.Logger) error
}

const foreignKeysOffDirective = "-- migrate: foreign_keys off"

// goMigrations are the steps written in Go, by version; they sort among
// the .sql files by that version.
var goMigrations = []migration{
	{version: "0006_nfc_keys", fn: rekeyNFC},
}

// steps lists every migration, the .sql files in fsys and the Go steps
// extra, in version order.
func steps(fsys fs.FS, extra []migration) ([]migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	steps := slices.Clone(extra)
	for i := range steps {
		steps[i].name = steps[i].version
	}
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		steps = append(steps, migration{
			version:        strings.TrimSuffix(name, ".sql"),
			name:           name,
			sql:            string(body),
			foreignKeysOff: strings.HasPrefix(string(body), foreignKeysOffDirective),
		})
	}
	slices.SortFunc(steps, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	for i := 1; i < len(steps); i++ {
		if steps[i].version == steps[i-1].version {
			return nil, fmt.Errorf("two migrations are version %s", steps[i].version)
		}
	}
	return steps, nil
}

// migrate applies, in version order, every step (the .sql files in fsys
// and the Go steps extra) not yet recorded in schema_migrations, and says
// how many it applied. It runs on one connection, so that a step's
// foreign_keys setting holds for the whole step.
func migrate(ctx context.Context, db *sql.DB, fsys fs.FS, extra []migration, log *slog.Logger) (int, error) {
	all, err := steps(fsys, extra)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	// Before anything is written: a database that a newer version has
	// migrated is left as it is.
	applied, err := appliedVersions(ctx, conn)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	if unknown := unknownVersions(all, applied); len(unknown) > 0 {
		return 0, &NewerDatabaseError{Versions: unknown}
	}
	if _, err := conn.ExecContext(ctx, `
		CREATE TABLE IF NOT EXISTS schema_migrations (
			version    TEXT PRIMARY KEY,
			applied_at TEXT NOT NULL
		)`); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	n := 0
	for _, m := range all {
		did, err := m.apply(ctx, conn, log)
		if err != nil {
			return n, fmt.Errorf("migrate %s: %w", m.name, err)
		}
		if did {
			n++
		}
	}
	return n, nil
}

// NewerDatabaseError is the refusal to open a database that a newer
// version of the program has migrated: this one would not know what its
// schema means. Nothing has been written to it.
type NewerDatabaseError struct {
	Versions []string // the migrations this version does not know
}

func (e *NewerDatabaseError) Error() string {
	return fmt.Sprintf("the database is from a newer version of Reading Room: it has migration %s, which this version does not know; run that newer version (nothing was changed)",
		strings.Join(e.Versions, ", "))
}

// appliedVersions reads the versions recorded in schema_migrations; none
// when there is no such table yet.
func appliedVersions(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) ([]string, error) {
	var exists bool
	if err := q.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations')`,
	).Scan(&exists); err != nil || !exists {
		return nil, err
	}
	return scanRows(ctx, q, func(rows *sql.Rows) (string, error) {
		var v string
		err := rows.Scan(&v)
		return v, err
	}, `SELECT version FROM schema_migrations ORDER BY version`)
}

// unknownVersions lists the applied versions that are not among steps.
func unknownVersions(steps []migration, applied []string) []string {
	known := make(map[string]bool, len(steps))
	for _, m := range steps {
		known[m.version] = true
	}
	var out []string
	for _, v := range applied {
		if !known[v] {
			out = append(out, v)
		}
	}
	return out
}

// apply applies m unless schema_migrations records it, and says whether it
// did.
func (m migration) apply(ctx context.Context, conn *sql.Conn, log *slog.Logger) (did bool, err error) {
	var applied bool
	if err := conn.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)`, m.version,
	).Scan(&applied); err != nil {
		return false, err
	}
	if applied {
		return false, nil
	}
	if m.foreignKeysOff {
		// PRAGMA foreign_keys is a no-op inside a transaction: set it
		// before BEGIN, and restore it whatever happens.
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return false, err
		}
		defer func() {
			if _, e := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); e != nil && err == nil {
				err = e
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if m.fn != nil {
		err = m.fn(ctx, tx, log)
	} else {
		_, err = tx.ExecContext(ctx, m.sql)
	}
	if err != nil {
		return false, err
	}
	if m.foreignKeysOff {
		if err := checkForeignKeys(ctx, tx); err != nil {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.version, time.Now().UTC().Format(time.RFC3339),
	); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	return true, nil
}

// checkForeignKeys fails if any row breaks a foreign key.
func checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var (
			table, parent string
			rowid         sql.NullInt64
			fkid          int
		)
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("row %d of %s has no %s", rowid.Int64, table, parent)
	}
	return rows.Err()
}
