package store

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/readingroom/readingroom"
)

// BenchmarkReimportWithPassages re-imports a 200-paragraph article that
// five readers have saved 500 passages of, alternately with and without
// 20 edits (words corrected, sentences added, paragraphs replaced, pairs
// swapped), through SaveArticle: alignment, aliases and tombstones, FTS5,
// every passage re-anchored, and the commit. BenchmarkReimport is the
// same without passages.
func BenchmarkReimportWithPassages(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.argon = cheapArgon
	var texts []string
	for i := range 200 {
		texts = append(texts, fmt.Sprintf("Paragraph %d: the reading room kept %d seats, %d lamps and a ledger of %d questions, and %s.",
			i, i*3+7, i*5+11, i*1000+17, strings.Repeat("readers came and went ", 1+i%4)))
	}
	edited := slices.Clone(texts)
	for k := range 20 {
		i := 5 + k*9
		switch k % 4 {
		case 0:
			edited[i] = strings.Replace(edited[i], "seats", "chairs", 1)
		case 1:
			edited[i] += " A sentence was added."
		case 2:
			edited[i] = fmt.Sprintf("A new paragraph, number %d, replaces the old one.", k)
		case 3:
			edited[i], edited[i+1] = edited[i+1], edited[i]
		}
	}
	versions := [][]readingroom.Block{blocksOfText(texts), blocksOfText(edited)}
	a := &readingroom.Article{Title: "Five hundred passages", Blocks: slices.Clone(versions[0])}
	if _, _, err := db.SaveArticle(ctx, a, "bench"); err != nil {
		b.Fatal(err)
	}
	var users []*readingroom.User
	for u := range 5 {
		user, err := db.CreateUser(ctx, fmt.Sprintf("reader%d", u), "a long password", readingroom.RoleReader)
		if err != nil {
			b.Fatal(err)
		}
		users = append(users, user)
	}
	// 500 passages: in each paragraph, two or three runs of words.
	n := 0
	for i, blk := range a.Blocks {
		words := strings.Fields(blk.Text)
		for k := 0; k < 2+i%2 && n < 500; k++ {
			from := (k * 5) % max(1, len(words)-6)
			q := strings.Join(words[from:from+5], " ")
			if _, _, err := db.SaveItem(ctx, users[n%5].ID, NewItem{Slug: a.Slug, Paragraph: blk.ID, Quote: &readingroom.Quote{Exact: q}}); err != nil {
				b.Fatalf("save %q: %v", q, err)
			}
			n++
		}
	}
	if got := count(b, db, `SELECT count(*) FROM list_items`); got != 500 {
		b.Fatalf("%d passages, want 500", got)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		next := &readingroom.Article{Title: a.Title, Blocks: slices.Clone(versions[(i+1)%2])}
		if out, _, err := db.SaveArticle(ctx, next, "bench"); err != nil || out != Updated {
			b.Fatalf("re-import %d: %v %v", i, out, err)
		}
	}
	b.StopTimer()
	if n := count(b, db, `SELECT count(*) FROM list_items WHERE anchor = 'orphaned'`); n == 500 {
		b.Fatal("every passage orphaned")
	}
}
