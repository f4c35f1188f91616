package readingroom

import (
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
