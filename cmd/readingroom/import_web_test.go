package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/web"
)

// The same files give the same report, and the same refusals, whether
// imported with readingroom import or uploaded to POST /api/import.
func TestWebImportMatchesCommand(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.txt":     "Show Hide image\n\nThe quiet room\n\nBy Jane Marlow\n\nLibraries are quiet rooms open to all.\n\nShow Hide image\n\nShelves at night\n\nThey settle and creak until the morning.\n",
		"b.md":      "---\ntitle: Lamps in the dome\n---\n\nThe lamps were fitted in 1902.\n",
		"c.txt":     "Lamps in the dome\n\nThe lamps were fitted in 1902.\n", // the same article as b.md
		"empty.txt": "",
		"page.html": "<!DOCTYPE html><html><body><p>hello</p></body></html>",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	out, code := runCmd(t, "import", "--db", filepath.Join(t.TempDir(), "cli.db"), dir)
	if code != 1 {
		t.Fatalf("readingroom import: exit %d, want 1 (a file was rejected)\n%s", code, out)
	}
	summary, _, _ := strings.Cut(out, "\n")

	db := openDB(t, filepath.Join(t.TempDir(), "web.db"))
	ctx := t.Context()
	admin, err := db.CreateUser(ctx, "ada", "admin password", readingroom.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := db.CreateToken(ctx, admin.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// In the order the command reads them: a folder's files by name.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, name := range []string{"a.txt", "b.md", "c.txt", "empty.txt", "page.html"} {
		w, _ := mw.CreateFormFile("file", name)
		w.Write([]byte(files[name]))
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("POST /api/import: %d, want 422", res.StatusCode)
	}
	var rep struct {
		New, Updated, Unchanged, Duplicates, Rejected int
		Files                                         []struct{ Name, Status, Reason string }
	}
	if err := json.NewDecoder(res.Body).Decode(&rep); err != nil {
		t.Fatal(err)
	}
	webSummary := "Read " + strconv.Itoa(len(rep.Files)) + " files: " + strconv.Itoa(rep.New) + " new, " + strconv.Itoa(rep.Updated) + " updated, " +
		strconv.Itoa(rep.Unchanged) + " unchanged, " + strconv.Itoa(rep.Duplicates) + " duplicate skipped, " + strconv.Itoa(rep.Rejected) + " files rejected."
	if webSummary != summary {
		t.Errorf("the web's counts read as\n  %s\nthe command's:\n  %s", webSummary, summary)
	}
	for _, f := range rep.Files {
		if f.Status != "rejected" {
			continue
		}
		want := "rejected " + strconv.Quote(filepath.Join(dir, f.Name)) + ": " + f.Reason
		if !strings.Contains(out, want) {
			t.Errorf("the web rejected %s because %q; the command said:\n%s", f.Name, f.Reason, out)
		}
	}
	if rep.Rejected != 2 {
		t.Errorf("%d files rejected, want 2", rep.Rejected)
	}
}
