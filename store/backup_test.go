package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
)

func numbered(i int) *readingroom.Article {
	return &readingroom.Article{Title: fmt.Sprintf("Piece number %d", i), Blocks: []readingroom.Block{
		{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("The text of piece %d, which is long enough to index.", i)},
		{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("A second paragraph for piece %d.", i)},
	}}
}

// A backup taken while articles are being saved opens, checks clean, and
// holds every article committed before it began; one taken while another
// connection holds a write transaction open does not wait for it.
func TestBackupUnderWriteLoad(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	db := openTest(t)
	for i := range 50 {
		if _, _, err := db.SaveArticle(ctx, numbered(i), "seed.txt"); err != nil {
			t.Fatal(err)
		}
	}

	var (
		mu        sync.Mutex
		committed []string
		stop      = make(chan struct{})
		wg        sync.WaitGroup
	)
	wg.Go(func() {
		for i := 1000; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			a := numbered(i)
			if _, _, err := db.SaveArticle(ctx, a, "load.txt"); err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			committed = append(committed, a.Slug)
			mu.Unlock()
		}
	})
	// Let some saves commit, then take the backup mid-stream.
	for {
		mu.Lock()
		n := len(committed)
		mu.Unlock()
		if n >= 20 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), committed...)
	mu.Unlock()
	dest := filepath.Join(dir, "backup.db")
	size, err := db.Backup(ctx, dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(dest); err != nil || info.Size() != size || size == 0 {
		t.Fatalf("backup file: %v, %v; reported size %d", info, err, size)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".backup.db.partial-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	copyDB, err := Open(ctx, dest)
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer copyDB.Close()
	if err := copyDB.IntegrityCheck(ctx); err != nil {
		t.Errorf("the backup does not check clean: %v", err)
	}
	for _, slug := range append(before, "piece-number-0", "piece-number-49") {
		if _, err := copyDB.Article(ctx, slug); err != nil {
			t.Errorf("article %s, committed before the backup began, is not in it: %v", slug, err)
		}
	}

	// Never over an existing file.
	if _, err := db.Backup(ctx, dest); !errors.Is(err, fs.ErrExist) {
		t.Errorf("backup over an existing file: %v, want fs.ErrExist", err)
	}
	if info, err := os.Stat(dest); err != nil || info.Size() != size {
		t.Errorf("the existing backup was touched: %v, %v", info, err)
	}

	// A write transaction held open elsewhere (a long import in another
	// process) does not hold the backup up.
	raw := openRawAt(t, db.path)
	defer raw.Close()
	tx, err := raw.BeginTx(ctx, nil) // _txlock=immediate: it holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE articles SET title = 'uncommitted' WHERE slug = 'piece-number-0'`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := db.Backup(ctx, filepath.Join(dir, "during.db"))
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("backup during a write transaction: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the backup waited for the write transaction")
	}
	tx.Rollback()
	during, err := Open(ctx, filepath.Join(dir, "during.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer during.Close()
	if a, err := during.Article(ctx, "piece-number-0"); err != nil || a.Title != "Piece number 0" {
		t.Errorf("the backup holds an uncommitted change: %+v, %v", a, err)
	}
}
