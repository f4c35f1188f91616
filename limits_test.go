package readingroom

import (
	"slices"
	"strings"
	"testing"
)

func TestCheckLimits(t *testing.T) {
	para := func(n int, text string) []Block {
		bs := make([]Block, n)
		for i := range bs {
			bs[i] = Block{Kind: KindParagraph, Text: text}
		}
		return bs
	}
	for _, c := range []struct {
		name string
		a    Article
		want string // "" for none
	}{
		{"at the limits", Article{Title: "T", Blocks: para(MaxBlocks, strings.Repeat("w", MaxArticleBytes/MaxBlocks-1))}, ""},
		{"a block too many", Article{Title: "T", Blocks: para(MaxBlocks+1, "w")}, `the article "T" has 10,001 paragraphs and other blocks; an article may hold at most 10,000`},
		{"a block too long", Article{Title: "T", Blocks: append(para(2, "w"), Block{Kind: KindCode, Text: strings.Repeat("x", MaxBlockBytes+1)})},
			`block 3 of the article "T" has 65 KiB of text; a paragraph may hold at most 64 KiB`},
		{"too much text", Article{Title: "T", Blocks: para(100, strings.Repeat("w", MaxBlockBytes))}, `the article "T" has 6.3 MiB of text; an article may hold at most 4.0 MiB`},
	} {
		err := CheckLimits(&c.a)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (ErrorCode(err) != EINVALID || ErrorMessage(err) != c.want):
			t.Errorf("%s: %v\nwant %s", c.name, err, c.want)
		}
	}
	if got := Thousands(578306); got != "578,306" {
		t.Errorf("thousands = %q", got)
	}
}

func TestPageStarts(t *testing.T) {
	sizes := func(n, size int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = size
		}
		return s
	}
	for _, c := range []struct {
		name  string
		sizes []int
		want  []int
	}{
		{"no blocks", nil, []int{0}},
		{"a magazine piece", sizes(120, 600), []int{0}},
		{"just one page of blocks", sizes(PageBlocks, 10), []int{0}},
		{"one block over", sizes(PageBlocks+1, 10), []int{0, PageBlocks}},
		{"by bytes", sizes(10, PageBytes/4), []int{0, 4, 8}},
		{"a block as large as a page", []int{10, PageBytes, 10}, []int{0, 1, 2}},
	} {
		if got := PageStarts(c.sizes); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// However the blocks fall, no page goes past the bounds, unless one
	// block alone does.
	sz := make([]int, MaxBlocks)
	for i := range sz {
		sz[i] = (i * 7919) % MaxBlockBytes
	}
	starts := append(PageStarts(sz), len(sz))
	for p := 0; p+1 < len(starts); p++ {
		n, bytes := starts[p+1]-starts[p], 0
		for _, s := range sz[starts[p]:starts[p+1]] {
			bytes += s
		}
		if n < 1 || n > PageBlocks || bytes > PageBytes && n > 1 {
			t.Errorf("page %d: %d blocks, %d bytes", p+1, n, bytes)
		}
	}
}
