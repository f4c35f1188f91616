package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
)

// The reading list's figures for docs/benchmarks.md: each request goes
// through the whole handler (middleware, session, store, templates) as a
// signed-in reader's would, without the network. Each benchmark reports
// the 50th and 99th percentile of its requests.

// benchRoom is a store with one reader, signed in, and a handler.
type benchRoom struct {
	db     *store.DB
	user   *readingroom.User
	h      http.Handler
	cookie *http.Cookie
}

func newBenchRoom(b *testing.B) *benchRoom {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	u, err := db.CreateUser(ctx, "Reader", readerPassword, readingroom.RoleReader)
	if err != nil {
		b.Fatal(err)
	}
	token, err := db.CreateSession(ctx, u.ID, "bench", "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	h, err := New(Config{DB: db, BaseURL: "http://room.example", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return &benchRoom{db: db, user: u, h: h, cookie: &http.Cookie{Name: sessionCookie, Value: token}}
}

// benchArticle is an article of n paragraphs of about 60 words each.
func benchArticle(title string, n int) *readingroom.Article {
	a := &readingroom.Article{Title: title}
	for i := range n {
		a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindParagraph, Text: fmt.Sprintf(
			"Paragraph %d of %s tells how the reading room kept %d seats and %d lamps, how its readers came "+
				"from every corner of the city to sit under the dome, and how the ledger of questions asked at "+
				"the desk grew to %d volumes before the war, when the dome was painted black and the lamps %d burned on.",
			i+1, title, i*3+7, i*5+11, i+17, i)})
	}
	return a
}

// do runs one request and fails b unless it answers want.
func (br *benchRoom) do(b *testing.B, method, path, body string, want int) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.AddCookie(br.cookie)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	br.h.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d, want %d: %.200s", method, path, rec.Code, want, rec.Body.String())
	}
}

// timed runs f b.N times and reports the 50th and 99th percentile.
func timed(b *testing.B, f func(i int)) {
	b.Helper()
	var d []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		f(i)
		d = append(d, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(d)
	q := func(p float64) float64 {
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// BenchmarkSavePassage saves a passage (POST /api/list): another run of
// words each time, in a 200-paragraph article.
func BenchmarkSavePassage(b *testing.B) {
	br := newBenchRoom(b)
	a := benchArticle("The dome", 200)
	if _, _, err := br.db.SaveArticle(context.Background(), a, "bench"); err != nil {
		b.Fatal(err)
	}
	timed(b, func(i int) {
		blk := a.Blocks[i%len(a.Blocks)]
		words := strings.Fields(blk.Text)
		from := (i / len(a.Blocks) * 3) % (len(words) - 6)
		body := fmt.Sprintf(`{"article": %q, "paragraph": %q, "quote": {"exact": %q}, "note": "a note"}`,
			a.Slug, blk.ID, strings.Join(words[from:from+6], " "))
		br.do(b, http.MethodPost, "/api/list", body, http.StatusCreated)
	})
}

// BenchmarkListPage shows /list (its first page of 50, newest first) to a
// reader with 10,000 items: 50 articles, and 199 passages of each, with
// notes and tags; and the same list filtered by a tag, and searched.
func BenchmarkListPage(b *testing.B) {
	br := newBenchRoom(b)
	ctx := context.Background()
	var items []store.ImportedItem
	for k := range 50 {
		a := benchArticle(fmt.Sprintf("Article %d", k), 40)
		if _, _, err := br.db.SaveArticle(ctx, a, "bench"); err != nil {
			b.Fatal(err)
		}
		items = append(items, store.ImportedItem{Slug: a.Slug, Kind: readingroom.ItemArticle, Tags: []string{"saved"}})
		for j := range 199 {
			// "Paragraph 3 of Article 12 tells how": words that stand once.
			words := strings.Fields(a.Blocks[j%40].Text)
			items = append(items, store.ImportedItem{
				Slug: a.Slug, Kind: readingroom.ItemPassage,
				Quote: readingroom.Quote{Exact: strings.Join(words[:6+j/40], " ")},
				Note:  fmt.Sprintf("Note %d on article %d: worth rereading for the %s.", j, k, []string{"lamps", "ledger", "dome", "war"}[j%4]),
				Tags:  []string{fmt.Sprint("tag", j%20), "passages"},
			})
		}
	}
	for part := range slices.Chunk(items, store.MaxImportItems) {
		if _, err := br.db.ImportItems(ctx, br.user.ID, part); err != nil {
			b.Fatal(err)
		}
	}
	if _, total, _ := br.db.List(ctx, br.user.ID, store.ListFilter{}); total != 10_000 {
		b.Fatalf("%d items, want 10,000", total)
	}
	for _, tc := range []struct{ name, path string }{
		{"all", "/list"},
		{"tag", "/list?tag=tag7"},
		{"search", "/list?q=ledger"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			timed(b, func(int) { br.do(b, http.MethodGet, tc.path, "", http.StatusOK) })
		})
	}
}

// BenchmarkArticleWithPassages shows a 200-paragraph article to a reader
// who has saved 200 passages of it, each marked, with its note listed;
// and, to compare, to one who has saved none.
func BenchmarkArticleWithPassages(b *testing.B) {
	br := newBenchRoom(b)
	a := benchArticle("The dome", 200)
	ctx := context.Background()
	if _, _, err := br.db.SaveArticle(ctx, a, "bench"); err != nil {
		b.Fatal(err)
	}
	path := "/a/" + a.Slug
	b.Run("0", func(b *testing.B) {
		timed(b, func(int) { br.do(b, http.MethodGet, path, "", http.StatusOK) })
	})
	for _, blk := range a.Blocks {
		words := strings.Fields(blk.Text)
		if _, _, err := br.db.SaveItem(ctx, br.user.ID, store.NewItem{
			Slug: a.Slug, Paragraph: blk.ID, Quote: &readingroom.Quote{Exact: strings.Join(words[10:20], " ")}, Note: "A note.",
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("200", func(b *testing.B) {
		timed(b, func(int) { br.do(b, http.MethodGet, path, "", http.StatusOK) })
	})
}
