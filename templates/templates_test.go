package templates

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/templates/htmltest"
)

func render(t *testing.T, c templ.Component) (string, *html.Node) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.String(), htmltest.Parse(t, buf.String())
}

// The HTML helpers these tests share with the web package's.
var (
	find    = htmltest.Find
	one     = htmltest.One
	attr    = htmltest.Attr
	hasAttr = htmltest.HasAttr
	text    = htmltest.Text
	byTag   = htmltest.ByTag
	byID    = htmltest.ByID
	byClass = htmltest.ByClass
)

var page = Page{
	Title:       "A title",
	Description: "About it",
	CSSPath:     "/static/app.12345678.css",
	IconPath:    "/static/favicon.12345678.svg",
}

func TestLayout(t *testing.T) {
	p := page
	p.Canonical = "/a/x"
	_, doc := render(t, Error(ErrorPage{Page: p, Status: 404, Heading: "Gone"}))

	if got := attr(one(t, doc, "html", byTag("html")), "lang"); got != "en" {
		t.Errorf("lang = %q, want en", got)
	}
	if got, want := text(one(t, doc, "title", byTag("title"))), "A title — Reading Room"; got != want {
		t.Errorf("title = %q, want %q", got, want)
	}
	metas := map[string]string{}
	for _, m := range find(doc, byTag("meta")) {
		metas[attr(m, "name")] = attr(m, "content")
	}
	if metas["viewport"] == "" || metas["description"] != "About it" {
		t.Errorf("meta viewport/description = %q/%q", metas["viewport"], metas["description"])
	}
	links := map[string]string{}
	for _, l := range find(doc, byTag("link")) {
		links[attr(l, "rel")] = attr(l, "href")
	}
	for rel, want := range map[string]string{"stylesheet": p.CSSPath, "icon": p.IconPath, "canonical": "/a/x"} {
		if links[rel] != want {
			t.Errorf("link rel=%s href = %q, want %q", rel, links[rel], want)
		}
	}
	skip := one(t, doc, "skip link", byClass("skip-link"))
	if attr(skip, "href") != "#main" {
		t.Errorf("skip link href = %q", attr(skip, "href"))
	}
	one(t, doc, "main#main", func(n *html.Node) bool { return n.Data == "main" && attr(n, "id") == "main" })
	name := one(t, doc, "site name", byClass("site-name"))
	if attr(name, "href") != "/" || text(name) != "Reading Room" {
		t.Errorf("site name = %q -> %q", text(name), attr(name, "href"))
	}
	for _, tag := range []string{"header", "nav", "footer"} {
		if len(find(doc, byTag(tag))) == 0 {
			t.Errorf("no <%s>", tag)
		}
	}
}

func TestLayoutNoTitleNoCanonical(t *testing.T) {
	out, doc := render(t, Library(LibraryPage{Page: Page{CSSPath: "/c.css"}}))
	if got := text(one(t, doc, "title", byTag("title"))); got != "Reading Room" {
		t.Errorf("title = %q, want the site name alone", got)
	}
	if strings.Contains(out, `rel="canonical"`) || strings.Contains(out, `name="description"`) {
		t.Errorf("empty canonical or description rendered:\n%s", out)
	}
}

func TestLibraryEmpty(t *testing.T) {
	_, doc := render(t, Library(LibraryPage{Page: page, Number: 1, Pages: 1}))
	empty := one(t, doc, "empty state", byClass("empty"))
	if !strings.Contains(text(empty), "readingroom import PATH") {
		t.Errorf("empty state does not say how to import: %q", text(empty))
	}
	if len(find(doc, byClass("entry"))) != 0 || len(find(doc, byClass("pager"))) != 0 {
		t.Error("empty library shows entries or a pager")
	}
}

func TestLibraryEntries(t *testing.T) {
	p := LibraryPage{
		Page: page,
		Entries: []LibraryEntry{
			{URL: "/a/one", Title: "One <b>", Standfirst: "First", Date: NewDate(time.Date(2017, 3, 23, 0, 0, 0, 0, time.UTC)), Publication: "New Statesman", ReadingTime: "6 min read"},
			{URL: "/a/two", Title: "Two", ReadingTime: "1 min read"},
		},
		Total: 62, Number: 2, Pages: 3, PrevURL: "/", NextURL: "/?page=3",
	}
	out, doc := render(t, Library(p))
	entries := find(doc, byClass("entry"))
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2", len(entries))
	}
	a := one(t, entries[0], "title link", func(n *html.Node) bool { return n.Data == "a" })
	if attr(a, "href") != "/a/one" || text(a) != "One <b>" {
		t.Errorf("first entry link = %q -> %q", text(a), attr(a, "href"))
	}
	if strings.Contains(out, "One <b>") {
		t.Error("title not escaped")
	}
	tm := one(t, entries[0], "time", byTag("time"))
	if attr(tm, "datetime") != "2017-03-23" || text(tm) != "23 March 2017" {
		t.Errorf("time = %q datetime %q", text(tm), attr(tm, "datetime"))
	}
	meta := text(one(t, entries[0], "meta", byClass("meta")))
	for _, want := range []string{"New Statesman", "6 min read"} {
		if !strings.Contains(meta, want) {
			t.Errorf("meta %q lacks %q", meta, want)
		}
	}
	if len(find(entries[1], byTag("time"))) != 0 {
		t.Error("undated entry has a <time>")
	}
	prev := one(t, doc, "prev", func(n *html.Node) bool { return attr(n, "rel") == "prev" })
	next := one(t, doc, "next", func(n *html.Node) bool { return attr(n, "rel") == "next" })
	if attr(prev, "href") != "/" || attr(next, "href") != "/?page=3" {
		t.Errorf("pager hrefs = %q, %q", attr(prev, "href"), attr(next, "href"))
	}
	if !strings.Contains(text(one(t, doc, "pager", byClass("pager"))), "Page 2 of 3") {
		t.Error("pager does not say where we are")
	}
}

func TestLibraryOnePageHasNoPager(t *testing.T) {
	_, doc := render(t, Library(LibraryPage{Page: page, Entries: []LibraryEntry{{URL: "/a/x", Title: "X"}}, Total: 1, Number: 1, Pages: 1}))
	if len(find(doc, byClass("pager"))) != 0 {
		t.Error("single page has a pager")
	}
}

func articlePage() ArticlePage {
	blk := func(id string, kind readingroom.BlockKind, text string) Block {
		return Block{ID: id, Kind: kind, Text: text, Permalink: "/a/s/p/" + id + "#p-" + id}
	}
	lead := blk("leadcapt", readingroom.KindCaption, "A crowd")
	lead.Credit = "Photo: Someone"
	h := blk("heading2", readingroom.KindHeading, "The section")
	h.Number = "1"
	marked := blk("paragrph", readingroom.KindParagraph, "Second <script>alert(1)</script>")
	marked.Marked = true
	return ArticlePage{
		Page:        page,
		Title:       "The title",
		Standfirst:  "The standfirst",
		Byline:      "By Someone",
		Date:        NewDate(time.Date(2017, 3, 23, 0, 0, 0, 0, time.UTC)),
		Publication: "New Statesman",
		ReadingTime: "6 min read",
		Lead:        &lead,
		Books:       []readingroom.Book{{Title: "A Book", Author: "An Author", Details: "Press, 300pp, £20"}},
		Blocks: []Block{
			blk("paraone2", readingroom.KindParagraph, "First"),
			h,
			marked,
			blk("innercap", readingroom.KindCaption, "Inner caption"),
			blk("notenote", readingroom.KindAuthorNote, "Someone writes"),
			blk("correctn", readingroom.KindCorrection, "We were wrong"),
		},
		Colophon: Colophon(NewDate(time.Date(2017, 3, 23, 0, 0, 0, 0, time.UTC)), "New Statesman", "Trump's permanent revolution"),
	}
}

func TestArticle(t *testing.T) {
	p := articlePage()
	out, doc := render(t, Article(p))

	if got := text(one(t, doc, "h1", byTag("h1"))); got != "The title" {
		t.Errorf("h1 = %q", got)
	}
	one(t, doc, "standfirst", byClass("standfirst"))
	if got := text(one(t, doc, "byline", byClass("byline"))); got != "By Someone" {
		t.Errorf("byline = %q", got)
	}
	if got := attr(one(t, doc, "time", byTag("time")), "datetime"); got != "2017-03-23" {
		t.Errorf("datetime = %q", got)
	}

	all := append([]Block{*p.Lead}, p.Blocks...)
	for _, b := range all {
		el := one(t, doc, "block "+b.ID, byID("p-"+b.ID))
		links := find(el, byClass("pilcrow"))
		if len(links) != 1 {
			t.Errorf("block %s: %d pilcrow links, want 1", b.ID, len(links))
			continue
		}
		l := links[0]
		if got, want := attr(l, "href"), "/a/s/p/"+b.ID+"#p-"+b.ID; got != want {
			t.Errorf("block %s: pilcrow href %q, want %q", b.ID, got, want)
		}
		if !strings.HasPrefix(attr(l, "aria-label"), "Link to this ") || text(l) != "¶" {
			t.Errorf("block %s: pilcrow %q labelled %q", b.ID, text(l), attr(l, "aria-label"))
		}
		if hasAttr(el, "aria-current") != b.Marked {
			t.Errorf("block %s: aria-current present = %v, want %v", b.ID, hasAttr(el, "aria-current"), b.Marked)
		}
		if byClass("marked")(el) != b.Marked {
			t.Errorf("block %s: class %q, marked = %v", b.ID, attr(el, "class"), b.Marked)
		}
	}

	lead := one(t, doc, "lead figure", byID("p-leadcapt"))
	if lead.Data != "figure" || !strings.Contains(text(lead), "Photo: Someone") {
		t.Errorf("lead caption = <%s> %q", lead.Data, text(lead))
	}
	if got := one(t, doc, "inner caption", byID("p-innercap")).Data; got != "figure" {
		t.Errorf("inner caption is <%s>, want figure", got)
	}
	h := one(t, doc, "heading", byID("p-heading2"))
	if h.Data != "h2" || text(one(t, h, "number", byClass("section-number"))) != "1" {
		t.Errorf("heading = <%s> %q", h.Data, text(h))
	}
	books := one(t, doc, "books", byClass("books"))
	for _, want := range []string{"A Book", "An Author", "Press, 300pp, £20"} {
		if !strings.Contains(text(books), want) {
			t.Errorf("books box lacks %q", want)
		}
	}
	if n := one(t, doc, "note", byID("p-notenote")); n.Data != "aside" {
		t.Errorf("note is <%s>, want aside", n.Data)
	}
	c := one(t, doc, "correction", byID("p-correctn"))
	if !strings.HasPrefix(text(c), "Correction") {
		t.Errorf("correction not labelled: %q", text(c))
	}
	if got, want := text(one(t, doc, "colophon", byClass("colophon"))), "First appeared in the 23 March 2017 issue of New Statesman, Trump's permanent revolution"; strings.TrimSpace(got) != want {
		t.Errorf("colophon = %q, want %q", got, want)
	}

	if strings.Contains(out, "<script>") {
		t.Error("paragraph text not escaped")
	}
	if !strings.Contains(text(one(t, doc, "marked", byID("p-paragrph"))), "<script>alert(1)</script>") {
		t.Error("escaped text does not read back as written")
	}
	if len(find(doc, byTag("script"))) != 0 {
		t.Error("page contains a <script> element")
	}
}

func TestArticleWithoutExtras(t *testing.T) {
	out, doc := render(t, Article(ArticlePage{Page: page, Title: "Bare", Blocks: []Block{{ID: "aaaaaaaa", Kind: readingroom.KindParagraph, Text: "x", Permalink: "/a/b/p/aaaaaaaa#p-aaaaaaaa"}}}))
	for _, class := range []string{"books", "figure", "colophon", "standfirst", "byline"} {
		if len(find(doc, byClass(class))) != 0 {
			t.Errorf("bare article renders .%s", class)
		}
	}
	if len(find(doc, byTag("time"))) != 0 {
		t.Error("undated article renders <time>")
	}
	if strings.Contains(out, "aria-current") {
		t.Error("unmarked article has aria-current")
	}
}

func TestColophon(t *testing.T) {
	d := NewDate(time.Date(2017, 3, 23, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		d                  Date
		publication, issue string
		want               string
	}{
		{d, "New Statesman", "Trump's permanent revolution", "First appeared in the 23 March 2017 issue of New Statesman, Trump's permanent revolution"},
		{d, "New Statesman", "", "First appeared in the 23 March 2017 issue of New Statesman"},
		{Date{}, "New Statesman", "", "First appeared in New Statesman"},
		{d, "", "", "First appeared in the 23 March 2017 issue"},
		{Date{}, "", "Big issue", "First appeared in the issue, Big issue"},
		{Date{}, "", "", ""},
	}
	for _, tt := range tests {
		if got := Colophon(tt.d, tt.publication, tt.issue); got != tt.want {
			t.Errorf("Colophon(%v, %q, %q) = %q, want %q", tt.d, tt.publication, tt.issue, got, tt.want)
		}
	}
}

func TestNewDateAndReadingTime(t *testing.T) {
	if d := NewDate(time.Time{}); d.Known() {
		t.Errorf("zero time gives known date %+v", d)
	}
	if got := NewDate(time.Date(2009, 1, 5, 0, 0, 0, 0, time.UTC)); got.ISO != "2009-01-05" || got.Text != "5 January 2009" {
		t.Errorf("NewDate = %+v", got)
	}
	if got := ReadingTime(0); got != "1 min read" {
		t.Errorf("ReadingTime(0) = %q", got)
	}
	if got := ReadingTime(1380); got != "6 min read" {
		t.Errorf("ReadingTime(1380) = %q", got)
	}
}

func TestErrorPage(t *testing.T) {
	_, doc := render(t, Error(ErrorPage{Page: page, Status: 404, Heading: "We couldn't find that article", Message: "Try <the> library."}))
	if got := text(one(t, doc, "h1", byTag("h1"))); got != "We couldn't find that article" {
		t.Errorf("h1 = %q", got)
	}
	back := find(one(t, doc, "error section", byClass("error-page")), func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "/" })
	if len(back) != 1 {
		t.Error("no link back to the library")
	}
	if !strings.Contains(text(doc), "404") {
		t.Error("status not shown")
	}
}

func TestPreviewTags(t *testing.T) {
	p := page
	p.ScriptPath = "/static/app.12345678.js"
	p.Preview = &Preview{
		Title:       "The title",
		Description: "What it says",
		URL:         "https://r.example/a/s/p/paraone2",
		Type:        "article",
		Published:   "2017-03-23",
		Image:       "https://r.example/static/card.12345678.png",
		ImageAlt:    "The card",
		ImageWidth:  1200,
		ImageHeight: 630,
	}
	_, doc := render(t, Error(ErrorPage{Page: p, Status: 404, Heading: "Gone"}))
	got := map[string]string{}
	for _, m := range find(doc, byTag("meta")) {
		key := attr(m, "property") + attr(m, "name")
		if _, dup := got[key]; dup {
			t.Errorf("meta %s twice", key)
		}
		got[key] = attr(m, "content")
	}
	for k, want := range map[string]string{
		"og:site_name":           "Reading Room",
		"og:type":                "article",
		"og:title":               "The title",
		"og:description":         "What it says",
		"og:url":                 "https://r.example/a/s/p/paraone2",
		"og:image":               "https://r.example/static/card.12345678.png",
		"og:image:width":         "1200",
		"og:image:height":        "630",
		"og:image:alt":           "The card",
		"article:published_time": "2017-03-23",
		"twitter:card":           "summary_large_image",
		"twitter:title":          "The title",
		"twitter:description":    "What it says",
		"twitter:image":          "https://r.example/static/card.12345678.png",
		"twitter:image:alt":      "The card",
	} {
		if got[k] != want {
			t.Errorf("meta %s = %q, want %q", k, got[k], want)
		}
	}
	scripts := find(doc, byTag("script"))
	if len(scripts) != 1 || attr(scripts[0], "src") != p.ScriptPath || !hasAttr(scripts[0], "defer") || text(scripts[0]) != "" {
		t.Errorf("want one deferred external script %s, got %d scripts", p.ScriptPath, len(scripts))
	}

	// Without a preview or a date there are no such tags.
	p.Preview.Published = ""
	out, _ := render(t, Error(ErrorPage{Page: p, Status: 404}))
	if strings.Contains(out, "article:published_time") {
		t.Error("unknown date rendered as article:published_time")
	}
	out, _ = render(t, Error(ErrorPage{Page: page, Status: 404}))
	if strings.Contains(out, "og:") || strings.Contains(out, "twitter:") || strings.Contains(out, "<script") {
		t.Error("page without a preview or script has preview tags or a script")
	}
}

func TestArticleAliasAnchors(t *testing.T) {
	p := articlePage()
	p.Lead.Aliases = []string{"leadold1"}
	for i := range p.Blocks {
		p.Blocks[i].Aliases = []string{"old" + p.Blocks[i].ID[:5], "xx" + p.Blocks[i].ID[:6]}
	}
	_, doc := render(t, Article(p))
	for _, b := range append([]Block{*p.Lead}, p.Blocks...) {
		block := one(t, doc, "block "+b.ID, byID("p-"+b.ID))
		for _, a := range b.Aliases {
			span := one(t, doc, "alias "+a, byID("p-"+a))
			inside := false
			for n := span.Parent; n != nil; n = n.Parent {
				inside = inside || n == block
			}
			if !inside || span.Data != "span" || text(span) != "" {
				t.Errorf("alias %s of %s: <%s> %q inside the block: %v", a, b.ID, span.Data, text(span), inside)
			}
		}
	}
}

func TestArticleRemovedNotice(t *testing.T) {
	p := articlePage()
	p.Blocks[2].Marked = false
	p.Removed = &Removed{Kind: readingroom.KindParagraph, Text: "What it <b>said</b>", NeighbourURL: "/a/s/p/paraone2#p-paraone2"}
	_, doc := render(t, Article(p))
	notice := one(t, doc, "notice", byClass("removed"))
	if got := text(one(t, notice, "notice text", byClass("removed-notice"))); got != "This paragraph has been removed from the article. Here is what it said:" {
		t.Errorf("notice = %q", got)
	}
	if got := strings.TrimSpace(text(one(t, notice, "blockquote", byTag("blockquote")))); got != "What it <b>said</b>" {
		t.Errorf("old text = %q", got)
	}
	if got := attr(one(t, notice, "neighbour link", byTag("a")), "href"); got != p.Removed.NeighbourURL {
		t.Errorf("neighbour link = %q", got)
	}
	// The notice comes before the article's own heading.
	h1 := one(t, doc, "h1", byTag("h1"))
	for n := range doc.Descendants() {
		if n == h1 {
			t.Fatal("h1 comes before the removed notice")
		}
		if n == notice {
			break
		}
	}

	p.Removed = &Removed{Kind: readingroom.KindHeading, Text: "Gone"}
	_, doc = render(t, Article(p))
	notice = one(t, doc, "notice", byClass("removed"))
	if len(find(notice, byTag("a"))) != 0 {
		t.Error("notice links to a neighbour it does not have")
	}
	if got := text(one(t, notice, "notice text", byClass("removed-notice"))); !strings.HasPrefix(got, "This section heading has been removed") {
		t.Errorf("heading notice = %q", got)
	}
}

// A caption says its picture is not shown, and keeps its credit, labelled.
func TestCaptionWithoutPicture(t *testing.T) {
	for _, tt := range []struct{ credit, want string }{
		{"Jane Bown", "Photograph: Jane Bown"},
		{"Photo: AP", "Photo: AP"},
		{"Illustration by Ann", "Illustration by Ann"},
	} {
		p := articlePage()
		p.Lead = &Block{ID: "aaaaaaaa", Kind: readingroom.KindCaption, Text: "A reader in 1931.", Credit: tt.credit}
		_, doc := render(t, Article(p))
		fig := one(t, doc, "lead figure", byClass("figure-lead"))
		if got := text(one(t, fig, "label", byClass("figure-label"))); got != "Picture not shown" {
			t.Errorf("label %q", got)
		}
		if got := text(one(t, fig, "credit", byClass("credit"))); got != tt.want {
			t.Errorf("credit %q, want %q", got, tt.want)
		}
	}
}

// A printed article ends with the full address of each block, in the
// order of their pilcrows (which print as footnote numbers).
func TestPrintLinks(t *testing.T) {
	p := articlePage()
	for i := range p.Blocks {
		p.Blocks[i].URL = "https://read.example.org/a/x/p/" + p.Blocks[i].ID
	}
	p.Lead.URL = "https://read.example.org/a/x/p/" + p.Lead.ID
	_, doc := render(t, Article(p))
	items := find(one(t, doc, "print links", byClass("print-links")), byTag("li"))
	pilcrows := find(doc, byClass("pilcrow"))
	if len(items) != len(pilcrows) || len(items) != len(p.Blocks)+1 {
		t.Fatalf("%d footnotes for %d pilcrows and %d blocks", len(items), len(pilcrows), len(p.Blocks)+1)
	}
	for i, b := range append([]Block{*p.Lead}, p.Blocks...) {
		if text(items[i]) != b.URL {
			t.Errorf("footnote %d = %q, want %q", i+1, text(items[i]), b.URL)
		}
		if !strings.HasSuffix(attr(pilcrows[i], "href"), "#p-"+b.ID) {
			t.Errorf("pilcrow %d links to %q, not block %s", i+1, attr(pilcrows[i], "href"), b.ID)
		}
	}
}

// A paragraph link's page quotes the paragraph first, inside <noscript>
// (with the script, the page scrolls to it instead, and a text fragment
// must find the words in the article, not in the quote).
func TestSharedParagraph(t *testing.T) {
	p := articlePage()
	p.Shared = &p.Blocks[0]
	src, doc := render(t, Article(p))
	ns := one(t, doc, "noscript", byTag("noscript"))
	if ns.Parent.Data != "article" {
		t.Errorf("noscript inside %s", ns.Parent.Data)
	}
	if !strings.Contains(src, "A paragraph from <cite>The title</cite>") || !strings.Contains(src, `href="#`+p.Blocks[0].Anchor()+`"`) {
		t.Errorf("no quote with a link to the paragraph in place:\n%s", src)
	}
	p.Shared = nil
	if _, doc := render(t, Article(p)); len(find(doc, byTag("noscript"))) != 0 {
		t.Error("the article's own page quotes a paragraph")
	}
}
