package readingroom

import "fmt"

// What one article may hold. An article beyond them is refused whole, with
// the reason: so that importing a file takes memory in proportion to it,
// and no page of the room has to hold more than a few hundred kilobytes.
// (Pages of a long article are cut at PageBytes; see the store.)
const (
	// MaxBlocks is the most blocks (paragraphs, headings, captions, list
	// items...) one article may have. A long magazine piece has a few
	// hundred.
	MaxBlocks = 10_000
	// MaxBlockBytes is the most text one block may hold: about ten
	// thousand words.
	MaxBlockBytes = 64 << 10
	// MaxArticleBytes is the most text one article may hold, its head and
	// every block together: about 700,000 words, a long book.
	MaxArticleBytes = 4 << 20
)

// CheckLimits returns an EINVALID *Error saying how a goes beyond the
// limits on one article, or nil.
func CheckLimits(a *Article) error {
	if n := len(a.Blocks); n > MaxBlocks {
		return Errorf(EINVALID, "the article %q has %s paragraphs and other blocks; an article may hold at most %s",
			a.Title, Thousands(n), Thousands(MaxBlocks))
	}
	size := len(a.Title) + len(a.Standfirst) + len(a.Byline) + len(a.ImageCredit) + len(a.Publication) + len(a.IssueTitle)
	for _, b := range a.Books {
		size += len(b.Title) + len(b.Author) + len(b.Details)
	}
	for i, b := range a.Blocks {
		n := len(b.Text) + len(b.Number) + len(b.Credit)
		if n > MaxBlockBytes {
			return Errorf(EINVALID, "block %d of the article %q has %s of text; a paragraph may hold at most %s",
				i+1, a.Title, byteSize(n), byteSize(MaxBlockBytes))
		}
		size += n
	}
	if size > MaxArticleBytes {
		return Errorf(EINVALID, "the article %q has %s of text; an article may hold at most %s",
			a.Title, byteSize(size), byteSize(MaxArticleBytes))
	}
	return nil
}

// Thousands writes n with commas between thousands: 578,306.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// byteSize writes n bytes in KiB or MiB, as people read them.
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", (n+1<<10-1)>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// How much of an article one page shows: a page ends before the block
// that would take it past PageBlocks blocks or PageBytes of text. Most
// articles are one page; a book is many.
const (
	PageBlocks = 500
	PageBytes  = 256 << 10
)

// PageStarts cuts an article whose blocks hold sizes bytes of text each
// into pages, and returns the index of the first block of each page: [0]
// for one page (or for no blocks at all).
func PageStarts(sizes []int) []int {
	starts := []int{0}
	count, bytes := 0, 0
	for i, size := range sizes {
		if count > 0 && (count == PageBlocks || bytes+size > PageBytes) {
			starts = append(starts, i)
			count, bytes = 0, 0
		}
		count++
		bytes += size
	}
	return starts
}
