package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates/htmltest"
)

// syncBuffer is a log sink safe to read while the server writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// review is a dated review with every kind of block.
func review() *readingroom.Article {
	return &readingroom.Article{
		Title:       "Trump's permanent revolution",
		Standfirst:  "The president governs as if he were still campaigning.",
		Byline:      "By Helen Lewis",
		ImageCredit: "Getty Images",
		Books: []readingroom.Book{
			{Title: "The Art of the Deal", Author: "Donald Trump", Details: "Random House, 372pp, £9.99"},
		},
		Blocks: []readingroom.Block{
			{Kind: readingroom.KindCaption, Text: "The president at a rally."},
			{Kind: readingroom.KindParagraph, Text: "It began, as these things do, with a tweet."},
			{Kind: readingroom.KindHeading, Text: "The campaign never ends", Number: "1"},
			{Kind: readingroom.KindParagraph, Text: "Every day is election day in this White House."},
			{Kind: readingroom.KindCaption, Text: "A crowd in Ohio.", Credit: "Photo: AP"},
			{Kind: readingroom.KindParagraph, Text: "And so it goes on."},
			{Kind: readingroom.KindAuthorNote, Text: "Helen Lewis is deputy editor of the New Statesman."},
			{Kind: readingroom.KindCorrection, Text: "An earlier version misnamed the state."},
		},
		Published:   date(2017, 3, 23),
		Publication: "New Statesman",
		IssueTitle:  "Trump's permanent revolution",
	}
}

// hostile is the newest article and carries markup in its text.
func hostile() *readingroom.Article {
	return &readingroom.Article{
		Title:       "Scripts & <tags> in the text",
		Standfirst:  "What happens when a dump contains markup?",
		Byline:      "By Mallory",
		Blocks:      []readingroom.Block{{Kind: readingroom.KindParagraph, Text: "Before <script>alert(1)</script> after."}},
		Published:   date(2018, 1, 5),
		Publication: "New Statesman",
	}
}

// undated has no date, publication or issue.
func undated() *readingroom.Article {
	return &readingroom.Article{
		Title:  "A piece with no date",
		Blocks: []readingroom.Block{{Kind: readingroom.KindParagraph, Text: "Nobody knows when this was written."}},
	}
}

type fixture struct {
	t      *testing.T
	db     *store.DB
	srv    *httptest.Server
	logs   *syncBuffer
	review *readingroom.Article
	hostil *readingroom.Article
	undate *readingroom.Article
}

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "room.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// serve starts a server on db; extra routes may be added before wrapping.
func serve(t *testing.T, db *store.DB, cfg Config) (*httptest.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	cfg.DB = db
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	h, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, logs
}

func save(t *testing.T, db *store.DB, a *readingroom.Article) {
	t.Helper()
	if _, _, err := db.SaveArticle(context.Background(), a, "test.txt"); err != nil {
		t.Fatalf("save %q: %v", a.Title, err)
	}
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{t: t, db: openStore(t), review: review(), hostil: hostile(), undate: undated()}
	for _, a := range []*readingroom.Article{f.review, f.undate, f.hostil} {
		save(t, f.db, a) // fills in a.Slug and the block ids
	}
	f.srv, f.logs = serve(t, f.db, Config{})
	return f
}

func do(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func (f *fixture) get(path string) (*http.Response, string) {
	f.t.Helper()
	return do(f.t, http.MethodGet, f.srv.URL+path, nil)
}

// The HTML helpers these tests share with the templates package's.
var (
	parse    = htmltest.Parse
	find     = htmltest.Find
	attr     = htmltest.Attr
	text     = htmltest.Text
	hasClass = htmltest.ByClass
	byID     = htmltest.ByID
	byTag    = htmltest.ByTag
)

func wantStatus(t *testing.T, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d", res.Request.Method, res.Request.URL.Path, res.StatusCode, want)
	}
}

func wantHTML(t *testing.T, res *http.Response) {
	t.Helper()
	if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("%s: Content-Type %q, want HTML", res.Request.URL.Path, got)
	}
}

// goErrorText matches what leaks when a Go error reaches a page.
var goErrorText = regexp.MustCompile(`readingroom:|store:|web:|sql|panic|goroutine|no article at|\.go:\d`)

func TestLibrary(t *testing.T) {
	f := newFixture(t)
	res, body := f.get("/")
	wantStatus(t, res, 200)
	wantHTML(t, res)
	doc := parse(t, body)

	entries := find(doc, hasClass("entry"))
	var titles []string
	for _, e := range entries {
		titles = append(titles, text(find(e, byTag("h2"))[0]))
	}
	want := []string{f.hostil.Title, f.review.Title, f.undate.Title}
	if !reflect.DeepEqual(titles, want) {
		t.Fatalf("library titles = %q, want %q (newest first, undated last)", titles, want)
	}
	link := find(entries[1], byTag("a"))[0]
	if got, want := attr(link, "href"), "/a/"+f.review.Slug; got != want {
		t.Errorf("entry link = %q, want %q", got, want)
	}
	tm := find(entries[1], byTag("time"))
	if len(tm) != 1 || attr(tm[0], "datetime") != "2017-03-23" || text(tm[0]) != "23 March 2017" {
		t.Errorf("review date not shown as <time datetime=2017-03-23>23 March 2017")
	}
	meta := text(find(entries[1], hasClass("meta"))[0])
	if !strings.Contains(meta, "New Statesman") || !strings.Contains(meta, "1 min read") {
		t.Errorf("review meta = %q, want publication and reading time", meta)
	}
	if !strings.Contains(text(entries[1]), f.review.Standfirst) {
		t.Error("standfirst not shown")
	}
	if len(find(entries[2], byTag("time"))) != 0 {
		t.Error("undated entry shows a <time>")
	}
	if strings.Contains(body, "<tags>") {
		t.Error("title not escaped in the library")
	}
	if got := text(find(doc, byTag("title"))[0]); got != "Library — Reading Room" {
		t.Errorf("<title> = %q", got)
	}
	if len(find(doc, hasClass("pager"))) != 0 {
		t.Error("one page of articles has a pager")
	}
}

func TestLibraryEmpty(t *testing.T) {
	srv, _ := serve(t, openStore(t), Config{})
	res, body := do(t, http.MethodGet, srv.URL+"/", nil)
	wantStatus(t, res, 200)
	if !strings.Contains(body, "readingroom import PATH") {
		t.Error("empty library does not say how to import")
	}
	res, _ = do(t, http.MethodGet, srv.URL+"/?page=2", nil)
	wantStatus(t, res, 404)
}

func TestLibraryPagination(t *testing.T) {
	db := openStore(t)
	const n = libraryPerPage + 2
	for i := range n {
		save(t, db, &readingroom.Article{
			Title:     fmt.Sprintf("Article %02d", i),
			Blocks:    []readingroom.Block{{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("Body %d.", i)}},
			Published: date(2000, 1, 1).AddDate(0, 0, i),
		})
	}
	srv, _ := serve(t, db, Config{})

	res, body := do(t, http.MethodGet, srv.URL+"/", nil)
	wantStatus(t, res, 200)
	doc := parse(t, body)
	if got := len(find(doc, hasClass("entry"))); got != libraryPerPage {
		t.Errorf("page 1 has %d entries, want %d", got, libraryPerPage)
	}
	if got := attr(find(doc, func(n *html.Node) bool { return attr(n, "rel") == "next" })[0], "href"); got != "/?page=2" {
		t.Errorf("next = %q", got)
	}
	if len(find(doc, func(n *html.Node) bool { return attr(n, "rel") == "prev" })) != 0 {
		t.Error("page 1 has a prev link")
	}

	res, body = do(t, http.MethodGet, srv.URL+"/?page=2", nil)
	wantStatus(t, res, 200)
	doc = parse(t, body)
	entries := find(doc, hasClass("entry"))
	if len(entries) != 2 || !strings.Contains(text(entries[1]), "Article 00") {
		t.Errorf("page 2 has %d entries, want the 2 oldest", len(entries))
	}
	if got := attr(find(doc, func(n *html.Node) bool { return attr(n, "rel") == "prev" })[0], "href"); got != "/" {
		t.Errorf("prev = %q, want /", got)
	}
	if len(find(doc, func(n *html.Node) bool { return attr(n, "rel") == "next" })) != 0 {
		t.Error("last page has a next link")
	}
	if !strings.Contains(body, "Page 2 of 2") {
		t.Error("pager does not say Page 2 of 2")
	}

	// A page past the end is not found; what is no page number at all
	// (a malformed escape too, which once read as page 1) is a bad request.
	for q, want := range map[string]int{"3": 404, "0": 400, "-1": 400, "abc": 400, "1.5": 400, "99999999999999999999": 400, "%ZZ": 400, "%": 400} {
		res, body := do(t, http.MethodGet, srv.URL+"/?page="+q, nil)
		if res.StatusCode != want {
			t.Errorf("?page=%s: status %d, want %d", q, res.StatusCode, want)
		}
		if goErrorText.MatchString(body) {
			t.Errorf("?page=%s: page leaks error text", q)
		}
	}
}

func TestArticlePage(t *testing.T) {
	f := newFixture(t)
	a := f.review
	res, body := f.get("/a/" + a.Slug)
	wantStatus(t, res, 200)
	wantHTML(t, res)
	doc := parse(t, body)

	if got := text(find(doc, byTag("h1"))[0]); got != a.Title {
		t.Errorf("h1 = %q", got)
	}
	if got := text(find(doc, byTag("title"))[0]); got != a.Title+" — Reading Room" {
		t.Errorf("<title> = %q", got)
	}
	for _, want := range []string{a.Standfirst, a.Byline, "23 March 2017", "1 min read"} {
		if !strings.Contains(text(find(doc, hasClass("article-header"))[0]), want) {
			t.Errorf("article header lacks %q", want)
		}
	}
	if len(a.Blocks) != 8 {
		t.Fatalf("saved article has %d blocks", len(a.Blocks))
	}
	for _, b := range a.Blocks {
		if b.ID == "" {
			t.Fatal("store did not fill in block ids")
		}
		els := find(doc, byID("p-"+b.ID))
		if len(els) != 1 {
			t.Errorf("block %s (%s): %d elements with its id", b.ID, b.Kind, len(els))
			continue
		}
		links := find(els[0], hasClass("pilcrow"))
		if len(links) != 1 {
			t.Errorf("block %s: %d ¶ links", b.ID, len(links))
			continue
		}
		if got, want := attr(links[0], "href"), "/a/"+a.Slug+"/p/"+b.ID+"#p-"+b.ID; got != want {
			t.Errorf("block %s: ¶ href %q, want %q", b.ID, got, want)
		}
		if !strings.HasPrefix(attr(links[0], "aria-label"), "Link to this") {
			t.Errorf("block %s: ¶ aria-label %q", b.ID, attr(links[0], "aria-label"))
		}
		if !strings.Contains(text(els[0]), b.Text) {
			t.Errorf("block %s: text %q missing", b.ID, b.Text)
		}
	}
	lead := find(doc, byID("p-"+a.Blocks[0].ID))[0]
	if lead.Data != "figure" || !strings.Contains(text(lead), "Getty Images") {
		t.Errorf("lead caption: <%s> %q, want a figure credited to the image credit", lead.Data, text(lead))
	}
	inner := find(doc, byID("p-"+a.Blocks[4].ID))[0]
	if inner.Data != "figure" || !strings.Contains(text(inner), "Photo: AP") {
		t.Errorf("inner caption: <%s> %q", inner.Data, text(inner))
	}
	h := find(doc, byID("p-"+a.Blocks[2].ID))[0]
	if h.Data != "h2" || !strings.HasPrefix(text(h), "1") {
		t.Errorf("heading: <%s> %q, want h2 with its number", h.Data, text(h))
	}
	books := text(find(doc, hasClass("books"))[0])
	for _, want := range []string{"The Art of the Deal", "Donald Trump", "Random House, 372pp, £9.99"} {
		if !strings.Contains(books, want) {
			t.Errorf("books box lacks %q", want)
		}
	}
	if note := find(doc, byID("p-"+a.Blocks[6].ID))[0]; !hasClass("note")(note) {
		t.Errorf("author note has class %q", attr(note, "class"))
	}
	if c := text(find(doc, byID("p-"+a.Blocks[7].ID))[0]); !strings.HasPrefix(c, "Correction") {
		t.Errorf("correction not labelled: %q", c)
	}
	col := strings.TrimSpace(text(find(doc, hasClass("colophon"))[0]))
	if want := "First appeared in the 23 March 2017 issue of New Statesman, Trump's permanent revolution"; col != want {
		t.Errorf("colophon = %q, want %q", col, want)
	}
	if strings.Contains(body, "aria-current") {
		t.Error("plain article page marks a block")
	}
}

func TestArticleEscapesText(t *testing.T) {
	f := newFixture(t)
	_, body := f.get("/a/" + f.hostil.Slug)
	if strings.Contains(body, "<script>") || strings.Contains(body, "<tags>") {
		t.Error("markup in the article's text reached the page unescaped")
	}
	doc := parse(t, body)
	// The one script is the external app.js; nothing inline.
	for _, sc := range find(doc, byTag("script")) {
		if !regexp.MustCompile(`^/static/app\.[0-9a-f]{8}\.js$`).MatchString(attr(sc, "src")) || text(sc) != "" {
			t.Errorf("page has a script other than app.js: src %q, %q", attr(sc, "src"), text(sc))
		}
	}
	p := find(doc, byID("p-"+f.hostil.Blocks[0].ID))[0]
	if !strings.Contains(text(p), "<script>alert(1)</script>") {
		t.Errorf("escaped text reads %q", text(p))
	}
}

func TestUndatedArticle(t *testing.T) {
	f := newFixture(t)
	res, body := f.get("/a/" + f.undate.Slug)
	wantStatus(t, res, 200)
	doc := parse(t, body)
	if len(find(doc, byTag("time"))) != 0 || len(find(doc, hasClass("colophon"))) != 0 {
		t.Error("undated article shows a date or a colophon")
	}
}

func TestParagraphPage(t *testing.T) {
	f := newFixture(t)
	a := f.review
	target := a.Blocks[3]
	res, body := f.get("/a/" + a.Slug + "/p/" + target.ID)
	wantStatus(t, res, 200)
	doc := parse(t, body)

	marked := find(doc, func(n *html.Node) bool { return attr(n, "aria-current") != "" })
	if len(marked) != 1 || attr(marked[0], "id") != "p-"+target.ID || !hasClass("marked")(marked[0]) {
		t.Fatalf("want exactly block %s marked, got %d marked", target.ID, len(marked))
	}
	canon := find(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" })
	if len(canon) != 1 || attr(canon[0], "href") != f.srv.URL+"/a/"+a.Slug {
		t.Errorf("canonical link missing or wrong")
	}

	for _, pid := range []string{"aaaaaaaa", "NOTANID1", "short", "aaaaaaaa1", target.ID + "x"} {
		res, body := f.get("/a/" + a.Slug + "/p/" + pid)
		if res.StatusCode != 404 {
			t.Errorf("pid %q: status %d, want 404", pid, res.StatusCode)
			continue
		}
		if !strings.Contains(body, "couldn&#39;t find that paragraph") {
			t.Errorf("pid %q: not the friendly paragraph 404", pid)
		}
	}
	res, _ = f.get("/a/nope/p/" + target.ID)
	wantStatus(t, res, 404)
}

func TestNotFound(t *testing.T) {
	f := newFixture(t)
	tests := []struct{ path, want string }{
		{"/a/nope", "We couldn&#39;t find that article"},
		{"/a/nope/", "We couldn&#39;t find that article"},
		{"/nowhere", "We couldn&#39;t find that page"},
		{"/a/" + f.review.Slug + "/extra", "We couldn&#39;t find that page"},
	}
	for _, tt := range tests {
		res, body := f.get(tt.path)
		wantStatus(t, res, 404)
		wantHTML(t, res)
		if !strings.Contains(body, tt.want) {
			t.Errorf("%s: page lacks %q", tt.path, tt.want)
		}
		if !strings.Contains(body, `href="/"`) {
			t.Errorf("%s: no link to the library", tt.path)
		}
		if goErrorText.MatchString(body) {
			t.Errorf("%s: page leaks error text: %s", tt.path, goErrorText.FindString(body))
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	f := newFixture(t)
	// Same-origin, so the cross-origin protection lets it through.
	res, body := do(t, http.MethodPost, f.srv.URL+"/", map[string]string{"Sec-Fetch-Site": "same-origin"})
	wantStatus(t, res, 405)
	wantHTML(t, res)
	if res.Header.Get("Allow") == "" || !strings.Contains(body, "Error 405") {
		t.Errorf("405 lacks Allow header or friendly page")
	}
	res, body = do(t, http.MethodDelete, f.srv.URL+"/api/articles", map[string]string{"Sec-Fetch-Site": "same-origin"})
	wantStatus(t, res, 405)
	wantJSONError(t, res, body, "method_not_allowed")
}

func TestHead(t *testing.T) {
	f := newFixture(t)
	res, body := do(t, http.MethodHead, f.srv.URL+"/a/"+f.review.Slug, nil)
	wantStatus(t, res, 200)
	if body != "" {
		t.Error("HEAD has a body")
	}
}

func TestCrossOriginPost(t *testing.T) {
	f := newFixture(t)
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "https://evil.example"},
	} {
		res, body := do(t, http.MethodPost, f.srv.URL+"/", h)
		wantStatus(t, res, 403)
		wantHTML(t, res)
		if !strings.Contains(body, "refused") {
			t.Errorf("403 page does not explain: %v", h)
		}
		if res.Header.Get("Content-Security-Policy") == "" {
			t.Error("403 lacks security headers")
		}
	}
	res, body := do(t, http.MethodPost, f.srv.URL+"/api/articles", map[string]string{"Sec-Fetch-Site": "cross-site"})
	wantStatus(t, res, 403)
	wantJSONError(t, res, body, "forbidden")
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	want := map[string]string{
		"Content-Security-Policy":    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "strict-origin-when-cross-origin",
		"X-Frame-Options":            "DENY",
		"Cross-Origin-Opener-Policy": "same-origin",
	}
	s, _ := newServer(Config{DB: f.db})
	for _, path := range []string{"/", "/a/" + f.review.Slug, "/api/articles", "/api/articles/nope", "/a/nope", "/nowhere", "/healthz", s.assets.Path("app.css")} {
		res, _ := f.get(path)
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
		if res.Header.Get("Permissions-Policy") == "" {
			t.Errorf("%s: no Permissions-Policy", path)
		}
	}
}

func TestStatic(t *testing.T) {
	f := newFixture(t)
	_, body := f.get("/")
	doc := parse(t, body)
	css := find(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "stylesheet" })
	if len(css) != 1 {
		t.Fatal("no stylesheet link")
	}
	href := attr(css[0], "href")
	if !regexp.MustCompile(`^/static/app\.[0-9a-f]{8}\.css$`).MatchString(href) {
		t.Fatalf("stylesheet href %q is not hashed", href)
	}
	res, body := f.get(href)
	wantStatus(t, res, 200)
	if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q", got)
	}
	if got := res.Header.Get("Content-Type"); got != "text/css; charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	if !strings.Contains(body, "color-scheme: light dark") {
		t.Error("stylesheet body is not the stylesheet")
	}
	for _, bad := range []string{"/static/app.css", "/static/app.00000000.css"} {
		res, _ := f.get(bad)
		if res.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", bad, res.StatusCode)
		}
	}
	icon := find(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "icon" })
	if res, _ := f.get(attr(icon[0], "href")); res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
}

func TestHealthz(t *testing.T) {
	f := newFixture(t)
	res, body := f.get("/healthz")
	wantStatus(t, res, 200)
	if body != "ok" {
		t.Errorf("body %q, want ok", body)
	}
}

func TestPanicGives500Page(t *testing.T) {
	db := openStore(t)
	logs := &syncBuffer{}
	s, err := newServer(Config{DB: db, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	r := s.routes()
	r.Get("/boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	r.Get("/api/boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	h, err := s.wrap(r)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	res, body := do(t, http.MethodGet, srv.URL+"/boom", nil)
	wantStatus(t, res, 500)
	wantHTML(t, res)
	if strings.Contains(body, "secret detail") || goErrorText.MatchString(body) {
		t.Error("500 page leaks the panic")
	}
	if !strings.Contains(body, "Something went wrong") {
		t.Error("500 page does not say something went wrong")
	}
	if res.Header.Get("Content-Security-Policy") == "" {
		t.Error("500 page lacks security headers")
	}
	if !strings.Contains(logs.String(), "secret detail") {
		t.Error("panic not logged")
	}

	res, body = do(t, http.MethodGet, srv.URL+"/api/boom", nil)
	wantStatus(t, res, 500)
	wantJSONError(t, res, body, "internal")
	if strings.Contains(body, "secret detail") {
		t.Error("500 JSON leaks the panic")
	}
}

func TestStoreFailureGives500Page(t *testing.T) {
	db := openStore(t)
	srv, logs := serve(t, db, Config{})
	db.Close() // every query now fails with a Go error
	for _, path := range []string{"/", "/a/anything"} {
		res, body := do(t, http.MethodGet, srv.URL+path, nil)
		wantStatus(t, res, 500)
		if goErrorText.MatchString(body) {
			t.Errorf("%s: 500 page leaks %q", path, goErrorText.FindString(body))
		}
	}
	res, body := do(t, http.MethodGet, srv.URL+"/api/articles", nil)
	wantStatus(t, res, 500)
	wantJSONError(t, res, body, "internal")
	if goErrorText.MatchString(body) {
		t.Errorf("500 JSON leaks %q", goErrorText.FindString(body))
	}
	if !strings.Contains(logs.String(), "store:") {
		t.Error("internal error not logged with its detail")
	}
}

func TestRequestLog(t *testing.T) {
	f := newFixture(t)
	f.get("/a/nope?token=hush")
	f.get("/list/feed/s3cretfeedaddress.atom")
	// The log line is written as the handler returns, which may be just
	// after the client has its response; Close waits for every handler.
	f.srv.Close()
	log := f.logs.String()
	for _, want := range []string{"method=GET", "path=/a/nope", "status=404", "duration="} {
		if !strings.Contains(log, want) {
			t.Errorf("request log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "hush") {
		t.Error("query string logged")
	}
	if strings.Contains(log, "s3cretfeedaddress") || !strings.Contains(log, "path=/list/feed/…") {
		t.Errorf("a feed's secret address logged:\n%s", log)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	db := openStore(t)
	for _, cfg := range []Config{
		{},
		{DB: db, BaseURL: "read.example.org"},
		{DB: db, BaseURL: "ftp://read.example.org"},
		{DB: db, BaseURL: "https://read.example.org/?x=1"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

// Every path has one form, without a trailing slash; the other redirects
// to it, on this host, keeping the query (and, for a form, its method).
func TestTrailingSlashes(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct{ method, path, want string }{
		{http.MethodGet, "/search/", "/search"},
		{http.MethodGet, "/search/?q=lamp", "/search?q=lamp"},
		{http.MethodGet, "/search/help/", "/search/help"},
		{http.MethodGet, "/a/" + f.review.Slug + "/", "/a/" + f.review.Slug},
		{http.MethodGet, "/a/" + f.review.Slug + "/p/" + f.review.Blocks[1].ID + "/", "/a/" + f.review.Slug + "/p/" + f.review.Blocks[1].ID},
		{http.MethodGet, "/api/articles/", "/api/articles"},
		{http.MethodHead, "/search//", "/search"},
		{http.MethodGet, "//evil.example/", "/evil.example"},
		{http.MethodPost, "/signin/", "/signin"},
	} {
		req, err := http.NewRequest(tt.method, f.srv.URL+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := noRedirects.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		want := http.StatusMovedPermanently
		if tt.method == http.MethodPost {
			want = http.StatusPermanentRedirect
		}
		if res.StatusCode != want || res.Header.Get("Location") != tt.want {
			t.Errorf("%s %s: %d to %q, want %d to %q", tt.method, tt.path, res.StatusCode, res.Header.Get("Location"), want, tt.want)
		}
	}
	// And the canonical forms answer.
	for _, p := range []string{"/", "/search", "/a/" + f.review.Slug, "/api/articles"} {
		if res, _ := f.get(p); res.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, res.StatusCode)
		}
	}
}

func TestRobots(t *testing.T) {
	f := newFixture(t)
	res, body := f.get("/robots.txt")
	wantStatus(t, res, 200)
	if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{"User-agent: *", "Disallow: /api/", "Disallow: /search", "Disallow: /list", "Allow: /"} {
		if !strings.Contains(body, want) {
			t.Errorf("robots.txt lacks %q:\n%s", want, body)
		}
	}
	srv, _ := serve(t, f.db, Config{Private: true})
	res, body = do(t, http.MethodGet, srv.URL+"/robots.txt", nil)
	if res.StatusCode != 200 || body != "User-agent: *\nDisallow: /\n" {
		t.Errorf("private room robots.txt: %d\n%s", res.StatusCode, body)
	}
}
