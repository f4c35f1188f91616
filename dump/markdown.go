package dump

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	mdhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"go.yaml.in/yaml/v3"
	xhtml "golang.org/x/net/html"

	"github.com/readingroom/readingroom"
)

// markdownSegment reads a Markdown file (CommonMark, read by goldmark):
// optional YAML front matter, then the body. The first "#" heading is the
// title unless the front matter gives one; what comes before it stays in
// the text after it. Raw HTML is never passed on: its text is kept, except
// what is inside script, style and similar elements, which is dropped. It
// returns warnings for front matter it could not read.
func markdownSegment(src string) (segment, []string) {
	s := segment{markdown: true}
	fm, body, offset, warning := splitFrontMatter(src)
	var warnings []string
	if warning != "" {
		warnings = append(warnings, warning)
	}
	s.front = fm

	r := mdReader{src: []byte(body), offset: offset}
	r.lineStarts = append(r.lineStarts, 0)
	for i, c := range r.src {
		if c == '\n' {
			r.lineStarts = append(r.lineStarts, i+1)
		}
	}
	doc := goldmark.New().Parser().Parse(text.NewReader(r.src))
	r.blocks(doc)
	s.blocks = titleFirst(r.out, fm.title)
	return s, warnings
}

// titleFirst puts the title's heading first: the first level-1 heading,
// wherever it stands. When the front matter names the title, a level-1
// heading that repeats it is dropped instead.
func titleFirst(blocks []rawBlock, frontTitle string) []rawBlock {
	for i, b := range blocks {
		if b.kind != rawHeading || b.level != 1 {
			continue
		}
		rest := append(append([]rawBlock{}, blocks[:i]...), blocks[i+1:]...)
		if frontTitle == "" {
			return append([]rawBlock{b}, rest...)
		}
		if readingroom.Normalize(b.joined()) == readingroom.Normalize(frontTitle) {
			return rest
		}
		break
	}
	return blocks
}

// frontMatter is what a Markdown file's front matter says of its article.
type frontMatter struct {
	title, date, byline, publication, issue, standfirst string
}

// splitFrontMatter takes YAML front matter, between a first line "---" and
// a closing "---" or "...", off the top of a Markdown file. It returns the
// body and how many lines came before it. Front matter that is not a YAML
// mapping is left in the body, to be read as text, with a warning.
func splitFrontMatter(src string) (fm frontMatter, body string, offset int, warning string) {
	first, rest, ok := strings.Cut(src, "\n")
	if !ok || strings.TrimRight(first, " \t") != "---" {
		return fm, src, 0, ""
	}
	var yamlText strings.Builder
	n := 1
	for rest != "" {
		l, after, _ := strings.Cut(rest, "\n")
		n++
		if t := strings.TrimRight(l, " \t"); t == "---" || t == "..." {
			fm, err := readFrontMatter(yamlText.String())
			if err != nil {
				return frontMatter{}, src, 0, fmt.Sprintf("the front matter in lines 1 to %d could not be read (%v), so it was read as text", n, err)
			}
			return fm, after, n, ""
		}
		yamlText.WriteString(l)
		yamlText.WriteByte('\n')
		rest = after
	}
	// No closing line: a thematic break, not front matter.
	return fm, src, 0, ""
}

// readFrontMatter reads the keys the room knows, in any letter case:
// title; date or published; byline, or author or authors (one name or a
// list, joined "A, B and C"); publication; issue; standfirst, subtitle or
// description. Other keys (tags, layout...) are read and left aside.
func readFrontMatter(src string) (frontMatter, error) {
	var fm frontMatter
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		return fm, fmt.Errorf("it is not valid YAML: %s", yamlMessage(err))
	}
	if doc.Kind == 0 {
		return fm, nil // empty
	}
	m := &doc
	if m.Kind == yaml.DocumentNode && len(m.Content) == 1 {
		m = m.Content[0]
	}
	if m.Kind != yaml.MappingNode {
		return fm, fmt.Errorf("it is not a list of keys and values")
	}
	values := map[string][]string{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := strings.ToLower(readingroom.CleanSpace(m.Content[i].Value))
		if _, seen := values[k]; !seen {
			values[k] = yamlStrings(m.Content[i+1])
		}
	}
	one := func(keys ...string) string {
		for _, k := range keys {
			if v := readingroom.CleanSpace(strings.Join(values[k], ", ")); v != "" {
				return v
			}
		}
		return ""
	}
	fm.title = one("title")
	fm.date = one("date", "published")
	fm.publication = one("publication")
	fm.issue = one("issue")
	fm.standfirst = one("standfirst", "subtitle", "description")
	if fm.byline = one("byline"); fm.byline == "" {
		names := values["authors"]
		if len(names) == 0 {
			names = values["author"]
		}
		fm.byline = joinNames(names)
	}
	return fm, nil
}

// yamlMessage words a YAML error for the file: its line numbers count
// from the file's first line, the "---" above the front matter.
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, after, ok := strings.Cut(rest, ":"); ok {
			if n, err := strconv.Atoi(num); err == nil {
				return fmt.Sprintf("line %d:%s", n+1, after)
			}
		}
	}
	return msg
}

// yamlStrings gives a front-matter value as text: a scalar as one string,
// a list as its scalar items. Anything else has no text the room uses.
func yamlStrings(n *yaml.Node) []string {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		return []string{n.Value}
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind == yaml.AliasNode && c.Alias != nil {
				c = c.Alias
			}
			if c.Kind == yaml.ScalarNode && c.Tag != "!!null" {
				if v := readingroom.CleanSpace(c.Value); v != "" {
					out = append(out, v)
				}
			}
		}
		return out
	}
	return nil
}

// joinNames writes a list of names as a byline does: "A", "A and B",
// "A, B and C".
func joinNames(names []string) string {
	var clean []string
	for _, n := range names {
		if n = readingroom.CleanSpace(n); n != "" {
			clean = append(clean, n)
		}
	}
	switch len(clean) {
	case 0:
		return ""
	case 1:
		return clean[0]
	}
	return strings.Join(clean[:len(clean)-1], ", ") + " and " + clean[len(clean)-1]
}

// mdReader turns goldmark's syntax tree into raw blocks for the classifier.
type mdReader struct {
	src        []byte
	offset     int   // lines of front matter before src
	lineStarts []int // byte offset of each line of src
	out        []rawBlock
}

// lineAt is the 1-based line number, in the whole file, of byte pos of src.
func (r *mdReader) lineAt(pos int) int {
	return r.offset + sort.SearchInts(r.lineStarts, pos+1)
}

// firstLine is the line a block node starts on, looking into its children
// for container blocks (lists, quotes) that have no lines of their own.
func (r *mdReader) firstLine(n ast.Node) int {
	for ; n != nil; n = n.FirstChild() {
		if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
			return r.lineAt(n.Lines().At(0).Start)
		}
	}
	return r.offset + 1
}

// blocks reads the block nodes under n, in order.
func (r *mdReader) blocks(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		r.block(c)
	}
}

// block reads one block node. Quotes and lists are flattened: a quote's
// paragraphs are paragraphs, and a list nested in a list item follows that
// item, its items as items of their own.
func (r *mdReader) block(n ast.Node) {
	switch n := n.(type) {
	case *ast.Heading:
		lines, images := r.inlines(n)
		if len(lines) > 0 {
			r.out = append(r.out, rawBlock{kind: rawHeading, level: n.Level, lines: []line{{joinTexts(lines), lines[0].num}}})
		}
		r.out = append(r.out, images...)
	case *ast.Paragraph, *ast.TextBlock:
		lines, images := r.inlines(n)
		if len(lines) > 0 {
			r.out = append(r.out, rawBlock{lines: lines})
		}
		r.out = append(r.out, images...)
	case *ast.List:
		r.list(n)
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		r.code(n)
	case *ast.HTMLBlock:
		r.htmlBlock(n)
	case *ast.ThematicBreak:
		// A rule between parts says nothing a reader needs.
	default:
		r.blocks(n)
	}
}

// list makes each item one block, numbered as printed when the list is
// ordered. An item's paragraphs make its text; its other blocks (a nested
// list, code, a quote) follow it.
func (r *mdReader) list(l *ast.List) {
	num := l.Start
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		b := rawBlock{kind: rawListItem}
		if l.IsOrdered() {
			b.number = strconv.Itoa(num)
			num++
		}
		var (
			images []rawBlock
			rest   []ast.Node
		)
		for c := item.FirstChild(); c != nil; c = c.NextSibling() {
			switch c.(type) {
			case *ast.Paragraph, *ast.TextBlock:
				lines, imgs := r.inlines(c)
				b.lines = append(b.lines, lines...)
				images = append(images, imgs...)
			default:
				rest = append(rest, c)
			}
		}
		if len(b.lines) > 0 {
			r.out = append(r.out, b)
		}
		r.out = append(r.out, images...)
		for _, c := range rest {
			r.block(c)
		}
	}
}

// code keeps a code block's lines as written, without its fences: only
// trailing white space, control characters and blank lines at either end
// go.
func (r *mdReader) code(n ast.Node) {
	ls := n.Lines()
	var lines []line
	for i := range ls.Len() {
		seg := ls.At(i)
		t := cleanCodeLine(string(seg.Value(r.src)))
		if t == "" && len(lines) == 0 {
			continue
		}
		lines = append(lines, line{t, r.lineAt(seg.Start)})
	}
	for len(lines) > 0 && lines[len(lines)-1].text == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) > 0 {
		r.out = append(r.out, rawBlock{kind: rawCode, lines: lines})
	}
}

// cleanCodeLine drops a code line's trailing white space and the
// characters that are never content (controls other than tab, zero-width
// marks), keeping its indentation.
func cleanCodeLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return r
		case unicode.IsControl(r), r == '\u200b', r == '\ufeff', r == '\u00ad':
			return -1
		}
		return r
	}, s)
	return strings.TrimRightFunc(s, unicode.IsSpace)
}

// htmlBlock keeps the text of a block of raw HTML, a paragraph for each
// block-level element, and none of its markup. What is inside script,
// style, template and the like is not text for a reader, and goes.
func (r *mdReader) htmlBlock(n *ast.HTMLBlock) {
	var src bytes.Buffer
	ls := n.Lines()
	for i := range ls.Len() {
		seg := ls.At(i)
		src.Write(seg.Value(r.src))
	}
	if n.HasClosure() {
		src.Write(n.ClosureLine.Value(r.src))
	}
	num := r.firstLine(n)
	for _, p := range htmlParagraphs(src.String()) {
		r.out = append(r.out, rawBlock{lines: []line{{p, num}}})
	}
}

// hiddenElements hold no text a reader should see.
var hiddenElements = map[string]bool{
	"script": true, "style": true, "template": true, "noscript": true,
	"iframe": true, "object": true, "svg": true, "math": true, "head": true, "title": true,
}

// blockElements end one paragraph of an HTML block's text and start the next.
var blockElements = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"blockquote": true, "pre": true, "table": true, "tr": true, "section": true,
	"article": true, "aside": true, "header": true, "footer": true, "figure": true,
	"figcaption": true, "hr": true, "dl": true, "dt": true, "dd": true, "details": true, "summary": true,
}

// htmlParagraphs is the text of a piece of HTML, cut into paragraphs at
// block-level elements.
func htmlParagraphs(src string) []string {
	var (
		out    []string
		cur    strings.Builder
		hidden int
	)
	flush := func() {
		if t := readingroom.CleanSpace(cur.String()); t != "" {
			out = append(out, t)
		}
		cur.Reset()
	}
	z := xhtml.NewTokenizer(strings.NewReader(src))
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			flush()
			return out
		case xhtml.TextToken:
			if hidden == 0 {
				cur.Write(z.Text())
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			if hiddenElements[string(name)] {
				switch {
				case tt == xhtml.StartTagToken:
					hidden++
				case tt == xhtml.EndTagToken && hidden > 0:
					hidden--
				}
			}
			if blockElements[string(name)] {
				flush()
			}
		}
	}
}

// inlines reads the text of a paragraph or heading, line by line as
// written, with the Markdown a reader should not see taken out: emphasis
// and links become their text, code spans their code, escapes and entity
// references what they stand for, and raw HTML goes (the text between two
// tags stays; what is inside a script or style element does not). Images
// are not text: each comes back as a caption block of its own, its alt
// text the caption and its title the credit.
func (r *mdReader) inlines(n ast.Node) ([]line, []rawBlock) {
	w := inlineWriter{r: r, num: r.firstLine(n)}
	w.children(n)
	w.newline()
	return w.lines, w.images
}

type inlineWriter struct {
	r      *mdReader
	lines  []line
	cur    strings.Builder
	num    int // line number of the current line
	hidden string
	images []rawBlock
}

func (w *inlineWriter) newline() {
	if t := readingroom.CleanSpace(w.cur.String()); t != "" {
		w.lines = append(w.lines, line{t, w.num})
	}
	w.cur.Reset()
	w.num++
}

func (w *inlineWriter) children(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.inline(c)
	}
}

func (w *inlineWriter) inline(n ast.Node) {
	src := w.r.src
	switch n := n.(type) {
	case *ast.Text:
		if w.hidden == "" {
			if n.IsRaw() {
				w.cur.Write(n.Value(src))
			} else {
				w.cur.WriteString(unescapeMarkdown(n.Value(src)))
			}
		}
		if n.SoftLineBreak() || n.HardLineBreak() {
			w.newline()
		}
	case *ast.String:
		if w.hidden == "" {
			if n.IsRaw() || n.IsCode() {
				w.cur.Write(n.Value)
			} else {
				w.cur.WriteString(unescapeMarkdown(n.Value))
			}
		}
	case *ast.CodeSpan:
		if w.hidden == "" {
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					w.cur.Write(t.Value(src))
				} else if s, ok := c.(*ast.String); ok {
					w.cur.Write(s.Value)
				}
			}
		}
	case *ast.AutoLink:
		if w.hidden == "" {
			w.cur.Write(n.Label(src))
		}
	case *ast.Image:
		if w.hidden == "" {
			w.image(n)
		}
	case *ast.RawHTML:
		w.rawHTML(n)
	default:
		w.children(n)
	}
}

// image makes an image a caption: its alt text, credited to its title.
func (w *inlineWriter) image(n *ast.Image) {
	alt := inlineWriter{r: w.r, num: w.num}
	alt.children(n)
	alt.newline()
	caption := joinTexts(alt.lines)
	credit := creditText(readingroom.CleanSpace(unescapeMarkdown(n.Title)))
	if caption == "" && credit == "" {
		return
	}
	b := rawBlock{kind: rawImage, credit: credit}
	if caption != "" {
		b.lines = []line{{caption, w.num}}
	}
	w.images = append(w.images, b)
}

// rawHTML drops an inline tag. A <br> ends the line; an opening <script>,
// <style> or the like hides the text up to its closing tag.
func (w *inlineWriter) rawHTML(n *ast.RawHTML) {
	tag := strings.ToLower(string(n.Segments.Value(w.r.src)))
	closing := strings.HasPrefix(tag, "</")
	name := strings.TrimLeft(tag, "</")
	if i := strings.IndexFunc(name, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }); i >= 0 {
		name = name[:i]
	}
	switch {
	case w.hidden != "":
		if closing && name == w.hidden {
			w.hidden = ""
		}
	case name == "br":
		w.newline()
	case !closing && hiddenElements[name] && !strings.HasSuffix(tag, "/>"):
		w.hidden = name
	}
}

// unescapeMarkdown resolves backslash escapes and entity references in
// Markdown text exactly as goldmark's HTML renderer does, then turns the
// HTML it wrote back into plain text.
func unescapeMarkdown(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 && bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, 0) < 0 {
		return string(b)
	}
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	mdhtml.DefaultWriter.Write(bw, b)
	bw.Flush()
	return html.UnescapeString(buf.String())
}

func joinTexts(lines []line) string {
	return rawBlock{lines: lines}.joined()
}
