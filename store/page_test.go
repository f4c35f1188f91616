package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/readingroom/readingroom"
)

// A long article comes a page at a time, each within the page bounds, the
// pages together the whole article in order; a paragraph's page is the
// one that holds it.
func TestArticlePages(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	long := &readingroom.Article{Title: "A long book", Standfirst: "", Blocks: []readingroom.Block{{Kind: readingroom.KindHeading, Text: "Chapter one"}}}
	for i := range 2*readingroom.PageBlocks + 10 {
		long.Blocks = append(long.Blocks, readingroom.Block{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("Paragraph %d of the book, which goes on.", i)})
	}
	if _, _, err := db.SaveArticle(ctx, long, "book.md"); err != nil {
		t.Fatal(err)
	}
	var all []string
	for n := 1; ; n++ {
		p, err := db.ArticlePage(ctx, long.Slug, n)
		if errors.Is(err, ErrNoSuchPage) {
			if n != 4 {
				t.Errorf("no page %d, want 3 pages", n)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Number != n || p.Pages != 3 || len(p.Blocks) == 0 || len(p.Blocks) > readingroom.PageBlocks {
			t.Errorf("page %d: number %d of %d, %d blocks", n, p.Number, p.Pages, len(p.Blocks))
		}
		if p.Title != long.Title || p.WordCount != long.WordCount() || p.FirstParagraph != long.Blocks[1].Text {
			t.Errorf("page %d head: %q, %d words (want %d), first paragraph %q", n, p.Title, p.WordCount, long.WordCount(), p.FirstParagraph)
		}
		for _, b := range p.Blocks {
			all = append(all, b.ID)
		}
	}
	var want []string
	for _, b := range long.Blocks {
		want = append(want, b.ID)
	}
	// Each page says where its text starts in the whole article's.
	whole := readingroom.NewArticleText(long.Blocks)
	for n := 1; n <= 3; n++ {
		p, err := db.ArticlePage(ctx, long.Slug, n)
		if err != nil {
			t.Fatal(err)
		}
		at, ok := whole.Block(p.Blocks[0].ID)
		if !ok || p.TextOffset != at.Start {
			t.Errorf("page %d starts at rune %d of the article's text, want %d", n, p.TextOffset, at.Start)
		}
	}
	if strings.Join(all, " ") != strings.Join(want, " ") {
		t.Error("the pages together are not the article's blocks in order")
	}
	for i, wantPage := range map[int]int{0: 1, readingroom.PageBlocks - 1: 1, readingroom.PageBlocks: 2, len(long.Blocks) - 1: 3} {
		p, err := db.ArticlePageOf(ctx, long.Slug, long.Blocks[i].ID)
		if err != nil || p.Number != wantPage {
			t.Errorf("block %d: page %+v, %v; want page %d", i, p.Number, err, wantPage)
			continue
		}
		if _, ok := findBlock(p.Blocks, long.Blocks[i].ID); !ok {
			t.Errorf("block %d is not on the page said to hold it", i)
		}
	}
	if _, err := db.ArticlePageOf(ctx, long.Slug, "nosuchid"); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("a paragraph the article lacks: %v", err)
	}
	if _, err := db.ArticlePage(ctx, "no-such-article", 1); readingroom.ErrorCode(err) != readingroom.ENOTFOUND || errors.Is(err, ErrNoSuchPage) {
		t.Errorf("an unknown article: %v", err)
	}
}

func findBlock(bs []readingroom.Block, id string) (readingroom.Block, bool) {
	for _, b := range bs {
		if b.ID == id {
			return b, true
		}
	}
	return readingroom.Block{}, false
}

// Cutting an article into pages reads the index of block sizes alone,
// never the paragraphs' rows.
func TestPageSizesUseTheIndex(t *testing.T) {
	db := openTest(t)
	rows, err := db.r.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+sizesQuery, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if got := strings.Join(plan, "; "); !strings.Contains(got, "USING COVERING INDEX paragraphs_sizes") {
		t.Errorf("query plan %q does not read the covering index alone", got)
	}
}
