// Package readingroom holds the reading room's domain: the article model,
// paragraph identity and its alignment across re-imports, the search query
// language, errors, and the rules for slugs and reading time. Readers of
// outside formats (text dumps, Markdown) are in package dump. It imports
// only the standard library and golang.org/x/text, so that everything here
// is a pure, easily tested function.
package readingroom

import (
	"strings"
	"time"
)

// BlockKind says what a block of an article's body is.
type BlockKind string

// The kinds of block an article body is made of, in the order a reader meets
// them. Every block has a permalink; the kind decides how it is shown.
const (
	KindParagraph  BlockKind = "paragraph"
	KindHeading    BlockKind = "heading"
	KindCaption    BlockKind = "caption"
	KindAuthorNote BlockKind = "author_note"
	KindCorrection BlockKind = "correction"
	// KindListItem is one item of a list; consecutive items make one list.
	// An ordered item's number as printed is in Block.Number.
	KindListItem BlockKind = "list_item"
	// KindCode is a block of code or other preformatted text. Its Text keeps
	// its line breaks and indentation.
	KindCode BlockKind = "code"
)

// Valid reports whether k is one of the known kinds.
func (k BlockKind) Valid() bool {
	switch k {
	case KindParagraph, KindHeading, KindCaption, KindAuthorNote, KindCorrection, KindListItem, KindCode:
		return true
	}
	return false
}

// Block is one addressable piece of an article body: a paragraph, a section
// heading, an image caption, a list item, code, the author note or a
// correction.
type Block struct {
	// ID is the paragraph's permanent public id (see ParagraphID). The parser
	// leaves it empty; the store assigns it when the block is first saved.
	ID   string
	Kind BlockKind
	Text string
	// Number is a section heading's or an ordered list item's number as
	// printed ("1", "IV"), if any.
	Number string
	// Credit is a caption's photo credit, if any.
	Credit string
	// Aliases are retired ids that now lead to this block (paragraphs
	// merged into it). The store fills them in; the parser never does.
	Aliases []string
}

// Book is the bibliographic detail a review carries for each book reviewed.
type Book struct {
	Title   string
	Author  string
	Details string // publisher, pages, price, as printed
}

// Article is one article as parsed from a dump and as stored.
type Article struct {
	Slug        string
	Title       string
	Standfirst  string
	Byline      string
	ImageCredit string // credit of the lead image, from the line before "Show Hide image"
	Books       []Book
	Blocks      []Block
	// Published is the issue date from the "first appeared" line; zero when
	// unknown.
	Published   time.Time
	Publication string
	IssueTitle  string
}

// Key is the article's normalised title: two dumps of the same article,
// however differently spaced or encoded, have the same key, and editing the
// body keeps it. The key alone is not the article's identity: columns
// share titles, so the date and the text decide too (see Match).
func (a *Article) Key() string {
	return Normalize(a.Title)
}

// WordCount counts the words a reader reads: standfirst and body.
func (a *Article) WordCount() int {
	n := len(strings.Fields(a.Standfirst))
	for _, b := range a.Blocks {
		n += len(strings.Fields(b.Text))
	}
	return n
}

// WordsPerMinute is the reading speed behind ReadingMinutes.
const WordsPerMinute = 230

// ReadingMinutes estimates the reading time of words words, at least a minute.
func ReadingMinutes(words int) int {
	m := (words + WordsPerMinute - 1) / WordsPerMinute
	return max(m, 1)
}

// Paragraphs returns the body blocks of kind paragraph.
func (a *Article) Paragraphs() []Block {
	var ps []Block
	for _, b := range a.Blocks {
		if b.Kind == KindParagraph {
			ps = append(ps, b)
		}
	}
	return ps
}

// Fingerprint is a digest of everything the parser extracted. Two parses
// with the same fingerprint are the same article, letter for letter, so a
// re-import with an unchanged fingerprint has nothing to write.
func (a *Article) Fingerprint() string {
	var sb strings.Builder
	field := func(s string) {
		sb.WriteString(s)
		sb.WriteByte(0)
	}
	field(a.Title)
	field(a.Standfirst)
	field(a.Byline)
	field(a.ImageCredit)
	for _, b := range a.Books {
		field("book")
		field(b.Title)
		field(b.Author)
		field(b.Details)
	}
	for _, b := range a.Blocks {
		field(string(b.Kind))
		field(b.Number)
		field(b.Credit)
		field(b.Text)
	}
	if !a.Published.IsZero() {
		field(a.Published.Format(time.DateOnly))
	} else {
		field("")
	}
	field(a.Publication)
	field(a.IssueTitle)
	return digest(sb.String())
}
