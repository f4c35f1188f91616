// Package dump reads the outside formats articles arrive in, text dumps
// copied from magazine pages and Markdown files, and turns them into
// readingroom.Article values. It decides nothing about identity or storage:
// what it returns is what the file says, cleaned of the page furniture.
package dump

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/readingroom/readingroom"
	"golang.org/x/text/unicode/norm"
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
	if len(b.lines) > 1 {
		rest := b
		rest.lines = b.lines[1:]
		return title, []rawBlock{rest}
	}
	return title, nil
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

// Credits. "Photograph: Hulton Archive/Getty Images", "Photo: Rex
// Features", or an all-capitals agency line.
var (
	reCreditLine = regexp.MustCompile(`(?i)^(?:(?:main|top|lead|header|cover)\s+)?(?:photograph|photo|picture|image|illustration|artwork|photography|credit)s?(?:\s+by)?\s*:\s*(\S.*)$`)
	// A caption with its credit run on: "... to the USSR. Photo: Rex Features".
	reCaptionCredit = regexp.MustCompile(`(?i)^(.*\S)\s+(?:photograph|photo|picture|image|illustration)s?(?:\s+by)?\s*:\s*(\S.{0,120})$`)
)

func isCreditLine(s string) bool {
	if reCreditLine.MatchString(s) {
		return true
	}
	return isAllCapsCredit(s)
}

// isAllCapsCredit recognises agency credits such as
// "RAY TANGT/ANADOLU AGENCY/GETTY IMAGES".
func isAllCapsCredit(s string) bool {
	if utf8.RuneCountInString(s) > 150 || len(strings.Fields(s)) > 15 {
		return false
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 3
}

func creditText(s string) string {
	if m := reCreditLine.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return s
}

// parseCaption recognises an image caption: a block whose last line is a
// credit, a caption with its credit run on, or a lone credit (returned
// with an empty caption). In Markdown, an image's alt text is its caption.
func parseCaption(b rawBlock) (caption, credit string, ok bool) {
	n := len(b.lines)
	last := b.lines[n-1].text
	if m := reCreditLine.FindStringSubmatch(last); m != nil && plausibleCredit(m[1]) {
		if n == 1 {
			return "", m[1], true
		}
		rest := rawBlock{lines: b.lines[:n-1]}
		if len(strings.Fields(rest.joined())) <= 80 {
			return rest.joined(), m[1], true
		}
		return "", "", false
	}
	t := b.joined()
	if m := reCaptionCredit.FindStringSubmatch(t); m != nil && plausibleCredit(m[2]) && len(strings.Fields(m[1])) <= 80 {
		return m[1], m[2], true
	}
	return "", "", false
}

// plausibleCredit tells a credit ("Rex Features", "AFP/Getty Images") from
// the end of a sentence that happens to follow "photograph:".
func plausibleCredit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) && r != '©' {
		return false
	}
	return len(strings.Fields(s)) <= 10 && !strings.HasSuffix(s, ".") || len(strings.Fields(s)) <= 4
}

// Headings: "1. The Bus", "IV) The end" on a line of their own in a text
// dump. Markdown marks its headings ("## 1. The Bus").
var reHeadingNum = regexp.MustCompile(`^(\d{1,2}|[IVXL]{1,6})[.)]\s+(\S.*)$`)

// headingNumber splits a Markdown heading's number as printed from its
// text.
func headingNumber(t string) (num, title string) {
	if m := reHeadingNum.FindStringSubmatch(t); m != nil {
		return m[1], m[2]
	}
	return "", t
}

func parseHeading(b rawBlock, markdown bool) (num, title string, ok bool) {
	if markdown || len(b.lines) != 1 {
		return "", "", false
	}
	t := b.lines[0].text
	m := reHeadingNum.FindStringSubmatch(t)
	if m == nil || len(strings.Fields(m[2])) > 10 || utf8.RuneCountInString(m[2]) > 80 {
		return "", "", false
	}
	if strings.ContainsAny(m[2][len(m[2])-1:], ".,;:") {
		return "", "", false
	}
	return m[1], m[2], true
}

// Corrections: "Correction: This article originally named ...", also with
// a date: "Correction, 12 June: ...".
var reCorrection = regexp.MustCompile(`(?i)^(corrections?|clarifications?)(?:\s*[,(–—-][^:]{0,40})?\s*:\s*(\S.*)$`)

func parseCorrection(s string) (label, text string, ok bool) {
	m := reCorrection.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// Bylines: "From a correspondent:", "By Jane Doe".
var reByline = regexp.MustCompile(`(?i)^(?:by|from|words by|written by|text by|reporting by|interview by|reviewed by)\s+\S`)

func isByline(s string) bool {
	if len(strings.Fields(s)) > 12 || utf8.RuneCountInString(s) > 100 {
		return false
	}
	if !reByline.MatchString(s) {
		return false
	}
	// "From the start, the party was ..." is a sentence, not a byline.
	return !strings.ContainsAny(s[len(s)-1:], ".!?,;")
}

// isPlainText reports whether a block could be prose: not a heading,
// caption, book details, correction or publication line, nor a list item or
// code.
func isPlainText(b rawBlock, t string, markdown bool) bool {
	if b.kind != rawText {
		return false
	}
	if _, _, ok := parseHeading(b, markdown); ok {
		return false
	}
	if _, _, ok := parseCorrection(t); ok {
		return false
	}
	if _, ok := parsePublication(t); ok {
		return false
	}
	if _, ok := parseBooks(b, false); ok {
		return false
	}
	if _, _, ok := parseCaption(b); ok {
		return false
	}
	return true
}

// Book details in a review:
//
//	A Spy Among Friends: Kim Philby and the Great Betrayal
//	Ben Macintyre
//	Bloomsbury, 352pp, £20
var (
	reBookPages  = regexp.MustCompile(`(?i)\b\d{1,4}\s?pp\b|\bISBN\b|\b\d{1,4}\s+pages\b`)
	reBookDetail = regexp.MustCompile(`(?i)\b\d{1,4}\s?pp\b|[£$€¥]\s?\d|\d\s?(?:€|euros?|dollars)\b|\bISBN\b|\b\d{1,4}\s+pages\b|\b(?:hardback|paperback|hardcover)\b`)
)

func parseBooks(b rawBlock, afterBody bool) ([]readingroom.Book, bool) {
	n := len(b.lines)
	if n > 12 || n == 1 && afterBody {
		return nil, false
	}
	details := 0
	for _, l := range b.lines {
		t := l.text
		if utf8.RuneCountInString(t) > 160 || len(strings.Fields(t)) > 20 {
			return nil, false
		}
		// Hard-wrapped prose has lines that start in lower case; every
		// line of book details starts with a capital, a digit or a sign.
		r, _ := utf8.DecodeRuneInString(t)
		if unicode.IsLower(r) {
			return nil, false
		}
		if reBookDetail.MatchString(t) {
			details++
		}
	}
	if details == 0 {
		return nil, false
	}
	if n == 1 {
		// One line of details before the text: keep it whole, unless it
		// is a sentence.
		t := b.lines[0].text
		if strings.Contains(t, ". ") || len(strings.Fields(t)) > 16 ||
			!reBookPages.MatchString(t) && (strings.Count(t, ",") < 2 || strings.HasSuffix(t, ".")) {
			return nil, false
		}
		return []readingroom.Book{splitByAuthor(readingroom.Book{Details: t})}, true
	}

	var (
		books []readingroom.Book
		cur   readingroom.Book
		state int // 0: title next, 1: author next, 2: in details
	)
	for _, l := range b.lines {
		t := l.text
		switch {
		case reBookDetail.MatchString(t):
			cur.Details = joinDetail(cur.Details, t)
			state = 2
		case state == 2:
			books = append(books, splitByAuthor(cur))
			cur, state = readingroom.Book{Title: t}, 1
		case state == 0:
			cur.Title, state = t, 1
		case cur.Author == "":
			cur.Author = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(t, "by "), "By "))
		default:
			cur.Details = joinDetail(cur.Details, t)
		}
	}
	return append(books, splitByAuthor(cur)), true
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

// splitByAuthor turns "Title by Author" into its two parts.
func splitByAuthor(bk readingroom.Book) readingroom.Book {
	if bk.Author == "" && bk.Title != "" {
		if i := strings.LastIndex(bk.Title, " by "); i > 0 {
			bk.Title, bk.Author = bk.Title[:i], bk.Title[i+4:]
		}
	}
	return bk
}

// The publication line: "This article first appeared in the 23 March 2017
// issue of the New Statesman, Trump's permanent revolution".
var rePublication = regexp.MustCompile(`(?i)^this (?:article|piece|review|essay|story|column|interview|feature|extract|diary|report) (?:first |originally )?(?:appeared|appears|was (?:first |originally )?published|is published|ran) in (?:the )?(.+?) (?:issue|edition|number) of (?:the )?(.+?)\s*$`)

type publication struct {
	date        time.Time
	publication string
	issue       string
}

func parsePublication(s string) (publication, bool) {
	m := rePublication.FindStringSubmatch(s)
	if m == nil || utf8.RuneCountInString(s) > 400 {
		return publication{}, false
	}
	var p publication
	p.date, _ = parseDate(m[1])
	rest := strings.TrimSuffix(m[2], ".")
	if pub, issue, ok := strings.Cut(rest, ", "); ok {
		p.publication, p.issue = strings.TrimSpace(pub), strings.TrimSpace(issue)
	} else {
		p.publication = strings.TrimSpace(rest)
	}
	return p, true
}

var (
	reOrdinal   = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)\b`)
	reDayRange  = regexp.MustCompile(`\b(\d{1,2})\s*[-–—/]\s*\d{1,2}\b(\s+\p{L})`)
	reWeekday   = regexp.MustCompile(`(?i)^(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+`)
	dateLayouts = []string{
		"2 January 2006", "2 Jan 2006", "January 2 2006", "Jan 2 2006", "2006-01-02",
		"2 January, 2006", "2 Jan. 2006", "Jan. 2 2006",
	}
)

// parseDate reads the date of an issue: "23 March 2017", "23rd March
// 2017", "March 23, 2017", "2017-03-23", or a weekly's "23-29 March 2017"
// (its first day). A date without a day is not a date here.
func parseDate(s string) (time.Time, bool) {
	s = readingroom.CleanSpace(s)
	s = reWeekday.ReplaceAllString(s, "")
	s = reOrdinal.ReplaceAllString(s, "$1")
	s = reDayRange.ReplaceAllString(s, "$1$2")
	s = strings.ReplaceAll(s, ", ", " ")
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// repairMojibake undoes the commonest encoding accident: UTF-8 text that
// was read as Windows-1252 and saved again as UTF-8 ("cafÃ©", "itâ€™s").
// It changes the text only when every character fits the round trip and
// the result is valid UTF-8 with fewer such sequences.
func repairMojibake(s string) string {
	if !reMojibake.MatchString(s) {
		return s
	}
	var b []byte
	for _, r := range s {
		c, ok := encode1252(r)
		if !ok {
			return s
		}
		b = append(b, c)
	}
	if !utf8.Valid(b) {
		return s
	}
	fixed := string(b)
	if len(reMojibake.FindAllStringIndex(fixed, -1)) >= len(reMojibake.FindAllStringIndex(s, -1)) {
		return s
	}
	// The bytes undone may spell a decomposed letter.
	return norm.NFC.String(fixed)
}

// reMojibake matches what UTF-8 punctuation and accents look like when
// read as Windows-1252: "â€™", "â€œ", "Ã©", "Â£".
var reMojibake = regexp.MustCompile(`â€[™œ\x{9d}˜“”¦¢¡]|Ã[\x{80}-\x{bf}©¨¼½¶¤§ª«®¯±²³´µ·¸¹º»¾¿ ¡¢£¥¦]|Â[£ ©®°±·«»]`)

func encode1252(r rune) (byte, bool) {
	if r < 0x80 || r >= 0xA0 && r <= 0xFF {
		return byte(r), true
	}
	for i, c := range windows1252 {
		if c == r {
			return byte(0x80 + i), true
		}
	}
	return 0, false
}
