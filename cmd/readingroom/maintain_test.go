package main

import (
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// backup copies a room into a new file, never over one; check passes the
// copy, and finds damage in plain words.
func TestBackupAndCheck(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "room.db")
	if out, code := runCmd(t, "import", "--db", dbPath, "../../dump/testdata/dumps"); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	backup := filepath.Join(dir, "backup.db")
	out, code := runCmd(t, "backup", "--db", dbPath, backup)
	if code != 0 || !strings.Contains(out, "Backed up") {
		t.Fatalf("backup: exit %d\n%s", code, out)
	}
	if got, want := titles(t, openDB(t, backup)), titles(t, openDB(t, dbPath)); strings.Join(got, "\n") != strings.Join(want, "\n") || len(got) == 0 {
		t.Errorf("the backup holds %q, the room %q", got, want)
	}
	out, code = runCmd(t, "check", "--db", backup)
	if code != 0 || !strings.Contains(out, "is sound") {
		t.Errorf("check of the backup: exit %d\n%s", code, out)
	}

	before, _ := os.ReadFile(backup)
	out, code = runCmd(t, "backup", "--db", dbPath, backup)
	if code != 1 || !strings.Contains(out, "already exists") {
		t.Errorf("backup over a file: exit %d\n%s", code, out)
	}
	if after, _ := os.ReadFile(backup); string(after) != string(before) {
		t.Error("backup over a file changed it")
	}

	// Damage: a deleted paragraph's id missing from the registry, and a
	// migration from a newer version.
	raw, err := sql.Open("sqlite3", "file:"+backup)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO paragraph_tombstones (article_id, pid, kind, text, deleted_at)
			SELECT id, 'zzzzzzzz', 'paragraph', 'Gone.', 'now' FROM articles LIMIT 1`,
		`INSERT INTO schema_migrations (version, applied_at) VALUES ('9001_future', 'now')`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	out, code = runCmd(t, "check", "--db", backup)
	if code != 1 {
		t.Errorf("check of a damaged database: exit %d, want 1", code)
	}
	for _, want := range []string{"has 2 problems:", "is not registered", "migration 9001_future is from a newer version"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}

	// A database that is not there is not made.
	missing := filepath.Join(dir, "missing.db")
	for _, args := range [][]string{{"check", "--db", missing}, {"backup", "--db", missing, filepath.Join(dir, "b2.db")}} {
		err := run(context.Background(), args, noenv, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "no database at") {
			t.Errorf("%s of a missing database: %v", args[0], err)
		}
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("check made the missing database")
	}
}
