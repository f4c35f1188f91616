package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/readingroom/readingroom/store"
)

// column is a dump of a recurring column: the same title every week, other
// text, another date.
func column(date, body string, extra ...string) string {
	var sb strings.Builder
	sb.WriteString("Show Hide image\n\nDiary\n\nA week in the life of the magazine.\n\n")
	for _, p := range append([]string{body}, extra...) {
		sb.WriteString(p + "\n\n")
	}
	sb.WriteString("This article first appeared in the " + date + " issue of the New Statesman, Christmas special\n")
	return sb.String()
}

var (
	diaryDec = column("14 December 2019",
		"On Monday the printers sent back the proofs of the Christmas issue with a note about the cover.",
		"By Wednesday the editor had decided to run the puzzle on the back page after all.",
		"Friday brought snow, and the post room closed early for the first time in a decade.")
	diaryJan = column("4 January 2020",
		"The new year began with a leak in the roof above the letters desk and a bucket under it.",
		"A reader in Shetland wrote to say the crossword had kept her going through the storms.",
		"On Thursday we learnt that the old lift, out of order since October, would be replaced at last.")
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// slugsByDate returns the slug of each stored "Diary" by its date.
func diaries(t *testing.T, db *store.DB) map[string]string {
	t.Helper()
	list, _, err := db.ListArticles(context.Background(), 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range list {
		if a.Title == "Diary" {
			out[a.Published.Format("2006-01-02")] = a.Slug
		}
	}
	return out
}

// Two columns that share a title are two articles, however they are
// imported; each keeps its slug, and a corrected copy of either updates
// only itself.
func TestColumnsWithOneTitle(t *testing.T) {
	for _, tt := range []struct {
		name  string
		order [][]string // the files of each import, in order
	}{
		{"one run", [][]string{{"dec.txt", "jan.txt"}}},
		{"one run, other order", [][]string{{"jan.txt", "dec.txt"}}},
		{"two runs", [][]string{{"dec.txt"}, {"jan.txt"}}},
		{"two runs, other order", [][]string{{"jan.txt"}, {"dec.txt"}}},
		{"one file", [][]string{{"both.txt"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			dbPath := filepath.Join(dir, "room.db")
			writeFiles(t, dir, map[string]string{"dec.txt": diaryDec, "jan.txt": diaryJan, "both.txt": diaryDec + diaryJan})
			first := ""
			for _, files := range tt.order {
				args := []string{"import", "--db", dbPath}
				for _, f := range files {
					args = append(args, filepath.Join(dir, f))
				}
				if out, code := runCmd(t, args...); code != 0 || strings.Contains(out, "skipped") && !strings.Contains(out, "0 duplicates skipped") {
					t.Fatalf("import %v: exit %d\n%s", files, code, out)
				}
				if first == "" {
					for date, slug := range diaries(t, openDB(t, dbPath)) {
						if slug == "diary" {
							first = date
						}
					}
				}
			}
			db := openDB(t, dbPath)
			got := diaries(t, db)
			if len(got) != 2 {
				t.Fatalf("diaries by date %v, want two", got)
			}
			// The first imported keeps the plain slug; the other gets its date.
			other := map[string]string{"2019-12-14": "2020-01-04", "2020-01-04": "2019-12-14"}[first]
			if got[first] != "diary" || got[other] != "diary-"+other {
				t.Errorf("slugs %v, want diary for %s and diary-%s for the other", got, first, other)
			}
			before := snapshot(t, db)

			// Importing everything again changes nothing.
			out, code := runCmd(t, "import", "--db", dbPath, filepath.Join(dir, "dec.txt"), filepath.Join(dir, "jan.txt"))
			if code != 0 || !strings.Contains(out, "0 new, 0 updated, 2 unchanged") {
				t.Fatalf("re-import: exit %d\n%s", code, out)
			}
			if snapshot(t, db) != before {
				t.Error("re-import changed the stored articles")
			}

			// A corrected copy of each updates only itself.
			for _, fix := range []struct{ file, date, from, to string }{
				{"dec.txt", "2019-12-14", "proofs", "corrected proofs"},
				{"jan.txt", "2020-01-04", "Shetland", "Orkney"},
			} {
				fixed := strings.Replace(map[string]string{"dec.txt": diaryDec, "jan.txt": diaryJan}[fix.file], fix.from, fix.to, 1)
				writeFiles(t, dir, map[string]string{"fixed.txt": fixed})
				out, code := runCmd(t, "import", "--db", dbPath, filepath.Join(dir, "fixed.txt"))
				if code != 0 || !strings.Contains(out, "0 new, 1 updated") {
					t.Fatalf("corrected %s: exit %d\n%s", fix.file, code, out)
				}
				if got := diaries(t, db); len(got) != 2 {
					t.Fatalf("after correcting %s: diaries %v", fix.file, got)
				}
				for date, slug := range diaries(t, db) {
					a, err := db.Article(context.Background(), slug)
					if err != nil {
						t.Fatal(err)
					}
					var text string
					for _, b := range a.Blocks {
						text += b.Text + "\n"
					}
					if date == fix.date && !strings.Contains(text, fix.to) {
						t.Errorf("%s was not corrected: %q", slug, text)
					}
					if date != fix.date && strings.Contains(text, fix.to) {
						t.Errorf("correcting %s changed %s: %q", fix.file, slug, text)
					}
				}
			}
		})
	}
}

// Two articles with one title and one date but unrelated text, in one
// run, are two articles (two letters pages of one issue); the same files
// again change nothing.
func TestSameTitleAndDateUnrelatedText(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "room.db")
	other := column("14 December 2019",
		"A second diary ran that week, from the foreign desk, about a journey by night train to Vienna.",
		"The sleeper was late, the dining car closed, and the border guards wanted to see every book.",
		"Vienna in the snow made up for it, and the opera house had returned seats for the Saturday.")
	writeFiles(t, dir, map[string]string{"a.txt": diaryDec, "b.txt": other})
	out, code := runCmd(t, "import", "--db", dbPath, filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt"))
	if code != 0 || !strings.Contains(out, "2 new, 0 updated, 0 unchanged, 0 duplicates skipped") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	db := openDB(t, dbPath)
	list, _, _ := db.ListArticles(context.Background(), 10, 0)
	if len(list) != 2 || list[0].Slug == list[1].Slug {
		t.Fatalf("library %+v, want two articles", list)
	}
	slugs := []string{list[0].Slug, list[1].Slug}
	if !strings.Contains(strings.Join(slugs, " "), "diary-2019-12-14") {
		t.Errorf("slugs %v, want diary and diary-2019-12-14", slugs)
	}
	before := snapshot(t, db)
	out, _ = runCmd(t, "import", "--db", dbPath, filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt"))
	if !strings.Contains(out, "0 new, 0 updated, 2 unchanged") || snapshot(t, db) != before {
		t.Errorf("second import changed something:\n%s", out)
	}
}

// An undated copy of a dated article is that article when the texts
// overlap; an undated article with the same title and other text is
// another article.
func TestUndatedCopies(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "room.db")
	undated := strings.Replace(diaryDec, "This article first appeared in the 14 December 2019 issue of the New Statesman, Christmas special\n", "", 1)
	unrelated := "Diary\n\nA week in the life of the magazine.\n\nNothing in this one is like the other: a piece about bees, hives and honey in the city.\n"
	writeFiles(t, dir, map[string]string{"a.txt": diaryDec, "b.txt": undated, "c.txt": unrelated})
	out, _ := runCmd(t, "import", "--db", dbPath, filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt"), filepath.Join(dir, "c.txt"))
	if !strings.Contains(out, "2 new, 0 updated, 0 unchanged, 1 duplicate skipped") {
		t.Fatalf("import:\n%s", out)
	}
}

// The same article saved composed (NFC) and decomposed (NFD) is one
// article.
func TestComposedAndDecomposedCopies(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "room.db")
	text := "Café society in Brașov\n\nThe naïve café of Ğüneş, and the Łódź crème brûlée.\n\nA second paragraph, déjà vu.\n"
	writeFiles(t, dir, map[string]string{"nfc.txt": norm.NFC.String(text), "nfd.txt": norm.NFD.String(text)})
	out, code := runCmd(t, "import", "--db", dbPath, filepath.Join(dir, "nfc.txt"), filepath.Join(dir, "nfd.txt"))
	if code != 0 || !strings.Contains(out, "1 new, 0 updated, 0 unchanged, 1 duplicate skipped") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	db := openDB(t, dbPath)
	if got := titles(t, db); len(got) != 1 {
		t.Fatalf("library %q, want one article", got)
	}
	if _, err := db.Article(context.Background(), "cafe-society-in-brasov"); err != nil {
		t.Errorf("slug: %v", err)
	}
	// And again, in the other order, into a fresh room.
	dbPath2 := filepath.Join(dir, "room2.db")
	out, _ = runCmd(t, "import", "--db", dbPath2, filepath.Join(dir, "nfd.txt"), filepath.Join(dir, "nfc.txt"))
	if !strings.Contains(out, "1 new, 0 updated, 0 unchanged, 1 duplicate skipped") {
		t.Errorf("other order:\n%s", out)
	}
}
