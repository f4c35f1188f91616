package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
)

// FuzzUpload feeds any body, under any content type, to the reader of
// uploads: it reads the files or refuses with a clear reason, and never
// hands on a name that could mislead a report.
func FuzzUpload(f *testing.F) {
	ct, buf := multipartBody(f, uploadFile{"a.txt", "A title\n\nSome text.\n"}, uploadFile{"../b\x1b.md", "# B\n\nMore.\n"})
	body := buf.Bytes()
	f.Add(ct, body)
	f.Add(ct, []byte{})
	f.Add("multipart/form-data", body)
	f.Add("text/plain", []byte("hello"))
	boundary := strings.TrimPrefix(ct, "multipart/form-data; boundary=")
	f.Add(ct, []byte("--"+boundary+"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\n\r\n\r\n--"+boundary+"--\r\n"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, importPath, bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		files, err := readUploads(httptest.NewRecorder(), req)
		if err != nil {
			if code := readingroom.ErrorCode(err); code != readingroom.EINVALID && code != readingroom.ETOOLARGE || readingroom.ErrorMessage(err) == "" {
				t.Fatalf("error %v is not a clear refusal", err)
			}
			return
		}
		if len(files) == 0 || len(files) > maxImportFiles {
			t.Fatalf("%d files", len(files))
		}
		for _, u := range files {
			if u.name == "" || !utf8.ValidString(u.name) || strings.ContainsAny(u.name, "/\\") || strings.IndexFunc(u.name, unicode.IsControl) >= 0 {
				t.Fatalf("upload name %q", u.name)
			}
		}
	})
}

// FuzzRequests sends any request a client could send, signed in as an
// admin or not, to the whole room: whatever it is, the answer is never a
// server error, nor shows a Go error.
func FuzzRequests(f *testing.F) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(f.TempDir(), "room.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	a := review()
	if _, _, err := db.SaveArticle(ctx, a, "test.txt"); err != nil {
		f.Fatal(err)
	}
	admin, err := db.CreateUser(ctx, "Ada", "admin password", readingroom.RoleAdmin)
	if err != nil {
		f.Fatal(err)
	}
	session, err := db.CreateSession(ctx, admin.ID, "fuzz", "127.0.0.1")
	if err != nil {
		f.Fatal(err)
	}
	h, err := New(Config{DB: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}

	form := "application/x-www-form-urlencoded"
	ct, upload := multipartBody(f, uploadFile{"a.txt", "A title\n\nSome text.\n"})
	for _, seed := range []struct {
		method, target, contentType string
		body                        string
		admin                       bool
	}{
		{"GET", "/", "", "", false},
		{"GET", "/?page=%ZZ", "", "", false},
		{"GET", "/search?q=campaign+-tweet+year:2017&page=2", "", "", false},
		{"GET", "/a/" + a.Slug + "?page=1", "", "", false},
		{"GET", "/a/" + a.Slug + "/p/" + a.Blocks[1].ID, "", "", false},
		{"GET", "/a/" + a.Slug + "/p/" + a.Blocks[1].ID + "/card.png", "", "", false},
		{"GET", "/api/articles?page=1&per_page=2", "", "", false},
		{"GET", "/api/search?q=%22the+campaign%22", "", "", false},
		{"GET", "/api/articles/" + a.Slug + "/p/xxxxxxxx", "", "", false},
		{"POST", "/signin", form, "name=Ada&password=wrong&next=%2Fa%2Fx", false},
		{"POST", "/setup", form, "name=Bob&password=longenough&password2=longenough", false},
		{"POST", "/account/password", form, "current=admin+password&password=new+password&password2=new+password", true},
		{"POST", "/account/tokens", form, "label=backup", true},
		{"POST", "/account/sessions/1/end", form, "", true},
		{"POST", "/account/tokens/99/revoke", form, "", true},
		{"POST", "/a/" + a.Slug + "/delete", form, "confirm=yes", true},
		{"POST", "/import", ct, upload.String(), true},
		{"POST", "/api/import", ct, upload.String(), true},
		{"DELETE", "/api/articles/no-such", "", "", true},
		// The reading list: forms, JSON bodies, the import of annotations.
		{"POST", "/list", form, "article=" + a.Slug + "&paragraph=" + a.Blocks[1].ID + "&note=n&tags=a,b", true},
		{"POST", "/list/1", form, "note=changed&state=read", true},
		{"POST", "/list/1/delete", form, "", true},
		{"GET", "/list?tag=a&state=unread&page=1", "", "", true},
		{"GET", "/list/export.json", "", "", true},
		{"POST", "/a/" + a.Slug + "/position", form, "paragraph=" + a.Blocks[1].ID, true},
		{"POST", "/api/list", "application/json", `{"article":"` + a.Slug + `","paragraph":"` + a.Blocks[1].ID + `","quote":{"exact":"a tweet","prefix":"with ","suffix":"."},"note":"n","tags":["x"],"state":"unread"}`, true},
		{"PATCH", "/api/list/1", "application/json", `{"note":null,"tags":["y"],"state":"read"}`, true},
		{"PUT", "/api/articles/" + a.Slug + "/position", "application/json", `{"paragraph":"` + a.Blocks[1].ID + `"}`, true},
		{"POST", "/api/list/import", "application/json", annotationSeed(a.Slug), true},
	} {
		f.Add(seed.method, seed.target, seed.contentType, []byte(seed.body), seed.admin)
	}
	f.Fuzz(func(t *testing.T, method, target, contentType string, body []byte, asAdmin bool) {
		req, err := http.NewRequest(method, "http://localhost"+target, bytes.NewReader(body))
		if err != nil || !strings.HasPrefix(target, "/") {
			return // not a request a client can send
		}
		req.RemoteAddr = "192.0.2.1:1234"
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if asAdmin {
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q: status %d\n%s", method, target, rec.Code, rec.Body.String())
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "image/") && goErrorText.MatchString(rec.Body.String()) {
			t.Fatalf("%s %q: Go error text in the answer:\n%s", method, target, rec.Body.String())
		}
	})
}

// FuzzHostRule reads any --allowed-hosts entry and any Host header: a
// rule that reads allows the host it names.
func FuzzHostRule(f *testing.F) {
	for _, s := range []string{"read.example.org", "read.example.org:8080", "[::1]:80", "192.0.2.7", "READ.Example.org.", "[fe80::1%eth0]:1", "a:b:c", ":80", "host:"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, rule, host string) {
		s := &server{}
		if r, err := parseHostRule(rule); err == nil {
			s.hosts = []hostRule{r}
			if r.host == "" {
				t.Fatalf("rule %q read with no host", rule)
			}
			if !s.hostAllowed(strings.TrimSpace(rule)) {
				t.Fatalf("rule %q does not allow the host it names", rule)
			}
		}
		s.hostAllowed(host)
	})
}

// annotationSeed is one Web Annotation as /api/list/export.json writes
// it, on the article at slug.
func annotationSeed(slug string) string {
	return `{"@context":"http://www.w3.org/ns/anno.jsonld","type":"AnnotationCollection","first":{"type":"AnnotationPage","items":[` +
		`{"type":"Annotation","motivation":"highlighting","created":"2024-01-02T03:04:05Z","body":[{"type":"TextualBody","value":"a note","purpose":"commenting"},{"type":"TextualBody","value":"tag","purpose":"tagging"}],` +
		`"target":{"source":"http://localhost/a/` + slug + `","selector":[{"type":"TextQuoteSelector","exact":"a tweet","prefix":"with ","suffix":"."},{"type":"TextPositionSelector","start":10,"end":17}]}}]}}`
}

// FuzzListImport reads any body as a list to import (Web Annotations, in
// any of the shapes the model allows): a clear refusal, or items each
// taken or refused with the reason.
func FuzzListImport(f *testing.F) {
	f.Add([]byte(annotationSeed("some-article")))
	f.Add([]byte(`[{"type":"Annotation","target":"http://x/a/b","bodyValue":"n"}]`))
	f.Add([]byte(`{"type":"Annotation","body":{"type":"TextualBody","value":"v"},"target":{"source":"x","selector":{"type":"TextPositionSelector","start":-1,"end":9e99}}}`))
	f.Add([]byte(`{"first":{"items":null}}`))
	f.Add([]byte(`[1,"x",null,{}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		anns, err := readAnnotations(body)
		if err != nil {
			if readingroom.ErrorCode(err) == readingroom.EINTERNAL || readingroom.ErrorMessage(err) == "" {
				t.Fatalf("error %v is not a clear refusal", err)
			}
			return
		}
		for _, a := range anns {
			if _, err := importedItem(a); err != nil && (readingroom.ErrorCode(err) == readingroom.EINTERNAL || readingroom.ErrorMessage(err) == "") {
				t.Fatalf("item error %v is not a clear refusal", err)
			}
		}
	})
}
