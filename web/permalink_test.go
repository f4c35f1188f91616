package web

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"golang.org/x/net/html"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
)

// The paragraphs of the edited article. Long, distinct texts, so that the
// store's alignment has no doubt which is which; long enough (the first)
// to be cut in a preview.
var (
	pLong = "The reading room opened in 1889 with four hundred seats under a dome of glass and iron, " +
		"and on the first morning the queue for tickets ran down the steps, along the railings and around " +
		"the corner into a street that had never seen so many people waiting to read."
	pLedger  = "Its first librarian kept a ledger of every question asked at the desk, more than a million of them by 1950."
	pShifts  = "Workers came after their shifts to read the papers, and the room stayed open until ten at night for them."
	pWar     = "In the war the dome was painted black, and readers worked by the light of green-shaded lamps until dawn."
	pToday   = "Today the seats are full of students, pensioners and people who have nowhere else to go in the afternoon."
	pCouncil = "The council has promised to keep the room open, though the budget shrinks every single year without fail."
)

// edits is an article saved twice: the second time two of its paragraphs
// are merged (one id becomes an alias of the other) and one is dropped (its
// id becomes a tombstone).
type edits struct {
	*fixture
	article *readingroom.Article
	ids     map[string]string // first version's text -> id
	merged  string            // the live id of the merged paragraph
	alias   string            // the retired id that leads to it
	deleted string            // the tombstone's id
}

func newEdits(t *testing.T, cfg Config) *edits {
	t.Helper()
	db := openStore(t)
	first := &readingroom.Article{
		Title:      "The dome and the ledger",
		Standfirst: "A history of the city's reading room.",
		Byline:     "By A. Reader",
		Blocks: []readingroom.Block{
			{Kind: readingroom.KindParagraph, Text: pLong},
			{Kind: readingroom.KindParagraph, Text: pLedger},
			{Kind: readingroom.KindParagraph, Text: pShifts},
			{Kind: readingroom.KindParagraph, Text: pWar},
			{Kind: readingroom.KindParagraph, Text: pToday},
			{Kind: readingroom.KindParagraph, Text: pCouncil},
		},
		Published:   date(2019, 6, 7),
		Publication: "The Gazette",
	}
	save(t, db, first)
	e := &edits{ids: map[string]string{}}
	for _, b := range first.Blocks {
		e.ids[b.Text] = b.ID
	}
	second := &readingroom.Article{
		Title:      first.Title,
		Standfirst: first.Standfirst,
		Byline:     first.Byline,
		Blocks: []readingroom.Block{
			{Kind: readingroom.KindParagraph, Text: pLong},
			{Kind: readingroom.KindParagraph, Text: pLedger + " " + pShifts},
			{Kind: readingroom.KindParagraph, Text: pWar},
			{Kind: readingroom.KindParagraph, Text: pCouncil},
		},
		Published:   first.Published,
		Publication: first.Publication,
	}
	if out, _, err := db.SaveArticle(context.Background(), second, "edited.txt"); err != nil || out != store.Updated {
		t.Fatalf("save edited version: %v, %v", out, err)
	}
	e.article = second
	e.merged = second.Blocks[1].ID
	for _, old := range []string{e.ids[pLedger], e.ids[pShifts]} {
		if old != e.merged {
			e.alias = old
		}
	}
	e.deleted = e.ids[pToday]
	// The store, not this test, decides; check it decided as expected.
	ctx := context.Background()
	if ref, err := db.Paragraph(ctx, second.Slug, e.alias); err != nil || ref.State != store.ParagraphAlias || ref.ID != e.merged {
		t.Fatalf("fixture: %s resolves to %+v, %v; want an alias of %s", e.alias, ref, err, e.merged)
	}
	if ref, err := db.Paragraph(ctx, second.Slug, e.deleted); err != nil || ref.State != store.ParagraphDeleted {
		t.Fatalf("fixture: %s resolves to %+v, %v; want a tombstone", e.deleted, ref, err)
	}
	srv, logs := serve(t, db, cfg)
	e.fixture = &fixture{t: t, db: db, srv: srv, logs: logs}
	return e
}

// noRedirects is a client that reports redirects instead of following them.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// head collects the page's preview tags: meta by property or name, and
// link by rel. A tag given twice is an error.
func head(t *testing.T, doc *html.Node) (map[string]string, map[string]string) {
	t.Helper()
	heads := find(doc, byTag("head"))
	if len(heads) != 1 {
		t.Fatalf("%d <head> elements", len(heads))
	}
	metas, links := map[string]string{}, map[string]string{}
	for _, n := range find(heads[0], byTag("meta")) {
		key := attr(n, "property") + attr(n, "name")
		if key == "" {
			continue
		}
		if _, dup := metas[key]; dup {
			t.Errorf("meta %s given twice", key)
		}
		metas[key] = attr(n, "content")
	}
	for _, n := range find(heads[0], byTag("link")) {
		links[attr(n, "rel")] = attr(n, "href")
	}
	return metas, links
}

// wantPreview checks every preview tag of a page.
func wantPreview(t *testing.T, f *fixture, doc *html.Node, base string, a *readingroom.Article, url, description string) {
	t.Helper()
	metas, links := head(t, doc)
	want := map[string]string{
		"description":            description,
		"og:site_name":           "Reading Room",
		"og:type":                "article",
		"og:title":               a.Title,
		"og:description":         description,
		"og:url":                 url,
		"og:image:width":         "1200",
		"og:image:height":        "630",
		"twitter:card":           "summary_large_image",
		"twitter:title":          a.Title,
		"twitter:description":    description,
		"article:published_time": "",
	}
	if !a.Published.IsZero() {
		want["article:published_time"] = a.Published.Format("2006-01-02")
	}
	for k, v := range want {
		if got, ok := metas[k]; got != v || (v != "" && !ok) {
			t.Errorf("meta %s = %q, want %q", k, got, v)
		}
	}
	if _, ok := metas["article:published_time"]; a.Published.IsZero() && ok {
		t.Error("undated article has article:published_time")
	}
	if got, want := links["canonical"], base+"/a/"+a.Slug; got != want {
		t.Errorf("canonical = %q, want %q", got, want)
	}
	img := metas["og:image"]
	if img != url+"/card.png" || metas["twitter:image"] != img {
		t.Errorf("og:image %q, twitter:image %q: want the page's own card, %s/card.png", img, metas["twitter:image"], url)
	}
	if metas["og:image:alt"] == "" || metas["twitter:image:alt"] != metas["og:image:alt"] {
		t.Errorf("image alt %q / %q", metas["og:image:alt"], metas["twitter:image:alt"])
	}
	// The image is there, served from the address the preview gives
	// (whatever the base, it is the same path on this server).
	res, body := f.get(strings.TrimPrefix(img, base))
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("GET og:image: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if cfg, err := png.DecodeConfig(strings.NewReader(body)); err != nil || cfg.Width != 1200 || cfg.Height != 630 {
		t.Errorf("og:image is %dx%d (%v), want a 1200x630 PNG", cfg.Width, cfg.Height, err)
	}
}

func TestParagraphPreview(t *testing.T) {
	for _, base := range []string{"", "https://read.example.org"} {
		e := newEdits(t, Config{BaseURL: base})
		if base == "" {
			base = e.srv.URL
		}
		a := e.article
		id := a.Blocks[0].ID
		res, body := e.get("/a/" + a.Slug + "/p/" + id)
		wantStatus(t, res, 200)
		doc := parse(t, body)
		desc := excerpt(pLong, 200)
		// pLong is cut: at most 200 characters, at the end of a word, with
		// an ellipsis.
		if n := utf8.RuneCountInString(desc); n > 200 || n < 150 || !strings.HasSuffix(desc, "…") {
			t.Fatalf("excerpt is %d characters: %q", n, desc)
		}
		if cut := strings.TrimSuffix(desc, "…"); !strings.HasPrefix(pLong, cut) || pLong[len(cut)] != ' ' {
			t.Errorf("excerpt %q does not end at a word boundary", desc)
		}
		wantPreview(t, e.fixture, doc, base, a, base+"/a/"+a.Slug+"/p/"+id, desc)

		// A short paragraph is its own description, uncut.
		_, body = e.get("/a/" + a.Slug + "/p/" + a.Blocks[2].ID)
		wantPreview(t, e.fixture, parse(t, body), base, a, base+"/a/"+a.Slug+"/p/"+a.Blocks[2].ID, pWar)

		// The article itself previews its standfirst.
		_, body = e.get("/a/" + a.Slug)
		wantPreview(t, e.fixture, parse(t, body), base, a, base+"/a/"+a.Slug, a.Standfirst)
	}
}

func TestArticlePreviewUndated(t *testing.T) {
	f := newFixture(t)
	a := f.undate
	_, body := f.get("/a/" + a.Slug + "/p/" + a.Blocks[0].ID)
	wantPreview(t, f, parse(t, body), f.srv.URL, a, f.srv.URL+"/a/"+a.Slug+"/p/"+a.Blocks[0].ID, a.Blocks[0].Text)
	// No standfirst: the article previews its first paragraph.
	_, body = f.get("/a/" + a.Slug)
	wantPreview(t, f, parse(t, body), f.srv.URL, a, f.srv.URL+"/a/"+a.Slug, a.Blocks[0].Text)
}

func TestAliasRedirects(t *testing.T) {
	e := newEdits(t, Config{})
	a := e.article
	res, err := noRedirects.Get(e.srv.URL + "/a/" + a.Slug + "/p/" + e.alias)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got, want := res.StatusCode, http.StatusMovedPermanently; got != want {
		t.Fatalf("alias: status %d, want %d", got, want)
	}
	if got, want := res.Header.Get("Location"), "/a/"+a.Slug+"/p/"+e.merged; got != want {
		t.Errorf("alias: Location %q, want %q", got, want)
	}
	// Followed, it lands on the merged paragraph, marked.
	res, body := e.get("/a/" + a.Slug + "/p/" + e.alias)
	wantStatus(t, res, 200)
	marked := find(parse(t, body), hasClass("marked"))
	if len(marked) != 1 || attr(marked[0], "id") != "p-"+e.merged {
		t.Errorf("after the redirect, %d blocks marked, want p-%s", len(marked), e.merged)
	}
	// The merged paragraph keeps its own id live.
	res, _ = noRedirects.Get(e.srv.URL + "/a/" + a.Slug + "/p/" + e.merged)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("merged paragraph: status %d", res.StatusCode)
	}
}

func TestAliasAnchors(t *testing.T) {
	e := newEdits(t, Config{})
	_, body := e.get("/a/" + e.article.Slug)
	doc := parse(t, body)
	anchors := find(doc, byID("p-"+e.alias))
	if len(anchors) != 1 {
		t.Fatalf("%d elements with id p-%s, want 1", len(anchors), e.alias)
	}
	if p := anchors[0].Parent; attr(p, "id") != "p-"+e.merged {
		t.Errorf("alias anchor is inside %q, want the merged block p-%s", attr(p, "id"), e.merged)
	}
	// Ids appear once in the page, and the tombstone is not an anchor.
	seen := map[string]bool{}
	for _, n := range find(doc, func(n *html.Node) bool { return attr(n, "id") != "" }) {
		if seen[attr(n, "id")] {
			t.Errorf("id %q twice", attr(n, "id"))
		}
		seen[attr(n, "id")] = true
	}
	if seen["p-"+e.deleted] {
		t.Error("the deleted paragraph's id is still an anchor")
	}
}

func TestTombstonePage(t *testing.T) {
	e := newEdits(t, Config{})
	a := e.article
	res, body := e.get("/a/" + a.Slug + "/p/" + e.deleted)
	wantStatus(t, res, 200)
	wantHTML(t, res)
	doc := parse(t, body)
	notices := find(doc, hasClass("removed"))
	if len(notices) != 1 {
		t.Fatalf("%d removed notices, want 1", len(notices))
	}
	n := notices[0]
	if got := strings.Join(strings.Fields(text(n)), " "); !strings.HasPrefix(got, "This paragraph has been removed from the article. Here is what it said:") {
		t.Errorf("notice reads %q", got)
	}
	quote := find(n, byTag("blockquote"))
	if len(quote) != 1 || strings.TrimSpace(text(quote[0])) != pToday {
		t.Errorf("notice does not quote the old text")
	}
	// The nearest survivor before it is the war paragraph.
	links := find(n, byTag("a"))
	war := e.ids[pWar]
	if len(links) != 1 || attr(links[0], "href") != "/a/"+a.Slug+"/p/"+war+"#p-"+war {
		t.Errorf("notice links %d, want one to p-%s", len(links), war)
	}
	if marked := find(doc, hasClass("marked")); len(marked) != 0 {
		t.Errorf("tombstone page marks %d blocks", len(marked))
	}
	// The article is all there below the notice.
	if len(find(doc, hasClass("para"))) != len(a.Blocks) {
		t.Error("tombstone page does not show the article")
	}
	wantPreview(t, e.fixture, doc, e.srv.URL, a, e.srv.URL+"/a/"+a.Slug+"/p/"+e.deleted, pToday)
}

func TestNeverSeenParagraph(t *testing.T) {
	e := newEdits(t, Config{})
	a := e.article
	for _, pid := range []string{readingroom.ParagraphID("Never in this article.", 0), "zzzzzzzz", "bad id"} {
		res, body := e.get("/a/" + a.Slug + "/p/" + url.PathEscape(pid))
		if res.StatusCode != 404 || !strings.Contains(body, "couldn&#39;t find that paragraph") {
			t.Errorf("%q: status %d, want the paragraph 404", pid, res.StatusCode)
		}
		// It leads to the article and offers a search in it.
		doc := parse(t, body)
		if links := find(doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "/a/"+a.Slug }); len(links) != 1 || text(links[0]) != a.Title {
			t.Errorf("%q: no link to the article", pid)
		}
		if in := find(doc, byID("search-in-q")); len(in) != 1 || attr(in[0], "value") != "in:"+a.Slug+" " {
			t.Errorf("%q: no search in the article", pid)
		}
	}
	// Every id the article ever had still answers.
	for text, id := range e.ids {
		res, err := noRedirects.Get(e.srv.URL + "/a/" + a.Slug + "/p/" + id)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 && res.StatusCode != 301 {
			t.Errorf("old id %s (%.20q...): status %d", id, text, res.StatusCode)
		}
	}
}

func TestAPIParagraph(t *testing.T) {
	e := newEdits(t, Config{})
	a := e.article
	base := e.srv.URL
	art := m{"slug": a.Slug, "title": a.Title, "url": base + "/a/" + a.Slug}
	war := e.ids[pWar]
	merged := a.Blocks[1]
	tests := []struct {
		name string
		pid  string
		want m
	}{
		{"live", war, m{
			"id": war, "kind": "paragraph", "text": pWar, "url": base + "/a/" + a.Slug + "/p/" + war, "article": art,
		}},
		{"live with an alias", e.merged, m{
			"id": e.merged, "kind": "paragraph", "text": merged.Text, "url": base + "/a/" + a.Slug + "/p/" + e.merged,
			"aliases": []any{e.alias}, "article": art,
		}},
		{"alias", e.alias, m{
			"id": e.merged, "kind": "paragraph", "text": merged.Text, "url": base + "/a/" + a.Slug + "/p/" + e.merged,
			"aliases": []any{e.alias}, "alias_of": e.alias, "article": art,
		}},
		{"deleted", e.deleted, m{
			"id": e.deleted, "kind": "paragraph", "text": pToday, "url": base + "/a/" + a.Slug + "/p/" + e.deleted,
			"deleted": true, "neighbour": war, "neighbour_url": base + "/a/" + a.Slug + "/p/" + war, "article": art,
		}},
	}
	for _, tt := range tests {
		res, body := e.get("/api/articles/" + a.Slug + "/p/" + tt.pid)
		if res.StatusCode != 200 {
			t.Errorf("%s: status %d", tt.name, res.StatusCode)
			continue
		}
		wantJSON(t, res)
		if got := decode(t, body); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %v\nwant %v", tt.name, got, tt.want)
		}
	}
	for _, path := range []string{
		"/api/articles/" + a.Slug + "/p/" + readingroom.ParagraphID("Never here.", 0),
		"/api/articles/" + a.Slug + "/p/nope",
		"/api/articles/nope/p/" + war,
	} {
		res, body := e.get(path)
		if res.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", path, res.StatusCode)
			continue
		}
		wantJSONError(t, res, body, "not_found")
	}
}

func TestAPIArticleAliases(t *testing.T) {
	e := newEdits(t, Config{})
	_, body := e.get("/api/articles/" + e.article.Slug)
	ps, _ := decode(t, body)["paragraphs"].([]any)
	if len(ps) != len(e.article.Blocks) {
		t.Fatalf("%d paragraphs, want %d", len(ps), len(e.article.Blocks))
	}
	for _, p := range ps {
		p := p.(map[string]any)
		aliases, has := p["aliases"]
		if p["id"] == e.merged {
			if !reflect.DeepEqual(aliases, []any{e.alias}) {
				t.Errorf("merged paragraph: aliases %v, want [%s]", aliases, e.alias)
			}
		} else if has {
			t.Errorf("paragraph %v: aliases %v, want none (omitted)", p["id"], aliases)
		}
	}
}

// A tombstone with no surviving neighbour says so with null.
func TestAPITombstoneWithoutNeighbour(t *testing.T) {
	db := openStore(t)
	// Dated, so that the second version, which shares no text with the
	// first, is the same article.
	a := &readingroom.Article{Title: "Short-lived", Published: date(2020, 1, 1), Blocks: []readingroom.Block{{Kind: readingroom.KindParagraph, Text: pToday}}}
	save(t, db, a)
	gone := a.Blocks[0].ID
	b := &readingroom.Article{Title: "Short-lived", Published: date(2020, 1, 1), Blocks: []readingroom.Block{{Kind: readingroom.KindHeading, Text: "Nothing"}}}
	save(t, db, b)
	srv, _ := serve(t, db, Config{})
	res, body := do(t, http.MethodGet, srv.URL+"/api/articles/"+b.Slug+"/p/"+gone, nil)
	wantStatus(t, res, 200)
	v := decode(t, body)
	if n, ok := v["neighbour"]; !ok || n != nil || v["deleted"] != true {
		t.Errorf("neighbour %v (present %v), deleted %v; want null and true", n, ok, v["deleted"])
	}
	// The page has no link to a neighbour either.
	res, body = do(t, http.MethodGet, srv.URL+"/a/"+b.Slug+"/p/"+gone, nil)
	wantStatus(t, res, 200)
	n := find(parse(t, body), hasClass("removed"))
	if len(n) != 1 || len(find(n[0], byTag("a"))) != 0 {
		t.Error("want a notice without a neighbour link")
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("word ", 60) // 300 characters
	tests := []struct {
		in, want string
		limit    int
	}{
		{"Short.", "Short.", 200},
		{"  Spaced \n out  ", "Spaced out", 200},
		{"one two three four", "one two three four", 18},
		{"one two three four", "one two three…", 17},
		{"one two three four", "one two…", 13},
		{"one two, three", "one two…", 10},
		{"unbreakableword", "unbreakab…", 10},
		{"é è ê ë", "é è…", 5},
		{long, long[:199] + "…", 200}, // the 200th character is a space
	}
	for _, tt := range tests {
		got := excerpt(tt.in, tt.limit)
		if got != tt.want {
			t.Errorf("excerpt(%q, %d) = %q, want %q", tt.in, tt.limit, got, tt.want)
		}
		if utf8.RuneCountInString(got) > tt.limit {
			t.Errorf("excerpt(%q, %d) is %d characters", tt.in, tt.limit, utf8.RuneCountInString(got))
		}
	}
}

// A slug in another script is found however its percent-encoding is cased.
func TestNonLatinSlug(t *testing.T) {
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "room.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := &readingroom.Article{Title: "Ωδή στο φως", Blocks: []readingroom.Block{{Kind: readingroom.KindParagraph, Text: "Φως."}}}
	if _, _, err := db.SaveArticle(context.Background(), a, ""); err != nil {
		t.Fatal(err)
	}
	h, err := New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	upper := (&url.URL{Path: "/a/" + a.Slug}).EscapedPath()
	for _, path := range []string{upper, strings.ToLower(upper)} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d, want 200", path, resp.StatusCode)
		}
	}
}

// A paragraph asked for while its article is re-imported: the article was
// read before the import and the id resolved after it. The page and the
// API both read the article again and answer with the paragraph, never a
// 500.
func TestParagraphDuringReimport(t *testing.T) {
	db := openStore(t)
	ctx := t.Context()
	blocks := func(texts ...string) []readingroom.Block {
		var out []readingroom.Block
		for _, s := range texts {
			out = append(out, readingroom.Block{Kind: readingroom.KindParagraph, Text: s})
		}
		return out
	}
	a := &readingroom.Article{Title: "Moving", Published: date(2020, 1, 1), Blocks: blocks("First paragraph.", "Second paragraph.")}
	save(t, db, a)
	stale, err := db.ArticlePage(ctx, a.Slug, 1)
	if err != nil {
		t.Fatal(err)
	}
	b := &readingroom.Article{Title: "Moving", Published: date(2020, 1, 1), Blocks: blocks("First paragraph.", "Second paragraph.", "A third paragraph, new in the re-import.")}
	save(t, db, b)
	newID := b.Blocks[2].ID

	s, err := newServer(Config{DB: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for path, h := range map[string]http.HandlerFunc{
		paragraphPath(a.Slug, newID):          s.paragraph,
		"/api" + paragraphPath(a.Slug, newID): s.apiParagraph,
	} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		rctx := chi.NewRouteContext()
		rctx.URLParams.Add("slug", a.Slug)
		rctx.URLParams.Add("pid", newID)
		req = req.WithContext(withArticle(context.WithValue(req.Context(), chi.RouteCtxKey, rctx), stale))
		rec := httptest.NewRecorder()
		h(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "A third paragraph, new in the re-import.") {
			t.Errorf("%s with the article read before the re-import: status %d\n%s", path, rec.Code, rec.Body.String())
		}
	}
}

// A shared paragraph link, as a link-preview client sees it: it reads the
// page's tags as a scraper does (the first og:image, its size and alt),
// fetches the image and finds a 1200x630 PNG of the paragraph's words,
// drawn once and then served as it was kept; when the paragraph is edited,
// the same address draws the new words.
func TestSharedLinkPreviewClient(t *testing.T) {
	e := newEdits(t, Config{})
	a := e.article
	pid := a.Blocks[2].ID
	scrape := func() (image string, png []byte, etag string) {
		t.Helper()
		res, body := do(t, http.MethodGet, e.srv.URL+"/a/"+a.Slug+"/p/"+pid, map[string]string{"User-Agent": "facebookexternalhit/1.1"})
		wantStatus(t, res, 200)
		metas, _ := head(t, parse(t, body))
		image = metas["og:image"]
		if metas["og:image:width"] != "1200" || metas["og:image:height"] != "630" || !strings.Contains(metas["og:image:alt"], "From "+a.Title) {
			t.Errorf("image tags: %v", metas)
		}
		res, img := do(t, http.MethodGet, image, map[string]string{"User-Agent": "facebookexternalhit/1.1"})
		wantStatus(t, res, 200)
		if ct := res.Header.Get("Content-Type"); ct != "image/png" {
			t.Fatalf("image type %q", ct)
		}
		return image, []byte(img), res.Header.Get("ETag")
	}
	url1, img1, etag1 := scrape()
	url2, img2, etag2 := scrape()
	if url1 != url2 || !bytes.Equal(img1, img2) || etag1 == "" || etag1 != etag2 {
		t.Errorf("the second fetch differs: %s %s", etag1, etag2)
	}
	// A revalidation is a 304.
	res, _ := do(t, http.MethodGet, url1, map[string]string{"If-None-Match": etag1})
	wantStatus(t, res, http.StatusNotModified)

	// The paragraph is edited: the same link, a new image.
	edited := *a
	edited.Blocks = append([]readingroom.Block(nil), a.Blocks...)
	edited.Blocks[2].Text = strings.Replace(edited.Blocks[2].Text, "painted black", "painted dark blue", 1)
	save(t, e.db, &edited)
	if edited.Blocks[2].ID != pid {
		t.Fatalf("the edit changed the id: %s, was %s", edited.Blocks[2].ID, pid)
	}
	url3, img3, etag3 := scrape()
	if url3 != url1 || bytes.Equal(img3, img1) || etag3 == etag1 {
		t.Error("an edited paragraph previews with its old image")
	}
}
