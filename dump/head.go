package dump

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/readingroom/readingroom"
)

// article classifies a segment's blocks into an Article: first its head
// (lead image credit, title, byline, standfirst), then its body.
func (s segment) article() (readingroom.Article, error) {
	h := head{a: readingroom.Article{ImageCredit: s.credit}, rest: s.blocks}
	h.leadCredit()
	if err := h.title(s.front.title, s.markdown); err != nil {
		return h.a, err
	}
	h.frontMatter(s.front)
	h.splitRunOnByline()
	if !h.byline() && h.standfirst(s.markdown) {
		h.byline()
	}
	h.body(s.markdown)
	if err := h.ensureText(); err != nil {
		return h.a, err
	}
	return h.a, nil
}

// head reads an article's head off the front of its blocks, leaving the
// rest for the body.
type head struct {
	a    readingroom.Article
	rest []rawBlock
}

// at says where the blocks not yet read begin, for messages.
func (h *head) at() string {
	if len(h.rest) > 0 {
		return fmt.Sprintf("line %d", h.rest[0].first())
	}
	return "the end of the file"
}

// nextText is the next block when it is to be classified by its text.
func (h *head) nextText() (rawBlock, bool) {
	if len(h.rest) == 0 || h.rest[0].kind != rawText {
		return rawBlock{}, false
	}
	return h.rest[0], true
}

// leadCredit takes the credit lines that may open an article that has no
// marker before it. Only labelled ones ("Photograph: ..."): after the
// marker, a line in capitals is more likely a title.
func (h *head) leadCredit() {
	for {
		b, ok := h.nextText()
		if !ok || len(b.lines) != 1 || !reCreditLine.MatchString(b.lines[0].text) {
			return
		}
		if h.a.ImageCredit == "" {
			h.a.ImageCredit = creditText(b.lines[0].text)
		}
		h.rest = h.rest[1:]
	}
}

// title takes the title: the front matter's, or the first block's.
func (h *head) title(frontTitle string, markdown bool) error {
	if frontTitle != "" {
		h.a.Title = frontTitle
		return nil
	}
	if len(h.rest) == 0 {
		return fmt.Errorf("an article at %s has no title and no text", h.at())
	}
	title, rest := splitTitle(h.rest[0], markdown)
	if title == "" {
		return fmt.Errorf("the article at %s has no title", h.at())
	}
	if n := utf8.RuneCountInString(title); n > TitleMaxLen {
		return fmt.Errorf("the text at %s does not start with a title (its first line is %d characters long)", h.at(), n)
	}
	h.a.Title = title
	h.rest = append(rest, h.rest[1:]...)
	return nil
}

// frontMatter takes what Markdown front matter says besides the title.
func (h *head) frontMatter(fm frontMatter) {
	h.a.Byline = fm.byline
	h.a.Publication = fm.publication
	h.a.IssueTitle = fm.issue
	h.a.Standfirst = fm.standfirst
	if d, ok := parseDate(fm.date); ok {
		h.a.Published = d
	}
}

// splitRunOnByline stands a byline alone when it is the first line of a
// block run on from other lines ("Reviewed by Sam Writer" over the book
// details).
func (h *head) splitRunOnByline() {
	if b, ok := h.nextText(); ok && len(b.lines) > 1 && isByline(b.lines[0].text) {
		h.rest = append([]rawBlock{{lines: b.lines[:1]}, {lines: b.lines[1:]}}, h.rest[1:]...)
	}
}

// byline takes a byline ("From a correspondent:", "By Jane Doe") when the
// next block is one and the article has none yet.
func (h *head) byline() bool {
	b, ok := h.nextText()
	if !ok || h.a.Byline != "" || !isByline(b.joined()) {
		return false
	}
	h.a.Byline = strings.TrimRight(b.joined(), ": ")
	h.rest = h.rest[1:]
	return true
}

// standfirst takes the next block as the standfirst when it is prose and
// the article has none yet.
func (h *head) standfirst(markdown bool) bool {
	if len(h.rest) == 0 || h.a.Standfirst != "" || !isPlainText(h.rest[0], h.rest[0].joined(), markdown) {
		return false
	}
	h.a.Standfirst = h.rest[0].joined()
	h.rest = h.rest[1:]
	return true
}

// body classifies the blocks after the head.
func (h *head) body(markdown bool) {
	c := classifier{a: &h.a, markdown: markdown, captions: map[string]int{}}
	for _, b := range h.rest {
		c.add(b)
	}
	c.finish()
}

// ensureText refuses an article without body text, except that a short
// piece, a title and one paragraph, has that paragraph as its text rather
// than as a standfirst.
func (h *head) ensureText() error {
	if hasText(&h.a) {
		return nil
	}
	if h.a.Standfirst == "" {
		return fmt.Errorf("the article %q at %s has a title but no text", h.a.Title, h.at())
	}
	h.a.Blocks = append([]readingroom.Block{{Kind: readingroom.KindParagraph, Text: h.a.Standfirst}}, h.a.Blocks...)
	h.a.Standfirst = ""
	return nil
}

// hasText reports whether a has body text: a paragraph, a list item or
// code. Headings, captions and notes alone are no article.
func hasText(a *readingroom.Article) bool {
	for _, b := range a.Blocks {
		switch b.Kind {
		case readingroom.KindParagraph, readingroom.KindListItem, readingroom.KindCode:
			return true
		}
	}
	return false
}

// splitTitle takes the title from an article's first block. A title is a
// Markdown heading, one line, or a short block of a text dump hard-wrapped
// over a few; a longer block gives its first line and leaves the rest as
// the next block.
func splitTitle(b rawBlock, markdown bool) (string, []rawBlock) {
	switch {
	case b.kind == rawHeading:
		return b.joined(), nil
	case !markdown && len(b.lines) > 1 && len(b.lines) <= 3 && utf8.RuneCountInString(b.joined()) <= 150:
		return b.joined(), nil
	}
	title := readingroom.CleanSpace(b.lines[0].text)
	rest := b.lines[1:]
	// Code may have blank lines; the rest must not start with one.
	for len(rest) > 0 && readingroom.CleanSpace(rest[0].text) == "" {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return title, nil
	}
	b.lines = rest
	return title, []rawBlock{b}
}
