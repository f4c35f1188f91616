package templates

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/readingroom/readingroom"
)

func TestSearchBoxPrefilledAndEscaped(t *testing.T) {
	p := page
	p.SearchQuery = `"><script>alert(1)</script> & title:x`
	src, doc := render(t, Error(ErrorPage{Page: p, Status: 404, Heading: "Gone"}))
	form := one(t, doc, "search form", func(n *html.Node) bool { return n.Data == "form" && attr(n, "role") == "search" })
	in := one(t, form, "search input", func(n *html.Node) bool { return n.Data == "input" })
	if got := attr(in, "value"); got != p.SearchQuery {
		t.Errorf("value %q, want %q", got, p.SearchQuery)
	}
	if strings.Contains(src, "<script>alert") {
		t.Error("query came out as markup")
	}
	if attr(in, "name") != "q" || attr(in, "type") != "search" {
		t.Errorf("input name %q type %q", attr(in, "name"), attr(in, "type"))
	}
	label := one(t, form, "label", byTag("label"))
	if attr(label, "for") != attr(in, "id") || text(label) == "" {
		t.Error("input is not labelled")
	}
	one(t, form, "help link", func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == SearchHelpPath })
	if len(find(doc, func(n *html.Node) bool { return attr(n, "name") == "robots" })) != 0 {
		t.Error("robots meta on a page that did not ask for it")
	}
}

func TestSearchResultsRender(t *testing.T) {
	p := SearchPage{
		Page:    page,
		Query:   "lamp*",
		Notes:   []string{"“year:x” is not a year."},
		Total:   3,
		Number:  2,
		Pages:   2,
		Start:   21,
		PrevURL: SearchURL("lamp*", 1),
		Results: []SearchResult{{
			URL:     "/a/lamps",
			Title:   "Lamps & <lanterns>",
			Byline:  "By Ann",
			Date:    NewDate(time.Date(2017, 3, 23, 0, 0, 0, 0, time.UTC)),
			Matches: 5,
			Hits: []SearchHit{
				{URL: "/a/lamps/p/abc#p-abc", Snippet: readingroom.MarkedSegments("the <b> [lamps] lit", "[", "]"), Kind: readingroom.KindParagraph},
				{URL: "/a/lamps/p/def#p-def", Snippet: readingroom.MarkedSegments("a [lamp]", "[", "]"), Kind: readingroom.KindCaption},
			},
		}},
	}
	src, doc := render(t, Search(p))
	if !strings.Contains(src, "the &lt;b&gt; <mark>lamps</mark> lit") {
		t.Error("snippet not rendered as escaped text with the matched word in <mark>")
	}
	if len(find(doc, byTag("b"))) != 0 {
		t.Error("escaped text in a snippet became an element")
	}
	if got := len(find(doc, byTag("mark"))); got != 2 {
		t.Errorf("%d marks, want 2", got)
	}
	links := find(doc, byClass("hit-link"))
	if len(links) != 2 || attr(links[0], "href") != "/a/lamps/p/abc#p-abc" {
		t.Fatalf("hit links %d", len(links))
	}
	if got := text(one(t, links[1], "kind", byClass("hit-kind"))); got != "Caption" {
		t.Errorf("kind label %q", got)
	}
	if len(find(links[0], byClass("hit-kind"))) != 0 {
		t.Error("a plain paragraph is labelled")
	}
	if got := text(one(t, doc, "more", byClass("hit-more"))); got != "and 3 more matching paragraphs" {
		t.Errorf("more %q", got)
	}
	if got := text(one(t, doc, "count", byClass("search-count"))); got != "3 articles · page 2 of 2" {
		t.Errorf("count %q", got)
	}
	if got := attr(one(t, doc, "list", byClass("results")), "start"); got != "21" {
		t.Errorf("start %q", got)
	}
	if got := attr(one(t, doc, "prev", byClass("pager-prev")), "href"); got != "/search?q=lamp%2A" {
		t.Errorf("prev %q", got)
	}
	if len(find(doc, byClass("pager-next"))) != 0 {
		t.Error("next link on the last page")
	}
	one(t, doc, "notes", byClass("search-notes"))
	if got := text(one(t, doc, "title", byClass("entry-title"))); got != "Lamps & <lanterns>" {
		t.Errorf("title %q", got)
	}
}

func TestSearchStates(t *testing.T) {
	tests := []struct {
		name  string
		p     SearchPage
		class string
	}{
		{"intro", SearchPage{Examples: SearchExamples(testSamples)}, "search-intro"},
		{"message", SearchPage{Query: "-x", Message: "Add a word."}, "search-message"},
		{"none", SearchPage{Query: "x", Widen: []Link{{Text: "Check the spelling."}}}, "search-none"},
		{"results", SearchPage{Query: "x", Total: 1, Results: []SearchResult{{Title: "X", URL: "/a/x"}}}, "results"},
	}
	for _, tt := range tests {
		tt.p.Page = page
		_, doc := render(t, Search(tt.p))
		for _, c := range []string{"search-intro", "search-message", "search-none", "results"} {
			want := 0
			if c == tt.class {
				want = 1
			}
			if got := len(find(doc, byClass(c))); got != want {
				t.Errorf("%s: %d .%s, want %d", tt.name, got, c, want)
			}
		}
		// The query is said once: "Nothing matches x" needs no "You
		// searched for x" above it.
		if tt.p.Query != "" {
			if got := len(find(doc, byClass("search-query"))); got != 1 {
				t.Errorf("%s: the query is shown %d times, want once", tt.name, got)
			}
		}
	}
}

func TestSearchWords(t *testing.T) {
	for _, tt := range []struct {
		p    SearchPage
		want string
	}{
		{SearchPage{Total: 1}, "1 article"},
		{SearchPage{Total: 12}, "12 articles"},
		{SearchPage{Total: 1000, Capped: true}, "more than 1,000 articles"},
		{SearchPage{Total: 1234567}, "1,234,567 articles"},
	} {
		if got := tt.p.Count(); got != tt.want {
			t.Errorf("Count(%d, %v) = %q, want %q", tt.p.Total, tt.p.Capped, got, tt.want)
		}
	}
	if got := SearchURL(`a "b" & c`, 3); got != "/search?page=3&q=a+%22b%22+%26+c" {
		t.Errorf("SearchURL = %q", got)
	}
	if got := SearchURL("x", 1); got != "/search?q=x" {
		t.Errorf("SearchURL page 1 = %q", got)
	}
	if got := (SearchResult{Matches: 4, Hits: make([]SearchHit, 3)}).MoreMatches(); got != "and 1 more matching paragraph" {
		t.Errorf("MoreMatches = %q", got)
	}
	if got := (SearchResult{Matches: 2, Hits: make([]SearchHit, 2)}).MoreMatches(); got != "" {
		t.Errorf("MoreMatches = %q, want empty", got)
	}
	if got := (SearchHit{Kind: readingroom.KindHeading}).Label(); got != "Section heading" {
		t.Errorf("Label = %q", got)
	}
	if got := (SearchHit{Standfirst: true}).Label(); got != "Standfirst" {
		t.Errorf("Label = %q", got)
	}
}

var testSamples = Samples{Word: "ledger", OtherWord: "question", Phrase: "reading room", Prefix: "ledg",
	Other: "poetry", OtherPhrase: "green lamps", TitleWord: "quiet", Author: "marlow", Slug: "the-quiet-room", Year: 2021}

func TestSearchHelpPage(t *testing.T) {
	_, doc := render(t, SearchHelp(SearchHelpPage{Page: page, Samples: testSamples, MaxCount: 1000, CommonArticles: 2000}))
	rows := find(doc, func(n *html.Node) bool { return n.Data == "tr" && n.Parent.Data == "tbody" })
	want := HelpRows(testSamples)
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, r := range rows {
		a := one(t, r, "example", byTag("a"))
		if want := SearchURL(want[i].Example, 1); attr(a, "href") != want {
			t.Errorf("row %d links to %q, want %q", i, attr(a, "href"), want)
		}
	}
	if !strings.Contains(text(doc), "more than 1,000") || !strings.Contains(text(doc), "2,000") {
		t.Error("help does not say where counting stops and which words rank")
	}
	if got := want[3].Example; got != "ledger -poetry" {
		t.Errorf("the exclusion example is %q", got)
	}
}

// An empty library has no examples to give, and says so, with no links.
func TestSearchHelpPageEmptyLibrary(t *testing.T) {
	_, doc := render(t, SearchHelp(SearchHelpPage{Page: page, MaxCount: 1000, CommonArticles: 2000}))
	if links := find(doc, func(n *html.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/search?") }); len(links) != 0 {
		t.Errorf("%d example links for an empty library", len(links))
	}
	if !strings.Contains(text(doc), "The library is empty") {
		t.Error("the page does not say why there are no examples")
	}
	if SearchExamples(Samples{}) != nil {
		t.Error("examples for an empty library")
	}
}
