package store

import (
	"bytes"
	"database/sql"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/text/unicode/norm"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/migrations"
)

// migrationsUpTo is the embedded migrations up to and including version.
func migrationsUpTo(t *testing.T, version string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.TrimSuffix(name, ".sql") > version {
			continue
		}
		data, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = &fstest.MapFile{Data: data}
	}
	return out
}

func openRawAt(t *testing.T, path string) *sql.DB {
	t.Helper()
	d, err := dsn(path, writerParams)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", d)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// A database made before titles could repeat and before keys were
// composed upgrades without changing a slug or a paragraph id; two
// articles that the old keys told apart only by their Unicode form are
// both kept, and the log names them.
func TestUpgradeFromVersion4(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw := openRawAt(t, path)
	if _, err := migrate(ctx, raw, migrationsUpTo(t, "0004_paragraph_pid_index"), nil, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	composed := "Café society"
	decomposed := norm.NFD.String(composed)
	oldKey := func(s string) string { return strings.ToLower(s) } // no NFC, as before
	for _, a := range []struct{ slug, title, pid, text string }{
		{"cafe-society", composed, "aaaaaaaa", "The first copy, composed."},
		{"cafe-society-2", decomposed, "bbbbbbbb", "The second copy, decomposed."},
		{"other", "Other", "cccccccc", "Something else entirely."},
	} {
		res, err := raw.ExecContext(ctx, `INSERT INTO articles (slug, key, title, published, fingerprint, created_at, updated_at)
			VALUES (?, ?, ?, '2019-12-14', 'f', 'now', 'now')`, a.slug, oldKey(a.title), a.title)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := raw.ExecContext(ctx, `INSERT INTO paragraphs (article_id, pid, position, kind, text) VALUES (?, ?, 0, 'paragraph', ?)`,
			id, a.pid, a.text); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	var logs bytes.Buffer
	db, err := Open(ctx, path, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer db.Close()

	for slug, pid := range map[string]string{"cafe-society": "aaaaaaaa", "cafe-society-2": "bbbbbbbb", "other": "cccccccc"} {
		a, err := db.Article(ctx, slug)
		if err != nil {
			t.Fatalf("article %s after the upgrade: %v", slug, err)
		}
		if len(a.Blocks) != 1 || a.Blocks[0].ID != pid {
			t.Errorf("%s: blocks %+v, want one with id %s", slug, a.Blocks, pid)
		}
	}
	var keys int
	if err := db.r.QueryRowContext(ctx, `SELECT count(DISTINCT key) FROM articles WHERE slug LIKE 'cafe-society%'`).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if keys != 1 {
		t.Errorf("the two copies have %d keys after the upgrade, want 1 (composed)", keys)
	}
	if !strings.Contains(logs.String(), "cafe-society cafe-society-2") {
		t.Errorf("log does not name the colliding articles:\n%s", logs.String())
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Errorf("FTS5 integrity after the upgrade: %v", err)
	}
	res, err := db.Search(ctx, readingroom.ParseQuery("decomposed"), 1, 10)
	if err != nil || len(res.Results) != 1 || res.Results[0].Slug != "cafe-society-2" {
		t.Errorf("search after the upgrade: %+v, %v", res, err)
	}
	var fk int
	if err := db.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d after a migration that turned them off, want 1", fk)
	}
	// The triggers are back: deleting an article still takes its paragraphs
	// and their index entries with it.
	if err := db.DeleteArticle(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Errorf("FTS5 integrity after a delete: %v", err)
	}
	// The new kinds are accepted.
	a := &readingroom.Article{Title: "Lists", Blocks: []readingroom.Block{
		{Kind: readingroom.KindListItem, Text: "One"}, {Kind: readingroom.KindCode, Text: "x := 1\ny := 2"},
	}}
	if _, _, err := db.SaveArticle(ctx, a, "t.md"); err != nil {
		t.Errorf("save list items and code: %v", err)
	}
}

// A migration that turns foreign keys off still refuses to commit rows
// that break them.
func TestMigrationChecksForeignKeys(t *testing.T) {
	db := openRaw(t)
	fsys := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p INTEGER REFERENCES parent (id));`)},
		"0002_b.sql": {Data: []byte(foreignKeysOffDirective + "\nINSERT INTO child VALUES (42);")},
	}
	_, err := migrate(t.Context(), db, fsys, nil, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
		t.Fatalf("migration leaving a dangling reference: err = %v, want it refused", err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM child`).Scan(&n); err != nil || n != 0 {
		t.Errorf("child rows = %d, %v; want the step rolled back", n, err)
	}
}
