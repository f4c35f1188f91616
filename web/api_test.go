package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/readingroom/readingroom"
)

// decode parses a JSON body into generic values, so comparisons see the
// exact shape: every key, null versus absent, numbers as numbers.
func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return v
}

// generic round-trips v through JSON into the same generic shape.
func generic(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, string(b))
}

func wantJSON(t *testing.T, res *http.Response) {
	t.Helper()
	if got := res.Header.Get("Content-Type"); got != "application/json; charset=utf-8" {
		t.Errorf("%s: Content-Type %q", res.Request.URL.Path, got)
	}
}

func wantJSONError(t *testing.T, res *http.Response, body, code string) {
	t.Helper()
	wantJSON(t, res)
	v := decode(t, body)
	e, ok := v["error"].(map[string]any)
	_, field := e["field"].(string) // named when the error is in one field
	if !ok || len(v) != 1 || len(e) != 2 && !(len(e) == 3 && field) {
		t.Fatalf("error body %s, want {\"error\":{\"code\",\"message\"}} and perhaps \"field\"", body)
	}
	if e["code"] != code {
		t.Errorf("error code %v, want %q", e["code"], code)
	}
	if msg, _ := e["message"].(string); msg == "" {
		t.Error("error has no message")
	}
}

type m = map[string]any

func summary(base string, a *readingroom.Article, published any, paragraphs int) m {
	return m{
		"slug":            a.Slug,
		"title":           a.Title,
		"standfirst":      a.Standfirst,
		"byline":          a.Byline,
		"published":       published,
		"publication":     a.Publication,
		"url":             base + "/a/" + a.Slug,
		"paragraph_count": paragraphs,
	}
}

func TestAPIArticles(t *testing.T) {
	f := newFixture(t)
	base := f.srv.URL
	res, body := f.get("/api/articles")
	wantStatus(t, res, 200)
	wantJSON(t, res)
	got := decode(t, body)
	want := generic(t, m{
		"articles": []any{
			summary(base, f.hostil, "2018-01-05", 1),
			summary(base, f.review, "2017-03-23", 3),
			summary(base, f.undate, nil, 1),
		},
		"page":     1,
		"per_page": 50,
		"total":    3,
	})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GET /api/articles\n got %v\nwant %v", got, want)
	}
}

func TestAPIArticlesPagination(t *testing.T) {
	f := newFixture(t)
	res, body := f.get("/api/articles?page=2&per_page=1")
	wantStatus(t, res, 200)
	got := decode(t, body)
	want := generic(t, m{
		"articles": []any{summary(f.srv.URL, f.review, "2017-03-23", 3)},
		"page":     2, "per_page": 1, "total": 3,
	})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("page 2 of 1\n got %v\nwant %v", got, want)
	}

	res, body = f.get("/api/articles?page=9&per_page=200")
	wantStatus(t, res, 200)
	got = decode(t, body)
	want = generic(t, m{"articles": []any{}, "page": 9, "per_page": 200, "total": 3})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("past the end\n got %v\nwant %v", got, want)
	}

	for _, q := range []string{"page=0", "page=-1", "page=x", "per_page=0", "per_page=201", "per_page=ten", "page=1.5", "page=99999999999999999999", "page=%ZZ", "page=%"} {
		res, body := f.get("/api/articles?" + q)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("?%s: status %d, want 400", q, res.StatusCode)
			continue
		}
		wantJSONError(t, res, body, "invalid")
	}
}

func TestAPIArticle(t *testing.T) {
	f := newFixture(t)
	a := f.review
	base := f.srv.URL
	res, body := f.get("/api/articles/" + a.Slug)
	wantStatus(t, res, 200)
	wantJSON(t, res)

	var paras []any
	for _, b := range a.Blocks {
		p := m{"id": b.ID, "kind": string(b.Kind), "text": b.Text, "url": base + "/a/" + a.Slug + "/p/" + b.ID}
		if b.Number != "" {
			p["number"] = b.Number
		}
		if b.Credit != "" {
			p["credit"] = b.Credit
		}
		paras = append(paras, p)
	}
	want := generic(t, m{
		"slug":            a.Slug,
		"title":           a.Title,
		"standfirst":      a.Standfirst,
		"byline":          a.Byline,
		"published":       "2017-03-23",
		"publication":     "New Statesman",
		"issue_title":     "Trump's permanent revolution",
		"image_credit":    "Getty Images",
		"books":           []any{m{"title": "The Art of the Deal", "author": "Donald Trump", "details": "Random House, 372pp, £9.99"}},
		"url":             base + "/a/" + a.Slug,
		"reading_minutes": 1,
		"paragraphs":      paras,
		"page":            1,
		"pages":           1,
	})
	got := decode(t, body)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GET /api/articles/%s\n got %v\nwant %v", a.Slug, got, want)
	}
	// The shape the brief promises: number only on the heading, credit only
	// on the credited caption.
	ps := got["paragraphs"].([]any)
	if _, ok := ps[2].(map[string]any)["number"]; !ok {
		t.Error("heading lacks number")
	}
	if _, ok := ps[1].(map[string]any)["number"]; ok {
		t.Error("paragraph has a number key")
	}
}

func TestAPIUndatedArticle(t *testing.T) {
	f := newFixture(t)
	_, body := f.get("/api/articles/" + f.undate.Slug)
	got := decode(t, body)
	if v, ok := got["published"]; !ok || v != nil {
		t.Errorf("published = %v (present %v), want null", v, ok)
	}
	if b, ok := got["books"].([]any); !ok || len(b) != 0 {
		t.Errorf("books = %v, want []", got["books"])
	}
}

func TestAPIEscapes(t *testing.T) {
	f := newFixture(t)
	_, body := f.get("/api/articles/" + f.hostil.Slug)
	if strings.Contains(body, "<script>") {
		t.Error("JSON carries a raw <script>")
	}
	ps := decode(t, body)["paragraphs"].([]any)
	if got := ps[0].(map[string]any)["text"]; got != f.hostil.Blocks[0].Text {
		t.Errorf("text = %q, want %q", got, f.hostil.Blocks[0].Text)
	}
}

func TestAPINotFound(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/api/articles/nope", "/api/nowhere", "/api"} {
		res, body := f.get(path)
		wantStatus(t, res, 404)
		wantJSONError(t, res, body, "not_found")
	}
}

func TestAPIBaseURL(t *testing.T) {
	f := newFixture(t)
	srv, _ := serve(t, f.db, Config{BaseURL: "https://read.example.org/"})
	res, body := do(t, http.MethodGet, srv.URL+"/api/articles/"+f.review.Slug, nil)
	wantStatus(t, res, 200)
	got := decode(t, body)
	if want := "https://read.example.org/a/" + f.review.Slug; got["url"] != want {
		t.Errorf("url = %v, want %q", got["url"], want)
	}
	p := got["paragraphs"].([]any)[1].(map[string]any)
	if want := "https://read.example.org/a/" + f.review.Slug + "/p/" + f.review.Blocks[1].ID; p["url"] != want {
		t.Errorf("paragraph url = %v, want %q", p["url"], want)
	}
	_, body = do(t, http.MethodGet, srv.URL+"/a/"+f.review.Slug+"/p/"+f.review.Blocks[1].ID, nil)
	if !strings.Contains(body, `<link rel="canonical" href="https://read.example.org/a/`+f.review.Slug+`">`) {
		t.Error("canonical link does not use the base URL")
	}
}
