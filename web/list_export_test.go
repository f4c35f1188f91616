package web

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/readingroom/readingroom"
)

// listFixture is a room where Rob has a varied list: the review saved as
// an article, a passage with a note full of markup, a passage since
// corrected (fuzzy), and a passage of an article since deleted.
type listFixture struct {
	*room
	rob, ada *http.Client
	gone     *readingroom.Article
	ids      map[string]string // what -> item id
}

func newListFixture(t *testing.T, cfg Config) *listFixture {
	t.Helper()
	rm := newRoom(t, cfg, true)
	f := &listFixture{room: rm, rob: rm.signIn("Rob", readerPassword), ada: rm.signIn("Ada", adminPassword), ids: map[string]string{}}
	f.gone = &readingroom.Article{Title: "A piece soon gone", Blocks: []readingroom.Block{{Kind: readingroom.KindParagraph, Text: "These words will be deleted with their article."}}}
	save(t, rm.db, f.gone)
	slug := rm.article.Slug
	for what, body := range map[string]m{
		"article": {"article": slug, "note": "Read for the *campaign* chapter", "tags": []string{"Politics", "2017"}},
		"note":    {"article": slug, "quote": m{"exact": "with a tweet"}, "note": "<script>alert(1)</script>\n# not a heading\n\nsecond [paragraph](x)", "tags": []string{"twitter"}},
		"fuzzy":   {"article": slug, "paragraph": rm.article.Blocks[3].ID, "state": "archived"},
		"gone":    {"article": f.gone.Slug, "quote": m{"exact": "will be deleted"}},
	} {
		res, b := rm.sendJSON(f.rob, http.MethodPost, "/api/list", body)
		wantStatusBody(t, "save "+what, res, b, http.StatusCreated)
		f.ids[what] = fmt.Sprint(decode(t, b)["id"])
	}
	// Ada's, which no export of Rob's may hold.
	rm.sendJSON(f.ada, http.MethodPost, "/api/list", m{"article": slug, "note": "ada's own note"})
	// A word corrected, and an article deleted.
	edited := review()
	edited.Blocks[3].Text = "Every day is polling day in this White House."
	save(t, rm.db, edited)
	if err := rm.db.DeleteArticle(t.Context(), f.gone.Slug); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestExportMarkdown(t *testing.T) {
	f := newListFixture(t, Config{})
	for _, path := range []string{"/list/export.md", "/api/list/export.md"} {
		res, body := f.call(f.rob, http.MethodGet, path, nil, nil)
		wantStatusBody(t, path, res, body, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "text/markdown; charset=utf-8" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Content-Type %q, Cache-Control %q", path, ct, res.Header.Get("Cache-Control"))
		}
		a := f.article
		for _, want := range []string{
			"# Reading list of Rob\n",
			"4 items",
			"\n## [Trump's permanent revolution](" + f.srv.URL + "/a/" + a.Slug + ")\n",
			"*Saved ", "tags: Politics, 2017",
			// The saved article's note before its facts, as a passage's.
			"Read for the \\*campaign\\* chapter\n\n*Saved ",
			"> with a tweet\n",
			"\\<script\\>alert(1)\\</script\\>  \n\\# not a heading\n\nsecond \\[paragraph\\](x)\n",
			"[permalink](" + f.srv.URL + "/a/" + a.Slug + "/p/" + a.Blocks[1].ID + "#:~:text=",
			"> Every day is election day in this White House.\n\nThe article now reads:\n\n> Every day is polling day in this White House.\n",
			"\n## A piece soon gone (no longer in this room)\n",
			"> will be deleted\n",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q:\n%s", path, want, body)
			}
		}
		if strings.Contains(body, "ada") || strings.Contains(body, "<script>") {
			t.Errorf("%s holds Ada's note or raw markup", path)
		}
		// Grouped: the article's passages come under its one heading.
		if strings.Count(body, "## [Trump's permanent revolution]") != 1 {
			t.Errorf("%s: the article's heading is not once", path)
		}
	}
	// A token reads it from the API; signed out, neither.
	c := f.tokenClient(f.rob)
	if res, _ := f.send(c, http.MethodGet, "/api/list/export.md", nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("export by token: %d", res.StatusCode)
	}
	if res, _ := f.call(f.client(), http.MethodGet, "/list/export.md", nil, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d, want a redirect to sign in", res.StatusCode)
	}
}

// annoTerms are the terms of the model's JSON-LD context
// (http://www.w3.org/ns/anno.jsonld) that an annotation may use as keys,
// and annoPrefixes the prefixes it defines for compact IRIs.
var (
	annoTerms = strings.Fields(`@context id type body bodyValue target source selector state stylesheet
		refinedBy startSelector endSelector value exact prefix suffix start end conformsTo format language
		processingLanguage textDirection created modified generated creator generator audience motivation
		purpose rights canonical via scope styleClass renderedVia cached sourceDate sourceDateStart
		sourceDateEnd items partOf first last next prev total startIndex label name nickname email
		email_sha1 homepage accessibility`)
	annoPrefixes = strings.Fields(`oa dc dcterms dctypes foaf rdf rdfs skos xsd iana owl as schema`)
	annoMotives  = strings.Fields(`assessing bookmarking classifying commenting describing editing highlighting
		identifying linking moderating questioning replying tagging`)
)

// checkAnno checks v, an annotation (or part of one) as decoded JSON,
// against the model: every key a term of its context, and the parts the
// room writes shaped as the model says.
func checkAnno(t *testing.T, where string, v any) {
	t.Helper()
	switch v := v.(type) {
	case []any:
		for i, x := range v {
			checkAnno(t, fmt.Sprintf("%s[%d]", where, i), x)
		}
	case map[string]any:
		for k, x := range v {
			prefix, _, compact := strings.Cut(k, ":")
			if !slices.Contains(annoTerms, k) && !(compact && slices.Contains(annoPrefixes, prefix)) {
				t.Errorf("%s: %q is not a term of the model's context", where, k)
			}
			checkAnno(t, where+"."+k, x)
		}
		typ, _ := v["type"].(string)
		switch typ {
		case "Annotation":
			if id, _ := v["id"].(string); !isIRI(id) {
				t.Errorf("%s: id %q is not an IRI", where, id)
			}
			if v["target"] == nil {
				t.Errorf("%s: an annotation without a target", where)
			}
			if m, ok := v["motivation"].(string); ok && !slices.Contains(annoMotives, m) {
				t.Errorf("%s: motivation %q", where, m)
			}
			for _, k := range []string{"created", "modified"} {
				if s, ok := v[k].(string); ok {
					if _, err := time.Parse(time.RFC3339, s); err != nil {
						t.Errorf("%s: %s %q is not xsd:dateTime", where, k, s)
					}
				}
			}
		case "TextualBody":
			if _, ok := v["value"].(string); !ok {
				t.Errorf("%s: a TextualBody without a value", where)
			}
			if p, ok := v["purpose"].(string); ok && !slices.Contains(annoMotives, p) {
				t.Errorf("%s: purpose %q", where, p)
			}
		case "SpecificResource":
			if v["source"] == nil {
				t.Errorf("%s: a SpecificResource without a source", where)
			}
		case "TextQuoteSelector":
			if _, ok := v["exact"].(string); !ok {
				t.Errorf("%s: a TextQuoteSelector without exact", where)
			}
		case "TextPositionSelector":
			s, ok1 := v["start"].(float64)
			e, ok2 := v["end"].(float64)
			if !ok1 || !ok2 || s < 0 || e < s || s != float64(int(s)) {
				t.Errorf("%s: TextPositionSelector start %v end %v", where, v["start"], v["end"])
			}
		}
	}
}

func isIRI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
}

// The model's own examples, as the specification gives them (Examples 1,
// 5, 21, 24, 30 and 43 of the Web Annotation Data Model), less the
// properties the room does not write: the check must pass them.
var annoExamples = []string{
	`{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno1", "type": "Annotation",
	  "body": "http://example.post/blog1", "target": "http://example.com/page1"}`,
	`{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno5", "type": "Annotation",
	  "body": {"type": "TextualBody", "value": "<p>j'adore !</p>", "format": "text/html", "language": "fr"},
	  "target": "http://example.org/photo1"}`,
	`{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno21", "type": "Annotation",
	  "body": "http://example.org/comment1",
	  "target": {"source": "http://example.org/page1",
	    "selector": {"type": "TextQuoteSelector", "exact": "anotation", "prefix": "this is an ", "suffix": " that has some"}}}`,
	`{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno24", "type": "Annotation",
	  "body": "http://example.org/review1",
	  "target": {"source": "http://example.org/ebook1", "selector": {"type": "TextPositionSelector", "start": 412, "end": 795}}}`,
	`{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/anno30", "type": "Annotation",
	  "motivation": "bookmarking", "created": "2015-10-13T13:00:00Z",
	  "body": [{"type": "TextualBody", "value": "readme", "purpose": "tagging"},
	           {"type": "TextualBody", "value": "A good read", "purpose": "describing"}],
	  "target": "http://example.com/page1"}`,
	`{"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://example.org/collection1", "type": "AnnotationCollection",
	  "label": "Steampunk Annotations", "total": 42023,
	  "first": {"id": "http://example.org/page1", "type": "AnnotationPage", "startIndex": 0,
	    "items": [{"id": "http://example.org/anno1", "type": "Annotation", "body": "http://example.net/comment1",
	               "target": "http://example.com/book/chapter1"}]}}`,
}

func TestExportAnnotations(t *testing.T) {
	for i, ex := range annoExamples {
		var v any
		if err := json.Unmarshal([]byte(ex), &v); err != nil {
			t.Fatalf("example %d: %v", i, err)
		}
		checkAnno(t, fmt.Sprintf("example %d", i), v)
	}

	f := newListFixture(t, Config{})
	res, body := f.call(f.rob, http.MethodGet, "/list/export.json", nil, nil)
	wantStatusBody(t, "export", res, body, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/ld+json") {
		t.Errorf("Content-Type %q", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["@context"] != AnnoContext || doc["type"] != "AnnotationCollection" || doc["total"] != 4.0 {
		t.Fatalf("collection: %v %v %v", doc["@context"], doc["type"], doc["total"])
	}
	checkAnno(t, "export", doc)
	items := doc["first"].(map[string]any)["items"].([]any)
	byID := map[string]map[string]any{}
	for _, x := range items {
		a := x.(map[string]any)
		byID[strings.TrimPrefix(a["id"].(string), f.srv.URL+"/api/list/")] = a
	}
	note := byID[f.ids["note"]]
	if note["motivation"] != "commenting" {
		t.Errorf("a passage with a note: motivation %v", note["motivation"])
	}
	target := note["target"].(map[string]any)
	src := target["source"].(map[string]any)
	if target["type"] != "SpecificResource" || src["id"] != f.srv.URL+"/a/"+f.article.Slug || src["dcterms:title"] != f.article.Title {
		t.Errorf("target %v", target)
	}
	sels := target["selector"].([]any)
	q, p := sels[0].(map[string]any), sels[1].(map[string]any)
	if q["type"] != "TextQuoteSelector" || q["exact"] != "with a tweet" || q["prefix"] != "\n\nIt began, as these things do, " ||
		p["type"] != "TextPositionSelector" {
		t.Errorf("selectors %v", sels)
	}
	// The position selects the quote in the article's text.
	text := readingroom.NewArticleText(f.article.Blocks)
	if got := text.Slice(readingroom.Position{Start: int(p["start"].(float64)), End: int(p["end"].(float64))}); got != "with a tweet" {
		t.Errorf("the TextPositionSelector selects %q", got)
	}
	// A passage whose place is not known has no position: its article
	// is missing here. A fuzzy one has where it stands now.
	for what, want := range map[string][]string{
		"gone":  {"TextQuoteSelector"},
		"fuzzy": {"TextQuoteSelector", "TextPositionSelector"},
	} {
		var got []string
		for _, s := range byID[f.ids[what]]["target"].(map[string]any)["selector"].([]any) {
			got = append(got, s.(map[string]any)["type"].(string))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s passage: selectors %q, want %q", what, got, want)
		}
	}
	bodies := note["body"].([]any)
	first := bodies[0].(map[string]any)
	if first["type"] != "TextualBody" || first["purpose"] != "commenting" || first["format"] != "text/plain" ||
		!strings.HasPrefix(first["value"].(string), "<script>") {
		t.Errorf("note body %v", first)
	}
	if art := byID[f.ids["article"]]; art["motivation"] != "bookmarking" || art["target"].(map[string]any)["id"] != f.srv.URL+"/a/"+f.article.Slug {
		t.Errorf("article: %v", art)
	}
	if strings.Contains(body, "ada") {
		t.Error("Rob's export holds Ada's note")
	}

	// The export, taken back: into the same list, nothing new; into
	// Ada's, everything, the missing article reported.
	res, out := f.send(f.rob, http.MethodPost, "/api/list/import", strings.NewReader(body), nil)
	wantStatusBody(t, "import into the same list", res, out, http.StatusOK)
	if v := decode(t, out); v["already_there"] != 4.0 {
		t.Errorf("import into the same list: %s", out)
	}
	res, out = f.send(f.ada, http.MethodPost, "/api/list/import", strings.NewReader(body), nil)
	wantStatusBody(t, "import into Ada's list", res, out, http.StatusOK)
	v := decode(t, out)
	if v["restored"] != 1.0 || v["fuzzy"] != 1.0 || v["moved"] != 0.0 || v["orphaned"] != 0.0 || v["article_missing"] != 1.0 || v["already_there"] != 1.0 {
		t.Errorf("import into Ada's list: %s", out)
	}
	outcomes := map[string]string{}
	for _, x := range v["items"].([]any) {
		it := x.(map[string]any)
		outcomes[fmt.Sprint(it["outcome"])] = fmt.Sprint(it["article"])
	}
	if outcomes["fuzzy"] != f.article.Slug || outcomes["article_missing"] != f.gone.Slug {
		t.Errorf("import into Ada's list, outcomes by item: %v", outcomes)
	}
	_, list := f.sendJSON(f.ada, http.MethodGet, "/api/list?kind=passage", nil)
	var got struct {
		Items []apiItem `json:"items"`
	}
	if err := json.Unmarshal([]byte(list), &got); err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, it := range got.Items {
		seen = append(seen, it.Anchor+":"+it.Quote.Exact+":"+it.State+":"+strings.Join(it.Tags, ","))
		if it.Quote.Exact == "with a tweet" && !strings.HasPrefix(it.Note, "<script>") {
			t.Errorf("the note came back as %q", it.Note)
		}
		if it.Article.Missing && it.Article.Title != "A piece soon gone" {
			t.Errorf("the missing article's title came back as %q", it.Article.Title)
		}
	}
	slices.Sort(seen)
	want := []string{"exact:with a tweet:unread:twitter", "fuzzy:Every day is election day in this White House.:archived:", "orphaned:will be deleted:unread:"}
	if !slices.Equal(seen, want) {
		t.Errorf("Ada's passages after the import:\n got %q\nwant %q", seen, want)
	}
}

func TestImportListBadInput(t *testing.T) {
	f := newListFixture(t, Config{})
	good := func(target string) string {
		return `{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", "id": "urn:x:1", "target": ` + target + `}`
	}
	for _, tc := range []struct {
		what, body string
		status     int
		field      string
	}{
		{"not JSON", `{"type":`, 400, ""},
		{"empty", ``, 400, ""},
		{"not annotations", `{"type": "Person"}`, 400, ""},
		{"a target elsewhere", good(`"https://example.com/blog/post"`), 422, "items[0].target.source"},
		{"two targets", good(`["http://x/a/one", "http://x/a/two"]`), 422, "items[0].target"},
		{"a bad date", `[{"type": "Annotation", "created": "yesterday", "target": "http://x/a/one"}]`, 422, "items[0].created"},
		{"an empty quote", good(`{"source": "http://x/a/one", "selector": {"type": "TextQuoteSelector", "exact": ""}}`), 422, "items[0].quote.exact"},
		{"a long note", `{"type": "Annotation", "bodyValue": "` + strings.Repeat("n", 10_001) + `", "target": "http://x/a/one"}`, 422, "items[0].note"},
	} {
		before := f.snapshot()
		res, body := f.send(f.rob, http.MethodPost, "/api/list/import", strings.NewReader(tc.body), nil)
		wantStatusBody(t, tc.what, res, body, tc.status)
		e, _ := decode(t, body)["error"].(map[string]any)
		if got, _ := e["field"].(string); got != tc.field {
			t.Errorf("%s: field %q, want %q", tc.what, got, tc.field)
		}
		if f.snapshot() != before {
			t.Errorf("%s: the database changed", tc.what)
		}
	}
	// More items than an import takes: 413, naming the limit.
	before := f.snapshot()
	many := strings.Repeat(`{"type": "Annotation", "target": "http://x/a/one"},`, maxListImportItems)
	res, body := f.send(f.rob, http.MethodPost, "/api/list/import", strings.NewReader("["+many+`{"type": "Annotation", "target": "http://x/a/two"}]`), nil)
	wantStatusBody(t, "too many items", res, body, http.StatusRequestEntityTooLarge)
	if msg := fmt.Sprint(decode(t, body)["error"]); !strings.Contains(msg, "at most 5000 items") || !strings.Contains(msg, "this one has 5001") {
		t.Errorf("too many items: %s", body)
	}
	if f.snapshot() != before {
		t.Error("too many items: the database changed")
	}
	// An annotation of an article this room never had is kept, reported.
	res, body = f.send(f.rob, http.MethodPost, "/api/list/import", strings.NewReader(good(`"https://other.example/room/a/elsewhere"`)), nil)
	wantStatusBody(t, "an unknown article", res, body, http.StatusOK)
	if v := decode(t, body); v["article_missing"] != 1.0 || v["items"].([]any)[0].(map[string]any)["article"] != "elsewhere" {
		t.Errorf("unknown article: %s", body)
	}
}

// atomDoc is a feed as RFC 4287 defines the elements the room writes.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	IDs     []string `xml:"id"`
	Titles  []string `xml:"title"`
	Updated []string `xml:"updated"`
	Authors []struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		IDs     []string `xml:"id"`
		Titles  []string `xml:"title"`
		Updated []string `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content []struct {
			Type string `xml:"type,attr"`
			Body string `xml:",chardata"`
		} `xml:"content"`
		Categories []struct {
			Term string `xml:"term,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

// checkAtom checks the rules of RFC 4287 a feed of the room's shape must
// follow: one id, title and updated (a date-time) in the feed and each
// entry, an author, unique entry ids, and each entry with an alternate
// link or content.
func checkAtom(t *testing.T, body string) atomDoc {
	t.Helper()
	var doc atomDoc
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("the feed is not XML in the Atom namespace: %v", err)
	}
	one := func(what string, vals []string) {
		t.Helper()
		if len(vals) != 1 || strings.TrimSpace(vals[0]) == "" {
			t.Errorf("%s: %d values, want exactly one", what, len(vals))
		}
	}
	date := func(what string, vals []string) {
		t.Helper()
		for _, v := range vals {
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				t.Errorf("%s %q is not an RFC 3339 date-time", what, v)
			}
		}
	}
	one("feed id", doc.IDs)
	one("feed title", doc.Titles)
	one("feed updated", doc.Updated)
	date("feed updated", doc.Updated)
	if len(doc.Authors) != 1 || doc.Authors[0].Name == "" {
		t.Error("the feed has no author")
	}
	self := false
	for _, l := range doc.Links {
		self = self || l.Rel == "self"
	}
	if !self {
		t.Error("the feed has no self link")
	}
	ids := map[string]bool{}
	for i, e := range doc.Entries {
		one(fmt.Sprintf("entry %d id", i), e.IDs)
		one(fmt.Sprintf("entry %d title", i), e.Titles)
		one(fmt.Sprintf("entry %d updated", i), e.Updated)
		date("entry updated", e.Updated)
		for _, id := range e.IDs {
			if ids[id] || !isIRI(id) {
				t.Errorf("entry id %q repeated or not an IRI", id)
			}
			ids[id] = true
		}
		if len(e.Links) == 0 && len(e.Content) == 0 {
			t.Errorf("entry %d has neither link nor content", i)
		}
	}
	return doc
}

// feedparserPython finds a Python that has feedparser (Debian's
// python3-feedparser).
func feedparserPython(t *testing.T) string {
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if p, err := exec.LookPath(py); err == nil && exec.Command(p, "-c", "import feedparser").Run() == nil {
			return p
		}
	}
	if os.Getenv("READINGROOM_REQUIRE_FEEDPARSER") != "" {
		t.Fatal("no Python with feedparser (apt-get install python3-feedparser); READINGROOM_REQUIRE_FEEDPARSER is set, so this is a failure")
	}
	return ""
}

func TestListFeed(t *testing.T) {
	f := newListFixture(t, Config{Private: true})
	_, page := f.call(f.rob, http.MethodGet, "/account", nil, nil)
	if strings.Contains(page, "/list/feed/") {
		t.Fatal("a feed address before any was made")
	}
	res, page := f.call(f.rob, http.MethodPost, "/account/feed", url.Values{}, f.sameOrigin())
	wantStatusBody(t, "make a feed", res, page, http.StatusSeeOther)
	_, page = f.call(f.rob, http.MethodGet, "/account", nil, nil)
	addr := regexp.MustCompile(`/list/feed/[A-Za-z0-9_-]+\.atom`).FindString(page)
	if addr == "" {
		t.Fatal("the account page shows no feed address")
	}

	// No session needed, even in a private room: the address is the key.
	res, body := f.call(f.client(), http.MethodGet, addr, nil, nil)
	wantStatusBody(t, "feed", res, body, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	doc := checkAtom(t, body)
	if len(doc.Entries) != 4 || doc.Authors[0].Name != "Rob" {
		t.Errorf("%d entries by %v, want Rob's 4", len(doc.Entries), doc.Authors)
	}
	if strings.Contains(body, "ada") || strings.Contains(body, "<script>") {
		t.Error("the feed holds Ada's note or raw markup")
	}
	// Each entry's content is HTML with the reader's words as text: the
	// note's markup escaped, its line break kept; a changed passage with
	// what the article now reads.
	var contents []string
	for _, e := range doc.Entries {
		if len(e.Content) != 1 || e.Content[0].Type != "html" {
			t.Fatalf("an entry's content: %+v", e.Content)
		}
		contents = append(contents, e.Content[0].Body)
	}
	// (Space after a tag is no matter in HTML.)
	all := regexp.MustCompile(`>\s+`).ReplaceAllString(strings.Join(contents, "\n"), ">")
	for _, want := range []string{
		"<p>&lt;script&gt;alert(1)&lt;/script&gt;<br># not a heading</p><p>second [paragraph](x)</p>",
		"<p>The article now reads:</p><blockquote><p>Every day is polling day in this White House.</p></blockquote>",
		"<p>Unread</p>",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the feed's entries lack %q:\n%s", want, all)
		}
	}
	if py := feedparserPython(t); py != "" {
		script := `import feedparser, sys
d = feedparser.parse(sys.stdin.buffer.read())
if d.bozo:
    print("bozo:", d.bozo_exception); sys.exit(1)
print(d.version, len(d.entries), d.feed.title, "|", d.entries[0].title, "|", d.entries[0].get("link", ""))`
		cmd := exec.Command(py, "-c", script)
		cmd.Stdin = strings.NewReader(body)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("feedparser: %v: %s", err, out)
		}
		if !strings.HasPrefix(string(out), "atom10 4 Reading list of Rob |") {
			t.Errorf("feedparser read: %s", out)
		}
	} else {
		t.Log("no Python with feedparser: the feed was checked in Go only")
	}

	// A new address: the old one is gone, the new one works.
	f.call(f.rob, http.MethodPost, "/account/feed", url.Values{}, f.sameOrigin())
	_, page = f.call(f.rob, http.MethodGet, "/account", nil, nil)
	fresh := regexp.MustCompile(`/list/feed/[A-Za-z0-9_-]+\.atom`).FindString(page)
	if fresh == addr || fresh == "" {
		t.Fatalf("after a new address: %q", fresh)
	}
	if res, _ := f.call(f.client(), http.MethodGet, addr, nil, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("the old address: %d, want 404", res.StatusCode)
	}
	if res, _ := f.call(f.client(), http.MethodGet, fresh, nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("the new address: %d", res.StatusCode)
	}
	if res, _ := f.call(f.client(), http.MethodGet, "/list/feed/guess.atom", nil, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("a guessed address: %d", res.StatusCode)
	}
}

// A list restored before its article is imported: the item waits,
// reported as article missing, and joins the article when an admin
// imports it, marked and listed as any other.
func TestRestoredItemsJoinArticleImportedLater(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	rob, ada := rm.signIn("Rob", readerPassword), rm.signIn("Ada", adminPassword)
	const source = "https://other.example/room/a/lamps-in-the-dome"
	backup := `{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationPage", "items": [
		{"type": "Annotation", "motivation": "bookmarking", "target": "` + source + `"},
		{"type": "Annotation", "motivation": "commenting",
		 "body": {"type": "TextualBody", "value": "See the bulbs", "purpose": "commenting"},
		 "target": {"type": "SpecificResource", "source": {"id": "` + source + `", "dcterms:title": "Lamps in the dome"},
			"selector": {"type": "TextQuoteSelector", "exact": "were fitted in 1902", "prefix": "The green-shaded lamps ", "suffix": " and are"}}}]}`
	res, body := rm.send(rob, http.MethodPost, "/api/list/import", strings.NewReader(backup), nil)
	wantStatusBody(t, "restore", res, body, http.StatusOK)
	if v := decode(t, body); v["article_missing"] != 2.0 {
		t.Fatalf("restore before the article: %s", body)
	}
	passageID := fmt.Sprint(decode(t, body)["items"].([]any)[1].(map[string]any)["id"])
	_, body = rm.call(rob, http.MethodGet, "/list", nil, nil)
	if !strings.Contains(body, "The article is no longer in this room.") {
		t.Error("the waiting items are not shown as missing their article")
	}

	res, body = rm.upload(ada, "/import", rm.sameOrigin(), uploadFile{"one.txt", dumpOne})
	wantStatusBody(t, "import the article", res, body, http.StatusOK)
	a, err := rm.db.Article(t.Context(), "lamps-in-the-dome")
	if err != nil {
		t.Fatalf("the imported article: %v", err)
	}

	_, body = rm.sendJSON(rob, http.MethodGet, "/api/list/"+passageID, nil)
	var it apiItem
	if err := json.Unmarshal([]byte(body), &it); err != nil {
		t.Fatal(err)
	}
	if it.Article.Missing || it.Anchor != "exact" || it.ParagraphID == nil || *it.ParagraphID != a.Blocks[0].ID || it.Position == nil {
		t.Errorf("the restored passage after its article came: %s", body)
	}
	_, body = rm.call(rob, http.MethodGet, "/list", nil, nil)
	doc := parse(t, body)
	if n := len(find(doc, byClassName("list-entry"))); n != 2 || len(find(doc, hasClass("item-anchor"))) != 0 {
		t.Errorf("/list: %d entries, %d with an anchor note; want 2 and none", n, len(find(doc, hasClass("item-anchor"))))
	}
	link := find(doc, func(n *html.Node) bool {
		return n.Data == "a" && strings.Contains(attr(n, "href"), "#:~:text=") && strings.HasPrefix(attr(n, "href"), paragraphPath(a.Slug, a.Blocks[0].ID))
	})
	if len(link) != 1 {
		t.Error("the passage does not link to its words in the article")
	}
	_, body = rm.call(rob, http.MethodGet, "/a/"+a.Slug, nil, nil)
	if marks := find(parse(t, body), byClassName("passage")); len(marks) != 1 || text(marks[0]) != "were fitted in 1902" {
		t.Errorf("the article page marks %d passages", len(marks))
	}
	// The article is saved once: saving it again finds the restored item.
	res, body = rm.sendJSON(rob, http.MethodPost, "/api/list", m{"article": a.Slug})
	wantStatusBody(t, "save the article again", res, body, http.StatusOK)
}

// The list import page: Rob's export restored into another reader's list
// from the browser's form, the page saying what became of each item; a
// second time adds nothing; a file that is not a list is refused with its
// reason and nothing changes.
func TestListImportPage(t *testing.T) {
	f := newListFixture(t, Config{})
	_, export := f.call(f.rob, http.MethodGet, "/list/export.json", nil, nil)
	if _, err := f.db.CreateUser(t.Context(), "Cleo", readerPassword, readingroom.RoleReader); err != nil {
		t.Fatal(err)
	}
	cleo := f.signIn("Cleo", readerPassword)

	_, page := f.call(cleo, http.MethodGet, "/list", nil, nil)
	if !strings.Contains(page, `href="/list/import"`) {
		t.Error("the list does not offer to import one")
	}
	_, page = f.call(cleo, http.MethodGet, "/list/import", nil, nil)
	if !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `name="file"`) {
		t.Fatal("no upload form on /list/import")
	}

	res, page := f.upload(cleo, "/list/import", f.sameOrigin(), uploadFile{"export.json", export})
	wantStatusBody(t, "import a list", res, page, http.StatusOK)
	doc := parse(t, page)
	summary := find(doc, byClassName("import-summary"))
	if len(summary) != 1 || text(summary[0]) != "Added 4 items to your list." {
		t.Fatalf("the report's summary: %v", func() string {
			if len(summary) == 0 {
				return "none"
			}
			return text(summary[0])
		}())
	}
	lines := text(find(doc, byClassName("list-import-lines"))[0])
	for _, want := range []string{"2 items found just where they stood", "1 item found with changes", "1 item waiting: its article is not in this room yet"} {
		if !strings.Contains(lines, want) {
			t.Errorf("the report lacks %q: %s", want, lines)
		}
	}
	if !strings.Contains(page, "<cite>A piece soon gone</cite>") {
		t.Error("the report does not name the missing article")
	}
	var n int
	f.raw().QueryRow(`SELECT count(*) FROM list_items WHERE user_id = (SELECT id FROM users WHERE name = 'Cleo')`).Scan(&n)
	if n != 4 {
		t.Errorf("Cleo's list holds %d items, want 4", n)
	}

	// Again: all there already.
	_, page = f.upload(cleo, "/list/import", f.sameOrigin(), uploadFile{"export.json", export})
	if !strings.Contains(page, "Added 0 items to your list; 4 items were there already.") {
		t.Errorf("a second import: %s", text(find(parse(t, page), byClassName("import-summary"))[0]))
	}

	// Not a list, empty, none, too many: refused with the reason, the
	// form again, nothing added.
	many := `{"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": [` +
		strings.TrimSuffix(strings.Repeat(`{"type": "Annotation", "target": "`+f.srv.URL+`/a/`+f.article.Slug+`"},`, maxListImportItems+1), ",") + `]}}`
	for _, tt := range []struct {
		name   string
		files  []uploadFile
		status int
	}{
		{"not JSON", []uploadFile{{"list.json", "<html>not a list</html>"}}, http.StatusBadRequest},
		{"empty", []uploadFile{{"list.json", " \n"}}, http.StatusBadRequest},
		{"no file", nil, http.StatusBadRequest},
		{"too many items", []uploadFile{{"list.json", many}}, http.StatusRequestEntityTooLarge},
	} {
		res, page := f.upload(cleo, "/list/import", f.sameOrigin(), tt.files...)
		doc := parse(t, page)
		if res.StatusCode != tt.status || len(find(doc, byClassName("problem"))) != 1 || len(find(doc, byTag("form"))) < 1 || goErrorText.MatchString(page) {
			t.Errorf("%s: %d, want %d with the problem said and the form again", tt.name, res.StatusCode, tt.status)
		}
	}
	f.raw().QueryRow(`SELECT count(*) FROM list_items WHERE user_id = (SELECT id FROM users WHERE name = 'Cleo')`).Scan(&n)
	if n != 4 {
		t.Errorf("after the refused files Cleo's list holds %d items, want 4", n)
	}

	// Signed out: to sign in. From another site: refused.
	if res, _ := f.upload(f.client(), "/list/import", f.sameOrigin(), uploadFile{"export.json", export}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d, want a redirect to sign in", res.StatusCode)
	}
	if res, _ := f.upload(cleo, "/list/import", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, uploadFile{"export.json", export}); res.StatusCode != http.StatusForbidden {
		t.Errorf("from another site: %d, want 403", res.StatusCode)
	}
}
