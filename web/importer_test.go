package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Two dumps: one with two articles, one with one, and a file that is not
// an article.
const (
	dumpTwo = `Show Hide image

The quiet room

By Jane Marlow

Libraries are the last public rooms where nobody asks you to buy anything.

They are warm, they are quiet, and they are open to everyone.

Show Hide image

Shelves at night

A short piece about what the shelves do after closing time.

They settle, creak and wait for the morning readers to return.
`
	dumpOne = `Lamps in the dome

By Tom Reed

The green-shaded lamps were fitted in 1902 and are still in use.

Ask at the desk and someone will show you the store of spare bulbs.
`
)

type uploadFile struct{ name, body string }

// multipartBody builds a form with one "file" part per file.
func multipartBody(t testing.TB, files ...uploadFile) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range files {
		w, err := mw.CreateFormFile("file", f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(f.body))
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

// upload posts files to path with a client and extra headers.
func (rm *room) upload(c *http.Client, path string, header map[string]string, files ...uploadFile) (*http.Response, string) {
	rm.t.Helper()
	ct, body := multipartBody(rm.t, files...)
	req, err := http.NewRequest(http.MethodPost, rm.srv.URL+path, body)
	if err != nil {
		rm.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		rm.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return res, out.String()
}

// tokenFor makes an API token for a signed-in client.
func (rm *room) tokenFor(c *http.Client) string {
	rm.t.Helper()
	_, body := rm.call(c, http.MethodPost, "/account/tokens", url.Values{"label": {"test"}}, rm.sameOrigin())
	inputs := find(parse(rm.t, body), byID("new-token"))
	if len(inputs) != 1 {
		rm.t.Fatal("no token made")
	}
	return attr(inputs[0], "value")
}

func TestImportPage(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	ada := rm.signIn("Ada", adminPassword)
	res, body := rm.call(ada, http.MethodGet, "/import", nil, nil)
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, `multiple`) {
		t.Fatal("the import page has no multi-file form")
	}
	before := rm.count("articles")
	res, body = rm.upload(ada, "/import", rm.sameOrigin(),
		uploadFile{"two.txt", dumpTwo}, uploadFile{"one.txt", dumpOne}, uploadFile{"empty.txt", ""})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("upload with a rejected file: %d, want 422", res.StatusCode)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("the import report may be cached")
	}
	doc := parse(t, body)
	summary := find(doc, hasClass("import-summary"))
	if len(summary) != 1 || text(summary[0]) != "Read 3 files: 3 new, 0 updated, 0 unchanged, 0 duplicates skipped, 1 file rejected." {
		t.Fatalf("summary %q", text(summary[0]))
	}
	files := find(doc, hasClass("import-file"))
	if len(files) != 3 {
		t.Fatalf("%d files in the report, want 3", len(files))
	}
	if !strings.Contains(text(files[2]), "empty.txt") || !strings.Contains(text(files[2]), "Rejected:") {
		t.Errorf("the empty file's entry: %q", text(files[2]))
	}
	links := find(files[0], byTag("a"))
	if len(links) != 2 || text(links[0]) != "The quiet room" {
		t.Fatalf("links in the first file's entry: %d", len(links))
	}
	if got := rm.count("articles"); got != before+3 {
		t.Errorf("%d articles after the upload, want %d", got, before+3)
	}
	// The report links to the articles, which open.
	if res, body := rm.call(ada, http.MethodGet, attr(links[0], "href"), nil, nil); res.StatusCode != http.StatusOK || !strings.Contains(body, "nobody asks you to buy") {
		t.Errorf("imported article: %d", res.StatusCode)
	}
	// Again: nothing changes, and the report says so.
	res, body = rm.upload(ada, "/import", rm.sameOrigin(), uploadFile{"two.txt", dumpTwo}, uploadFile{"one.txt", dumpOne})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Read 2 files: 0 new, 0 updated, 3 unchanged, 0 duplicates skipped, 0 files rejected.") {
		t.Errorf("second upload: %d, %q", res.StatusCode, text(find(parse(t, body), hasClass("import-summary"))[0]))
	}
	// The same article twice in one upload is saved once.
	_, body = rm.upload(ada, "/import", rm.sameOrigin(), uploadFile{"a/one.txt", dumpOne}, uploadFile{`C:\dumps\copy.txt`, dumpOne})
	if !strings.Contains(body, "1 duplicate skipped") || !strings.Contains(body, "copy.txt") || strings.Contains(body, `C:\dumps`) {
		t.Errorf("duplicate upload report: %q", text(find(parse(t, body), hasClass("import-summary"))[0]))
	}
	// No file chosen: said plainly.
	res, body = rm.upload(ada, "/import", rm.sameOrigin(), uploadFile{"", ""})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose one or more files") {
		t.Errorf("upload with no file: %d", res.StatusCode)
	}
}

func TestImportRefused(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	rob := rm.signIn("Rob", readerPassword)
	before := rm.snapshot()
	res, body := rm.upload(rob, "/import", rm.sameOrigin(), uploadFile{"one.txt", dumpOne})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Only an administrator") {
		t.Errorf("a reader posting to /import: %d, want 403", res.StatusCode)
	}
	if res, _ := rm.call(rob, http.MethodGet, "/import", nil, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a reader opening /import: %d, want 403", res.StatusCode)
	}
	if res, _ := rm.upload(rm.client(), "/import", rm.sameOrigin(), uploadFile{"one.txt", dumpOne}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out posting to /import: %d, want 303 to sign in", res.StatusCode)
	}
	if rm.snapshot() != before {
		t.Error("a reader's refused upload changed the database")
	}
	robToken := rm.tokenFor(rob)
	articles := rm.count("articles")
	res, _ = rm.upload(http.DefaultClient, "/api/import", map[string]string{"Authorization": "Bearer " + robToken}, uploadFile{"one.txt", dumpOne})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a reader's token on /api/import: %d, want 403", res.StatusCode)
	}
	if res, _ = rm.upload(http.DefaultClient, "/api/import", nil, uploadFile{"one.txt", dumpOne}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token on /api/import: %d, want 401", res.StatusCode)
	}
	// Cross-site, with an admin's cookie: refused.
	if got := rm.count("articles"); got != articles { // a token's last use is recorded, so not the snapshot
		t.Errorf("uploads refused for their token left %d articles, want %d", got, articles)
	}
	ada := rm.signIn("Ada", adminPassword)
	before = rm.snapshot()
	res, _ = rm.upload(ada, "/import", map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, uploadFile{"one.txt", dumpOne})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site upload: %d, want 403", res.StatusCode)
	}
	if rm.snapshot() != before {
		t.Error("a refused upload changed the database")
	}
}

func TestAPIImport(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	token := rm.tokenFor(rm.signIn("Ada", adminPassword))
	auth := map[string]string{"Authorization": "Bearer " + token}

	res, body := rm.upload(http.DefaultClient, "/api/import", auth, uploadFile{"two.txt", dumpTwo}, uploadFile{"one.txt", dumpOne})
	wantStatus(t, res, http.StatusOK)
	got := decode(t, body)
	for k, want := range map[string]float64{"new": 3, "updated": 0, "unchanged": 0, "duplicates": 0, "rejected": 0} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	files := got["files"].([]any)
	first := files[0].(map[string]any)
	if first["name"] != "two.txt" || first["status"] != "imported" || len(first["articles"].([]any)) != 2 {
		t.Errorf("first file %v", first)
	}
	slug := first["articles"].([]any)[0].(string)
	if res, _ := rm.call(http.DefaultClient, http.MethodGet, "/api/articles/"+slug, nil, nil); res.StatusCode != http.StatusOK {
		t.Errorf("imported slug %q: %d", slug, res.StatusCode)
	}

	// A rejected file: 422 with the same body; the readable one imported.
	res, body = rm.upload(http.DefaultClient, "/api/import", auth,
		uploadFile{"page.html", "<!DOCTYPE html><html><body>hi</body></html>"}, uploadFile{"one.txt", dumpOne + "\nA new closing paragraph.\n"})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("with a rejected file: %d, want 422", res.StatusCode)
	}
	got = decode(t, body)
	if got["rejected"] != 1.0 || got["updated"] != 1.0 {
		t.Errorf("rejected %v, updated %v; want 1, 1", got["rejected"], got["updated"])
	}
	bad := got["files"].([]any)[0].(map[string]any)
	if bad["status"] != "rejected" || bad["reason"] == "" || len(bad["articles"].([]any)) != 0 {
		t.Errorf("rejected file %v", bad)
	}

	// Limits: more files than allowed, or more bytes, are 413 and import
	// nothing.
	before := rm.count("articles")
	var many []uploadFile
	for i := range maxImportFiles + 1 {
		many = append(many, uploadFile{fmt.Sprintf("f%d.txt", i), fmt.Sprintf("Title %d\n\nText of file %d, long enough to be a paragraph.\n", i, i)})
	}
	res, body = rm.upload(http.DefaultClient, "/api/import", auth, many...)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "at most 200") {
		t.Errorf("%d files: %d %s, want 413", len(many), res.StatusCode, body)
	}
	huge := strings.Repeat("All work and no play makes a long paragraph. ", (maxImportBytes/45)+100)
	res, body = rm.upload(http.DefaultClient, "/api/import", auth, uploadFile{"one.txt", dumpOne + "\n" + "Huge\n\n" + huge})
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "32 MiB") {
		t.Errorf("over 32 MiB: %d %s, want 413", res.StatusCode, body)
	}
	if got := rm.count("articles"); got != before {
		t.Errorf("%d articles after refused uploads, want %d", got, before)
	}

	// Not multipart, or no files: 400.
	for _, tc := range []struct {
		ct, body string
	}{
		{"application/json", `{"file": "x"}`},
		{"multipart/form-data; boundary=x", "--x--\r\n"},
	} {
		req, _ := http.NewRequest(http.MethodPost, rm.srv.URL+"/api/import", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.ct)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("POST /api/import %s: %d, want 400", tc.ct, res.StatusCode)
		}
	}
}

func TestUploadName(t *testing.T) {
	for in, want := range map[string]string{
		"a.txt":              "a.txt",
		"dumps/2017/a.txt":   "a.txt",
		`C:\Users\me\a.txt`:  "a.txt",
		"a\x00b\n.txt":       "ab.txt",
		"/":                  "unnamed file",
		"..":                 "..",
		"bad\xffname.txt":    "bad\uFFFDname.txt",
		"<script>.txt":       "<script>.txt", // escaped where shown
		"dir/../../etc/pass": "pass",
	} {
		if got := uploadName(in); got != want {
			t.Errorf("uploadName(%q) = %q, want %q", in, got, want)
		}
	}
}
