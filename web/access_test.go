package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"golang.org/x/net/html"
)

// route is one method and pattern of the router.
type route struct{ method, pattern string }

// walkRoutes lists every route the router for cfg has, as chi.Walk finds
// them: a route added later is in every test below without anyone
// remembering to add it.
func walkRoutes(t *testing.T, rm *room) []route {
	t.Helper()
	cfg := rm.cfg
	cfg.DB = rm.db
	s, err := newServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var routes []route
	err = chi.Walk(s.routes(), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		pattern = strings.ReplaceAll(pattern, "/*/", "/")
		if pattern != "/" && strings.HasSuffix(pattern, "/") {
			// A subrouter's index ("/account/"): its canonical path has no
			// trailing slash, which only redirects to it.
			pattern = strings.TrimSuffix(pattern, "/")
		}
		routes = append(routes, route{method, pattern})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) < 10 {
		t.Fatalf("walked only %d routes", len(routes))
	}
	return routes
}

// changes reports whether a method may change state.
func changes(method string) bool {
	return method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete
}

// path fills in a route pattern's parameters with things that exist.
func (rm *room) fill(pattern string) string {
	rm.t.Helper()
	var sessionID, tokenID int64
	db := rm.raw()
	db.QueryRow(`SELECT max(id) FROM sessions`).Scan(&sessionID)
	db.QueryRow(`SELECT max(id) FROM api_tokens`).Scan(&tokenID)
	id := sessionID
	if strings.Contains(pattern, "/tokens/") {
		id = tokenID
	}
	p := pattern
	p = strings.ReplaceAll(p, "{slug}", rm.article.Slug)
	p = strings.ReplaceAll(p, "{pid}", rm.article.Blocks[1].ID)
	p = strings.ReplaceAll(p, "{id}", fmt.Sprint(id))
	p = strings.ReplaceAll(p, "{secret}", "not-a-secret")
	p = strings.TrimSuffix(p, "*") // /static/*: the folder itself
	if strings.ContainsAny(p, "{}*") {
		rm.t.Fatalf("route %s has a parameter the test does not fill in", pattern)
	}
	return p
}

// formFor is a form each state-changing route would accept.
func formFor(pattern string) url.Values {
	return url.Values{
		"name": {"Ada"}, "password": {adminPassword}, "confirm": {adminPassword},
		"current": {adminPassword}, "new": {"a brand new password"}, "label": {"walk"},
		"next": {"/"},
	}
}

func TestCrossOriginWalk(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	ada := rm.signIn("Ada", adminPassword)
	rm.call(ada, http.MethodPost, "/account/tokens", url.Values{"label": {"kept"}}, rm.sameOrigin())
	routes := walkRoutes(t, rm)

	var tried []string
	for _, rt := range routes {
		if !changes(rt.method) {
			continue
		}
		path := rm.fill(rt.pattern)
		tried = append(tried, rt.method+" "+rt.pattern)
		for _, h := range []map[string]string{
			{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
			{"Origin": "https://evil.example"}, // a browser too old for Sec-Fetch-Site
			{"Sec-Fetch-Site": "same-site", "Origin": "https://sub.example"},
		} {
			before := rm.snapshot()
			res, body := rm.call(ada, rt.method, path, formFor(rt.pattern), h)
			if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "That request was refused") {
				t.Errorf("%s %s with %v: %d, want 403 saying why", rt.method, path, h, res.StatusCode)
			}
			if rm.snapshot() != before {
				t.Errorf("%s %s cross-origin changed the database", rt.method, path)
			}
		}
	}
	for _, must := range []string{"POST /signin", "POST /signout", "POST /setup", "POST /account/password",
		"POST /account/tokens", "POST /a/{slug}/delete", "DELETE /api/articles/{slug}"} {
		if !slices.Contains(tried, must) {
			t.Errorf("the walk did not find %s", must)
		}
	}

	// From the room's own pages the same requests go through: a browser
	// sends Sec-Fetch-Site: same-origin with a form, script or no script.
	for _, rt := range routes {
		if !changes(rt.method) || strings.HasPrefix(rt.pattern, "/static/") {
			continue
		}
		c := rm.signIn("Ada", adminPassword)
		rm.call(c, http.MethodPost, "/account/tokens", url.Values{"label": {"walk"}}, rm.sameOrigin())
		path := rm.fill(rt.pattern)
		res, _ := rm.call(c, rt.method, path, formFor(rt.pattern), rm.sameOrigin())
		if res.StatusCode == http.StatusForbidden || res.StatusCode >= 500 {
			t.Errorf("same-origin %s %s: %d", rt.method, path, res.StatusCode)
		}
		if rt.pattern == "/a/{slug}/delete" || rt.pattern == "/api/articles/{slug}" {
			// Put the article back for the routes after.
			rm.article = review()
			rm.article.Title += fmt.Sprint(len(tried))
			save(t, rm.db, rm.article)
		}
	}
}

// A request with a bearer token is not cookie-borne: it may come from
// anywhere, and it is judged by its token alone.
func TestBearerBypassesOriginCheck(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	ada := rm.signIn("Ada", adminPassword)
	_, body := rm.call(ada, http.MethodPost, "/account/tokens", url.Values{"label": {"x"}}, rm.sameOrigin())
	token := attr(find(parse(t, body), byID("new-token"))[0], "value")
	cross := map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://tools.example"}

	// A bad token from another site: 401, and the cookie is not looked at.
	h := map[string]string{"Authorization": "Bearer rr_wrong"}
	for k, v := range cross {
		h[k] = v
	}
	if res, _ := rm.call(ada, http.MethodDelete, "/api/articles/"+rm.article.Slug, nil, h); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("bad bearer with an admin's cookie: %d, want 401", res.StatusCode)
	}
	// A reader's token: 403.
	rob := rm.signIn("Rob", readerPassword)
	_, body = rm.call(rob, http.MethodPost, "/account/tokens", url.Values{"label": {"x"}}, rm.sameOrigin())
	robToken := attr(find(parse(t, body), byID("new-token"))[0], "value")
	h["Authorization"] = "Bearer " + robToken
	if res, _ := rm.call(http.DefaultClient, http.MethodDelete, "/api/articles/"+rm.article.Slug, nil, h); res.StatusCode != http.StatusForbidden {
		t.Errorf("reader's bearer: %d, want 403", res.StatusCode)
	}
	// The admin's token, from another site: done.
	h["Authorization"] = "Bearer " + token
	if res, _ := rm.call(http.DefaultClient, http.MethodDelete, "/api/articles/"+rm.article.Slug, nil, h); res.StatusCode != http.StatusNoContent {
		t.Errorf("admin's bearer from another site: %d, want 204", res.StatusCode)
	}
	// But a bearer header does not open the pages to other sites.
	if res, _ := rm.call(ada, http.MethodPost, "/signout", url.Values{}, h); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site page POST with a bearer header: %d, want 403", res.StatusCode)
	}
}

func TestPrivateWalk(t *testing.T) {
	rm := newRoom(t, Config{Private: true}, true)
	open := func(pattern string) bool {
		// A list's feed is opened by the secret in its address, not a
		// session (TestListFeed).
		return pattern == "/signin" || pattern == "/signout" || pattern == "/setup" ||
			pattern == "/healthz" || pattern == "/robots.txt" || strings.HasPrefix(pattern, "/static/") || strings.HasPrefix(pattern, "/list/feed/")
	}
	before := rm.snapshot()
	var walked int
	for _, rt := range walkRoutes(t, rm) {
		if open(rt.pattern) || (rt.method != http.MethodGet && !changes(rt.method)) {
			continue
		}
		walked++
		path := rm.fill(rt.pattern)
		var form url.Values
		if changes(rt.method) {
			form = formFor(rt.pattern)
		}
		res, body := rm.call(rm.client(), rt.method, path, form, rm.sameOrigin())
		if strings.HasPrefix(rt.pattern, "/api/") {
			if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("signed out %s %s: %d, want 401 with WWW-Authenticate", rt.method, path, res.StatusCode)
			}
			if m := decode(t, body); m["error"] == nil {
				t.Errorf("signed out %s %s: no JSON error", rt.method, path)
			}
			continue
		}
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("signed out %s %s: %d to %q, want 303 to /signin", rt.method, path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	if walked < 8 {
		t.Errorf("walked %d closed routes; the walk found too few", walked)
	}
	if rm.snapshot() != before {
		t.Error("signed-out requests to a private room changed the database")
	}
	// What stays open.
	for path, want := range map[string]int{"/signin": 200, "/healthz": 200, "/setup": 404} {
		if res, _ := rm.call(rm.client(), http.MethodGet, path, nil, nil); res.StatusCode != want {
			t.Errorf("private room, signed out, GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	_, body := rm.call(rm.client(), http.MethodGet, "/signin", nil, nil)
	css := find(parse(t, body), func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "stylesheet" })
	if len(css) != 1 {
		t.Fatal("the sign-in page has no stylesheet")
	}
	if res, _ := rm.call(rm.client(), http.MethodGet, attr(css[0], "href"), nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("private room, signed out, stylesheet: %d", res.StatusCode)
	}

	// A paragraph's link comes back to the paragraph after signing in.
	pid := rm.article.Blocks[1].ID
	link := paragraphPath(rm.article.Slug, pid)
	res, _ := rm.call(rm.client(), http.MethodGet, link, nil, nil)
	loc, _ := url.Parse(res.Header.Get("Location"))
	next := loc.Query().Get("next")
	if next != link+"#p-"+pid {
		t.Fatalf("next = %q, want the paragraph with its fragment", next)
	}
	c := rm.client()
	res, _ = rm.call(c, http.MethodPost, "/signin", url.Values{"name": {"Rob"}, "password": {readerPassword}, "next": {next}}, rm.sameOrigin())
	if got := res.Header.Get("Location"); got != next {
		t.Errorf("after signing in: Location %q, want %q", got, next)
	}
	res, body = rm.call(c, http.MethodGet, link, nil, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, rm.article.Blocks[1].Text) {
		t.Errorf("signed in, the paragraph link: %d", res.StatusCode)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("a private room's page may be cached")
	}
	token := func() string {
		_, body := rm.call(c, http.MethodPost, "/account/tokens", url.Values{}, rm.sameOrigin())
		return attr(find(parse(t, body), byID("new-token"))[0], "value")
	}()
	if res, _ := rm.call(http.DefaultClient, http.MethodGet, "/api/articles", nil, map[string]string{"Authorization": "Bearer " + token}); res.StatusCode != http.StatusOK {
		t.Errorf("private room, API with a token: %d", res.StatusCode)
	}
}

func TestDeleteArticlePage(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	slug := rm.article.Slug
	pid := rm.article.Blocks[1].ID
	ada := rm.signIn("Ada", adminPassword)
	rob := rm.signIn("Rob", readerPassword)

	// Only an admin is offered the action.
	if _, body := rm.call(rob, http.MethodGet, articlePath(slug), nil, nil); strings.Contains(body, "/delete") {
		t.Error("a reader is offered Delete")
	}
	_, body := rm.call(ada, http.MethodGet, articlePath(slug), nil, nil)
	if !strings.Contains(body, `href="`+deletePath(slug)+`"`) {
		t.Fatal("an admin is not offered Delete")
	}
	res, body := rm.call(ada, http.MethodGet, deletePath(slug), nil, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `action="`+deletePath(slug)+`"`) {
		t.Fatalf("delete page: %d", res.StatusCode)
	}
	if rm.count("articles") != 1 {
		t.Fatal("looking at the delete page deleted the article")
	}
	res, _ = rm.call(ada, http.MethodPost, deletePath(slug), url.Values{}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", res.StatusCode)
	}
	for _, tc := range []struct {
		path   string
		status int
	}{
		{articlePath(slug), http.StatusGone},
		{paragraphPath(slug, pid), http.StatusGone},
		{paragraphPath(slug, "zzzzzz"), http.StatusNotFound},
		{"/api/articles/" + slug, http.StatusGone},
		{"/api/articles/" + slug + "/p/" + pid, http.StatusGone},
		{articlePath("never-was"), http.StatusNotFound},
	} {
		res, body := rm.call(rm.client(), http.MethodGet, tc.path, nil, nil)
		if res.StatusCode != tc.status {
			t.Errorf("GET %s after delete: %d, want %d", tc.path, res.StatusCode, tc.status)
		}
		if tc.status == http.StatusGone && !strings.Contains(body, "was deleted from this room") {
			t.Errorf("GET %s: the answer does not say the article was deleted", tc.path)
		}
	}
	// Importing it again gives it a new address.
	again := review()
	save(t, rm.db, again)
	if again.Slug == slug {
		t.Errorf("re-imported article took the deleted slug %q", slug)
	}
	if res, _ := rm.call(ada, http.MethodGet, articlePath(slug), nil, nil); res.StatusCode != http.StatusGone {
		t.Errorf("the old address after re-import: %d, want 410", res.StatusCode)
	}
}
