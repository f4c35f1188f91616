package dump

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/readingroom/readingroom"
)

// The limits on one article (readingroom.CheckLimits) are checked on each
// article read. A file that plainly holds an article far beyond them is
// refused before it is read at all, since reading it would take many
// times its size in memory: 31 MB of short paragraphs with no article
// break once took 600 MB.

// reMaybePublication matches the first line of what may be a publication
// line ("This article first appeared in ..."), where a text dump's
// articles can end: looser than rePublication, so that a stretch between
// two such lines is never longer than an article can be.
var reMaybePublication = regexp.MustCompile(`(?i)^\s*this (?:article|piece|review|essay|story|column|interview|feature|extract|diary|report)\b`)

// checkStretches refuses a text dump with a stretch, between two places
// an article can start or end, of more blocks than an article may hold,
// or of far more text. Such a stretch is part of one article at least.
func checkStretches(text string) error {
	var (
		blocks, size int
		start        = 1 // the stretch's first line
		inBlock      bool
	)
	for num, l := range numberedLines(text) {
		if blank(l) {
			inBlock = false
			continue
		}
		if reMarker.MatchString(readingroom.CleanSpace(l)) || !inBlock && reMaybePublication.MatchString(l) {
			blocks, size, start, inBlock = 0, 0, num+1, false
			continue
		}
		if !inBlock {
			blocks++
			inBlock = true
		}
		size += len(l)
		if blocks > readingroom.MaxBlocks {
			return readingroom.Errorf(readingroom.EINVALID,
				"from line %d on, more than %s paragraphs run together with no article break (a “Show Hide image” line or a publication line); an article may hold at most %[2]s",
				start, readingroom.Thousands(readingroom.MaxBlocks))
		}
		if size > 2*readingroom.MaxArticleBytes {
			return readingroom.Errorf(readingroom.EINVALID,
				"from line %d on, more than %d MiB of text runs on with no article break (a “Show Hide image” line or a publication line); an article may hold at most %d MiB",
				start, 2*readingroom.MaxArticleBytes>>20, readingroom.MaxArticleBytes>>20)
		}
	}
	return nil
}

// checkMarkdownSize refuses a Markdown file, which is one article, whose
// text is far beyond what an article may hold.
func checkMarkdownSize(text string) error {
	if len(text) > 2*readingroom.MaxArticleBytes {
		return readingroom.Errorf(readingroom.EINVALID,
			"a Markdown file is one article, and this one has %d MiB of text; an article may hold at most %d MiB",
			len(text)>>20, readingroom.MaxArticleBytes>>20)
	}
	return nil
}

// numberedLines yields the lines of text with their numbers from 1,
// without copying them.
func numberedLines(text string) func(func(int, string) bool) {
	return func(yield func(int, string) bool) {
		num := 0
		for l := range strings.Lines(text) {
			num++
			if !yield(num, strings.TrimSuffix(l, "\n")) {
				return
			}
		}
	}
}

// blank reports whether a line holds nothing but white space.
func blank(l string) bool {
	return strings.TrimFunc(l, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u00a0' || r == '\u202f' || r == '\u2007'
	}) == ""
}
