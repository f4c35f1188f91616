package static

import (
	"bytes"
	"compress/gzip"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
)

func TestPathIsHashed(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app.css", "app.js", "favicon.svg", "card.png"} {
		p := a.Path(name)
		base, ext, _ := strings.Cut(name, ".")
		want := regexp.MustCompile(`^/static/` + base + `\.[0-9a-f]{8}\.` + ext + `$`)
		if !want.MatchString(p) {
			t.Errorf("Path(%q) = %q, want match %s", name, p, want)
		}
	}
	if got, want := a.Path("nope.css"), "/static/nope.css"; got != want {
		t.Errorf("Path(unknown) = %q, want %q", got, want)
	}
}

func TestHashFollowsContent(t *testing.T) {
	a1, err := newAssets(fstest.MapFS{"app.css": {Data: []byte("body{}")}})
	if err != nil {
		t.Fatal(err)
	}
	a2, err := newAssets(fstest.MapFS{"app.css": {Data: []byte("body{color:red}")}})
	if err != nil {
		t.Fatal(err)
	}
	if a1.Path("app.css") == a2.Path("app.css") {
		t.Errorf("different content, same path %q", a1.Path("app.css"))
	}
}

func TestHandler(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()

	tests := []struct {
		path       string
		status     int
		ctype      string
		bodyPrefix string
	}{
		{a.Path("app.css"), 200, "text/css; charset=utf-8", "/*"},
		{a.Path("favicon.svg"), 200, "image/svg+xml", "<svg"},
		{a.Path("app.js"), 200, "text/javascript; charset=utf-8", "// Reading Room"},
		{a.Path("card.png"), 200, "image/png", "\x89PNG"},
		{"/static/app.css", 404, "", ""},
		{"/static/app.00000000.css", 404, "", ""},
		{"/static/", 404, "", ""},
		{"/elsewhere" + a.Path("app.css"), 404, "", ""},
	}
	for _, tt := range tests {
		res, err := http.Get(srv.URL + tt.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tt.status {
			t.Errorf("GET %s: status %d, want %d", tt.path, res.StatusCode, tt.status)
			continue
		}
		if tt.status != 200 {
			if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
				t.Errorf("GET %s: 404 cached as %q", tt.path, cc)
			}
			continue
		}
		if got := res.Header.Get("Content-Type"); got != tt.ctype {
			t.Errorf("GET %s: Content-Type %q, want %q", tt.path, got, tt.ctype)
		}
		if got, want := res.Header.Get("Cache-Control"), "public, max-age=31536000, immutable"; got != want {
			t.Errorf("GET %s: Cache-Control %q, want %q", tt.path, got, want)
		}
		if !strings.HasPrefix(string(body), tt.bodyPrefix) {
			t.Errorf("GET %s: body starts %q, want prefix %q", tt.path, body[:min(len(body), 20)], tt.bodyPrefix)
		}
	}

	req, _ := http.NewRequest(http.MethodPost, srv.URL+a.Path("app.css"), nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", res.StatusCode)
	}
}

// The card is what link previews show: the size Open Graph consumers
// expect, 1200x630.
func TestCardSize(t *testing.T) {
	f, err := files.Open("card.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != CardWidth || cfg.Height != CardHeight || CardWidth != 1200 || CardHeight != 630 {
		t.Errorf("card.png is %dx%d, CardWidth x CardHeight %dx%d, want 1200x630", cfg.Width, cfg.Height, CardWidth, CardHeight)
	}
}

// Text files are sent compressed as the client accepts, from bytes
// compressed once; each coding has its own ETag, and a matching
// If-None-Match is a 304.
func TestHandlerCompresses(t *testing.T) {
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	h := a.Handler()
	css := a.Path("app.css")
	original, _ := files.ReadFile("app.css")
	etags := map[string]bool{}
	for _, tt := range []struct {
		accept, want string
	}{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip", "gzip"},
		{"br;q=0, gzip;q=0.5", "gzip"},
		{"identity", ""},
		{"", ""},
	} {
		req := httptest.NewRequest("GET", css, nil)
		if tt.accept != "" {
			req.Header.Set("Accept-Encoding", tt.accept)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		res := rec.Result()
		if got := res.Header.Get("Content-Encoding"); got != tt.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.want)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: no Vary: Accept-Encoding", tt.accept)
		}
		var body io.Reader = res.Body
		switch tt.want {
		case "br":
			body = brotli.NewReader(res.Body)
		case "gzip":
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			body = zr
		}
		got, err := io.ReadAll(body)
		if err != nil || string(got) != string(original) {
			t.Errorf("Accept-Encoding %q: body differs from app.css (%v)", tt.accept, err)
		}
		if tt.want != "" && rec.Body.Len() >= len(original) {
			t.Errorf("%s: %d bytes, not smaller than %d", tt.want, rec.Body.Len(), len(original))
		}
		etag := res.Header.Get("ETag")
		etags[etag] = true
		req.Header.Set("If-None-Match", etag)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified {
			t.Errorf("If-None-Match %s: status %d, want 304", etag, rec.Code)
		}
	}
	if len(etags) != 3 {
		t.Errorf("ETags %v, want one per coding", etags)
	}
	// Images are sent as they are.
	req := httptest.NewRequest("GET", a.Path("card.png"), nil)
	req.Header.Set("Accept-Encoding", "br, gzip")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if got := rec.Result().Header.Get("Content-Encoding"); got != "" {
		t.Errorf("card.png sent with Content-Encoding %q", got)
	}
}

// The page weight budget: the stylesheet and the script together stay
// under 30 KB as they are sent, compressed.
func TestWeightBudget(t *testing.T) {
	const budget = 30 << 10
	total := 0
	for _, name := range []string{"app.css", "app.js"} {
		data, err := files.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(data)
		zw.Close()
		t.Logf("%s: %d bytes, %d compressed", name, len(data), buf.Len())
		total += buf.Len()
	}
	if total > budget {
		t.Errorf("CSS and JavaScript are %d bytes compressed, over the %d-byte budget", total, budget)
	}
}
