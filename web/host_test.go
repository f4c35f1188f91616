package web

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// get sends a GET for path to the fixture's server with the Host header
// host.
func getWithHost(t *testing.T, f *fixture, host, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	if host == "" {
		req.Host = " " // the client fills in an empty Host; a blank one is no name either
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

// Without a base URL, links are made from the Host header, so only the
// names the room was told about are answered; with one, any Host is
// answered and never shows in a link.
func TestUnknownHostRefused(t *testing.T) {
	f := newFixture(t)
	f.srv, f.logs = serve(t, f.db, Config{AllowedHosts: []string{"read.example.org", "10.0.0.5:8080"}})
	path := "/a/" + f.review.Slug

	for host, want := range map[string]int{
		"evil.example":          400,
		"evil.example:80":       400,
		"read.example.org.evil": 400,
		"10.0.0.5:9999":         400, // that address, but on another port
		"":                      400,
		"localhost:evil":        400, // a port must be a port
		"localhost:0":           400,
		"localhost:08080":       400,
		"read.example.org":      200,
		"READ.example.org:443":  200,
		"10.0.0.5:8080":         200,
		"localhost:1234":        200,
		"127.0.0.1":             200,
		"[::1]:8080":            200,
	} {
		res, body := getWithHost(t, f, host, path)
		if res.StatusCode != want {
			t.Errorf("Host %q: status %d, want %d", host, res.StatusCode, want)
			continue
		}
		if want == 400 {
			if !strings.Contains(body, "does not answer to that name") || strings.Contains(body, "evil.example") {
				t.Errorf("Host %q: the refusal page does not explain, or shows the host:\n%s", host, body)
			}
			continue
		}
		doc, err := html.Parse(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		canon := find(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" })
		if len(canon) != 1 || !strings.HasPrefix(attr(canon[0], "href"), "http://"+host+"/") {
			t.Errorf("Host %q: canonical link %q", host, attr(canon[0], "href"))
		}
	}
	res, body := getWithHost(t, f, "evil.example", "/api/articles")
	wantStatus(t, res, 400)
	wantJSONError(t, res, body, "unknown_host")

	// With a base URL, the Host header is never used for links.
	f.srv, f.logs = serve(t, f.db, Config{BaseURL: "https://read.example.org"})
	res, body = getWithHost(t, f, "evil.example", path)
	wantStatus(t, res, 200)
	if strings.Contains(body, "evil.example") || !strings.Contains(body, `href="https://read.example.org/a/`) {
		t.Errorf("with a base URL, the page links elsewhere:\n%s", body)
	}
}
