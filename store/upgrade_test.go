package store

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/migrations"
)

// A database a newer version has migrated is refused with a message that
// says so, and is left exactly as it was.
func TestOpenRefusesNewerDatabase(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "room.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ('9001_from_the_future', 'then')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	before := fileHash(t, path)

	_, err = Open(ctx, path)
	var newer *NewerDatabaseError
	if !errors.As(err, &newer) {
		t.Fatalf("Open of a newer database: %v, want a NewerDatabaseError", err)
	}
	for _, want := range []string{"newer version", "9001_from_the_future", "nothing was changed", path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if after := fileHash(t, path); after != before {
		t.Error("the refused database was changed")
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Error("a -wal file was left beside the refused database")
	}
	// As it is, it can still be checked and copied.
	db, err = Open(ctx, path, AsIs())
	if err != nil {
		t.Fatalf("open as it is: %v", err)
	}
	db.Close()
}

func fileHash(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(data))
}

// A database of every earlier version, holding articles, paragraph ids,
// aliases and tombstones (and accounts, once there were any), upgrades:
// everything reads as before, the checks pass, and new articles save.
func TestUpgradeFromEveryVersion(t *testing.T) {
	all, err := steps(migrations.FS, goMigrations)
	if err != nil {
		t.Fatal(err)
	}
	for _, last := range all[:len(all)-1] {
		t.Run(last.version, func(t *testing.T) {
			ctx := t.Context()
			path := filepath.Join(t.TempDir(), "old.db")
			raw := openRawAt(t, path)
			var goSteps []migration
			for _, m := range goMigrations {
				if m.version <= last.version {
					goSteps = append(goSteps, m)
				}
			}
			if _, err := migrate(ctx, raw, migrationsUpTo(t, last.version), goSteps, slog.New(slog.DiscardHandler)); err != nil {
				t.Fatal(err)
			}
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := raw.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			hasHistory, hasUsers := tableExists(t, raw, "paragraph_aliases"), tableExists(t, raw, "users")
			exec(`INSERT INTO articles (id, slug, key, title, published, fingerprint, created_at, updated_at)
				VALUES (1, 'old-piece', 'old piece', 'Old piece', '2016-05-01', 'f', 'then', 'then')`)
			exec(`INSERT INTO paragraphs (article_id, pid, position, kind, text) VALUES
				(1, 'aaaaaaaa', 0, 'heading', 'A heading'),
				(1, 'bbbbbbbb', 1, 'paragraph', 'The lighthouse keeper wrote every night.')`)
			if hasHistory {
				exec(`INSERT INTO paragraph_ids (article_id, pid) VALUES (1, 'cccccccc'), (1, 'dddddddd')`)
				exec(`INSERT INTO paragraph_aliases (article_id, pid, target, created_at) VALUES (1, 'cccccccc', 'bbbbbbbb', 'then')`)
				exec(`INSERT INTO paragraph_tombstones (article_id, pid, kind, text, neighbour, deleted_at)
					VALUES (1, 'dddddddd', 'paragraph', 'Gone now.', 'bbbbbbbb', 'then')`)
			}
			if tableExists(t, raw, "article_fts") {
				// From 0030 the store, not triggers, keeps the index in
				// step with what it saves.
				exec(`INSERT INTO article_fts (article_fts) VALUES ('rebuild')`)
			}
			if hasUsers {
				exec(`INSERT INTO users (name, name_key, role, password_hash, created_at, updated_at)
					VALUES ('ada', 'ada', 'admin', 'x', 'then', 'then')`)
			}
			raw.Close()

			db, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("upgrade from %s: %v", last.version, err)
			}
			defer db.Close()
			a, err := db.Article(ctx, "old-piece")
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Blocks) != 2 || a.Blocks[1].ID != "bbbbbbbb" || a.Blocks[1].Text != "The lighthouse keeper wrote every night." {
				t.Errorf("blocks after the upgrade: %+v", a.Blocks)
			}
			if hasHistory {
				if ref, err := db.Paragraph(ctx, "old-piece", "cccccccc"); err != nil || ref.State != ParagraphAlias || ref.ID != "bbbbbbbb" {
					t.Errorf("alias after the upgrade: %+v, %v", ref, err)
				}
				if ref, err := db.Paragraph(ctx, "old-piece", "dddddddd"); err != nil || ref.State != ParagraphDeleted {
					t.Errorf("tombstone after the upgrade: %+v, %v", ref, err)
				}
			}
			// The hit is found in its block: where the blocks break is
			// known (0090 keeps it with each article).
			res, err := db.Search(ctx, readingroom.ParseQuery("lighthouse"), 1, 10)
			if err != nil || len(res.Results) != 1 || res.Results[0].Matches != 1 || res.Results[0].Hits[0].PID != "bbbbbbbb" {
				t.Errorf("search after the upgrade: %+v, %v", res, err)
			}
			if err := db.IntegrityCheck(ctx); err != nil {
				t.Errorf("check after the upgrade: %v", err)
			}
			fresh := &readingroom.Article{Title: "New piece", Blocks: []readingroom.Block{{Kind: readingroom.KindListItem, Text: "One"}}}
			if _, _, err := db.SaveArticle(ctx, fresh, "new.md"); err != nil {
				t.Errorf("save after the upgrade: %v", err)
			}
		})
	}
}

// Migration 0080 rebuilds paragraphs without its UNIQUE (article_id, pid)
// and keeps only retired ids in the registry. Every row keeps its rowid,
// public id and text, every article its slug, every retired id its state;
// the full-text index still matches; and from then on a deleted
// paragraph's id is registered, a live one is not.
func TestUpgradeKeepsOnlyRetiredIDs(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw := openRawAt(t, path)
	if _, err := migrate(ctx, raw, migrationsUpTo(t, "0070_waiting_list_items"), goMigrations, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO articles (id, slug, key, title, published, fingerprint, created_at, updated_at) VALUES
			(5, 'lamps', 'lamps', 'Lamps', '2016-05-01', 'f', 'then', 'then'),
			(9, 'bridges', 'bridges', 'Bridges', NULL, 'f', 'then', 'then')`,
		// Rowids with gaps, positions out of rowid order.
		`INSERT INTO paragraphs (id, article_id, pid, position, kind, text, number, credit) VALUES
			(100, 5, 'lamphead', 0, 'heading', 'Of lamps', '', ''),
			(102, 5, 'lampkeep', 2, 'paragraph', 'The lighthouse keeper wrote every night.', '', ''),
			(101, 5, 'lampcapt', 1, 'caption', 'A lamp, lit.', '1', 'Photo: Ada'),
			(200, 9, 'bridgeaa', 0, 'paragraph', 'The bridge opened in spring.', '', ''),
			(207, 9, 'lampkeep', 1, 'paragraph', 'Another article may hold the same id.', '', '')`,
		// Retired ids: a tombstone, an alias, and one that is neither.
		`INSERT INTO paragraph_ids (article_id, pid) VALUES (5, 'lampgone'), (5, 'lampmrgd'), (9, 'bridgeold')`,
		`INSERT INTO paragraph_tombstones (article_id, pid, kind, text, neighbour, deleted_at)
			VALUES (5, 'lampgone', 'paragraph', 'Gone now.', 'lampkeep', 'then')`,
		`INSERT INTO paragraph_aliases (article_id, pid, target, created_at) VALUES (5, 'lampmrgd', 'lampkeep', 'then')`,
		`INSERT INTO article_fts (article_fts) VALUES ('rebuild')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	const rowsQuery = `SELECT group_concat(id || ' ' || article_id || ' ' || pid || ' ' || position || ' ' || kind || ' ' || text || ' ' || number || ' ' || credit, '; ')
		FROM (SELECT * FROM paragraphs ORDER BY id)`
	var before, registered string
	if err := raw.QueryRowContext(ctx, rowsQuery).Scan(&before); err != nil {
		t.Fatal(err)
	}
	// Before: the registry holds the live ids too.
	if err := raw.QueryRowContext(ctx, `SELECT group_concat(article_id || ' ' || pid, ', ') FROM paragraph_ids`).Scan(&registered); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(registered, "5 lampkeep") {
		t.Fatalf("registry before the upgrade: %s; want every live id in it", registered)
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer db.Close()
	var after string
	if err := db.r.QueryRowContext(ctx, rowsQuery).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("paragraphs after the upgrade:\n%s\nwant\n%s", after, before)
	}
	if got, want := retiredIDs(t, db, "lamps"), []string{"lampgone", "lampmrgd"}; !slices.Equal(got, want) {
		t.Errorf("retired ids of lamps: %q, want %q", got, want)
	}
	if got, want := retiredIDs(t, db, "bridges"), []string{"bridgeold"}; !slices.Equal(got, want) {
		t.Errorf("retired ids of bridges: %q, want %q", got, want)
	}
	for _, c := range []struct {
		pid   string
		state ParagraphState
		id    string
	}{{"lampkeep", ParagraphLive, "lampkeep"}, {"lampmrgd", ParagraphAlias, "lampkeep"}, {"lampgone", ParagraphDeleted, "lampgone"}} {
		if ref, err := db.Paragraph(ctx, "lamps", c.pid); err != nil || ref.State != c.state || ref.ID != c.id {
			t.Errorf("lamps/%s after the upgrade: %+v, %v; want state %d, id %q", c.pid, ref, err, c.state, c.id)
		}
	}
	res, err := db.Search(ctx, readingroom.ParseQuery(`"keeper wrote" lamp`), 1, 10)
	if err != nil || len(res.Results) != 1 || res.Results[0].Slug != "lamps" {
		t.Errorf("search after the upgrade: %+v, %v", res, err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Errorf("check after the upgrade: %v", err)
	}
	indexes, err := scanRows(ctx, db.r, scanString, `SELECT name || ' ' || "unique" || ' ' ||
		(SELECT group_concat(name, ',') FROM pragma_index_info(l.name)) FROM pragma_index_list('paragraphs') l ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"paragraphs_pid 1 pid,article_id", "paragraphs_sizes 0 article_id,position"}; !slices.Equal(indexes, want) {
		t.Errorf("indexes on paragraphs: %q, want %q", indexes, want)
	}

	// From now on, editing retires the dropped paragraph's id, and keeps
	// a retired id from new text; deleting records live and retired ids.
	edited := &readingroom.Article{Title: "Lamps", Published: time.Date(2016, 5, 1, 0, 0, 0, 0, time.UTC), Blocks: []readingroom.Block{
		{Kind: readingroom.KindHeading, Text: "Of lamps"},
		{Kind: readingroom.KindParagraph, Text: "The lighthouse keeper wrote every night."},
	}}
	if outcome, slug, err := db.SaveArticle(ctx, edited, "lamps.txt"); err != nil || outcome != Updated || slug != "lamps" {
		t.Fatalf("edit after the upgrade: %v %q %v; want an update of lamps", outcome, slug, err)
	}
	if got, want := retiredIDs(t, db, "lamps"), []string{"lampcapt", "lampgone", "lampmrgd"}; !slices.Equal(got, want) {
		t.Errorf("retired ids after the edit: %q, want %q", got, want)
	}
	if err := db.DeleteArticle(ctx, "bridges"); err != nil {
		t.Fatal(err)
	}
	for _, pid := range []string{"bridgeaa", "lampkeep", "bridgeold"} {
		if had, err := db.HadParagraph(ctx, "bridges", pid); err != nil || !had {
			t.Errorf("deleted bridges had %s: %v, %v; want true", pid, had, err)
		}
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Errorf("check after an edit and a delete: %v", err)
	}
}

// The pages that migration 0080's rebuild of paragraphs frees are given
// back at the end of the upgrade, in a file made to give them back (one
// made since auto_vacuum became incremental): the file does not grow by
// the old table's size.
func TestUpgradeGivesFreedPagesBack(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	raw := openRawAt(t, path)
	if err := incrementalVacuum(ctx, raw); err != nil {
		t.Fatal(err)
	}
	if _, err := migrate(ctx, raw, migrationsUpTo(t, "0070_waiting_list_items"), goMigrations, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO articles (id, slug, key, title, fingerprint, created_at, updated_at)
			VALUES (1, 'ledger', 'ledger', 'Ledger', 'f', 'then', 'then')`,
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)
		INSERT INTO paragraphs (article_id, pid, position, kind, text)
		SELECT 1, printf('p%07d', i), i, 'paragraph', printf('Entry %d: ', i) || replace(printf('%.400c', 'x'), 'x', 'ship passed ') FROM n`,
		`INSERT INTO article_fts (article_fts) VALUES ('rebuild')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer db.Close()
	var free, pages int64
	db.w.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free)
	db.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages)
	if free > pages/50 {
		t.Errorf("%d of the file's %d pages are free after the upgrade, want at most 2%%", free, pages)
	}
	if n := count(t, db, `SELECT count(*) FROM paragraphs`); n != 2000 {
		t.Errorf("%d paragraphs after the upgrade, want 2000", n)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	t.Logf("%d pages, %d free", pages, free)
}
