package dump

import (
	"fmt"
	"strings"
	"testing"

	"github.com/readingroom/readingroom"
)

// A file whose paragraphs run on past what one article may hold is
// refused before it is read, saying where; one article too large among
// others is skipped with the reason, and the others are read.
func TestArticleLimits(t *testing.T) {
	var huge strings.Builder
	huge.WriteString("A very long file\n\n")
	for i := range readingroom.MaxBlocks + 1 {
		fmt.Fprintf(&huge, "Short paragraph number %d.\n\n", i)
	}
	_, _, err := Parse("huge.txt", []byte(huge.String()))
	if readingroom.ErrorCode(err) != readingroom.EINVALID || !strings.Contains(readingroom.ErrorMessage(err), "from line 1 on, more than 10,000 paragraphs run together with no article break") {
		t.Errorf("huge file: %v", err)
	}

	// The same paragraphs as many articles, each closed by its
	// publication line, are no problem.
	var many strings.Builder
	for i := range 40 {
		fmt.Fprintf(&many, "Article %d\n\n", i)
		for j := range 300 {
			fmt.Fprintf(&many, "Paragraph %d of article %d.\n\n", j, i)
		}
		many.WriteString("This article first appeared in the 23 March 2017 issue of the New Statesman, Trump's permanent revolution\n\n")
	}
	arts, _, err := Parse("many.txt", []byte(many.String()))
	if err != nil || len(arts) != 40 {
		t.Errorf("many articles: %d, %v", len(arts), err)
	}

	// One paragraph too long, in the second of two articles.
	two := "Show Hide image\n\nFirst\n\nIts text.\n\nShow Hide image\n\nSecond\n\n" + strings.Repeat("word ", readingroom.MaxBlockBytes/5+10) + "\n"
	arts, warnings, err := Parse("two.txt", []byte(two))
	if err != nil || len(arts) != 1 || arts[0].Title != "First" {
		t.Fatalf("two articles, one too long: %d articles, %v", len(arts), err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `block 1 of the article "Second" has 65 KiB of text; a paragraph may hold at most 64 KiB`) {
		t.Errorf("warnings %q", warnings)
	}

	// A Markdown file is one article.
	md := "# Big\n\n" + strings.Repeat(strings.Repeat("word ", 100)+"\n\n", 2*readingroom.MaxArticleBytes/500+1)
	if _, _, err := Parse("big.md", []byte(md)); readingroom.ErrorCode(err) != readingroom.EINVALID || !strings.Contains(readingroom.ErrorMessage(err), "a Markdown file is one article") {
		t.Errorf("big Markdown file: %v", err)
	}
}
