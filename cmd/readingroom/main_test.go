package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
	"github.com/readingroom/readingroom/dump/dumptest"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/web"
)

func noenv(string) string { return "" }

// runCmd runs the program and returns its output and exit status.
func runCmd(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, noenv, strings.NewReader(""), &out, &errOut)
	code := 0
	var exit exitError
	switch {
	case errors.As(err, &exit):
		code = exit.code
	case err != nil:
		t.Fatalf("run %v: %v\nstderr: %s", args, err, errOut.String())
	}
	return out.String() + errOut.String(), code
}

func openDB(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func titles(t *testing.T, db *store.DB) []string {
	t.Helper()
	list, _, err := db.ListArticles(context.Background(), 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range list {
		out = append(out, a.Title)
	}
	return out
}

// TestImportSeeds is the acceptance test: ../shared/seeds gives exactly
// four clean articles, and importing it again changes nothing.
func TestImportSeeds(t *testing.T) {
	dumptest.RequireSeeds(t)
	seeds := dumptest.SeedsDir()
	dbPath := filepath.Join(t.TempDir(), "room.db")
	out, code := runCmd(t, "import", "--db", dbPath, seeds)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	if !strings.Contains(out, "Read 3 files: 4 new, 0 updated, 0 unchanged, 1 duplicate skipped, 0 files rejected.") {
		t.Errorf("summary:\n%s", out)
	}
	db := openDB(t, dbPath)
	want := []string{
		"Losing Momentum: how Jeremy Corbyn’s support group ran out of steam",
		"Spies like us",
		// Undated articles come last, by title.
		"More on Ralph Miliband: A KGB Connection?",
		"William Boyd on Kim Philby: how did a privileged young Englishman become a national traitor?",
	}
	if got := titles(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("library:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ctx := context.Background()
	m, err := db.Article(ctx, "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam")
	if err != nil {
		t.Fatal(err)
	}
	var sections []string
	for _, b := range m.Blocks {
		if b.Kind == readingroom.KindHeading {
			sections = append(sections, b.Text)
		}
		if strings.Contains(b.Text, "Show Hide image") || strings.Contains(b.Text, "first appeared") || strings.Contains(b.Text, "GETTY IMAGES") {
			t.Errorf("block %q", b.Text)
		}
	}
	if got := strings.Join(sections, ", "); got != "The Bus, The Conference, The HQ, The Fallout" {
		t.Errorf("sections %q", got)
	}
	if got := m.Published.Format(time.DateOnly); got != "2017-03-23" {
		t.Errorf("published %s", got)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}

	before := snapshot(t, db)
	out, code = runCmd(t, "import", "--db", dbPath, seeds)
	if code != 0 || !strings.Contains(out, "0 new, 0 updated, 4 unchanged, 1 duplicate skipped, 0 files rejected") {
		t.Errorf("re-import exit %d:\n%s", code, out)
	}
	if after := snapshot(t, db); after != before {
		t.Error("re-importing the same files changed the stored articles")
	}
}

// snapshot renders every stored article, ids included.
func snapshot(t *testing.T, db *store.DB) string {
	t.Helper()
	list, _, err := db.ListArticles(context.Background(), 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, s := range list {
		a, err := db.Article(context.Background(), s.Slug)
		if err != nil {
			t.Fatal(err)
		}
		sb.WriteString(a.Slug + "\n")
		for _, b := range a.Blocks {
			sb.WriteString(b.ID + " " + string(b.Kind) + " " + b.Text + "\n")
		}
	}
	return sb.String()
}

func TestImportReportsRejectedFiles(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "room.db")
	out, code := runCmd(t, "import", "--db", dbPath, "../../dump/testdata/dumps", "../../dump/testdata/rejected", filepath.Join(dir, "missing.txt"))
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{
		"Read 17 files: 6 new, 0 updated, 0 unchanged, 1 duplicate skipped, 12 files rejected.",
		"rejected \"../../dump/testdata/rejected/image.png\": the file is a PNG image, not a text dump",
		"rejected \"../../dump/testdata/rejected/empty.txt\": the file is empty",
		"missing.txt\": no such file or folder",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Everything readable was imported all the same.
	if got := len(titles(t, openDB(t, dbPath))); got != 6 {
		t.Errorf("%d articles, want 6", got)
	}
}

// An edited file updates its article in place.
func TestImportUpdatesInPlace(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "room.db")
	file := filepath.Join(dir, "a.txt")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("A title\n\nStandfirst.\n\nFirst paragraph.\n\nSecond paragraph.\n")
	runCmd(t, "import", "--db", dbPath, file)
	db := openDB(t, dbPath)
	before, err := db.Article(context.Background(), "a-title")
	if err != nil {
		t.Fatal(err)
	}
	write("A title\n\nStandfirst.\n\nFirst paragraph.\n\nA new paragraph.\n\nSecond paragraph.\n")
	out, code := runCmd(t, "import", "--db", dbPath, file)
	if code != 0 || !strings.Contains(out, "0 new, 1 updated") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	after, err := db.Article(context.Background(), "a-title")
	if err != nil {
		t.Fatal(err)
	}
	if got := titles(t, db); len(got) != 1 {
		t.Fatalf("%d articles after re-import, want 1", len(got))
	}
	if len(after.Blocks) != 3 || after.Blocks[0].ID != before.Blocks[0].ID || after.Blocks[2].ID != before.Blocks[1].ID {
		t.Errorf("ids before %v after %v", before.Blocks, after.Blocks)
	}
}

// Into a room that holds articles, an import reads its files for their
// titles before it saves any: an article under a new title whose text is a
// stored article's is not taken for that article retitled when the stored
// title comes later in the same import. (Into an empty room, where no
// stored article can be taken for anything, that first reading is left
// out: store.ImportRun.NeedsExpect.)
func TestImportKnowsItsTitlesAhead(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "room.db")
	body := "The lighthouse keeper wrote in the log every night of the long winter.\n\n" +
		"Ships passed to the north, their lamps low on the water, and none stopped.\n\n" +
		"In March the supply boat came at last, with letters and oil for the lamp.\n"
	write := func(name, title string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(title+"\n\nA standfirst.\n\n"+body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	old := write("old.txt", "The keeper's winter")
	if out, code := runCmd(t, "import", "--db", dbPath, old); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	db := openDB(t, dbPath)
	before, err := db.Article(context.Background(), "the-keepers-winter")
	if err != nil {
		t.Fatal(err)
	}
	batch := filepath.Join(dir, "batch")
	if err := os.Mkdir(batch, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(write("1.txt", "A winter at the light"), filepath.Join(batch, "1.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(write("2.txt", "The keeper's winter"), filepath.Join(batch, "2.txt")); err != nil {
		t.Fatal(err)
	}
	out, code := runCmd(t, "import", "--db", dbPath, batch)
	if code != 0 || !strings.Contains(out, "1 new, 0 updated, 1 unchanged") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	after, err := db.Article(context.Background(), "the-keepers-winter")
	if err != nil || after.Title != "The keeper's winter" || after.Blocks[0].ID != before.Blocks[0].ID {
		t.Errorf("the stored article after the import: %+v, %v", after, err)
	}
	if got := titles(t, db); len(got) != 2 {
		t.Errorf("articles %q, want the stored one and the new one", got)
	}
}

func TestUsage(t *testing.T) {
	out, code := runCmd(t, "nonsense")
	if code != 2 || !strings.Contains(out, "unknown command") || !strings.Contains(out, "readingroom import") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if out, code := runCmd(t, "import"); code != 2 || !strings.Contains(out, "Usage: readingroom import") {
		t.Errorf("import without paths: exit %d:\n%s", code, out)
	}
	// Help for the program lists its commands, however it is asked for,
	// and not the flags of serve, the default command.
	for _, arg := range []string{"help", "-h", "-help", "--help"} {
		out, code := runCmd(t, arg)
		if code != 0 || !strings.Contains(out, "READINGROOM_DB") || !strings.Contains(out, "Commands:") || strings.Contains(out, "-addr string") {
			t.Errorf("%s: exit %d:\n%s", arg, code, out)
		}
		if strings.Contains(out, "empty room empty") {
			t.Errorf("%s: the help says %q", arg, "start an empty room empty")
		}
	}
}

func TestDefaultLibrary(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "room.db"))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	if err := loadDefaultLibrary(ctx, db, log); err != nil {
		t.Fatal(err)
	}
	entries, _ := library.ReadDir("library")
	got := titles(t, db)
	if len(got) != len(entries) || len(got) < 3 {
		t.Fatalf("built-in library gave %d articles from %d files: %q", len(got), len(entries), got)
	}
	// Each built-in file is one clean article.
	for _, e := range entries {
		data, _ := library.ReadFile("library/" + e.Name())
		arts, warnings, err := dump.Parse(e.Name(), data)
		if err != nil || len(warnings) > 0 || len(arts) != 1 {
			t.Errorf("%s: %d articles, %v, %v", e.Name(), len(arts), warnings, err)
		}
	}
	// A room that has articles is left alone.
	if err := db.DeleteArticle(ctx, "on-reading-slowly"); err != nil {
		t.Fatal(err)
	}
	if err := loadDefaultLibrary(ctx, db, log); err != nil {
		t.Fatal(err)
	}
	if n := len(titles(t, db)); n != len(got)-1 {
		t.Errorf("%d articles after a second start, want %d", n, len(got)-1)
	}
}

// The server answers, and shuts down gracefully when its context ends.
func TestServeAndShutdown(t *testing.T) {
	db := openDB(t, filepath.Join(t.TempDir(), "room.db"))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := loadDefaultLibrary(context.Background(), db, log); err != nil {
		t.Fatal(err)
	}
	h, err := web.New(web.Config{DB: db, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, newHTTPServer(h, log), ln, log) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Welcome to the Reading Room") {
		t.Errorf("status %d, body lacks the built-in library", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not shut down")
	}
}

// Two copies of one article that differ (here, one is cut short) do not
// take turns: the first copy of a run wins, and a second import of the
// same files changes nothing.
func TestImportTwoCopiesIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "room.db")
	full := "A title\n\nStandfirst.\n\nFirst paragraph of the piece.\n\nSecond paragraph of the piece.\n\nThird paragraph, which the short copy lacks.\n"
	short := "A title\n\nStandfirst.\n\nFirst paragraph of the piece.\n\nSecond paragraph of the piece.\n"
	for name, text := range map[string]string{"a.txt": full, "b.txt": short} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	out, _ := runCmd(t, "import", "--db", dbPath, a, b)
	if !strings.Contains(out, "1 new, 0 updated, 0 unchanged, 1 duplicate skipped") || !strings.Contains(out, "another copy of \"A title\" with different text was skipped") {
		t.Fatalf("first import:\n%s", out)
	}
	db := openDB(t, dbPath)
	before := snapshot(t, db)
	out, _ = runCmd(t, "import", "--db", dbPath, a, b)
	if !strings.Contains(out, "0 new, 0 updated, 1 unchanged, 1 duplicate skipped") {
		t.Errorf("second import:\n%s", out)
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("the second import changed the article:\n%s\nwas:\n%s", after, before)
	}
}

// A file name is printed quoted: a newline in it cannot forge a line of
// the summary, nor an escape sequence reach the terminal.
func TestImportQuotesNames(t *testing.T) {
	dir := t.TempDir()
	forged := "x.txt\n  rejected forged.txt: it looks real"
	escape := "red\x1b[31m.txt"
	for _, name := range []string{forged, escape} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Skipf("this file system refuses the name %q: %v", name, err)
		}
	}
	out, code := runCmd(t, "import", "--db", filepath.Join(t.TempDir(), "room.db"), dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if strings.Contains(out, "\n  rejected forged.txt") {
		t.Errorf("a name forged a line of the summary:\n%s", out)
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("an escape sequence reached the output: %q", out)
	}
	for _, name := range []string{forged, escape} {
		if want := "rejected " + strconv.Quote(filepath.Join(dir, name)) + ": the file is empty"; !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// serve answers to its listen address, to localhost and to the names in
// --allowed-hosts, and to nothing else, so that no Host header can put
// another site into its links.
func TestServeAnswersOnlyItsHosts(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "room.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0", "--allowed-hosts", "read.example.org, 192.0.2.7:8080"}, noenv, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	out := bufio.NewReader(pr)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, out) // the rest of what it says
	addr := strings.Fields(strings.TrimPrefix(line, "Reading Room is open at http://"))[0]
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("no address in %q: %v", line, err)
	}
	for host, want := range map[string]int{
		"127.0.0.1:" + port:    200,
		"localhost:" + port:    200,
		"read.example.org":     200,
		"192.0.2.7:8080":       200,
		"evil.example":         400,
		"evil.example:" + port: 400,
		"192.0.2.7:" + port:    400,
	} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/", nil)
		req.Host = host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("Host %q: status %d, want %d", host, res.StatusCode, want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}

// The built-in guide is the library of an empty room; once the reader's
// own articles are in, it leaves the listing but not the room: its pages
// answer, and /guide (linked from every footer) lists it.
func TestGuideLeavesLibrary(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "room.db")
	db := openDB(t, dbPath)
	ctx := context.Background()
	if err := loadDefaultLibrary(ctx, db, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	guide := titles(t, db)
	if len(guide) < 3 {
		t.Fatalf("an empty room lists %q, want the guide", guide)
	}
	writeFiles(t, dir, map[string]string{"mine.txt": diaryDec})
	if out, code := runCmd(t, "import", "--db", dbPath, filepath.Join(dir, "mine.txt")); code != 0 {
		t.Fatalf("import: %s", out)
	}
	if got := titles(t, db); len(got) != 1 || got[0] != "Diary" {
		t.Errorf("library %q, want only the reader's own article", got)
	}
	h, err := web.New(web.Config{DB: db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(path string) string {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		return string(body)
	}
	home := get("/")
	if strings.Contains(home, "Welcome to the Reading Room") || !strings.Contains(home, `href="/guide"`) {
		t.Error("the library still lists the guide, or has no link to it")
	}
	page := get("/guide")
	for _, title := range guide {
		if !strings.Contains(page, html.EscapeString(title)) {
			t.Errorf("/guide lacks %q", title)
		}
	}
	get("/a/welcome-to-the-reading-room")
}
