package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// send sends a request with a raw body (nil for none) as c, with the
// headers a same-origin script sends, plus extra ones.
func (rm *room) send(c *http.Client, method, path string, body io.Reader, header map[string]string) (*http.Response, string) {
	rm.t.Helper()
	req, err := http.NewRequest(method, rm.srv.URL+path, body)
	if err != nil {
		rm.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range rm.sameOrigin() {
		req.Header.Set(k, v)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		rm.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		rm.t.Fatal(err)
	}
	return res, string(b)
}

// sendJSON sends v, marshalled (or as it is, if it is a string).
func (rm *room) sendJSON(c *http.Client, method, path string, v any) (*http.Response, string) {
	rm.t.Helper()
	var body io.Reader
	switch v := v.(type) {
	case nil:
	case string:
		body = strings.NewReader(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			rm.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	return rm.send(c, method, path, body, nil)
}

// bearer is a client that sends token and no cookies.
type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	r.Header.Del("Sec-Fetch-Site")
	r.Header.Set("Origin", "https://a-script.example")
	return http.DefaultTransport.RoundTrip(r)
}

func (rm *room) tokenClient(c *http.Client) *http.Client {
	return &http.Client{Transport: bearer{rm.tokenFor(c)}}
}

func wantStatusBody(t *testing.T, what string, res *http.Response, body string, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Fatalf("%s: status %d, want %d: %s", what, res.StatusCode, want, body)
	}
}

func TestListAPI(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	rob := rm.tokenClient(rm.signIn("Rob", readerPassword))
	a := rm.article
	slug := a.Slug

	res, body := rm.sendJSON(rob, http.MethodPost, "/api/list", m{"article": slug, "tags": []string{"Politics"}})
	wantStatusBody(t, "save article", res, body, http.StatusCreated)
	art := decode(t, body)
	if art["kind"] != "article" || art["anchor"] != "exact" || art["quote"] != nil || art["paragraph_id"] != nil ||
		art["url"] != rm.srv.URL+"/a/"+slug || art["state"] != "unread" || res.Header.Get("Location") != fmt.Sprint("/api/list/", art["id"]) {
		t.Errorf("article item: %s", body)
	}
	if ar := art["article"].(map[string]any); ar["slug"] != slug || ar["title"] != a.Title || ar["missing"] != false {
		t.Errorf("article: %v", ar)
	}
	res, body = rm.sendJSON(rob, http.MethodPost, "/api/list", m{"article": slug})
	wantStatusBody(t, "save article again", res, body, http.StatusOK)
	if decode(t, body)["id"] != art["id"] {
		t.Error("saving again made another item")
	}

	// A whole paragraph, and words within one.
	p := a.Blocks[3]
	res, body = rm.sendJSON(rob, http.MethodPost, "/api/list", m{"article": slug, "paragraph": p.ID, "note": "line one\nline two"})
	wantStatusBody(t, "save paragraph", res, body, http.StatusCreated)
	para := decode(t, body)
	if q := para["quote"].(map[string]any); q["exact"] != p.Text || para["paragraph_id"] != p.ID || para["note"] != "line one\nline two" {
		t.Errorf("paragraph item: %s", body)
	}
	res, body = rm.sendJSON(rob, http.MethodPost, "/api/list", m{"article": slug, "paragraph": p.ID,
		"quote": m{"exact": "election day", "prefix": "Every day is ", "suffix": " in this"}, "state": "read"})
	wantStatusBody(t, "save words", res, body, http.StatusCreated)
	words := decode(t, body)
	wantURL := rm.srv.URL + paragraphPath(slug, p.ID) + "#:~:text=Every%20day%20is-,election%20day,-in%20this%20White"
	if words["url"] != wantURL || words["state"] != "read" {
		t.Errorf("words: url %v, want %s", words["url"], wantURL)
	}
	if pos := words["position"].(map[string]any); pos["end"].(float64)-pos["start"].(float64) != float64(len("election day")) {
		t.Errorf("position %v", pos)
	}

	// The list, with filters.
	list := func(query string) []any {
		t.Helper()
		res, body := rm.sendJSON(rob, http.MethodGet, "/api/list"+query, nil)
		wantStatusBody(t, "list "+query, res, body, http.StatusOK)
		v := decode(t, body)
		if v["page"] == nil || v["per_page"] == nil || v["total"] == nil {
			t.Errorf("list %s: %s", query, body)
		}
		return v["items"].([]any)
	}
	if items := list(""); len(items) != 3 || items[0].(map[string]any)["id"] != words["id"] {
		t.Errorf("whole list: %d items, newest first?", len(items))
	}
	for q, want := range map[string]int{
		"?kind=passage": 2, "?kind=article": 1, "?state=read": 1, "?tag=politics": 1,
		"?article=" + slug: 3, "?article=nope": 0, "?q=" + url.QueryEscape("\"line two\""): 1, "?q=election": 2, "?q=" + url.QueryEscape("election -line"): 1, "?page=2": 0,
	} {
		if got := len(list(q)); got != want {
			t.Errorf("list%s: %d items, want %d", q, got, want)
		}
	}
	for _, q := range []string{"?state=lost", "?kind=book", "?page=0", "?page=x"} {
		res, body := rm.sendJSON(rob, http.MethodGet, "/api/list"+q, nil)
		wantStatusBody(t, "list"+q, res, body, http.StatusBadRequest)
	}

	// One item: read, changed, deleted.
	path := fmt.Sprint("/api/list/", para["id"])
	res, body = rm.sendJSON(rob, http.MethodGet, path, nil)
	wantStatusBody(t, "get", res, body, http.StatusOK)
	if decode(t, body)["note"] != "line one\nline two" {
		t.Errorf("get: %s", body)
	}
	res, body = rm.sendJSON(rob, http.MethodPatch, path, m{"note": "<b>not bold</b>", "tags": []string{"a", "B"}, "state": "archived"})
	wantStatusBody(t, "patch", res, body, http.StatusOK)
	if v := decode(t, body); v["note"] != "<b>not bold</b>" || v["state"] != "archived" || fmt.Sprint(v["tags"]) != "[a B]" {
		t.Errorf("patch: %s", body)
	}
	res, body = rm.sendJSON(rob, http.MethodPatch, path, m{"state": "read"})
	wantStatusBody(t, "patch state only", res, body, http.StatusOK)
	if v := decode(t, body); v["note"] != "<b>not bold</b>" || v["state"] != "read" {
		t.Errorf("patching the state changed more: %s", body)
	}
	before := decode(t, body)
	for _, patch := range []string{`{}`, `{"note": null, "tags": null, "state": null}`} {
		res, body = rm.sendJSON(rob, http.MethodPatch, path, patch)
		wantStatusBody(t, "patch "+patch, res, body, http.StatusOK)
		if v := decode(t, body); fmt.Sprint(v) != fmt.Sprint(before) {
			t.Errorf("patch %s changed the item:\n got %v\nwant %v", patch, v, before)
		}
	}
	res, body = rm.sendJSON(rob, http.MethodDelete, path, nil)
	wantStatusBody(t, "delete", res, body, http.StatusNoContent)
	res, body = rm.sendJSON(rob, http.MethodGet, path, nil)
	wantStatusBody(t, "get deleted", res, body, http.StatusNotFound)

	// Position: the last paragraph marks the saved article read.
	res, body = rm.sendJSON(rob, http.MethodPut, "/api/articles/"+slug+"/position", m{"paragraph": a.Blocks[1].ID})
	wantStatusBody(t, "position", res, body, http.StatusNoContent)
	last := a.Blocks[len(a.Blocks)-1].ID
	rm.sendJSON(rob, http.MethodPut, "/api/articles/"+slug+"/position", m{"paragraph": last})
	_, body = rm.sendJSON(rob, http.MethodGet, fmt.Sprint("/api/list/", art["id"]), nil)
	if decode(t, body)["state"] != "read" {
		t.Errorf("the article is not read after its last paragraph: %s", body)
	}
	res, body = rm.sendJSON(rob, http.MethodPut, "/api/articles/"+slug+"/position", m{"paragraph": "aaaaaaaa"})
	wantStatusBody(t, "position, unknown paragraph", res, body, http.StatusUnprocessableEntity)
	res, body = rm.sendJSON(rob, http.MethodPut, "/api/articles/nope/position", m{"paragraph": last})
	wantStatusBody(t, "position, unknown article", res, body, http.StatusNotFound)

	// Nobody signed in.
	res, body = rm.sendJSON(rm.client(), http.MethodGet, "/api/list", nil)
	wantStatusBody(t, "signed out", res, body, http.StatusUnauthorized)
	res, body = rm.sendJSON(rm.client(), http.MethodPut, "/api/articles/"+slug+"/position", m{"paragraph": last})
	wantStatusBody(t, "signed out, position", res, body, http.StatusUnauthorized)
}

// TestListAPIBadInput sends what a careless or hostile script might:
// every answer is a 4xx that says what was wrong, and nothing changes.
func TestListAPIBadInput(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	c := rm.signIn("Rob", readerPassword)
	slug := rm.article.Slug
	res, body := rm.sendJSON(c, http.MethodPost, "/api/list", m{"article": slug, "paragraph": rm.article.Blocks[1].ID})
	wantStatusBody(t, "setup", res, body, http.StatusCreated)
	item := fmt.Sprint("/api/list/", decode(t, body)["id"])
	big := strings.Repeat("x", 100_000)
	for _, tc := range []struct {
		what, method, path string
		body               any
		status             int
		field              string // the field the answer names; "" for none
		says               string // words the message holds
	}{
		{"malformed JSON", "POST", "/api/list", `{"article": "x"`, 400, "", "JSON"},
		{"not JSON", "POST", "/api/list", `article=x`, 400, "", "JSON"},
		{"empty body", "POST", "/api/list", ``, 400, "", "empty"},
		{"an array", "POST", "/api/list", `[1, 2]`, 400, "", "object"},
		{"two objects", "POST", "/api/list", `{"article": "` + slug + `"} {}`, 400, "", "one JSON object"},
		{"wrong type", "POST", "/api/list", `{"article": 12}`, 400, "article", "string"},
		{"wrong type inside", "POST", "/api/list", `{"article": "` + slug + `", "quote": {"exact": ["x"]}}`, 400, "quote.exact", "string"},
		{"tags not a list", "POST", "/api/list", `{"article": "` + slug + `", "tags": "a,b"}`, 400, "tags", "array"},
		{"unknown field", "POST", "/api/list", `{"article": "` + slug + `", "colour": "red"}`, 400, "colour", "colour"},
		{"no article", "POST", "/api/list", m{"note": "x"}, 422, "article", "article"},
		{"unknown article", "POST", "/api/list", m{"article": "no-such"}, 422, "article", "no-such"},
		{"unknown paragraph", "POST", "/api/list", m{"article": slug, "paragraph": "zzzzzzzz"}, 422, "paragraph", "zzzzzzzz"},
		{"words not there", "POST", "/api/list", m{"article": slug, "quote": m{"exact": "not in the article"}}, 422, "quote.exact", "not in the article"},
		{"empty quote", "POST", "/api/list", m{"article": slug, "quote": m{"exact": ""}}, 422, "quote.exact", "empty"},
		{"100,000-character quote", "POST", "/api/list", m{"article": slug, "quote": m{"exact": big}}, 422, "quote.exact", "100,000"},
		{"long prefix", "POST", "/api/list", m{"article": slug, "quote": m{"exact": "tweet", "prefix": strings.Repeat("p", 40)}}, 422, "quote.prefix", "32"},
		{"long note", "POST", "/api/list", m{"article": slug, "note": strings.Repeat("n", 10_001)}, 422, "note", "10,000"},
		{"21 tags", "POST", "/api/list", m{"article": slug, "tags": strings.Split("a b c d e f g h i j k l m n o p q r s t u", " ")}, 422, "tags", "20"},
		{"long tag", "POST", "/api/list", m{"article": slug, "tags": []string{strings.Repeat("t", 51)}}, 422, "tags", "50"},
		{"bad state", "POST", "/api/list", m{"article": slug, "state": "lost"}, 422, "state", "unread"},
		{"patch, unknown field", "PATCH", item, `{"notes": "x"}`, 400, "notes", "notes"},
		{"patch, wrong type", "PATCH", item, `{"state": 3}`, 400, "state", "string"},
		{"patch, long note", "PATCH", item, m{"note": big}, 422, "note", "10,000"},
		{"patch, bad state", "PATCH", item, m{"state": ""}, 422, "state", "unread"},
		{"patch, malformed", "PATCH", item, `{`, 400, "", "JSON"},
		{"position, unknown field", "PUT", "/api/articles/" + slug + "/position", `{"para": "x"}`, 400, "para", "para"},
		{"position, wrong type", "PUT", "/api/articles/" + slug + "/position", `{"paragraph": 1}`, 400, "paragraph", "string"},
		{"item id not a number", "GET", "/api/list/abc", nil, 404, "", "no such item"},
	} {
		t.Run(tc.what, func(t *testing.T) {
			before := rm.snapshot()
			res, body := rm.sendJSON(c, tc.method, tc.path, tc.body)
			wantStatusBody(t, tc.what, res, body, tc.status)
			e, _ := decode(t, body)["error"].(map[string]any)
			if msg, _ := e["message"].(string); !strings.Contains(strings.ToLower(msg), strings.ToLower(tc.says)) {
				t.Errorf("message %q does not say %q", msg, tc.says)
			}
			if got, _ := e["field"].(string); got != tc.field {
				t.Errorf("field %q, want %q", got, tc.field)
			}
			if goErrorText.MatchString(body) {
				t.Errorf("the answer shows a Go error: %s", body)
			}
			if rm.snapshot() != before {
				t.Error("the database changed")
			}
		})
	}

	// A body of 10 MB is refused before it is read.
	t.Run("10 MB body", func(t *testing.T) {
		before := rm.snapshot()
		huge := `{"article": "` + slug + `", "note": "` + strings.Repeat("x", 10<<20) + `"}`
		res, body := rm.send(c, http.MethodPost, "/api/list", strings.NewReader(huge), nil)
		wantStatusBody(t, "10 MB", res, body, http.StatusRequestEntityTooLarge)
		if !strings.Contains(body, "KiB") {
			t.Errorf("the answer does not say the limit: %s", body)
		}
		if rm.snapshot() != before {
			t.Error("the database changed")
		}
	})
}

// TestListIsolation makes items as Ada and tries every way Rob might
// reach them, by session and by token, guessing ids: each answer is the
// 404 a missing item gets, word for word.
func TestListIsolation(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	ada := rm.signIn("Ada", adminPassword)
	slug := rm.article.Slug
	var adaItems []string
	for _, body := range []m{
		{"article": slug, "note": "ada's secret note"},
		{"article": slug, "paragraph": rm.article.Blocks[1].ID, "tags": []string{"adatag"}},
	} {
		res, b := rm.sendJSON(ada, http.MethodPost, "/api/list", body)
		wantStatusBody(t, "ada saves", res, b, http.StatusCreated)
		adaItems = append(adaItems, fmt.Sprint(decode(t, b)["id"]))
	}
	robSession := rm.signIn("Rob", readerPassword)
	robToken := rm.tokenClient(robSession)
	missing := "987654"

	for name, rob := range map[string]*http.Client{"session": robSession, "token": robToken} {
		_, want404 := rm.sendJSON(rob, http.MethodGet, "/api/list/"+missing, nil)
		before := rm.snapshot()
		for _, id := range append(adaItems, missing) {
			for _, tc := range []struct {
				method string
				body   any
			}{
				{http.MethodGet, nil},
				{http.MethodPatch, m{"note": "rob was here"}},
				{http.MethodDelete, nil},
			} {
				res, body := rm.sendJSON(rob, tc.method, "/api/list/"+id, tc.body)
				if res.StatusCode != http.StatusNotFound || body != want404 {
					t.Errorf("%s: %s item %s: %d %s, want the missing item's 404", name, tc.method, id, res.StatusCode, body)
				}
			}
		}
		if rm.snapshot() != before {
			t.Errorf("%s: Rob changed the database", name)
		}
		_, body := rm.sendJSON(rob, http.MethodGet, "/api/list", nil)
		if v := decode(t, body); v["total"].(float64) != 0 {
			t.Errorf("%s: Rob's list: %s", name, body)
		}
		for _, q := range []string{"?q=secret", "?tag=adatag", "?article=" + slug} {
			if _, body := rm.sendJSON(rob, http.MethodGet, "/api/list"+q, nil); strings.Contains(body, "ada") {
				t.Errorf("%s: Rob's list%s shows Ada's items", name, q)
			}
		}
	}
}
