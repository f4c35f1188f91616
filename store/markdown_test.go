package store

import (
	"os"
	"testing"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
)

// A Markdown article's list items and code come back as they were saved:
// kinds, printed numbers, and code with its line breaks. Saved again, it
// is unchanged.
func TestSaveMarkdownBlocks(t *testing.T) {
	db := openTest(t)
	data, err := os.ReadFile("../dump/testdata/dumps/features.md")
	if err != nil {
		t.Fatal(err)
	}
	arts, _, err := dump.Parse("features.md", data)
	if err != nil || len(arts) != 1 {
		t.Fatalf("parse: %d articles, %v", len(arts), err)
	}
	a := arts[0]
	slug := save(t, db, clone(&a), Created)
	got := load(t, db, slug)
	if len(got.Blocks) != len(a.Blocks) {
		t.Fatalf("%d blocks back, want %d", len(got.Blocks), len(a.Blocks))
	}
	kinds := map[readingroom.BlockKind]int{}
	for i, b := range got.Blocks {
		w := a.Blocks[i]
		if b.Kind != w.Kind || b.Text != w.Text || b.Number != w.Number || b.Credit != w.Credit || !readingroom.ValidParagraphID(b.ID) {
			t.Errorf("block %d back as %+v, want %+v", i, b, w)
		}
		kinds[b.Kind]++
	}
	if kinds[readingroom.KindListItem] != 8 || kinds[readingroom.KindCode] != 2 {
		t.Errorf("kinds %v, want 8 list items and 2 code blocks", kinds)
	}
	save(t, db, clone(&a), Unchanged)
}
