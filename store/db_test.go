package store

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mattn/go-sqlite3"

	"github.com/readingroom/readingroom/migrations"
)

// openTest opens a fresh database file in a temporary directory.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "room.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func versions(t *testing.T, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) []string {
	t.Helper()
	rows, err := q.QueryContext(t.Context(), `SELECT version || ' ' || applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	defer rows.Close()
	var vs []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestOpenMigratesOnceAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "room.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	first := versions(t, db.r)
	files, err := migrations.FS.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	if want := len(files) + len(goMigrations); len(first) != want || len(first) == 0 { // -1: migrations.go
		t.Fatalf("applied %d migrations, want %d: %q", len(first), want, first)
	}
	if !strings.HasPrefix(first[0], "0001_init ") {
		t.Errorf("first migration recorded as %q, want version 0001_init", first[0])
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db, err = Open(t.Context(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	again := versions(t, db.r)
	if strings.Join(again, "\n") != strings.Join(first, "\n") {
		t.Errorf("after reopen schema_migrations = %q, want %q (each version once, times kept)", again, first)
	}

	var mode string
	if err := db.r.QueryRowContext(t.Context(), `PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

func TestConnectionSettings(t *testing.T) {
	db := openTest(t)
	for _, c := range []struct {
		name string
		db   *sql.DB
	}{{"writer", db.w}, {"reader", db.r}} {
		var fk, timeout int
		if err := c.db.QueryRowContext(t.Context(), `SELECT foreign_keys, timeout FROM pragma_foreign_keys, pragma_busy_timeout`).Scan(&fk, &timeout); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if fk != 1 || timeout != 5000 {
			t.Errorf("%s: foreign_keys = %d, busy_timeout = %d, want 1 and 5000", c.name, fk, timeout)
		}
	}
	var sync int
	if err := db.w.QueryRowContext(t.Context(), `PRAGMA synchronous`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if sync != 1 {
		t.Errorf("writer synchronous = %d, want 1 (NORMAL)", sync)
	}
}

func TestReadersCannotWrite(t *testing.T) {
	db := openTest(t)
	_, err := db.r.ExecContext(t.Context(), `DELETE FROM articles`)
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrReadonly {
		t.Errorf("write through the reader pool: err = %v, want SQLITE_READONLY", err)
	}
}

func TestReadersDoNotWaitForTheWriter(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	tx, err := db.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO articles (slug, key, title, fingerprint, created_at, updated_at)
		VALUES ('s', 'k', 'T', 'f', 'now', 'now')`); err != nil {
		t.Fatal(err)
	}
	// With a 5s busy timeout, a reader blocked by the writer would show up
	// as a slow test or an error; under WAL it reads the last commit.
	n, _, err := db.Stats(ctx)
	if err != nil {
		t.Fatalf("Stats during a write: %v", err)
	}
	if n != 0 {
		t.Errorf("reader saw %d articles during an uncommitted write, want 0", n)
	}
}

func TestOpenEscapesPath(t *testing.T) {
	dir := t.TempDir()
	name := "odd ?name#with%20signs.db"
	db, err := Open(t.Context(), filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
		t.Errorf("database not created under its literal name: %v", err)
	}
}

func TestOpenFailsOnMissingDirectory(t *testing.T) {
	_, err := Open(t.Context(), filepath.Join(t.TempDir(), "no", "such", "room.db"))
	if err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
	if !strings.HasPrefix(err.Error(), "store: open ") {
		t.Errorf("error %q lacks the operation prefix", err)
	}
}

func TestFTS5Check(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	if err := checkFTS5(ctx, db.w); err != nil {
		t.Errorf("checkFTS5 with -tags sqlite_fts5: %v", err)
	}
	if ok, err := compileOption(ctx, db.w, "ENABLE_FTS5"); err != nil || !ok {
		t.Errorf("compileOption(ENABLE_FTS5) = %v, %v; want true", ok, err)
	}
	// The check must be able to say no.
	if ok, err := compileOption(ctx, db.w, "ENABLE_NO_SUCH_OPTION"); err != nil || ok {
		t.Errorf("compileOption(ENABLE_NO_SUCH_OPTION) = %v, %v; want false", ok, err)
	}
	if msg := errNoFTS5().Error(); !strings.Contains(msg, "-tags sqlite_fts5") {
		t.Errorf("missing-FTS5 error %q does not name the build tag", msg)
	}
}

// openRaw opens a bare writer connection, without migrations.
func openRaw(t *testing.T) *sql.DB {
	t.Helper()
	d, err := dsn(filepath.Join(t.TempDir(), "raw.db"), writerParams)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", d)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func tableExists(t *testing.T, db *sql.DB, name string) bool {
	t.Helper()
	var ok bool
	if err := db.QueryRowContext(t.Context(),
		`SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?)`, name,
	).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestBrokenMigrationRollsBack(t *testing.T) {
	db := openRaw(t)
	ctx := t.Context()
	fsys := fstest.MapFS{
		"0001_one.sql": {Data: []byte(`CREATE TABLE one (x);`)},
		"0002_two.sql": {Data: []byte(`CREATE TABLE two (x); INSERT INTO no_such_table VALUES (1);`)},
		"0003_tri.sql": {Data: []byte(`CREATE TABLE three (x);`)},
		"README":       {Data: []byte(`not a migration`)},
	}
	n, err := migrate(ctx, db, fsys, nil, slog.New(slog.DiscardHandler))
	if err == nil {
		t.Fatal("migrate with a broken migration succeeded")
	}
	if n != 1 {
		t.Errorf("migrate applied %d before the broken one, want 1", n)
	}
	if !strings.Contains(err.Error(), "0002_two.sql") {
		t.Errorf("error %q does not name the broken file", err)
	}
	if !tableExists(t, db, "one") {
		t.Error("migration before the broken one was not kept")
	}
	if tableExists(t, db, "two") {
		t.Error("broken migration's first statement was not rolled back")
	}
	if tableExists(t, db, "three") {
		t.Error("migration after the broken one ran")
	}
	if got := versions(t, db); len(got) != 1 || !strings.HasPrefix(got[0], "0001_one ") {
		t.Errorf("recorded versions %q, want only 0001_one", got)
	}

	// Fixed, the rest applies on the next run, and only the rest.
	fsys["0002_two.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE two (x);`)}
	if n, err := migrate(ctx, db, fsys, nil, slog.New(slog.DiscardHandler)); err != nil || n != 2 {
		t.Fatalf("migrate after the fix: applied %d, %v; want 2", n, err)
	}
	if got := versions(t, db); len(got) != 3 {
		t.Errorf("recorded versions %q, want three", got)
	}
	if !tableExists(t, db, "two") || !tableExists(t, db, "three") {
		t.Error("fixed migrations not applied")
	}
	if n, err := migrate(ctx, db, fsys, nil, slog.New(slog.DiscardHandler)); err != nil || n != 0 {
		t.Errorf("migrate with nothing to do: applied %d, %v; want 0", n, err)
	}
}
