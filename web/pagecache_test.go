package web

import (
	"compress/gzip"
	"html"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/readingroom/readingroom"
)

// get sends a GET with headers and returns the response and its body as
// sent (not decompressed).
func getRaw(t *testing.T, c *http.Client, url string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func decompress(t *testing.T, enc string, body []byte) string {
	t.Helper()
	var r io.Reader = strings.NewReader(string(body))
	switch enc {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// An article page is sent to anonymous readers the same each time,
// compressed as they accept, with an ETag and Last-Modified that answer
// 304; a new version of the article is a new page.
func TestArticlePageCache(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	c := rm.client()
	path := articlePath(rm.article.Slug)

	res, plain := getRaw(t, c, rm.srv.URL+path, map[string]string{"Accept-Encoding": "identity"})
	wantStatus(t, res, 200)
	etag, modified := res.Header.Get("ETag"), res.Header.Get("Last-Modified")
	if etag == "" || modified == "" || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("ETag %q, Last-Modified %q, Cache-Control %q", etag, modified, res.Header.Get("Cache-Control"))
	}
	if !strings.Contains(string(plain), html.EscapeString(rm.article.Title)) {
		t.Fatal("the page lacks the article's title")
	}
	// From the cache: the same bytes.
	identity := map[string]string{"Accept-Encoding": "identity"}
	res, again := getRaw(t, c, rm.srv.URL+path, identity)
	if string(again) != string(plain) || res.Header.Get("ETag") != etag {
		t.Error("a second request got another page")
	}
	for _, enc := range []string{"br", "gzip"} {
		res, body := getRaw(t, c, rm.srv.URL+path, map[string]string{"Accept-Encoding": enc})
		if got := res.Header.Get("Content-Encoding"); got != enc {
			t.Errorf("Accept-Encoding %s: Content-Encoding %q", enc, got)
		}
		if vary := strings.Join(res.Header.Values("Vary"), ", "); !strings.Contains(vary, "Accept-Encoding") || !strings.Contains(vary, "Cookie") {
			t.Errorf("%s: Vary %q", enc, vary)
		}
		if len(body) >= len(plain) || decompress(t, enc, body) != string(plain) {
			t.Errorf("%s: %d bytes that do not decompress to the page", enc, len(body))
		}
		if res.Header.Get("ETag") == etag {
			t.Errorf("%s: the same ETag as the uncompressed page", enc)
		}
		res, _ = getRaw(t, c, rm.srv.URL+path, map[string]string{"Accept-Encoding": enc, "If-None-Match": res.Header.Get("ETag")})
		wantStatus(t, res, http.StatusNotModified)
	}
	res, _ = getRaw(t, c, rm.srv.URL+path, map[string]string{"Accept-Encoding": "identity", "If-None-Match": etag})
	wantStatus(t, res, http.StatusNotModified)
	res, _ = getRaw(t, c, rm.srv.URL+path, map[string]string{"Accept-Encoding": "identity", "If-Modified-Since": modified})
	wantStatus(t, res, http.StatusNotModified)

	// A paragraph's permalink is a page of its own.
	pid := rm.article.Blocks[0].ID
	res, para := getRaw(t, c, rm.srv.URL+paragraphPath(rm.article.Slug, pid), identity)
	wantStatus(t, res, 200)
	if string(para) == string(plain) || res.Header.Get("ETag") == etag {
		t.Error("the paragraph's page is the article's")
	}

	// An edited article is rendered again.
	edited := review()
	edited.Blocks[0].Text += " A sentence added since."
	save(t, rm.db, edited)
	res, body := getRaw(t, c, rm.srv.URL+path, map[string]string{"Accept-Encoding": "identity", "If-None-Match": etag})
	wantStatus(t, res, 200)
	if !strings.Contains(string(body), "A sentence added since.") || res.Header.Get("ETag") == etag {
		t.Error("the page did not follow the edit")
	}
}

// A signed-in reader's page is theirs: it shows their name, is not kept,
// and no one else is sent it.
func TestArticlePageCacheIsNotShared(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	path := articlePath(rm.article.Slug)
	anon := rm.client()
	getRaw(t, anon, rm.srv.URL+path, nil) // fills the cache

	rob := rm.signIn("Rob", readerPassword)
	res, body := rm.call(rob, http.MethodGet, path, nil, nil)
	wantStatus(t, res, 200)
	if !strings.Contains(body, "Rob") {
		t.Error("a signed-in reader got the anonymous page")
	}
	if res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("personal page: ETag %q, Cache-Control %q", res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
	}
	_, body = rm.call(anon, http.MethodGet, path, nil, nil)
	if strings.Contains(body, "Rob") {
		t.Error("an anonymous reader got a signed-in reader's page")
	}
}

// Other pages are compressed as they are made.
func TestPagesCompressed(t *testing.T) {
	rm := newRoom(t, Config{}, false)
	for _, path := range []string{"/", "/search?q=" + readingroom.Slugify(rm.article.Title), "/search/help"} {
		res, body := getRaw(t, rm.client(), rm.srv.URL+path, map[string]string{"Accept-Encoding": "gzip, br"})
		wantStatus(t, res, 200)
		if res.Header.Get("Content-Encoding") != "br" || !strings.Contains(decompress(t, "br", body), "</html>") {
			t.Errorf("%s: Content-Encoding %q", path, res.Header.Get("Content-Encoding"))
		}
	}
}
