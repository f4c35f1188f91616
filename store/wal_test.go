package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
)

// While readers keep reading, an import keeps the write-ahead log near
// the size it checkpoints at; SQLite's own checkpoints, which never wait
// for readers, let it grow with everything imported.
func TestImportKeepsWALBounded(t *testing.T) {
	const checkpointAt = 128 << 10
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "room.db"), WithWALCheckpointSize(checkpointAt))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	words := strings.Repeat("a paragraph of some words that fill the log with text and index entries ", 6)
	article := func(i int) readingroom.Article {
		a := readingroom.Article{Title: fmt.Sprintf("Article %d", i)}
		for j := range 6 {
			a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("%d %d %s", i, j, words)})
		}
		return a
	}
	first := article(0)
	if _, _, err := db.SaveArticle(ctx, &first, "first.txt"); err != nil {
		t.Fatal(err)
	}

	// Readers on every reader connection, for as long as the import
	// runs, each a moment apart as requests are.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, _, err := db.ListArticles(ctx, 30, 0); err != nil {
					t.Error(err)
					return
				}
				if _, err := db.Article(ctx, first.Slug); err != nil {
					t.Error(err)
					return
				}
				time.Sleep(time.Millisecond) // rendering the page
			}
		})
	}

	run := db.NewImport()
	var largest int64
	for i := 1; i <= 500; i++ {
		if _, err := run.SaveFile(ctx, fmt.Sprintf("%d.txt", i), []readingroom.Article{article(i)}, nil, nil); err != nil {
			t.Fatal(err)
		}
		size, err := db.walSize()
		if err != nil {
			t.Fatal(err)
		}
		largest = max(largest, size)
	}
	close(stop)
	wg.Wait()
	// The log may pass the mark by what one file writes, and by the
	// journal_size_limit left after SQLite's own restarts; never by more.
	if limit := int64(checkpointAt + journalSizeLimit/8); largest > limit {
		t.Errorf("the write-ahead log reached %d bytes during the import, want at most %d", largest, limit)
	}
	t.Logf("largest write-ahead log: %d bytes", largest)
}

// A bulk import merges the full-text index by steps, each its own
// transaction, and leaves it whole: one more merge finds nothing to do.
func TestBulkImportMergesTheIndexWhole(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	run := db.NewImport()
	arts := make([]readingroom.Article, bulkArticles+10)
	for i := range arts {
		arts[i] = readingroom.Article{Title: fmt.Sprintf("Harbour %d", i), Blocks: []readingroom.Block{
			{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("The harbour light number %d, and its keeper %d.", i, i*7)}}}
	}
	saveInRun(t, run, arts)
	if !run.bulk {
		t.Fatal("not a bulk import")
	}
	if err := run.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if n := mergeStep(t, db, -100); n >= 2 {
		t.Errorf("a merge after the import still had work: %d changes", n)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

// A bulk import into a new file gives back the pages its index merge
// freed: the file is left with few free pages, and sound.
func TestBulkImportGivesFreePagesBack(t *testing.T) {
	ctx := t.Context()
	db := openTest(t)
	var mode int
	db.w.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode)
	if mode != 2 {
		t.Fatalf("a new database has auto_vacuum %d, want 2 (incremental)", mode)
	}
	run := db.NewImport()
	arts := make([]readingroom.Article, 3*bulkArticles)
	for i := range arts {
		var blocks []readingroom.Block
		for k := range 6 {
			blocks = append(blocks, readingroom.Block{Kind: readingroom.KindParagraph,
				Text: fmt.Sprintf("The harbour light number %d, paragraph %d, and its keeper %d who kept a ledger of ships %d.", i, k, i*7, i*k)})
		}
		arts[i] = readingroom.Article{Title: fmt.Sprintf("Harbour %d", i), Blocks: blocks}
	}
	saveInRun(t, run, arts)
	if err := run.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	var free, pages int64
	db.w.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free)
	db.w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages)
	if free > pages/50 {
		t.Errorf("%d of the file's %d pages are free after the import, want at most 2%%", free, pages)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
	t.Logf("%d pages, %d free", pages, free)
}

// saveInRun saves arts in run, all expected first, as an import does.
func saveInRun(t *testing.T, run *ImportRun, arts []readingroom.Article) {
	t.Helper()
	for i := range arts {
		run.Expect(&arts[i])
	}
	for i := range arts {
		if _, _, err := run.Save(t.Context(), &arts[i], ""); err != nil {
			t.Fatal(err)
		}
	}
}

// mergeStep runs one step of FTS5's 'merge' command on article_fts with
// pages (negative: every segment, as 'optimize'; positive: segments that
// share a level) and returns how many changes it made: one or none when
// it had no work, as mergeSteps reads them.
func mergeStep(t *testing.T, db *DB, pages int) int64 {
	t.Helper()
	ctx := t.Context()
	conn, err := db.w.Conn(ctx) // total_changes() is the connection's
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var before, after int64
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO article_fts (article_fts, rank) VALUES ('merge', ?)`, pages); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	return after - before
}
