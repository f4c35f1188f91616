package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
	"github.com/readingroom/readingroom/dump/dumptest"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates/htmltest"
)

// searchFixture is a server on a store with our test dumps, the seeds
// when present, and the hostile article (markup in its text).
type searchFixture struct {
	*fixture
	seeds bool
}

func newSearchFixture(t *testing.T) *searchFixture {
	t.Helper()
	db := openStore(t)
	files, _ := filepath.Glob("../dump/testdata/dumps/*")
	seeds := dumptest.Seeds(t)
	if len(files) == 0 {
		t.Fatal("no test dumps in ../dump/testdata/dumps")
	}
	for _, name := range append(files, seeds...) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		arts, _, err := dump.Parse(name, data)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for i := range arts {
			save(t, db, &arts[i])
		}
	}
	f := &fixture{t: t, db: db, hostil: hostile()}
	save(t, db, f.hostil)
	f.srv, f.logs = serve(t, db, Config{})
	return &searchFixture{fixture: f, seeds: len(seeds) > 0}
}

func searchPath(q string) string { return "/search?q=" + url.QueryEscape(q) }

// searchBox is the header's search input.
func searchBox(t *testing.T, doc *html.Node) *html.Node {
	t.Helper()
	forms := find(doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "role") == "search" })
	if len(forms) != 1 {
		t.Fatalf("%d search forms, want 1", len(forms))
	}
	form := forms[0]
	if attr(form, "action") != "/search" || attr(form, "method") != "get" {
		t.Errorf("search form action %q method %q, want GET /search", attr(form, "action"), attr(form, "method"))
	}
	inputs := find(form, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "q" })
	if len(inputs) != 1 {
		t.Fatalf("%d q inputs in the search form, want 1", len(inputs))
	}
	in := inputs[0]
	labels := find(form, func(n *html.Node) bool { return n.Data == "label" && attr(n, "for") == attr(in, "id") })
	if attr(in, "id") == "" || len(labels) != 1 || strings.TrimSpace(text(labels[0])) == "" {
		t.Error("search input has no label")
	}
	if help := find(form, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "/search/help" }); len(help) != 1 {
		t.Error("search form does not link to the help page")
	}
	return in
}

// result is one article on a results page, as the reader sees it.
type result struct {
	title, href string
	hits        []hit
}

type hit struct {
	href, html string
}

func results(t *testing.T, doc *html.Node) []result {
	t.Helper()
	var out []result
	for _, li := range find(doc, hasClass("result")) {
		var r result
		if a := find(li, func(n *html.Node) bool { return n.Data == "a" && n.Parent.Data == "h2" }); len(a) == 1 {
			r.title, r.href = text(a[0]), attr(a[0], "href")
		}
		for _, a := range find(li, hasClass("hit-link")) {
			var sb strings.Builder
			for _, sn := range find(a, hasClass("hit-snippet")) {
				for c := range sn.ChildNodes() {
					if err := html.Render(&sb, c); err != nil {
						t.Fatal(err)
					}
				}
			}
			r.hits = append(r.hits, hit{href: attr(a, "href"), html: sb.String()})
		}
		out = append(out, r)
	}
	return out
}

func TestSearchPage(t *testing.T) {
	f := newSearchFixture(t)
	res, body := f.get(searchPath("ledger"))
	wantStatus(t, res, 200)
	wantHTML(t, res)
	doc := parse(t, body)
	if got := attr(searchBox(t, doc), "value"); got != "ledger" {
		t.Errorf("search box holds %q, want the query", got)
	}
	if got := text(find(doc, byTag("title"))[0]); got != "Search: ledger — Reading Room" {
		t.Errorf("title %q", got)
	}
	if len(find(doc, func(n *html.Node) bool {
		return n.Data == "meta" && attr(n, "name") == "robots" && attr(n, "content") == "noindex"
	})) != 1 {
		t.Error("results page is not noindex")
	}
	rs := results(t, doc)
	if len(rs) == 0 {
		t.Fatal("no results for ledger")
	}
	top := rs[0]
	if top.title != "The quiet room: why libraries still matter" {
		t.Errorf("top result %q", top.title)
	}
	slug := "the-quiet-room-why-libraries-still-matter"
	if top.href != "/a/"+slug {
		t.Errorf("top result links to %q", top.href)
	}
	if len(top.hits) == 0 || len(top.hits) > store.HitsPerArticle {
		t.Fatalf("%d snippets, want 1 to %d", len(top.hits), store.HitsPerArticle)
	}
	h := top.hits[0]
	if !strings.Contains(h.html, "<mark>ledger</mark>") {
		t.Errorf("snippet %q does not mark ledger", h.html)
	}
	pid, frag, ok := strings.Cut(strings.TrimPrefix(h.href, "/a/"+slug+"/p/"), "#")
	if !strings.HasPrefix(h.href, "/a/"+slug+"/p/") || !ok || frag != "p-"+pid || !readingroom.ValidParagraphID(pid) {
		t.Fatalf("snippet links to %q, want /a/%s/p/{pid}#p-{pid}", h.href, slug)
	}
	// The link lands on that paragraph, marked, and it has the word.
	res, body = f.get(strings.Split(h.href, "#")[0])
	wantStatus(t, res, 200)
	marked := find(parse(t, body), func(n *html.Node) bool { return attr(n, "aria-current") == "true" })
	if len(marked) != 1 || attr(marked[0], "id") != "p-"+pid || !strings.Contains(text(marked[0]), "ledger") {
		t.Errorf("the permalink does not mark the paragraph with ledger")
	}
	count := find(doc, hasClass("search-count"))
	if len(count) != 1 || !strings.Contains(text(count[0]), fmt.Sprintf("%d article", len(rs))) {
		t.Errorf("count line missing or wrong for %d results", len(rs))
	}
	if got := find(doc, hasClass("search-query")); len(got) != 1 || text(got[0]) != "ledger" {
		t.Error("page does not say what was searched")
	}
}

func TestSearchSnippetEscapesMarkup(t *testing.T) {
	f := newSearchFixture(t)
	_, body := f.get(searchPath("alert"))
	rs := results(t, parse(t, body))
	if len(rs) != 1 || rs[0].title != f.hostil.Title || len(rs[0].hits) != 1 {
		t.Fatalf("results %+v, want the hostile article once", rs)
	}
	want := "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;"
	if got := rs[0].hits[0].html; !strings.Contains(got, want) {
		t.Errorf("snippet %q, want it to contain %q", got, want)
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("article text came out as markup")
	}
	for _, s := range find(parse(t, body), byTag("script")) {
		if attr(s, "src") == "" {
			t.Errorf("inline script on the page: %q", text(s))
		}
	}
	// The API's snippet is the same escaped HTML.
	_, body = f.get("/api/search?q=alert")
	var v struct{ Results []struct{ Snippet string } }
	if err := json.Unmarshal([]byte(body), &v); err != nil || len(v.Results) != 1 {
		t.Fatalf("api: %v %s", err, body)
	}
	if !strings.Contains(v.Results[0].Snippet, want) {
		t.Errorf("api snippet %q, want it to contain %q", v.Results[0].Snippet, want)
	}
}

func TestSearchBoxOnEveryPage(t *testing.T) {
	f := newSearchFixture(t)
	for _, path := range []string{"/", "/a/" + f.hostil.Slug, "/search", "/search/help", "/no/such/page"} {
		_, body := f.get(path)
		if got := attr(searchBox(t, parse(t, body)), "value"); got != "" {
			t.Errorf("%s: search box holds %q, want it empty", path, got)
		}
	}
}

func TestSearchIntro(t *testing.T) {
	f := newSearchFixture(t)
	for _, path := range []string{"/search", "/search?q=", "/search?q=+++"} {
		res, body := f.get(path)
		wantStatus(t, res, 200)
		doc := parse(t, body)
		if len(find(doc, hasClass("search-intro"))) != 1 {
			t.Fatalf("%s: no intro", path)
		}
		if got := text(find(doc, byTag("title"))[0]); got != "Search — Reading Room" {
			t.Errorf("%s: title %q", path, got)
		}
		examples := find(doc, func(n *html.Node) bool {
			return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/search?q=")
		})
		if len(examples) < 3 {
			t.Errorf("%s: %d example links, want some", path, len(examples))
		}
		// Every example finds something in our test library.
		for _, a := range examples {
			res, body := f.get(attr(a, "href"))
			wantStatus(t, res, 200)
			if rs := results(t, parse(t, body)); len(rs) == 0 {
				t.Errorf("%s: example %q finds nothing", path, text(a))
			}
		}
		if len(find(doc, func(n *html.Node) bool {
			return n.Data == "a" && attr(n, "href") == "/search/help" && n.Parent.Data != "form"
		})) == 0 {
			t.Errorf("%s: intro does not link to the help page", path)
		}
	}
}

func TestSearchNoResults(t *testing.T) {
	f := newSearchFixture(t)
	tests := []struct {
		query  string
		widen  []string // queries the page suggests instead
		phrase string   // what the page says was searched
	}{
		{query: "zyzzogeton", phrase: "zyzzogeton"},
		{query: "poetry -fifty", widen: []string{"poetry"}, phrase: "poetry -fifty"},
		{query: "poetry year:2010..2020", widen: []string{"poetry"}, phrase: "poetry year:2010..2020"},
		{query: `title:ledger`, widen: []string{"ledger"}, phrase: "title:ledger"},
		{query: `"glass of dome"`, widen: []string{"glass of dome"}, phrase: `"glass of dome"`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, body := f.get(searchPath(tt.query))
			wantStatus(t, res, 200)
			doc := parse(t, body)
			if rs := results(t, doc); len(rs) != 0 {
				t.Fatalf("%d results, want none", len(rs))
			}
			none := find(doc, hasClass("search-none"))
			if len(none) != 1 {
				t.Fatal("no no-results section")
			}
			if got := text(find(none[0], byTag("h2"))[0]); got != "Nothing matches "+tt.phrase {
				t.Errorf("heading %q", got)
			}
			var got []string
			for _, a := range find(none[0], func(n *html.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/search?") }) {
				u, _ := url.Parse(attr(a, "href"))
				got = append(got, u.Query().Get("q"))
			}
			if strings.Join(got, "|") != strings.Join(tt.widen, "|") {
				t.Errorf("suggests %q, want %q", got, tt.widen)
			}
			for _, q := range tt.widen {
				_, body := f.get(searchPath(q))
				if len(results(t, parse(t, body))) == 0 && q != "glass of dome" {
					t.Errorf("suggestion %q finds nothing either", q)
				}
			}
			if !strings.Contains(text(none[0]), "spelling") || !strings.Contains(text(none[0]), "*") {
				t.Error("no general advice")
			}
		})
	}
}

func TestSearchNothingToSearch(t *testing.T) {
	f := newSearchFixture(t)
	for _, tt := range []struct{ query, message string }{
		{"-poetry", "-word only leaves"},
		{`-"reading room"`, "-word only leaves"},
		{"*", "Type a word"},
		{"-", "Type a word"},
	} {
		res, body := f.get(searchPath(tt.query))
		wantStatus(t, res, 200)
		doc := parse(t, body)
		msg := find(doc, hasClass("search-message"))
		if len(msg) != 1 || !strings.Contains(text(msg[0]), tt.message) {
			t.Fatalf("%q: no message containing %q", tt.query, tt.message)
		}
		if got := text(find(msg[0], byTag("h2"))[0]); got != "Nothing to search for" {
			t.Errorf("%q: heading %q", tt.query, got)
		}
		if got := attr(searchBox(t, doc), "value"); got != tt.query {
			t.Errorf("%q: search box holds %q", tt.query, got)
		}
		res, body = f.get("/api/search?q=" + url.QueryEscape(tt.query))
		wantStatus(t, res, 200)
		wantJSON(t, res)
		v := decode(t, body)
		if rs, ok := v["results"].([]any); !ok || len(rs) != 0 || v["total"] != 0.0 {
			t.Errorf("api %q: %s, want no results", tt.query, body)
		}
		if m, _ := v["message"].(string); !strings.Contains(m, tt.message) {
			t.Errorf("api %q: message %q, want %q", tt.query, m, tt.message)
		}
	}
}

// lanterns saves n articles that all mention lanterns.
func lanterns(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for i := range n {
		save(t, db, &readingroom.Article{
			Title:  fmt.Sprintf("Lantern number %d", i+1),
			Blocks: []readingroom.Block{{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("The lantern %d burned all night.", i+1)}},
		})
	}
}

func TestSearchPagination(t *testing.T) {
	db := openStore(t)
	lanterns(t, db, 45)
	srv, _ := serve(t, db, Config{})
	f := &fixture{t: t, db: db, srv: srv}

	seen := map[string]bool{}
	for n, want := range []int{20, 20, 5} {
		path := searchPath("lantern")
		if n > 0 {
			path += fmt.Sprintf("&page=%d", n+1)
		}
		res, body := f.get(path)
		wantStatus(t, res, 200)
		doc := parse(t, body)
		rs := results(t, doc)
		if len(rs) != want {
			t.Fatalf("page %d: %d results, want %d", n+1, len(rs), want)
		}
		for _, r := range rs {
			if seen[r.href] {
				t.Errorf("page %d repeats %s", n+1, r.href)
			}
			seen[r.href] = true
		}
		if got := text(find(doc, hasClass("search-count"))[0]); got != fmt.Sprintf("45 articles · page %d of 3", n+1) {
			t.Errorf("page %d: count %q", n+1, got)
		}
		if ol := find(doc, hasClass("results")); attr(ol[0], "start") != fmt.Sprint(n*20+1) {
			t.Errorf("page %d: list starts at %q", n+1, attr(ol[0], "start"))
		}
		prev := find(doc, hasClass("pager-prev"))
		next := find(doc, hasClass("pager-next"))
		if (len(prev) == 1) != (n > 0) || (len(next) == 1) != (n < 2) {
			t.Errorf("page %d: %d prev and %d next links", n+1, len(prev), len(next))
		}
		if len(next) == 1 && attr(next[0], "href") != fmt.Sprintf("/search?page=%d&q=lantern", n+2) {
			t.Errorf("page %d: next is %q", n+1, attr(next[0], "href"))
		}
		if len(prev) == 1 && n == 1 && attr(prev[0], "href") != "/search?q=lantern" {
			t.Errorf("page 2: prev is %q", attr(prev[0], "href"))
		}
	}
	if len(seen) != 45 {
		t.Errorf("saw %d articles over three pages, want 45", len(seen))
	}

	for _, page := range []string{"4", "99999999999999999999", "0", "-1", "abc", "2.5", "%00", "%ff"} {
		res, body := f.get(searchPath("lantern") + "&page=" + page)
		// Past the end is not found; no page number at all is a bad request.
		if page == "4" {
			wantStatus(t, res, 404)
		} else {
			wantStatus(t, res, 400)
		}
		wantHTML(t, res)
		doc := parse(t, body)
		msg := find(doc, hasClass("search-message"))
		if len(msg) != 1 || !strings.Contains(text(msg[0]), "There is no page") || text(find(msg[0], byTag("h2"))[0]) != "No such page" {
			t.Errorf("page=%s: no friendly message", page)
			continue
		}
		if len(find(msg[0], func(n *html.Node) bool { return attr(n, "href") == "/search?q=lantern" })) != 1 {
			t.Errorf("page=%s: no link to the first page", page)
		}
		if goErrorText.MatchString(body) {
			t.Errorf("page=%s: Go error text on the page", page)
		}

		res, body = f.get("/api/search?q=lantern&page=" + page)
		if page == "4" {
			wantStatus(t, res, 200)
			v := decode(t, body)
			if rs, _ := v["results"].([]any); len(rs) != 0 || v["total"] != 45.0 || v["page"] != 4.0 {
				t.Errorf("api page 4: %s, want no results and the total", body)
			}
			continue
		}
		wantStatus(t, res, 400)
		wantJSONError(t, res, body, readingroom.EINVALID)
	}
	// A malformed escape once read as page 1 (or as no query at all).
	for _, query := range []string{"q=lantern&page=%ZZ", "q=%ZZ", "q=lantern&page=%"} {
		res, body := f.get("/search?" + query)
		wantStatus(t, res, 400)
		if goErrorText.MatchString(body) {
			t.Errorf("%s: Go error text on the page", query)
		}
		res, body = f.get("/api/search?" + query)
		wantStatus(t, res, 400)
		wantJSONError(t, res, body, readingroom.EINVALID)
	}
}

func TestAPISearch(t *testing.T) {
	f := newSearchFixture(t)
	res, body := f.get("/api/search?q=ledger")
	wantStatus(t, res, 200)
	wantJSON(t, res)
	v := decode(t, body)
	for _, key := range []string{"query", "total", "capped", "page", "per_page", "results", "notes"} {
		if _, ok := v[key]; !ok {
			t.Errorf("no %q in %s", key, body)
		}
	}
	if v["query"] != "ledger" || v["page"] != 1.0 || v["capped"] != false {
		t.Errorf("query %v page %v capped %v", v["query"], v["page"], v["capped"])
	}
	rs, _ := v["results"].([]any)
	if len(rs) == 0 {
		t.Fatal("no results")
	}
	top, _ := rs[0].(map[string]any)
	if len(top) != 6 {
		t.Errorf("result has keys %v, want slug, title, paragraph_id, snippet, url, score", top)
	}
	slug := "the-quiet-room-why-libraries-still-matter"
	pid, _ := top["paragraph_id"].(string)
	if top["slug"] != slug || top["title"] != "The quiet room: why libraries still matter" || !readingroom.ValidParagraphID(pid) {
		t.Errorf("top result %v", top)
	}
	if top["url"] != f.srv.URL+"/a/"+slug+"/p/"+pid {
		t.Errorf("url %v, want the absolute permalink", top["url"])
	}
	if s, _ := top["snippet"].(string); !strings.Contains(s, "<mark>ledger</mark>") {
		t.Errorf("snippet %q", s)
	}
	if sc, _ := top["score"].(float64); sc <= 0 {
		t.Errorf("score %v, want positive", top["score"])
	}
	// One result per hit, articles in page order: the page's titles in
	// the same order.
	_, page := f.get(searchPath("ledger"))
	var want []string
	for _, r := range results(t, parse(t, page)) {
		for _, h := range r.hits {
			want = append(want, f.srv.URL+strings.Split(h.href, "#")[0])
		}
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.(map[string]any)["url"].(string))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("api urls\n%s\npage urls\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// The base URL, when configured, starts the links.
	srv, _ := serve(t, f.db, Config{BaseURL: "https://read.example.org/room/"})
	_, body = do(t, "GET", srv.URL+"/api/search?q=ledger", nil)
	if u := decode(t, body)["results"].([]any)[0].(map[string]any)["url"].(string); !strings.HasPrefix(u, "https://read.example.org/room/a/"+slug+"/p/") {
		t.Errorf("url %q ignores the base URL", u)
	}

	// Notes travel too.
	_, body = f.get("/api/search?q=" + url.QueryEscape("ledger year:twenty"))
	if notes, _ := decode(t, body)["notes"].([]any); len(notes) != 1 {
		t.Errorf("notes %v, want one about year:", notes)
	}
}

func TestSearchCapped(t *testing.T) {
	// Searching a thousand articles on a busy machine may take longer than
	// a reader would wait; this test is about the count, not time.
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "room.db"), store.WithSearchTimeout(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// More articles match than a search counts: the count says "more
	// than", and the API says capped. One article has five matching
	// paragraphs, three of them shown.
	long := &readingroom.Article{Title: "A long list"}
	for i := range 5 {
		long.Blocks = append(long.Blocks, readingroom.Block{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("Item %d is a lantern.", i)})
	}
	lanterns(t, db, store.MaxCount)
	save(t, db, long)
	srv, _ := serve(t, db, Config{})
	f := &fixture{t: t, db: db, srv: srv}
	_, body := f.get(searchPath("lantern"))
	doc := parse(t, body)
	if got := text(htmltest.One(t, doc, "count", hasClass("search-count"))); got != "more than 1,000 articles · page 1 of 50" {
		t.Errorf("count %q, want it to say more than 1,000", got)
	}
	_, body = f.get(searchPath("lantern item"))
	doc = parse(t, body)
	if more := find(doc, hasClass("hit-more")); len(more) != 1 || text(more[0]) != "and 2 more matching paragraphs" {
		t.Errorf("no or wrong count of paragraphs not shown")
	}
	_, body = f.get("/api/search?q=lantern")
	if v := decode(t, body); v["capped"] != true || v["total"] != float64(store.MaxCount) {
		t.Errorf("api capped %v total %v", v["capped"], v["total"])
	}
}

// A search stopped as too broad says so, on the page and in the API, and
// is not an error.
func TestSearchTooBroad(t *testing.T) {
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "room.db"), store.WithSearchTimeout(time.Nanosecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	lanterns(t, db, 3)
	srv, _ := serve(t, db, Config{})
	res, body := do(t, http.MethodGet, srv.URL+searchPath("lantern"), nil)
	wantStatus(t, res, 200)
	doc := parse(t, body)
	if h := find(doc, byID("search-message-heading")); len(h) != 1 || text(h[0]) != "Too broad to finish" {
		t.Fatalf("no too-broad heading:\n%s", body)
	}
	if !strings.Contains(text(doc), "matches too much to finish quickly") {
		t.Error("the page does not say why")
	}
	res, body = do(t, http.MethodGet, srv.URL+"/api/search?q=lantern", nil)
	wantStatus(t, res, 200)
	if v := decode(t, body); !strings.Contains(fmt.Sprint(v["message"]), "too much to finish quickly") {
		t.Errorf("api message %v", v["message"])
	}
}

func TestSearchHelp(t *testing.T) {
	f := newSearchFixture(t)
	res, body := f.get("/search/help")
	wantStatus(t, res, 200)
	wantHTML(t, res)
	doc := parse(t, body)
	if got := text(find(doc, byTag("title"))[0]); got != "How to search — Reading Room" {
		t.Errorf("title %q", got)
	}
	page := text(find(doc, byTag("main"))[0])
	for _, want := range []string{`"exact phrase"`, "prefix*", "-word", `-"a phrase"`, "OR", "title:", "author:", "in:slug", "year:2017", "year:2010..2017", "accents", "endings", "/api/search", "more than 1,000"} {
		if !strings.Contains(page, want) {
			t.Errorf("help does not mention %q", want)
		}
	}
	examples := find(doc, func(n *html.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/search?q=") })
	if len(examples) < 10 {
		t.Fatalf("%d examples, want one per construct", len(examples))
	}
	// Every example answers with results in our test library.
	for _, a := range examples {
		_, body := f.get(attr(a, "href"))
		if rs := results(t, parse(t, body)); len(rs) == 0 {
			t.Errorf("example %q finds nothing", text(a))
		}
	}
}

// The examples come from whatever the library holds: in a library about
// something else entirely, every example still finds something, and an
// empty library says it has nothing to try.
func TestSearchExamplesFromAnyLibrary(t *testing.T) {
	db := openStore(t)
	save(t, db, &readingroom.Article{
		Title: "Beekeeping on city roofs", Byline: "By Imogen Hartley", Published: date(2021, 5, 3),
		Blocks: []readingroom.Block{
			{Kind: readingroom.KindParagraph, Text: "Urban apiaries have multiplied since the council relaxed its rules on rooftop hives."},
			{Kind: readingroom.KindParagraph, Text: "Hartley keeps twelve colonies above a bakery, and the honey tastes faintly of lime blossom."},
		},
	})
	save(t, db, &readingroom.Article{
		Title: "Night trains return", Published: date(2022, 9, 1),
		Blocks: []readingroom.Block{{Kind: readingroom.KindParagraph, Text: "Sleeper carriages rattled through Vienna again, their corridors crowded with travellers."}},
	})
	srv, _ := serve(t, db, Config{})
	_, body := do(t, http.MethodGet, srv.URL+"/search/help", nil)
	examples := find(parse(t, body), func(n *html.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/search?q=") })
	if len(examples) < 9 {
		t.Errorf("%d examples from a two-article library, want most constructs", len(examples))
	}
	for _, a := range examples {
		_, body := do(t, http.MethodGet, srv.URL+attr(a, "href"), nil)
		if rs := results(t, parse(t, body)); len(rs) == 0 {
			t.Errorf("example %q finds nothing", text(a))
		}
	}

	empty, _ := serve(t, openStore(t), Config{})
	_, body = do(t, http.MethodGet, empty.URL+"/search/help", nil)
	if !strings.Contains(body, "The library is empty") {
		t.Error("an empty library's help page does not say there is nothing to try")
	}
}

// TestSearchHostileInputs sends what a careless or hostile person might
// type to both search endpoints: each gets a 200 and a sensible answer.
func TestSearchHostileInputs(t *testing.T) {
	f := newSearchFixture(t)
	inputs := []string{
		`"`, `"""`, `"unclosed phrase`, `ledger"`, `(`, `)`, `((ledger`, `[ledger]`, `{}`,
		`*`, `**`, `-`, `--`, `- -`, `AND`, `OR`, `NOT`, `ledger AND`, `OR ledger`, `ledger OR`, `AND OR NOT`,
		`foo:bar`, `title:`, `author:`, `in:`, `year:`, `year:abc`, `year:99999`, `year:..`, `in:../../etc/passwd`,
		`C++`, `e-mail`, `ledger*`, `*ledger`, `led*ger`, `^ledger`, `ledger^2`, `:`, `::`, `a:b:c`,
		strings.Repeat("ledger ", 1500), strings.Repeat("x", 10000), strings.Repeat(`"`, 10000),
		"\x00", "\x01ledger\x7f", "led\x00ger", "\xff\xfe", "ledger \xff", "\u202eledger",
		`'; DROP TABLE articles; --`, `" OR 1=1 --`, `ledger'); DELETE FROM paragraphs; --`,
		`NEAR(a b)`, `NEAR(ledger room, 5)`, `ledger NEAR room`, `{title}: ledger`, `title : ledger`,
		`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `&amp; &lt;`,
		`%`, `%%`, `_`, `\`, `\"`, "ledger\nroom", "\t", `🙂`, `Pál`, `ﬁ`,
	}
	for _, q := range inputs {
		name := q
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(fmt.Sprintf("%q", name), func(t *testing.T) {
			res, body := f.get(searchPath(q))
			wantStatus(t, res, 200)
			wantHTML(t, res)
			doc := parse(t, body)
			if got, want := attr(searchBox(t, doc), "value"), shownQuery(q); got != want {
				t.Errorf("search box holds %q, want %q", got, want)
			}
			if goErrorText.MatchString(body) {
				t.Errorf("Go error text on the page: %s", goErrorText.FindString(body))
			}
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img") {
				t.Error("query came back as markup")
			}
			states := 0
			for _, c := range []string{"search-intro", "search-message", "search-none", "results"} {
				states += len(find(doc, hasClass(c)))
			}
			if states != 1 {
				t.Errorf("%d states on the page, want 1", states)
			}
			if strings.TrimSpace(shownQuery(q)) != "" {
				if got := find(doc, hasClass("search-query")); len(got) != 1 {
					t.Error("page does not say what was searched")
				}
			}

			res, body = f.get("/api/search?q=" + url.QueryEscape(q))
			wantStatus(t, res, 200)
			wantJSON(t, res)
			var v struct {
				Query   *string
				Total   *int
				Results []struct{ Slug, URL, Snippet string }
				Message string
			}
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatalf("api: invalid JSON: %v", err)
			}
			if v.Query == nil || v.Total == nil || v.Results == nil {
				t.Errorf("api body %s lacks query, total or results", body)
			}
			if goErrorText.MatchString(body) {
				t.Errorf("Go error text in the API body: %s", goErrorText.FindString(body))
			}
		})
	}
	if strings.Contains(f.logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", f.logs.String())
	}

	// The library survives the SQL fragments.
	_, body := f.get("/api/articles")
	if total := decode(t, body)["total"].(float64); total < 5 {
		t.Errorf("library has %v articles after the hostile queries", total)
	}
}

// TestSearchQueries checks real queries' top results through the page.
func TestSearchQueries(t *testing.T) {
	f := newSearchFixture(t)
	tests := []struct {
		query, top string
		seeds      bool
	}{
		{query: "ledger", top: "The quiet room: why libraries still matter"},
		{query: `"dome of glass"`, top: "The quiet room: why libraries still matter"},
		{query: "LEDGER", top: "The quiet room: why libraries still matter"},
		{query: "ledger OR subscriptions", top: ""},
		{query: "Pal Ignotus", top: "Spies like us", seeds: true},
		{query: "title:spies", top: "Spies like us", seeds: true},
	}
	for _, tt := range tests {
		if tt.seeds && !f.seeds {
			continue
		}
		_, body := f.get(searchPath(tt.query))
		doc := parse(t, body)
		rs := results(t, doc)
		if len(rs) == 0 {
			t.Errorf("%s: no results", tt.query)
			continue
		}
		if tt.top != "" && rs[0].title != tt.top {
			t.Errorf("%s: top %q, want %q", tt.query, rs[0].title, tt.top)
		}
		marks := 0
		for _, r := range rs {
			for _, h := range r.hits {
				marks += strings.Count(h.html, "<mark>")
				if !strings.HasPrefix(h.href, r.href+"/p/") {
					t.Errorf("%s: hit %q is not a permalink in %q", tt.query, h.href, r.href)
				}
			}
		}
		if marks == 0 && !strings.HasPrefix(tt.query, "title:") {
			t.Errorf("%s: nothing marked", tt.query)
		}
	}
}

// A search of filters alone lists what they select, as the reader typed
// it, without empty elements; the API still asks for a word.
func TestSearchFiltersOnly(t *testing.T) {
	db := openStore(t)
	for i, y := range []int{2016, 2017, 2017} {
		save(t, db, &readingroom.Article{
			Title: fmt.Sprintf("Piece %d", i), Standfirst: fmt.Sprintf("The standfirst of piece %d.", i),
			Published: date(y, 3, 1+i),
			Blocks:    []readingroom.Block{{Kind: readingroom.KindParagraph, Text: "Body."}},
		})
	}
	srv, _ := serve(t, db, Config{})
	for _, tt := range []struct {
		query  string
		titles []string
	}{
		{"year:2017", []string{"Piece 2", "Piece 1"}},
		{"Year:2016..2016", []string{"Piece 0"}},
		{"in:piece-1", []string{"Piece 1"}},
	} {
		res, body := do(t, http.MethodGet, srv.URL+searchPath(tt.query), nil)
		wantStatus(t, res, 200)
		doc := parse(t, body)
		var titles []string
		for _, r := range results(t, doc) {
			titles = append(titles, r.title)
		}
		if strings.Join(titles, "|") != strings.Join(tt.titles, "|") {
			t.Errorf("%q lists %q, want %q", tt.query, titles, tt.titles)
		}
		if q := find(doc, hasClass("search-query")); len(q) != 1 || text(q[0]) != tt.query {
			t.Errorf("%q: the page says the search was for something else", tt.query)
		}
		if !strings.Contains(text(doc), "the filters select") {
			t.Errorf("%q: the page does not say these are what the filters select", tt.query)
		}
		wantNoEmptyElements(t, doc)
	}
	_, body := do(t, http.MethodGet, srv.URL+"/api/search?q=year:2017", nil)
	if m, _ := decode(t, body)["message"].(string); !strings.Contains(m, "only narrow") {
		t.Errorf("api message %q", m)
	}
}

// wantNoEmptyElements fails for an element of main that holds nothing: no
// text, no element, and is not one that is meant to be empty.
func wantNoEmptyElements(t *testing.T, doc *html.Node) {
	t.Helper()
	main := find(doc, byTag("main"))[0]
	for _, n := range find(main, func(n *html.Node) bool { return true }) {
		switch n.Data {
		case "input", "br", "img", "hr", "textarea", "meta", "link":
			continue
		}
		if n.FirstChild == nil && attr(n, "aria-hidden") != "true" && !strings.HasPrefix(attr(n, "id"), "p-") {
			t.Errorf("empty <%s class=%q>", n.Data, attr(n, "class"))
		}
	}
}

// The query is shown as it was typed, and "and N more matching
// paragraphs" links to them all: the same search in that article.
func TestSearchMoreMatches(t *testing.T) {
	db := openStore(t)
	a := &readingroom.Article{Title: "Lamps"}
	for i := range 8 {
		a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("Lantern %d burned all night in the Reading Room.", i)})
	}
	save(t, db, a)
	srv, _ := serve(t, db, Config{})
	_, body := do(t, http.MethodGet, srv.URL+searchPath("Lantern Reading"), nil)
	doc := parse(t, body)
	if q := text(find(doc, hasClass("search-query"))[0]); q != "Lantern Reading" {
		t.Errorf("the query is shown as %q, not as typed", q)
	}
	wantNoEmptyElements(t, doc)
	more := find(doc, func(n *html.Node) bool {
		return n.Data == "a" && n.Parent != nil && attr(n.Parent, "class") == "hit-more"
	})
	if len(more) != 1 || text(more[0]) != "and 5 more matching paragraphs" {
		t.Fatalf("no link to the other matching paragraphs")
	}
	_, body = do(t, http.MethodGet, srv.URL+attr(more[0], "href"), nil)
	hits := find(parse(t, body), hasClass("hit"))
	if len(hits) != 8 {
		t.Errorf("the link lists %d paragraphs, want all 8", len(hits))
	}
}
