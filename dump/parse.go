// Package dump reads the outside formats articles arrive in, text dumps
// copied from magazine pages and Markdown files, and turns them into
// readingroom.Article values. It decides nothing about identity or storage:
// what it returns is what the file says, cleaned of the page furniture.
package dump

import (
	"encoding/json"
	"path"
	"regexp"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/readingroom/readingroom"
)

// TitleMaxLen is the longest first line taken as a title. A longer one is
// a paragraph, and a file that opens with one is not an article dump.
const TitleMaxLen = 250

// Parse reads one dump file: its bytes and its name (the extension
// picks the format: ".md" and ".markdown" are Markdown, anything else is a
// text dump). It returns the articles in the file, in order, and warnings
// for parts it could not read and skipped. A file with no readable article
// is refused with a *readingroom.Error (EINVALID) that says why.
func Parse(name string, data []byte) ([]readingroom.Article, []string, error) {
	text, err := DecodeText(data)
	if err != nil {
		return nil, nil, err
	}
	if what := notADump(text); what != "" {
		return nil, nil, readingroom.Errorf(readingroom.EINVALID, "the file is %s, not an article dump", what)
	}
	if isMarkdown(name) {
		err = checkMarkdownSize(text)
	} else {
		err = checkStretches(text)
	}
	if err != nil {
		return nil, nil, err
	}
	text = repairMojibake(text)

	var (
		segs     []segment
		arts     []readingroom.Article
		warnings []string
	)
	if isMarkdown(name) {
		seg, ws := markdownSegment(text)
		segs, warnings = []segment{seg}, ws
	} else {
		segs = splitArticles(strings.Split(text, "\n"))
	}
	for _, seg := range segs {
		for _, part := range seg.split() {
			a, err := part.article()
			if err != nil {
				warnings = append(warnings, err.Error())
				continue
			}
			if err := readingroom.CheckLimits(&a); err != nil {
				warnings = append(warnings, readingroom.ErrorMessage(err))
				continue
			}
			arts = append(arts, composed(a))
		}
	}
	if len(arts) == 0 {
		if len(warnings) > 0 {
			return nil, nil, readingroom.Errorf(readingroom.EINVALID, "no article could be read: %s", strings.Join(warnings, "; "))
		}
		return nil, nil, readingroom.Errorf(readingroom.EINVALID, "no article could be read: the file has no title and text")
	}
	return arts, warnings, nil
}

// composed puts every text of a in Unicode normal form C. The decoded
// text already is; this catches what reading it may undo: an entity or a
// YAML escape that spells a combining accent, an invisible character
// dropped from between a letter and its accent.
func composed(a readingroom.Article) readingroom.Article {
	nfc := norm.NFC.String
	a.Title, a.Standfirst, a.Byline, a.ImageCredit = nfc(a.Title), nfc(a.Standfirst), nfc(a.Byline), nfc(a.ImageCredit)
	a.Publication, a.IssueTitle = nfc(a.Publication), nfc(a.IssueTitle)
	for i, b := range a.Books {
		a.Books[i] = readingroom.Book{Title: nfc(b.Title), Author: nfc(b.Author), Details: nfc(b.Details)}
	}
	for i := range a.Blocks {
		b := &a.Blocks[i]
		b.Text, b.Number, b.Credit = nfc(b.Text), nfc(b.Number), nfc(b.Credit)
	}
	return a
}

func isMarkdown(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".mdown", ".mkd":
		return true
	}
	return false
}

// notADump names the kind of file text is when it is plainly structured
// data or markup rather than prose, and returns "" otherwise.
func notADump(text string) string {
	t := strings.TrimSpace(text)
	lower := strings.ToLower(t[:min(len(t), 64)])
	switch {
	case strings.HasPrefix(lower, "<!doctype html"), strings.HasPrefix(lower, "<html"):
		return "an HTML page"
	case strings.HasPrefix(lower, "<?xml"):
		return "an XML document"
	case (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Valid([]byte(t)):
		return "JSON data"
	}
	return ""
}

// A line is one line of the dump, cleaned of surrounding and doubled white
// space, with its 1-based number for messages.
type line struct {
	text string
	num  int
}

// A rawBlock is a run of non-blank lines: a paragraph, a heading, a caption
// and so on, before it is classified. Blocks of a text dump are all rawText;
// Markdown says what some of its blocks are.
type rawBlock struct {
	lines  []line
	kind   rawKind
	level  int    // a heading's level, 1 for "#"
	number string // an ordered list item's number as printed
	credit string // an image's credit (its title)
}

// rawKind is what the source says a block is.
type rawKind int

const (
	rawText     rawKind = iota // to be classified by its text
	rawHeading                 // a Markdown heading
	rawListItem                // a Markdown list item
	rawCode                    // a Markdown code block; lines keep their indentation
	rawImage                   // a Markdown image: lines hold its alt text (or none)
)

func (b rawBlock) joined() string {
	if len(b.lines) == 1 {
		return b.lines[0].text // most paragraphs are one line: no copy
	}
	var sb strings.Builder
	for i, l := range b.lines {
		if i > 0 {
			// A line broken after a hyphen keeps the hyphen and joins
			// without a space ("fellow-\ntravellers").
			prev := b.lines[i-1].text
			if !(strings.HasSuffix(prev, "-") && len(prev) > 1 && isLetterByte(prev[len(prev)-2])) {
				sb.WriteByte(' ')
			}
		}
		sb.WriteString(l.text)
	}
	return sb.String()
}

func isLetterByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

func (b rawBlock) first() int { return b.lines[0].num }

// code is a code block's text: its lines as written, one under the other.
func (b rawBlock) code() string {
	ls := make([]string, len(b.lines))
	for i, l := range b.lines {
		ls[i] = l.text
	}
	return strings.Join(ls, "\n")
}

// A segment is the stretch of a dump that holds one article (or, where a
// publication line is followed by more text, several run together).
type segment struct {
	blocks   []rawBlock
	credit   string // lead image credit from the line before "Show Hide image"
	markdown bool
	front    frontMatter // Markdown front matter
}

var reMarker = regexp.MustCompile(`(?i)^show\s*/?\s*hide\s+images?$`)

// splitArticles cuts a text dump at its "Show Hide image" lines. The credit
// line just before a marker belongs to the article the marker starts.
func splitArticles(lines []string) []segment {
	var markers []int
	for i, l := range lines {
		if reMarker.MatchString(readingroom.CleanSpace(l)) {
			markers = append(markers, i)
		}
	}
	if len(markers) == 0 {
		return []segment{{blocks: toBlocks(lines, 0)}}
	}
	var segs []segment
	start, credit := 0, ""
	for k, m := range markers {
		body := lines[start:m]
		next := ""
		if j := lastNonBlank(body); j >= 0 && isCreditLine(readingroom.CleanSpace(body[j])) {
			next = creditText(readingroom.CleanSpace(body[j]))
			body = body[:j]
		}
		if blocks := toBlocks(body, start); k > 0 || len(blocks) > 0 {
			segs = append(segs, segment{blocks: blocks, credit: credit})
		}
		start, credit = m+1, next
	}
	return append(segs, segment{blocks: toBlocks(lines[start:], start), credit: credit})
}

func lastNonBlank(lines []string) int {
	for j := len(lines) - 1; j >= 0; j-- {
		if readingroom.CleanSpace(lines[j]) != "" {
			return j
		}
	}
	return -1
}

// toBlocks groups lines into blocks separated by blank lines. Lines of
// nothing but white space (the dumps use no-break spaces) separate too.
func toBlocks(lines []string, offset int) []rawBlock {
	var (
		blocks []rawBlock
		cur    []line
	)
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, rawBlock{lines: cur})
			cur = nil
		}
	}
	for i, l := range lines {
		t := readingroom.CleanSpace(l)
		if t == "" {
			flush()
			continue
		}
		cur = append(cur, line{t, offset + i + 1})
	}
	flush()
	return blocks
}

// split cuts a segment where a publication line is followed by a new
// article's title and text: dumps without "Show Hide image" lines run
// articles together, and the publication line closes each one.
func (s segment) split() []segment {
	var out []segment
	rest := s
	for {
		cut := -1
		for i, b := range rest.blocks {
			if _, ok := parsePublication(b.joined()); ok && b.kind == rawText && followedByArticle(rest.blocks[i+1:]) {
				cut = i + 1
				break
			}
		}
		if cut < 0 {
			return append(out, rest)
		}
		head := rest
		head.blocks = rest.blocks[:cut]
		out = append(out, head)
		rest = segment{blocks: rest.blocks[cut:], markdown: s.markdown}
		// A credit line before the next title, when a title and text
		// remain without it.
		if len(rest.blocks) >= 3 {
			if t := rest.blocks[0].joined(); rest.blocks[0].kind == rawText && len(rest.blocks[0].lines) == 1 && isCreditLine(t) {
				rest.credit = creditText(t)
				rest.blocks = rest.blocks[1:]
			}
		}
	}
}

// followedByArticle reports whether blocks hold a title and some text, not
// just the notes that may follow a publication line.
func followedByArticle(blocks []rawBlock) bool {
	var n int
	for _, b := range blocks {
		t := b.joined()
		if _, _, ok := parseCorrection(t); ok || isAuthorNote(t) || isCreditLine(t) {
			continue
		}
		if n == 0 && len(t) > TitleMaxLen {
			return false
		}
		n++
	}
	return n >= 2
}

// classifier sorts an article's body blocks into kinds, in order.
type classifier struct {
	a        *readingroom.Article
	markdown bool
	body     bool           // a paragraph, list item or code has been seen
	captions map[string]int // normalised caption -> index in a.Blocks
	pending  *rawBlock      // previous block, kept to spot a caption given twice
}

func (c *classifier) add(b rawBlock) {
	a := c.a
	switch b.kind {
	case rawHeading:
		c.pending = nil
		num, title := headingNumber(b.joined())
		a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindHeading, Text: title, Number: num})
		return
	case rawListItem:
		c.pending, c.body = nil, true
		a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindListItem, Text: b.joined(), Number: b.number})
		return
	case rawCode:
		c.pending, c.body = nil, true
		a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindCode, Text: b.code()})
		return
	case rawImage:
		var caption string
		if len(b.lines) > 0 {
			caption = b.joined()
		}
		c.addCaption(caption, b.credit)
		return
	}
	t := b.joined()

	if p, ok := parsePublication(t); ok {
		if a.Publication == "" && a.Published.IsZero() {
			a.Published, a.Publication, a.IssueTitle = p.date, p.publication, p.issue
		}
		return
	}
	if label, text, ok := parseCorrection(t); ok {
		_ = label
		a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindCorrection, Text: text})
		return
	}
	if caption, credit, ok := parseCaption(b); ok {
		c.addCaption(caption, credit)
		return
	}
	if num, title, ok := parseHeading(b, c.markdown); ok {
		a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindHeading, Text: title, Number: num})
		return
	}
	if books, ok := parseBooks(b, c.body); ok {
		a.Books = append(a.Books, books...)
		return
	}
	// A caption given twice, once on one line and once hard-wrapped,
	// without a credit: the second copy goes.
	if n := len(a.Blocks); n > 0 && c.pending != nil && len(c.pending.lines) != len(b.lines) &&
		a.Blocks[n-1].Kind == readingroom.KindParagraph && readingroom.Normalize(a.Blocks[n-1].Text) == readingroom.Normalize(t) {
		if !c.body || n == 1 {
			a.Blocks[n-1].Kind = readingroom.KindCaption
		}
		c.pending = &b
		return
	}
	a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindParagraph, Text: t})
	c.body = true
	c.pending = &b
}

func (c *classifier) addCaption(caption, credit string) {
	a := c.a
	c.pending = nil
	if caption == "" {
		// A credit on its own: it belongs to the caption before it, or to
		// the lead image.
		if n := len(a.Blocks); n > 0 && a.Blocks[n-1].Kind == readingroom.KindCaption && a.Blocks[n-1].Credit == "" {
			a.Blocks[n-1].Credit = credit
		} else if a.ImageCredit == "" && !c.body {
			a.ImageCredit = credit
		}
		return
	}
	key := readingroom.Normalize(caption)
	if i, ok := c.captions[key]; ok {
		if a.Blocks[i].Credit == "" {
			a.Blocks[i].Credit = credit
		}
		return
	}
	c.captions[key] = len(a.Blocks)
	a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindCaption, Text: caption, Credit: credit})
}

// finish marks the closing note about the author, if there is one: the last
// paragraph, when it reads like "Jane Doe's latest book is ...".
func (c *classifier) finish() {
	bs := c.a.Blocks
	paragraphs := 0
	for _, b := range bs {
		if b.Kind == readingroom.KindParagraph {
			paragraphs++
		}
	}
	for i := len(bs) - 1; i >= 0; i-- {
		switch bs[i].Kind {
		case readingroom.KindCorrection, readingroom.KindCaption:
			continue
		case readingroom.KindParagraph:
			if paragraphs > 1 && isAuthorNote(bs[i].Text) {
				bs[i].Kind = readingroom.KindAuthorNote
			}
		}
		return
	}
}
