package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
)

// Passwords of the accounts the tests make.
const (
	adminPassword  = "admin password"
	readerPassword = "reader password"
)

// room is a server on a real SQLite file with two accounts, an admin
// (ada) and a reader (rob), and one article.
type room struct {
	t       *testing.T
	path    string
	db      *store.DB
	srv     *httptest.Server
	cfg     Config
	ada     *readingroom.User
	rob     *readingroom.User
	article *readingroom.Article
}

// newRoom starts a room; with accounts false, it has none.
func newRoom(t *testing.T, cfg Config, accounts bool) *room {
	t.Helper()
	path := filepath.Join(t.TempDir(), "room.db")
	db, err := store.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	rm := &room{t: t, path: path, db: db, cfg: cfg, article: review()}
	save(t, db, rm.article)
	if accounts {
		if rm.ada, err = db.CreateUser(t.Context(), "Ada", adminPassword, readingroom.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if rm.rob, err = db.CreateUser(t.Context(), "Rob", readerPassword, readingroom.RoleReader); err != nil {
			t.Fatal(err)
		}
	}
	rm.srv, _ = serve(t, db, cfg)
	return rm
}

// client is a browser-like client: it keeps cookies and does not follow
// redirects, so that tests see them.
func (rm *room) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// call sends a request with a form body (nil for none) and extra headers.
func (rm *room) call(c *http.Client, method, path string, form url.Values, header map[string]string) (*http.Response, string) {
	rm.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rm.srv.URL+path, body)
	if err != nil {
		rm.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		rm.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		rm.t.Fatal(err)
	}
	return res, string(b)
}

// sameOrigin is what a browser sends with a form posted from the room's
// own page.
func (rm *room) sameOrigin() map[string]string {
	return map[string]string{"Origin": rm.srv.URL, "Sec-Fetch-Site": "same-origin"}
}

// signIn signs name in on a new client and returns it.
func (rm *room) signIn(name, password string) *http.Client {
	rm.t.Helper()
	c := rm.client()
	res, body := rm.call(c, http.MethodPost, "/signin", url.Values{"name": {name}, "password": {password}}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther {
		rm.t.Fatalf("sign in as %s: status %d: %s", name, res.StatusCode, body)
	}
	return c
}

// raw opens the database file directly, to look at or age rows.
func (rm *room) raw() *sql.DB {
	rm.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+rm.path+"?_busy_timeout=5000")
	if err != nil {
		rm.t.Fatal(err)
	}
	rm.t.Cleanup(func() { db.Close() })
	return db
}

func (rm *room) count(table string) int {
	rm.t.Helper()
	var n int
	if err := rm.raw().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		rm.t.Fatal(err)
	}
	return n
}

// snapshot is every row of every ordinary table, as text: two equal
// snapshots mean nothing was written.
func (rm *room) snapshot() string {
	rm.t.Helper()
	db := rm.raw()
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'search_fts%' ORDER BY name`)
	if err != nil {
		rm.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var sb strings.Builder
	for _, table := range tables {
		rs, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			rm.t.Fatal(err)
		}
		cols, _ := rs.Columns()
		var lines []string
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rs.Scan(ptrs...)
			lines = append(lines, fmt.Sprint(vals...))
		}
		rs.Close()
		sort.Strings(lines)
		fmt.Fprintf(&sb, "%s\n%s\n", table, strings.Join(lines, "\n"))
	}
	return sb.String()
}

func sessionCookieOf(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			return c
		}
	}
	return nil
}

func TestSignIn(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	for _, tc := range []struct {
		name, user, password, next string
		status                     int
		location                   string
	}{
		{"right password", "Ada", adminPassword, "", http.StatusSeeOther, "/"},
		{"name in another case", "ADA", adminPassword, "", http.StatusSeeOther, "/"},
		{"back to a local page", "Ada", adminPassword, "/search?q=tweet", http.StatusSeeOther, "/search?q=tweet"},
		{"back to a paragraph", "Ada", adminPassword, "/a/x/p/abc#p-abc", http.StatusSeeOther, "/a/x/p/abc#p-abc"},
		{"next to another site", "Ada", adminPassword, "https://evil.example", http.StatusSeeOther, "/"},
		{"next scheme-relative", "Ada", adminPassword, "//evil.example/x", http.StatusSeeOther, "/"},
		{"next with a backslash", "Ada", adminPassword, "/\\evil.example", http.StatusSeeOther, "/"},
		{"next with a tab", "Ada", adminPassword, "/\t/evil.example", http.StatusSeeOther, "/"},
		{"next javascript", "Ada", adminPassword, "javascript:alert(1)", http.StatusSeeOther, "/"},
		{"wrong password", "Ada", "not the password", "", http.StatusUnprocessableEntity, ""},
		{"unknown user", "Nobody", adminPassword, "", http.StatusUnprocessableEntity, ""},
		{"empty form", "", "", "", http.StatusUnprocessableEntity, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := rm.client()
			form := url.Values{"name": {tc.user}, "password": {tc.password}, "next": {tc.next}}
			res, body := rm.call(c, http.MethodPost, "/signin", form, rm.sameOrigin())
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			cookie := sessionCookieOf(res)
			if tc.status != http.StatusSeeOther {
				if cookie != nil {
					t.Error("a failed sign-in set a session cookie")
				}
				// The same words for a wrong name and a wrong password.
				if !strings.Contains(body, "That name and password do not match an account.") {
					t.Errorf("failed sign-in page lacks the one message")
				}
				if !strings.Contains(body, `value="`+tc.user+`"`) {
					t.Errorf("the name typed is not kept in the form")
				}
				return
			}
			if got := res.Header.Get("Location"); got != tc.location {
				t.Errorf("Location %q, want %q", got, tc.location)
			}
			if cookie == nil {
				t.Fatal("no session cookie")
			}
			if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
				t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure over http", cookie)
			}
			if len(cookie.Value) != 43 {
				t.Errorf("cookie value %q: want 43 characters of base64url", cookie.Value)
			}
			// The cookie signs in: the header names the user.
			res, body = rm.call(c, http.MethodGet, "/", nil, nil)
			if !strings.Contains(body, `href="/account" title="Your account">Ada</a>`) || !strings.Contains(body, `action="/signout"`) {
				t.Error("signed-in page does not show the name and a sign-out form")
			}
			if res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("signed-in page Cache-Control %q, want no-store", res.Header.Get("Cache-Control"))
			}
		})
	}
}

func TestSignInPageNext(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	res, body := rm.call(rm.client(), http.MethodGet, "/signin?next=https://evil.example/", nil, nil)
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(body, `name="next" value="/"`) || strings.Contains(body, "evil.example") {
		t.Error("the sign-in form carries a next that leaves the site")
	}
	res, body = rm.call(rm.client(), http.MethodGet, "/signin?next=/search%3Fq%3Dx", nil, nil)
	if !strings.Contains(body, `name="next" value="/search?q=x"`) {
		t.Error("the sign-in form drops a local next")
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("the sign-in page may be cached")
	}
	// Anonymous pages are not no-store, and carry a sign-in link back.
	res, body = rm.call(rm.client(), http.MethodGet, "/search?q=tweet", nil, nil)
	if res.Header.Get("Cache-Control") == "no-store" {
		t.Error("an anonymous page is no-store")
	}
	if !strings.Contains(body, `href="/signin?next=%2Fsearch%3Fq%3Dtweet"`) {
		t.Error("the header's Sign in link does not come back to the page")
	}
	// Signed in, the sign-in page goes straight on.
	c := rm.signIn("Ada", adminPassword)
	res, _ = rm.call(c, http.MethodGet, "/signin?next=/search", nil, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/search" {
		t.Errorf("signed-in /signin: %d to %q, want 303 to /search", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestSecureCookie(t *testing.T) {
	rm := newRoom(t, Config{BaseURL: "https://read.example"}, true)
	res, _ := rm.call(rm.client(), http.MethodPost, "/signin",
		url.Values{"name": {"Ada"}, "password": {adminPassword}}, nil)
	if c := sessionCookieOf(res); c == nil || !c.Secure {
		t.Errorf("cookie %+v: want Secure when the base URL is https", c)
	}
}

func TestSignOut(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	c := rm.signIn("Ada", adminPassword)
	other := rm.signIn("Ada", adminPassword)
	if n := rm.count("sessions"); n != 2 {
		t.Fatalf("%d sessions, want 2", n)
	}
	res, _ := rm.call(c, http.MethodPost, "/signout", url.Values{}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.StatusCode)
	}
	if ck := sessionCookieOf(res); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("sign-out cookie %+v: want it cleared", ck)
	}
	if n := rm.count("sessions"); n != 1 {
		t.Errorf("%d sessions after signing out, want 1", n)
	}
	res, _ = rm.call(c, http.MethodGet, "/account", nil, nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("/account after signing out: %d, want a redirect to sign in", res.StatusCode)
	}
	if res, _ = rm.call(other, http.MethodGet, "/account", nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("the other session after signing out here: %d, want 200", res.StatusCode)
	}
	// Signing out by GET is not a thing: a link elsewhere cannot do it.
	if res, _ = rm.call(other, http.MethodGet, "/signout", nil, nil); res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "POST" {
		t.Errorf("GET /signout: %d, Allow %q; want 405, POST", res.StatusCode, res.Header.Get("Allow"))
	}
}

func TestExpiredSession(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	c := rm.signIn("Ada", adminPassword)
	if res, _ := rm.call(c, http.MethodGet, "/account", nil, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("/account: %d", res.StatusCode)
	}
	// In use a day later: the cookie's life is extended with the session's.
	day := time.Now().Add(-24 * time.Hour).UTC().Format("2006-01-02T15:04:05Z")
	if _, err := rm.raw().Exec(`UPDATE sessions SET last_seen_at = ?`, day); err != nil {
		t.Fatal(err)
	}
	res, _ := rm.call(c, http.MethodGet, "/account", nil, nil)
	if ck := sessionCookieOf(res); res.StatusCode != http.StatusOK || ck == nil || ck.MaxAge != int(store.SessionIdle/time.Second) {
		t.Errorf("a session used after a day: %d, cookie %+v; want 200 and the cookie renewed for 30 days", res.StatusCode, ck)
	}
	if res, _ = rm.call(c, http.MethodGet, "/account", nil, nil); sessionCookieOf(res) != nil {
		t.Error("the cookie is set again on every request")
	}
	old := time.Now().Add(-store.SessionIdle - time.Hour).UTC().Format("2006-01-02T15:04:05Z")
	if _, err := rm.raw().Exec(`UPDATE sessions SET last_seen_at = ?`, old); err != nil {
		t.Fatal(err)
	}
	res, _ = rm.call(c, http.MethodGet, "/account", nil, nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Errorf("/account with a session idle 30 days: %d to %q, want 303 to /signin", res.StatusCode, res.Header.Get("Location"))
	}
	if ck := sessionCookieOf(res); ck == nil || ck.MaxAge >= 0 {
		t.Error("the expired session's cookie was not cleared")
	}
	if n := rm.count("sessions"); n != 0 {
		t.Errorf("%d sessions left, want the expired one deleted", n)
	}
}

func TestRequireUserRedirect(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	res, _ := rm.call(rm.client(), http.MethodGet, "/account", nil, nil)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin?next=%2Faccount" {
		t.Errorf("/account signed out: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestSignInRateLimit(t *testing.T) {
	rm := newRoom(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, true)
	from := func(ip string) map[string]string {
		h := rm.sameOrigin()
		h["X-Forwarded-For"] = ip
		return h
	}
	attempt := func(ip, name, password string) *http.Response {
		res, _ := rm.call(rm.client(), http.MethodPost, "/signin", url.Values{"name": {name}, "password": {password}}, from(ip))
		return res
	}

	// Per account: ten failures from anywhere, and the eleventh try is
	// refused, right password or not, from any address.
	for i := range signinPerName {
		if res := attempt(fmt.Sprintf("198.51.100.%d", i+1), "ada", "wrong password"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("failure %d: status %d", i+1, res.StatusCode)
		}
	}
	res, body := rm.call(rm.client(), http.MethodPost, "/signin", url.Values{"name": {"ADA"}, "password": {adminPassword}}, from("198.51.100.200"))
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after %d failures for ada: status %d, want 429", signinPerName, res.StatusCode)
	}
	secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || secs < int(signinWindow/time.Second) {
		t.Errorf("Retry-After %q, want at least the window", res.Header.Get("Retry-After"))
	}
	if want := fmt.Sprintf("try again in %d minutes", (secs+59)/60); !strings.Contains(body, want) {
		t.Errorf("429 page does not say %q", want)
	}
	if sessionCookieOf(res) != nil {
		t.Error("a refused sign-in set a cookie")
	}
	// Another account is not held up.
	if res := attempt("198.51.100.1", "rob", readerPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("rob while ada is limited: %d, want 303", res.StatusCode)
	}

	// Per address: twenty failures, any names, and that address is paused
	// while another is not.
	for i := range signinPerIP {
		if res := attempt("203.0.113.7", fmt.Sprintf("guess%d", i), "wrong password"); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("address failure %d: status %d", i+1, res.StatusCode)
		}
	}
	if res := attempt("203.0.113.7", "rob", readerPassword); res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("after %d failures from one address: %d, want 429", signinPerIP, res.StatusCode)
	}
	if res := attempt("203.0.113.8", "rob", readerPassword); res.StatusCode != http.StatusSeeOther {
		t.Errorf("another address: %d, want 303", res.StatusCode)
	}
}

func TestSignInRateLimitIgnoresUntrustedForwarding(t *testing.T) {
	rm := newRoom(t, Config{}, true) // no trusted proxies
	for i := range signinPerIP {
		h := rm.sameOrigin()
		h["X-Forwarded-For"] = fmt.Sprintf("192.0.2.%d", i+1) // a new address each time, made up
		rm.call(rm.client(), http.MethodPost, "/signin", url.Values{"name": {fmt.Sprintf("g%d", i)}, "password": {"x"}}, h)
	}
	res, _ := rm.call(rm.client(), http.MethodPost, "/signin", url.Values{"name": {"Rob"}, "password": {readerPassword}}, rm.sameOrigin())
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("forged X-Forwarded-For got round the address limit: %d, want 429", res.StatusCode)
	}
}

func TestClientIP(t *testing.T) {
	s := &server{trustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}
	for _, tc := range []struct {
		remote, xff, want string
	}{
		{"192.0.2.1:5000", "", "192.0.2.1"},
		{"192.0.2.1:5000", "203.0.113.9", "192.0.2.1"}, // untrusted peer: header ignored
		{"10.1.2.3:5000", "203.0.113.9", "203.0.113.9"},
		{"10.1.2.3:5000", "1.1.1.1, 203.0.113.9, 10.9.9.9", "203.0.113.9"}, // rightmost untrusted
		{"10.1.2.3:5000", "garbage, 203.0.113.9", "203.0.113.9"},
		{"10.1.2.3:5000", "203.0.113.9, garbage", "10.1.2.3"},
		{"10.1.2.3:5000", "", "10.1.2.3"},
		{"[::1]:5000", "[2001:db8::1]:443", "2001:db8::1"},
		{"[::ffff:192.0.2.1]:5000", "", "192.0.2.1"},
	} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := s.clientIP(r).String(); got != tc.want {
			t.Errorf("clientIP(%s, XFF %q) = %s, want %s", tc.remote, tc.xff, got, tc.want)
		}
	}
}

func TestSetup(t *testing.T) {
	rm := newRoom(t, Config{}, false)
	_, body := rm.call(rm.client(), http.MethodGet, "/", nil, nil)
	if !strings.Contains(body, `href="/setup"`) {
		t.Fatal("a room with no account does not link to /setup from its home page")
	}
	if res, _ := rm.call(rm.client(), http.MethodGet, "/setup", nil, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("GET /setup from this machine: %d", res.StatusCode)
	}
	// Through a proxy the room does not trust, it is not from this machine.
	res, body := rm.call(rm.client(), http.MethodGet, "/setup", nil, map[string]string{"X-Forwarded-For": "203.0.113.9"})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "--setup-from-anywhere") {
		t.Errorf("GET /setup through a proxy: %d, want 403 saying why", res.StatusCode)
	}
	post := func(form url.Values, h map[string]string) (*http.Client, *http.Response, string) {
		c := rm.client()
		res, body := rm.call(c, http.MethodPost, "/setup", form, h)
		return c, res, body
	}
	form := url.Values{"name": {"Ada"}, "password": {adminPassword}, "confirm": {adminPassword}}
	proxied := rm.sameOrigin()
	proxied["X-Forwarded-For"] = "203.0.113.9"
	if _, res, _ := post(form, proxied); res.StatusCode != http.StatusForbidden {
		t.Errorf("POST /setup through a proxy: %d, want 403", res.StatusCode)
	}
	for _, bad := range []url.Values{
		{"name": {"Ada"}, "password": {adminPassword}, "confirm": {"something else"}},
		{"name": {"Ada"}, "password": {"short"}, "confirm": {"short"}},
		{"name": {""}, "password": {adminPassword}, "confirm": {adminPassword}},
	} {
		if _, res, body := post(bad, rm.sameOrigin()); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `class="problem"`) {
			t.Errorf("POST /setup %v: %d, want 422 with the problem", bad, res.StatusCode)
		}
	}
	if n := rm.count("users"); n != 0 {
		t.Fatalf("%d accounts after refused setups", n)
	}
	c, res, _ := post(form, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther || sessionCookieOf(res) == nil {
		t.Fatalf("POST /setup: %d, want 303 signed in", res.StatusCode)
	}
	u, err := rm.db.UserByName(t.Context(), "ada")
	if err != nil || u.Role != readingroom.RoleAdmin {
		t.Fatalf("first account %+v, %v: want an admin", u, err)
	}
	if _, body = rm.call(c, http.MethodGet, "/", nil, nil); strings.Contains(body, `href="/setup"`) || !strings.Contains(body, `href="/import"`) {
		t.Error("after setup the home page still offers /setup, or the admin has no Import link")
	}
	// Then /setup is gone, for everyone.
	if res, _ = rm.call(c, http.MethodGet, "/setup", nil, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /setup after the first account: %d, want 404", res.StatusCode)
	}
	second := url.Values{"name": {"Mallory"}, "password": {adminPassword}, "confirm": {adminPassword}}
	if _, res, _ = post(second, rm.sameOrigin()); res.StatusCode != http.StatusNotFound {
		t.Errorf("POST /setup after the first account: %d, want 404", res.StatusCode)
	}
	if n := rm.count("users"); n != 1 {
		t.Errorf("%d accounts, want 1", n)
	}
}

func TestSetupFromAnywhere(t *testing.T) {
	rm := newRoom(t, Config{SetupFromAnywhere: true}, false)
	res, _ := rm.call(rm.client(), http.MethodGet, "/setup", nil, map[string]string{"X-Forwarded-For": "203.0.113.9"})
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /setup through a proxy with --setup-from-anywhere: %d, want 200", res.StatusCode)
	}
}

func TestAPITokens(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	c := rm.signIn("Rob", readerPassword)
	res, body := rm.call(c, http.MethodPost, "/account/tokens", url.Values{"label": {"my script"}}, rm.sameOrigin())
	wantStatus(t, res, http.StatusOK)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("the page showing a new token may be cached")
	}
	doc := parse(t, body)
	inputs := find(doc, byID("new-token"))
	if len(inputs) != 1 {
		t.Fatal("the new token is not shown")
	}
	token := attr(inputs[0], "value")
	if !strings.HasPrefix(token, store.TokenPrefix) {
		t.Fatalf("token %q lacks the prefix", token)
	}
	// Shown once: the account page never shows it again.
	if _, body = rm.call(c, http.MethodGet, "/account", nil, nil); strings.Contains(body, token) || !strings.Contains(body, "my script") {
		t.Error("the account page shows the token again, or not its label")
	}

	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	for _, tc := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"no token on a public route", nil, http.StatusOK},
		{"good token", bearer(token), http.StatusOK},
		{"bad token", bearer("rr_nonsense"), http.StatusUnauthorized},
		{"token without prefix", bearer(strings.TrimPrefix(token, "rr_")), http.StatusUnauthorized},
		{"empty bearer", map[string]string{"Authorization": "Bearer "}, http.StatusUnauthorized},
	} {
		res, body := rm.call(http.DefaultClient, http.MethodGet, "/api/articles", nil, tc.header)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.status)
			continue
		}
		if tc.status == http.StatusUnauthorized {
			if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") || !strings.Contains(res.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Errorf("%s: WWW-Authenticate %q", tc.name, res.Header.Get("WWW-Authenticate"))
			}
			if m := decode(t, body); m["error"] == nil {
				t.Errorf("%s: body %s has no error", tc.name, body)
			}
		}
		if tc.name == "good token" && res.Header.Get("Cache-Control") != "no-store" {
			t.Error("an answer to a token may be cached")
		}
	}
	var lastUsed sql.NullString
	rm.raw().QueryRow(`SELECT last_used_at FROM api_tokens`).Scan(&lastUsed)
	if !lastUsed.Valid {
		t.Error("using the token did not record when")
	}

	// Revoked: 401.
	var id int64
	rm.raw().QueryRow(`SELECT id FROM api_tokens`).Scan(&id)
	res, _ = rm.call(c, http.MethodPost, fmt.Sprintf("/account/tokens/%d/revoke", id), url.Values{}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if res, _ = rm.call(http.DefaultClient, http.MethodGet, "/api/articles", nil, bearer(token)); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", res.StatusCode)
	}
}

func TestAccountIsolation(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	ada := rm.signIn("Ada", adminPassword)
	rob := rm.signIn("Rob", readerPassword)
	rm.call(ada, http.MethodPost, "/account/tokens", url.Values{"label": {"ada's"}}, rm.sameOrigin())
	var sessionID, tokenID int64
	db := rm.raw()
	db.QueryRow(`SELECT id FROM sessions WHERE user_id = ?`, rm.ada.ID).Scan(&sessionID)
	db.QueryRow(`SELECT id FROM api_tokens WHERE user_id = ?`, rm.ada.ID).Scan(&tokenID)
	before := rm.snapshot()
	for _, path := range []string{
		fmt.Sprintf("/account/sessions/%d/end", sessionID),
		fmt.Sprintf("/account/tokens/%d/revoke", tokenID),
		"/account/sessions/0/end",
		"/account/tokens/nonsense/revoke",
	} {
		if res, _ := rm.call(rob, http.MethodPost, path, url.Values{}, rm.sameOrigin()); res.StatusCode != http.StatusNotFound {
			t.Errorf("rob POST %s: %d, want 404", path, res.StatusCode)
		}
	}
	if rm.snapshot() != before {
		t.Error("rob changed ada's sessions or tokens")
	}
	if _, body := rm.call(rob, http.MethodGet, "/account", nil, nil); strings.Contains(body, "ada's") {
		t.Error("rob's account page shows ada's token")
	}
}

func TestAccountSessions(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	here := rm.signIn("Ada", adminPassword)
	there := rm.signIn("Ada", adminPassword)
	res, body := rm.call(here, http.MethodGet, "/account", nil, nil)
	wantStatus(t, res, http.StatusOK)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("/account may be cached")
	}
	rows := find(parse(t, body), byID("sessions"))
	if len(rows) != 1 || len(find(rows[0], byTag("li"))) != 2 || !strings.Contains(text(rows[0]), "this browser") {
		t.Fatal("/account does not list both sessions, marking this one")
	}
	// End the other session.
	var otherID int64
	rm.raw().QueryRow(`SELECT max(id) FROM sessions`).Scan(&otherID)
	res, _ = rm.call(here, http.MethodPost, fmt.Sprintf("/account/sessions/%d/end", otherID), url.Values{}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end session: %d", res.StatusCode)
	}
	if res, _ = rm.call(there, http.MethodGet, "/account", nil, nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("an ended session still opens /account: %d", res.StatusCode)
	}
	// Ending this one signs out.
	var hereID int64
	rm.raw().QueryRow(`SELECT id FROM sessions`).Scan(&hereID)
	res, _ = rm.call(here, http.MethodPost, fmt.Sprintf("/account/sessions/%d/end", hereID), url.Values{}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin" {
		t.Errorf("ending this session: %d to %q, want 303 to /signin", res.StatusCode, res.Header.Get("Location"))
	}
	if n := rm.count("sessions"); n != 0 {
		t.Errorf("%d sessions left", n)
	}
}

func TestChangePassword(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	here := rm.signIn("Rob", readerPassword)
	there := rm.signIn("Rob", readerPassword)
	change := func(current, next, confirm string) (*http.Response, string) {
		return rm.call(here, http.MethodPost, "/account/password",
			url.Values{"current": {current}, "new": {next}, "confirm": {confirm}}, rm.sameOrigin())
	}
	for _, tc := range []struct {
		name, current, next, confirm, problem string
	}{
		{"wrong current", "not it at all", "a new password", "a new password", "Your current password was not right."},
		{"not the same twice", readerPassword, "a new password", "another password", "The two new passwords are not the same."},
		{"too short", readerPassword, "short", "short", "A password needs at least 8 characters."},
	} {
		res, body := change(tc.current, tc.next, tc.confirm)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.problem) {
			t.Errorf("%s: %d, want 422 saying %q", tc.name, res.StatusCode, tc.problem)
		}
	}
	if res, _ := rm.call(there, http.MethodGet, "/account", nil, nil); res.StatusCode != http.StatusOK {
		t.Fatal("a refused change ended the other session")
	}
	res, _ := change(readerPassword, "a new password", "a new password")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account?done=password" {
		t.Fatalf("change: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, body := rm.call(here, http.MethodGet, "/account?done=password", nil, nil); res.StatusCode != http.StatusOK || !strings.Contains(body, "Your password was changed") {
		t.Error("this session was ended by its own password change, or the page does not say it changed")
	}
	if res, _ := rm.call(there, http.MethodGet, "/account", nil, nil); res.StatusCode != http.StatusSeeOther {
		t.Error("another session survived the password change")
	}
	if _, err := rm.db.Authenticate(context.Background(), "rob", "a new password"); err != nil {
		t.Errorf("the new password does not sign in: %v", err)
	}
}

func TestRequireAdmin(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	slug := rm.article.Slug
	rob := rm.signIn("Rob", readerPassword)
	ada := rm.signIn("Ada", adminPassword)
	for _, path := range []string{"/a/" + slug + "/delete"} {
		before := rm.snapshot()
		res, body := rm.call(rob, http.MethodPost, path, url.Values{}, rm.sameOrigin())
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Only an administrator can do that") {
			t.Errorf("reader POST %s: %d, want 403 with a reason", path, res.StatusCode)
		}
		if res, _ = rm.call(rm.client(), http.MethodPost, path, url.Values{}, rm.sameOrigin()); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous POST %s: %d, want 303 to sign in", path, res.StatusCode)
		}
		if rm.snapshot() != before {
			t.Errorf("a refused POST %s changed the database", path)
		}
		if res, _ = rm.call(ada, http.MethodGet, path, nil, nil); res.StatusCode != http.StatusOK {
			t.Errorf("admin GET %s: %d, want 200", path, res.StatusCode)
		}
	}
}
