package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
)

// benchVocabulary: the first words are the commonest (Zipf-like draws), so
// "the" is in nearly every paragraph and the tail words are rare.
var benchVocabulary = strings.Fields(`the of and to in a is that was for it with as he on by
	at his from room reading library article paper people they this had not are but be
	which one were all their there been has when who more would will what about so can
	time new war years party state house book world government labour editor city night
	secret service letter london press moscow spies writer history agent conference
	council window lamp ledger dome glass winter summer station river bridge market tram
	clock bell garden wall question answer silence chair desk student pensioner budget
	kingsley vallance mackenzie philby orwell momentum corbyn lansman copeland euston`)

// buildLibrary fills db with n synthetic articles of 10 paragraphs of about
// 60 words each, published 2000-2024. Every 10,000th article carries the
// rare word "zanzibar".
func buildLibrary(tb testing.TB, db *DB, n int) {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(benchVocabulary)-1))
	sentence := func() string {
		w := make([]string, 12)
		for i := range w {
			w[i] = benchVocabulary[zipf.Uint64()]
		}
		return strings.ToUpper(w[0][:1]) + strings.Join(w, " ")[1:] + "."
	}
	ctx := context.Background()
	for i := range n {
		a := &readingroom.Article{
			Title:       fmt.Sprintf("%s %s number %d", benchVocabulary[zipf.Uint64()], benchVocabulary[20+r.IntN(60)], i),
			Byline:      "By Writer " + fmt.Sprint(i%500),
			Published:   time.Date(2000+i%25, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC),
			Publication: "The Bench",
		}
		for k := range 10 {
			p := sentence() + " " + sentence() + " " + sentence() + " " + sentence() + " " + sentence()
			if k == 3 && i%10_000 == 7 {
				p += " They sailed to Zanzibar."
			}
			a.Blocks = append(a.Blocks, para(p))
		}
		if _, _, err := db.SaveArticle(ctx, a, "bench"); err != nil {
			tb.Fatal(err)
		}
	}
}

// benchLibrary opens a library of n articles: built afresh in a temporary
// folder, or kept in READINGROOM_BENCH_DIR between runs (building 100,000
// articles takes a few minutes). A kept library is used only when it holds
// exactly n articles; one left half-built by an interrupted run is built
// again.
func benchLibrary(b *testing.B, n int) *DB {
	b.Helper()
	dir := os.Getenv("READINGROOM_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("bench-%d.db", n))
	ctx := context.Background()
	if _, err := os.Stat(path); err == nil {
		db, err := Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if articles, _, err := db.Stats(ctx); err == nil && articles == n {
			b.Cleanup(func() { db.Close() })
			return db
		}
		db.Close()
		b.Logf("%s does not hold %d articles: building it again", path, n)
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
				b.Fatal(err)
			}
		}
	}
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	start := time.Now()
	buildLibrary(b, db, n)
	b.Logf("built %d articles in %s", n, time.Since(start).Round(time.Second))
	return db
}

// BenchmarkSearch measures search latency by kind of query at 10,000 and
// 100,000 articles and reports the 50th and 99th percentiles. Each size is
// a sub-benchmark of its own, so -bench can pick one
// (-bench='Search/articles=10000'). Run with -benchtime=1x: each run makes
// 200 searches per query and reports their percentiles.
//
//	go test -tags sqlite_fts5 -run=NONE -bench=Search -benchtime=1x -timeout=60m ./store/
func BenchmarkSearch(b *testing.B) {
	queries := []struct{ name, q string }{
		{"rare", "zanzibar"},
		{"common", "the"},
		{"phrase", `"reading room"`},
		{"prefix", "lib*"},
		{"filtered", "secret year:2010..2012"},
		{"two-words", "philby moscow"},
		{"in-article", "the in:"}, // + the newest article's slug
	}
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("articles=%d", n), func(b *testing.B) {
			db := benchLibrary(b, n)
			newest, _, err := db.ListArticles(context.Background(), 1, 0)
			if err != nil || len(newest) == 0 {
				b.Fatal(err)
			}
			for _, tt := range queries {
				if tt.name == "in-article" {
					tt.q += newest[0].Slug
				}
				b.Run(tt.name, func(b *testing.B) {
					q := readingroom.ParseQuery(tt.q)
					ctx := context.Background()
					for b.Loop() {
						const runs = 200
						lat := make([]time.Duration, runs)
						for k := range lat {
							start := time.Now()
							if _, err := db.Search(ctx, q, 1, 20); err != nil {
								b.Fatal(err)
							}
							lat[k] = time.Since(start)
						}
						slices.Sort(lat)
						b.ReportMetric(float64(lat[runs/2].Microseconds())/1000, "p50-ms")
						b.ReportMetric(float64(lat[runs*99/100].Microseconds())/1000, "p99-ms")
					}
				})
			}
		})
	}
}

// BenchmarkSearchRoom times Search on a room file that already exists, such
// as the one `readingroom bench --dir DIR` leaves in DIR/room.db, for the
// queries given (separated by |), each in turn; with -cpuprofile it shows
// where a search's time goes. It reads the file as it is (AsIs) and writes
// nothing. It is skipped unless READINGROOM_BENCH_ROOM names the file.
//
//	READINGROOM_BENCH_ROOM=DIR/room.db READINGROOM_BENCH_QUERIES='zobi zubi|bebo bubo' \
//	  go test -tags sqlite_fts5 -run=NONE -bench=SearchRoom -benchtime=3000x ./store/
func BenchmarkSearchRoom(b *testing.B) {
	path := os.Getenv("READINGROOM_BENCH_ROOM")
	if path == "" {
		b.Skip("READINGROOM_BENCH_ROOM names no room file")
	}
	ctx := context.Background()
	db, err := Open(ctx, path, AsIs())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var qs []readingroom.Query
	for _, s := range strings.Split(os.Getenv("READINGROOM_BENCH_QUERIES"), "|") {
		if q := readingroom.ParseQuery(s); !q.Empty() {
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		b.Fatal("READINGROOM_BENCH_QUERIES holds no query")
	}
	i := 0
	for b.Loop() {
		if _, err := db.Search(ctx, qs[i%len(qs)], 1, 20); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
