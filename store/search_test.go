package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
	"github.com/readingroom/readingroom/dump/dumptest"
)

// searchDB is a store with our test dumps and, when present, the seeds.
func searchDB(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "search.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	files, _ := filepath.Glob("../dump/testdata/dumps/*")
	for _, f := range append(files, dumptest.Seeds(t)...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		arts, _, err := dump.Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		for i := range arts {
			if _, _, err := db.SaveArticle(context.Background(), &arts[i], f); err != nil {
				t.Fatal(err)
			}
		}
	}
	return db
}

func haveSeeds(t testing.TB) bool {
	return len(dumptest.Seeds(t)) > 0
}

func TestSearch(t *testing.T) {
	db := searchDB(t)
	tests := []struct {
		query   string
		seeds   bool     // needs ../shared/seeds
		top     string   // slug of the first result ("" for none expected)
		slugs   []string // every result must be one of these (nil: don't check)
		snippet string   // the top hit's snippet contains this (marks included)
	}{
		{query: "ledger", top: "the-quiet-room-why-libraries-still-matter", snippet: "<mark>ledger</mark>"},
		{query: `"dome of glass"`, top: "the-quiet-room-why-libraries-still-matter", snippet: "<mark>dome of glass</mark>"},
		{query: `"glass of dome"`, top: ""},
		{query: "subscript*", top: "notes-from-a-small-press", snippet: "<mark>subscriptions</mark>"},
		{query: "poetry -fifty", top: ""},
		// Exclusion is per article: an article that holds the word anywhere
		// is left out.
		{query: "poetry -stubbornness", top: ""},
		{query: "poetry -ledger", top: "notes-from-a-small-press"},
		{query: "ledger OR subscriptions", slugs: []string{"the-quiet-room-why-libraries-still-matter", "notes-from-a-small-press"}},
		{query: "title:press", top: "notes-from-a-small-press", slugs: []string{"notes-from-a-small-press"}},
		{query: "author:marlow reading", top: "the-quiet-room-why-libraries-still-matter", slugs: []string{"the-quiet-room-why-libraries-still-matter"}},
		{query: "ledger in:notes-from-a-small-press", top: ""},
		{query: "reading in:notes-from-a-small-press", top: "notes-from-a-small-press", snippet: "<mark>read</mark>"},
		{query: "poetry in:notes-from-a-small-press", top: "notes-from-a-small-press"},
		{query: "poetry year:2021", top: "notes-from-a-small-press"},
		{query: "poetry year:2010..2020", top: ""},
		// A title match ranks above a body match.
		{query: "CAFE", top: "cafe-society-in-the-zone", slugs: []string{"cafe-society-in-the-zone", "a-single-article-without-markers"}},
		{query: "naive", top: "cafe-society-in-the-zone"},
		{query: "shifts", top: "the-quiet-room-why-libraries-still-matter", snippet: "<mark>shifts</mark>"},
		{query: "shift", top: "the-quiet-room-why-libraries-still-matter", snippet: "<mark>shifts</mark>"},
		// The seeds.
		{query: "Pal Ignotus", seeds: true, top: "spies-like-us", snippet: "<mark>Pál</mark> <mark>Ignotus</mark>"},
		{query: "defect", seeds: true, slugs: []string{"william-boyd-on-kim-philby-how-did-a-privileged-young-englishman-become-a", "spies-like-us", "more-on-ralph-miliband-a-kgb-connection"}},
		{query: "philby", seeds: true, top: "william-boyd-on-kim-philby-how-did-a-privileged-young-englishman-become-a"},
		{query: `"parker fountain pen"`, seeds: true, top: "more-on-ralph-miliband-a-kgb-connection", snippet: "<mark>Parker fountain pen</mark>"},
		{query: "momentum year:2017", seeds: true, top: "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam", slugs: []string{"losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam"}},
		{query: "momentum year:2013", seeds: true, top: ""},
		// Two bylines say "correspondent"; among equals, the shorter article
		// ranks first.
		{query: "author:correspondent", seeds: true, top: "notes-from-a-small-press", slugs: []string{"notes-from-a-small-press", "more-on-ralph-miliband-a-kgb-connection"}},
		{query: "title:spies", seeds: true, top: "spies-like-us", slugs: []string{"spies-like-us"}},
		{query: "lansman -corbyn", seeds: true, top: ""},
		{query: "vallance OR lansman", seeds: true, slugs: []string{"spies-like-us", "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam"}},
	}
	for _, tt := range tests {
		if tt.seeds && !haveSeeds(t) {
			continue
		}
		q := readingroom.ParseQuery(tt.query)
		res, err := db.Search(context.Background(), q, 1, 20)
		if err != nil {
			t.Errorf("%q: %v", tt.query, err)
			continue
		}
		if tt.top == "" && tt.slugs == nil {
			if len(res.Results) != 0 {
				t.Errorf("%q: %d results, want none (first %s)", tt.query, len(res.Results), res.Results[0].Slug)
			}
			continue
		}
		if len(res.Results) == 0 {
			t.Errorf("%q: no results", tt.query)
			continue
		}
		if res.Total != len(res.Results) {
			t.Errorf("%q: total %d, %d results", tt.query, res.Total, len(res.Results))
		}
		if tt.top != "" && res.Results[0].Slug != tt.top {
			t.Errorf("%q: top %s, want %s", tt.query, res.Results[0].Slug, tt.top)
		}
		for _, r := range res.Results {
			if tt.slugs != nil && !contains(tt.slugs, r.Slug) {
				t.Errorf("%q: unexpected result %s", tt.query, r.Slug)
			}
			if len(r.Hits) == 0 || len(r.Hits) > HitsPerArticle {
				t.Errorf("%q: %s has %d hits", tt.query, r.Slug, len(r.Hits))
			}
			for k := 1; k < len(r.Hits); k++ {
				if r.Hits[k].Score > r.Hits[k-1].Score {
					t.Errorf("%q: hits of %s not best first", tt.query, r.Slug)
				}
			}
		}
		if snip := markup(res.Results[0].Hits[0].Snippet); tt.snippet != "" && !strings.Contains(snip, tt.snippet) {
			t.Errorf("%q: snippet %q lacks %q", tt.query, snip, tt.snippet)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Title matches rank above body matches.
func TestSearchTitleRanksHigh(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	body := &readingroom.Article{Title: "A long piece", Blocks: []readingroom.Block{
		para("Lighthouses appear here, lighthouses again, and lighthouses once more in this paragraph."),
	}}
	titled := &readingroom.Article{Title: "Lighthouses", Blocks: []readingroom.Block{
		para("A paragraph about the sea that mentions a lighthouse once."),
	}}
	for _, a := range []*readingroom.Article{body, titled} {
		if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	res, err := db.Search(ctx, readingroom.ParseQuery("lighthouse"), 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 2 || res.Results[0].Slug != "lighthouses" {
		t.Errorf("results %+v, want the titled article first", res.Results)
	}
}

func TestSearchPagination(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	for i := range 7 {
		a := &readingroom.Article{Title: "Harbour " + strings.Repeat("I", i+1), Blocks: []readingroom.Block{para("The harbour at dawn.")}}
		if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for page := 1; page <= 3; page++ {
		res, err := db.Search(ctx, readingroom.ParseQuery("harbour"), page, 3)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 7 {
			t.Errorf("page %d: total %d, want 7", page, res.Total)
		}
		if want := min(3, 7-(page-1)*3); len(res.Results) != want {
			t.Errorf("page %d: %d results, want %d", page, len(res.Results), want)
		}
		for _, r := range res.Results {
			if seen[r.Slug] {
				t.Errorf("%s on two pages", r.Slug)
			}
			seen[r.Slug] = true
		}
	}
	if _, err := db.Search(ctx, readingroom.ParseQuery("-harbour"), 1, 3); readingroom.ErrorCode(err) != readingroom.EINVALID {
		t.Errorf("empty query: %v", err)
	}
}

// markup writes segments with their marked stretches in <mark>, for
// comparing snippets in tests (nothing is escaped).
func markup(segs []readingroom.Segment) string {
	var sb strings.Builder
	for _, s := range segs {
		if s.Marked() {
			sb.WriteString("<mark>" + s.Text + "</mark>")
		} else {
			sb.WriteString(s.Text)
		}
	}
	return sb.String()
}

// Snippets keep the text as it is, markup-like characters included, and
// mark only the matched words.
func TestSnippetSegments(t *testing.T) {
	db := openTest(t)
	a := &readingroom.Article{Title: "Markup", Blocks: []readingroom.Block{para(`a <script>& lamp "b"`)}}
	if _, _, err := db.SaveArticle(t.Context(), a, ""); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(t.Context(), readingroom.ParseQuery("lamp"), 1, 10)
	if err != nil || len(res.Results) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if got, want := markup(res.Results[0].Hits[0].Snippet), `a <script>& <mark>lamp</mark> "b"`; got != want {
		t.Errorf("snippet %q, want %q", got, want)
	}
}

// The index stays in step when a title or byline changes and when an
// article is deleted.
func TestSearchIndexFollowsArticleChanges(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	a := &readingroom.Article{Title: "Spies like us", Byline: "By Ann", Blocks: []readingroom.Block{para("Words in the body.")}}
	if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	// Same key (case folds), new title and byline.
	b := &readingroom.Article{Title: "SPIES LIKE US", Byline: "By Bob", Blocks: []readingroom.Block{para("Words in the body.")}}
	if out, _, err := db.SaveArticle(ctx, b, ""); err != nil || out != Updated {
		t.Fatalf("%v %v", out, err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"author:bob": 1, "author:ann": 0, "title:spies": 1} {
		res, err := db.Search(ctx, readingroom.ParseQuery(q), 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Results) != want {
			t.Errorf("%s: %d results, want %d", q, len(res.Results), want)
		}
	}
	if err := db.DeleteArticle(ctx, "spies-like-us"); err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, readingroom.ParseQuery("words"), 1, 10)
	if err != nil || len(res.Results) != 0 {
		t.Errorf("after delete: %+v %v", res, err)
	}
}

// FuzzSearch: whatever the reader types, the query parses, the MATCH
// expression built from it is valid FTS5 (SQLite would answer with an
// error otherwise), and the search returns without an error.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{`a "b c" -d e* OR f title:g author:h in:i year:2010..2017`, `"`, "-", "*", "AND", "OR OR", "C++", "e-mail",
		"'; DROP TABLE articles; --", "NEAR(a b)", "a:b", "^a", "a + b", "{text}: x", `""""`, "x\x00y", "NOT a", "(a OR b", "ledger*", "Pál"} {
		f.Add(s)
	}
	db := searchDB(f)
	f.Fuzz(func(t *testing.T, s string) {
		q := readingroom.ParseQuery(s)
		_, err := db.Search(context.Background(), q, 1, 5)
		if q.Empty() {
			if readingroom.ErrorCode(err) != readingroom.EINVALID {
				t.Fatalf("empty query %q: %v", s, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("query %q (MATCH %s): %v", s, MatchExpr(q), err)
		}
	})
}

// A search that runs out of time is stopped and says so, in words for the
// reader; one that cannot get a turn is stopped the same way.
func TestSearchStoppedWhenTooBroad(t *testing.T) {
	db := searchDB(t)
	db.searchTimeout = time.Nanosecond
	_, err := db.Search(context.Background(), readingroom.ParseQuery("ledger"), 1, 10)
	if !errors.Is(err, ErrTooBroad) || readingroom.ErrorCode(err) != readingroom.EINVALID {
		t.Errorf("got %v, want ErrTooBroad", err)
	}
	db.searchTimeout = 50 * time.Millisecond
	for range cap(db.searches) {
		db.searches <- struct{}{}
	}
	_, err = db.Search(context.Background(), readingroom.ParseQuery("ledger"), 1, 10)
	if !errors.Is(err, ErrTooBroad) {
		t.Errorf("with every turn taken: got %v, want ErrTooBroad", err)
	}
	for range cap(db.searches) {
		<-db.searches
	}
	if res, err := db.Search(context.Background(), readingroom.ParseQuery("ledger"), 1, 10); err != nil || len(res.Results) == 0 {
		t.Errorf("after the turns are free: %+v %v", res, err)
	}
}

// Searches may hold every reader at once; the look-up that a cached
// article page makes (Stamp) has a connection of its own and still
// answers at once. The searches can have them all: a search finishes with
// every other turn taken.
func TestSearchesLeaveStampsTheirConnection(t *testing.T) {
	db := searchDB(t)
	ctx := t.Context()
	res, err := db.Search(ctx, readingroom.ParseQuery("ledger"), 1, 10)
	if err != nil || len(res.Results) == 0 {
		t.Fatalf("search: %+v, %v", res, err)
	}
	slug := res.Results[0].Slug
	for range cap(db.searches) - 1 {
		db.searches <- struct{}{}
	}
	var held []*sql.Conn
	for range cap(db.searches) - 1 {
		c, err := db.r.Conn(ctx) // as a search under way holds one
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	if res, err := db.Search(ctx, readingroom.ParseQuery("ledger"), 1, 10); err != nil || len(res.Results) == 0 {
		t.Errorf("the last search's turn: %+v, %v", res, err)
	}
	for len(held) < db.r.Stats().MaxOpenConnections { // every reader taken
		c, err := db.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	quick, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if _, err := db.Stamp(quick, slug); err != nil {
		t.Errorf("a page's look-up with every reader held: %v", err)
	}
	for _, c := range held {
		c.Close()
	}
	for range cap(db.searches) - 1 {
		<-db.searches
	}
}

// The paragraphs a result shows are those whose own text matches, not
// every paragraph of an article whose title matches.
func TestSearchHitsMatchInText(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	a := &readingroom.Article{Title: "Lighthouses of the north", Blocks: []readingroom.Block{
		para("A paragraph about the sea and the rocks."),
		para("Another about the keepers and their families."),
		para("The last lighthouse was automated in 1998."),
	}}
	b := &readingroom.Article{Title: "Harbours", Blocks: []readingroom.Block{para("Nothing about towers here at all.")}}
	c := &readingroom.Article{Title: "A lighthouse", Blocks: []readingroom.Block{para("Its lamp, its stair, its keeper.")}}
	for _, x := range []*readingroom.Article{a, b, c} {
		if _, _, err := db.SaveArticle(ctx, x, ""); err != nil {
			t.Fatal(err)
		}
	}
	res, err := db.Search(ctx, readingroom.ParseQuery("lighthouse"), 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]SearchResult{}
	for _, r := range res.Results {
		bySlug[r.Slug] = r
	}
	if r := bySlug["lighthouses-of-the-north"]; len(r.Hits) != 1 || r.Matches != 1 || !strings.Contains(markup(r.Hits[0].Snippet), "<mark>lighthouse</mark>") {
		t.Errorf("title and text match: %+v", r)
	}
	if r := bySlug["a-lighthouse"]; len(r.Hits) != 1 || r.Matches != 0 {
		t.Errorf("title-only match: %+v", r)
	}
	if _, ok := bySlug["harbours"]; ok {
		t.Error("an article without the word matched")
	}
}

// An article matches when it holds every word anywhere: two words in
// different paragraphs find it, each paragraph holding one is a hit, and
// a paragraph holding both comes first. A phrase must stand within one
// block, never across two.
func TestSearchWordsAcrossParagraphs(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	a := &readingroom.Article{Title: "Two rooms", Blocks: []readingroom.Block{
		para("The first room kept a lantern by the door."),
		para("The second had a harbour view."),
		para("Lantern light fell on the harbour wall."),
		para("Nothing here at all."),
	}}
	if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, readingroom.ParseQuery("lantern harbour"), 1, 10)
	if err != nil || len(res.Results) != 1 {
		t.Fatalf("lantern harbour: %+v %v", res, err)
	}
	r := res.Results[0]
	if r.Matches != 3 || len(r.Hits) != 3 {
		t.Errorf("%d matches, %d hits, want 3 and 3", r.Matches, len(r.Hits))
	}
	if r.Hits[0].PID != a.Blocks[2].ID {
		t.Errorf("first hit %s, want the paragraph with both words %s", r.Hits[0].PID, a.Blocks[2].ID)
	}
	if got := markup(r.Hits[0].Snippet); !strings.Contains(got, "<mark>Lantern</mark>") || !strings.Contains(got, "<mark>harbour</mark>") {
		t.Errorf("snippet %q does not mark both words", got)
	}
	for _, h := range r.Hits {
		if h.PID == a.Blocks[3].ID {
			t.Error("a paragraph without either word is a hit")
		}
	}
	// "door the second": the end of one paragraph and the start of the next.
	for _, q := range []string{`"door the second"`, `"view lantern"`} {
		res, err := db.Search(ctx, readingroom.ParseQuery(q), 1, 10)
		if err != nil || len(res.Results) != 0 {
			t.Errorf("%s: %+v %v, want no match across blocks", q, res.Results, err)
		}
	}
	res, err = db.Search(ctx, readingroom.ParseQuery(`"harbour view" lantern`), 1, 10)
	if err != nil || len(res.Results) != 1 {
		t.Errorf(`"harbour view" lantern: %+v %v`, res, err)
	}
}

// The standfirst, the byline and the book details are searched: a phrase
// from the standfirst finds the article, and the hit shows the standfirst
// marked when no block holds the words.
func TestSearchStandfirst(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	a := &readingroom.Article{
		Title:      "A quiet harbour",
		Standfirst: "Why the fishermen of Ardmore still mend their own nets.",
		Books:      []readingroom.Book{{Title: "Salt and Rope", Author: "Mairead Quill", Details: "Tidewater Press, 212pp"}},
		Blocks:     []readingroom.Block{para("The boats come in at dawn."), para("By noon the quay is empty.")},
	}
	if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`"mend their own nets"`, "ardmore", "fishermen quay", "quill", `"tidewater press"`} {
		res, err := db.Search(ctx, readingroom.ParseQuery(q), 1, 10)
		if err != nil || len(res.Results) != 1 {
			t.Errorf("%s: %+v %v, want the article", q, res, err)
		}
	}
	res, err := db.Search(ctx, readingroom.ParseQuery(`"mend their own nets"`), 1, 10)
	if err != nil || len(res.Results) != 1 {
		t.Fatal(res, err)
	}
	if hits := res.Results[0].Hits; len(hits) != 1 || hits[0].PID != "" || !strings.Contains(markup(hits[0].Snippet), "<mark>mend their own nets</mark>") {
		t.Errorf("hits %+v, want the standfirst marked", hits)
	}
	// A word of the standfirst and one of a paragraph: the paragraph is
	// the hit.
	res, err = db.Search(ctx, readingroom.ParseQuery("fishermen quay"), 1, 10)
	if err != nil || len(res.Results) != 1 || res.Results[0].Hits[0].PID != a.Blocks[1].ID {
		t.Errorf("fishermen quay: %+v %v", res, err)
	}
	// An edited standfirst is searched as edited.
	a.Standfirst = "Why the fishermen of Kilmore still mend their own nets."
	if out, _, err := db.SaveArticle(ctx, a, ""); err != nil || out != Updated {
		t.Fatal(out, err)
	}
	for q, want := range map[string]int{"ardmore": 0, "kilmore": 1} {
		if res, err := db.Search(ctx, readingroom.ParseQuery(q), 1, 10); err != nil || len(res.Results) != want {
			t.Errorf("%s after the edit: %d results, want %d (%v)", q, len(res.Results), want, err)
		}
	}
	checkIntegrity(t, db, "after the edit")
}

// Counting stops past MaxCount, and a word in more than CommonArticles
// articles lists the most recently imported first.
func TestSearchCountsUpToMaxCount(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	run := db.NewImport()
	for i := range MaxCount + 5 {
		a := &readingroom.Article{Title: fmt.Sprintf("Lanterns %d", i), Blocks: []readingroom.Block{para("A lantern in the window.")}}
		if i%2 == 0 {
			a.Blocks = append(a.Blocks, para("And a harbour."))
		}
		if _, _, err := run.Save(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := db.Search(ctx, readingroom.ParseQuery("lantern"), 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != MaxCount || !res.Capped {
		t.Errorf("total %d capped %v, want %d and capped", res.Total, res.Capped, MaxCount)
	}
	res, err = db.Search(ctx, readingroom.ParseQuery("harbour"), 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != (MaxCount+5+1)/2 || res.Capped {
		t.Errorf("harbour: total %d capped %v, want %d exactly", res.Total, res.Capped, (MaxCount+5+1)/2)
	}
	// The last page holds what is left of the first MaxCount.
	res, err = db.Search(ctx, readingroom.ParseQuery("lantern"), MaxCount/10, 10)
	if err != nil || len(res.Results) != 10 {
		t.Errorf("last page: %d results, %v", len(res.Results), err)
	}
	res, err = db.Search(ctx, readingroom.ParseQuery("lantern"), MaxCount/10+1, 10)
	if err != nil || len(res.Results) != 0 {
		t.Errorf("past the last page: %d results, %v", len(res.Results), err)
	}
}

// Words too common to rank by are not scored: a query of only such words
// lists the most recently imported articles first; a rarer word of the
// query ranks, and the common one still has to match.
func TestSearchCommonWords(t *testing.T) {
	db := openTest(t)
	db.commonArticles = 3
	ctx := context.Background()
	texts := []string{"The harbour.", "The harbour and a lantern.", "The harbour, a lantern, a lantern.", "A lantern alone.", "The harbour again."}
	var slugs []string
	for i, text := range texts {
		a := &readingroom.Article{Title: fmt.Sprintf("Piece %d", i), Blocks: []readingroom.Block{para(text)}}
		if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
		slugs = append(slugs, a.Slug)
	}
	got := func(q string) []string {
		t.Helper()
		res, err := db.Search(ctx, readingroom.ParseQuery(q), 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range res.Results {
			out = append(out, r.Slug)
		}
		return out
	}
	// harbour is in 4 articles, more than 3: newest first.
	if g, want := got("harbour"), []string{slugs[4], slugs[2], slugs[1], slugs[0]}; !slices.Equal(g, want) {
		t.Errorf("harbour: %v, want %v", g, want)
	}
	// lantern is in 3: ranked, the article that says it twice first; and
	// harbour must still be there.
	if g, want := got("harbour lantern"), []string{slugs[2], slugs[1]}; !slices.Equal(g, want) {
		t.Errorf("harbour lantern: %v, want %v", g, want)
	}
	if g, want := got("lantern -harbour"), []string{slugs[3]}; !slices.Equal(g, want) {
		t.Errorf("lantern -harbour: %v, want %v", g, want)
	}
	// Together in 4 articles: each word is then in more than 3 too, and
	// they are not counted one by one; newest first.
	if g, want := got("harbour the"), []string{slugs[4], slugs[2], slugs[1], slugs[0]}; !slices.Equal(g, want) {
		t.Errorf("harbour the: %v, want %v", g, want)
	}
	// A clause is as common as its alternatives together: lantern (3) or
	// again (1) is in 4 articles.
	if g, want := got("lantern OR again"), []string{slugs[4], slugs[3], slugs[2], slugs[1]}; !slices.Equal(g, want) {
		t.Errorf("lantern OR again: %v, want %v", g, want)
	}
	// An article of one block has no break between blocks in the index:
	// its one block is the hit, marked.
	res, err := db.Search(ctx, readingroom.ParseQuery("alone"), 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 1 || len(res.Results[0].Hits) != 1 || res.Results[0].Matches != 1 ||
		markup(res.Results[0].Hits[0].Snippet) != "A lantern <mark>alone</mark>." {
		t.Errorf("alone: %+v", res.Results)
	}
}

// An import run too small beside the library to optimize its index
// leaves no two segments of one level: nothing is left for a merge step to
// do, as there is after articles saved one transaction each.
func TestImportTidiesTheIndex(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	saveAll := func(n, from int) {
		t.Helper()
		arts := make([]readingroom.Article, n)
		for i := range arts {
			arts[i] = readingroom.Article{Title: fmt.Sprintf("Harbour %d", from+i), Blocks: []readingroom.Block{para(fmt.Sprintf("The harbour light number %d.", from+i))}}
		}
		run := db.NewImport()
		saveInRun(t, run, arts)
		if err := run.Finish(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// mergeWorks reports whether one merge step of segments sharing a
	// level would change the index.
	mergeWorks := func() bool {
		t.Helper()
		return mergeStep(t, db, 100) > 1
	}
	saveAll(bulkArticles, 0) // a bulk import: optimized
	saveAll(3*batchArticles, bulkArticles)
	if mergeWorks() {
		t.Error("an import of three batches left segments to merge")
	}
	checkIntegrity(t, db, "after an import of three batches")
	a := &readingroom.Article{Title: "Lantern", Blocks: []readingroom.Block{para("A lantern.")}}
	if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
		t.Fatal(err)
	}
	if mergeWorks() {
		t.Error("an article saved on its own left segments to merge")
	}
	if res, err := db.Search(ctx, readingroom.ParseQuery("harbour light"), 1, 10); err != nil || !res.Capped {
		t.Errorf("search after the imports: %d (capped %v), %v; want more than %d", res.Total, res.Capped, err, MaxCount)
	}
	// That the check can tell: three rows written to the index outside
	// any import, a transaction each, make three segments of one level.
	// (They are not the articles' text: the index is not checked again.)
	for i := range 3 {
		if _, err := db.w.ExecContext(ctx, `INSERT INTO article_fts (rowid, body, title, byline, standfirst, books)
			VALUES (?, 'stray', '', '', '', '')`, 1_000_000+i); err != nil {
			t.Fatal(err)
		}
	}
	if !mergeWorks() {
		t.Error("three segments of one level left nothing to merge: the check cannot tell")
	}
}

// An import writes the index's pending terms out once a batch, not once
// an article: no statement of saving an article opens a savepoint, at
// which FTS5 would write them.
func TestImportWritesTheIndexOnceABatch(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	// An item waiting for the last article: saving it attaches the item
	// (and writes the index out, the UPDATE's savepoint being needed then).
	u := mustUser(t, db, "reader", "a long enough password", readingroom.RoleReader)
	if _, err := db.ImportItems(ctx, u.ID, []ImportedItem{{Slug: "harbour-3", Title: "Harbour 3", Kind: readingroom.ItemArticle}}); err != nil {
		t.Fatal(err)
	}
	run := db.NewImport()
	arts := make([]readingroom.Article, 4)
	for i := range arts {
		arts[i] = readingroom.Article{Title: fmt.Sprintf("Harbour %d", i), Blocks: []readingroom.Block{para(fmt.Sprintf("The harbour light number %d.", i))}}
		run.Expect(&arts[i])
	}
	rows := func() int {
		t.Helper()
		var n int
		// Through the run's transaction: the writer has one connection.
		if err := run.tx.QueryRowContext(ctx, `SELECT count(*) FROM article_fts_data`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if _, _, err := run.Save(ctx, &arts[0], ""); err != nil {
		t.Fatal(err)
	}
	before := rows()
	for i := 1; i < len(arts); i++ {
		if _, _, err := run.Save(ctx, &arts[i], ""); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			if after := rows(); after != before {
				t.Errorf("the index's rows went from %d to %d while two articles were saved in one batch", before, after)
			}
		}
	}
	if err := run.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	checkIntegrity(t, db, "after the batch")
	if res, err := db.Search(ctx, readingroom.ParseQuery("harbour light"), 1, 10); err != nil || res.Total != len(arts) {
		t.Errorf("search after the batch: %d, %v", res.Total, err)
	}
	items, _, err := db.List(ctx, u.ID, ListFilter{})
	if err != nil || len(items) != 1 || items[0].Article.Missing {
		t.Errorf("the waiting item after its article came: %+v, %v", items, err)
	}
}

// A bulk import (at least bulkArticles, into a library not much larger)
// defers the index's merging and optimizes it at the end; the index is
// whole afterwards and merging is on again. Should one die midway, opening
// the store turns merging back on.
func TestBulkImport(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	run := db.NewImport()
	arts := make([]readingroom.Article, bulkArticles)
	for i := range arts {
		arts[i] = readingroom.Article{Title: fmt.Sprintf("Harbour %d", i), Blocks: []readingroom.Block{para(fmt.Sprintf("The harbour light number %d.", i))}}
		run.Expect(&arts[i])
	}
	// Through the run's transaction while it is open: the writer has one
	// connection.
	automerge := func(q dbtx) int {
		t.Helper()
		var v int
		if err := q.QueryRowContext(ctx, `SELECT coalesce((SELECT v FROM article_fts_config WHERE k = 'automerge'), 4)`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for i := range arts {
		if _, _, err := run.Save(ctx, &arts[i], ""); err != nil {
			t.Fatal(err)
		}
		if i == batchArticles+1 && (!run.bulk || automerge(run.tx) != 0) {
			t.Fatalf("bulk %v, automerge %d during the run", run.bulk, automerge(run.tx))
		}
	}
	if err := run.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if got := automerge(db.w); got != ftsAutomerge {
		t.Errorf("automerge %d after the run, want %d", got, ftsAutomerge)
	}
	checkIntegrity(t, db, "after a bulk import")
	if res, err := db.Search(ctx, readingroom.ParseQuery("harbour light"), 1, 10); err != nil || res.Total != bulkArticles {
		t.Errorf("search after a bulk import: %d, %v", res.Total, err)
	}
	// A run that died with merging off.
	if err := setAutomerge(ctx, db.w, 0); err != nil {
		t.Fatal(err)
	}
	if err := restoreAutomerge(ctx, db.w); err != nil {
		t.Fatal(err)
	}
	if got := automerge(db.w); got != ftsAutomerge {
		t.Errorf("automerge %d after reopening, want %d", got, ftsAutomerge)
	}
}

// Search marks a hit's words from where the index says they stand
// (rr_instances) and the tokens of the block shown (rr_tokens): exactly
// what highlight() marks in the article's text, phrases, prefixes, stems,
// accents and all.
func TestSearchMarksAsHighlightDoes(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	articles := []*readingroom.Article{
		{Title: "Accents", Standfirst: "An école in Zürich.", Blocks: []readingroom.Block{
			para("Café crème, naïve résumé: ÉCOLE, école and Ecole were all the same school."),
			para("日本語 and Zürich, zurich, ZÜRICH: one city, three spellings of Zürich."),
		}},
		{Title: "Harbours", Blocks: []readingroom.Block{
			para("The harbour harbour wall; the harbour-master's harbours and harbouring."),
			para("Libraries, a library, librarians: the harbour library."),
			para("Nothing to see."),
			para("the harbour the harbour the harbour the harbour the harbour"),
		}},
		{Title: "A break in the text", Blocks: []readingroom.Block{
			para("A harbour before \uE000 the break."),
			para("A library after it."),
		}},
	}
	for _, a := range articles {
		if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	for _, qs := range []string{"ecole", "zurich", "école zürich", `"the harbour"`, `"the harbour" harbour`, "harb*", "librari*",
		"library harbour", "harbour -nothing", `"harbour wall" library`, "city 日本語", "harbour in:harbours"} {
		q := readingroom.ParseQuery(qs)
		res, err := db.Search(ctx, q, 1, 10)
		if err != nil {
			t.Fatalf("%s: %v", qs, err)
		}
		if len(res.Results) == 0 {
			t.Errorf("%s: no results", qs)
		}
		s := &searcher{q: q, counts: make([]int, len(q.Must))}
		for _, r := range res.Results {
			var body string
			if err := db.r.QueryRowContext(ctx, `
				SELECT highlight(article_fts, 0, ?, ?) FROM article_fts
				WHERE article_fts MATCH ? AND rowid = (SELECT id FROM articles WHERE slug = ?)`,
				markOpen, markClose, s.wordsExpr(), r.Slug).Scan(&body); err != nil {
				t.Fatalf("%s, %s: %v", qs, r.Slug, err)
			}
			parts := strings.Split(body, blockBreak)
			var a *readingroom.Article
			for _, x := range articles {
				if x.Slug == r.Slug {
					a = x
				}
			}
			if len(parts) != len(a.Blocks) {
				// The break in the text: no block is a hit.
				if r.Matches != 0 {
					t.Errorf("%s, %s: %d matches in an article whose blocks cannot be told apart", qs, r.Slug, r.Matches)
				}
				continue
			}
			marked := 0
			for _, p := range parts {
				if strings.Contains(p, markOpen) {
					marked++
				}
			}
			if r.Matches != marked {
				t.Errorf("%s, %s: %d matches, highlight() marks %d blocks", qs, r.Slug, r.Matches, marked)
			}
			for _, h := range r.Hits {
				i := slices.IndexFunc(a.Blocks, func(b readingroom.Block) bool { return b.ID == h.PID })
				if i < 0 {
					continue // the standfirst or first paragraph of a match elsewhere
				}
				want := markup(readingroom.Excerpt(readingroom.MarkedSegments(parts[i], markOpen, markClose), snippetTokens))
				if got := markup(h.Snippet); got != want {
					t.Errorf("%s, %s, block %d:\n got %s\nwant %s", qs, r.Slug, i, got, want)
				}
			}
		}
	}
}

// An article that matched by its title alone shows its first paragraph,
// past any heading before it, or its first block when it has no
// paragraph.
func TestSearchTitleMatchShowsFirstParagraph(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	heading := func(text string) readingroom.Block {
		return readingroom.Block{Kind: readingroom.KindHeading, Text: text}
	}
	a := &readingroom.Article{Title: "Semaphore towers", Blocks: []readingroom.Block{
		heading("Part one"), para("Arms on a mast, read by telescope."), para("A second paragraph."),
	}}
	b := &readingroom.Article{Title: "Semaphore lines", Blocks: []readingroom.Block{heading("Only a heading"), heading("And another")}}
	for _, x := range []*readingroom.Article{a, b} {
		if _, _, err := db.SaveArticle(ctx, x, ""); err != nil {
			t.Fatal(err)
		}
	}
	res, err := db.Search(ctx, readingroom.ParseQuery("semaphore"), 1, 10)
	if err != nil || len(res.Results) != 2 {
		t.Fatalf("semaphore: %+v %v", res, err)
	}
	want := map[string]string{a.Slug: a.Blocks[1].ID, b.Slug: b.Blocks[0].ID}
	for _, r := range res.Results {
		if r.Matches != 0 || len(r.Hits) != 1 || r.Hits[0].PID != want[r.Slug] {
			t.Errorf("%s: %d matches, hits %+v, want the one hit %s", r.Slug, r.Matches, r.Hits, want[r.Slug])
		}
	}
}

// Where each article's blocks break is kept with the article as the index
// has it: for every article of more than one block, articles.breaks is
// what rr_blocks reads from the index, through accents, scripts without
// spaces, numbers, a break character in the text, and an article's new
// text; an article of one block keeps its length alone. A value that
// drifts from the text is a problem IntegrityCheck names.
func TestBreaksKeptAsTheIndexHasThem(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	articles := []*readingroom.Article{
		{Title: "Accents", Blocks: []readingroom.Block{
			para("Café crème, naïve résumé: ÉCOLE, école and Ecole were all the same school."),
			para("日本語のテキスト and Zürich, 1889–1950, e-mail's co-op ½ ⅔."),
			para("Running runners ran; the harbour-master's harbours."),
		}},
		{Title: "One block", Blocks: []readingroom.Block{para("Only this paragraph, of seven words.")}},
		{Title: "A break in the text", Blocks: []readingroom.Block{
			para("A harbour before \uE000 the break."),
			para("A library after it."),
		}},
		{Title: "Edited", Blocks: []readingroom.Block{para("First version, first block."), para("Second block.")}},
	}
	for _, a := range articles {
		if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	edited := &readingroom.Article{Title: "Edited", Blocks: []readingroom.Block{
		para("First version, first block."), para("A new block of some more words between them."), para("Second block.")}}
	if out, _, err := db.SaveArticle(ctx, edited, ""); err != nil || out != Updated {
		t.Fatalf("edit: %v, %v", out, err)
	}

	type row struct {
		slug        string
		kept, index []int32
		blocks      int
	}
	rows, err := scanRows(ctx, db.r, func(rows *sql.Rows) (row, error) {
		var (
			x           row
			kept, index []byte
		)
		err := rows.Scan(&x.slug, &kept, &index, &x.blocks)
		x.kept, x.index = int32s(kept), int32s(index)
		return x, err
	}, `SELECT a.slug, a.breaks, f.b, (SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id)
		FROM articles a LEFT JOIN (SELECT rowid, rr_blocks(article_fts) AS b FROM article_fts WHERE article_fts MATCH ?) f ON f.rowid = a.id
		ORDER BY a.id`, `"`+strings.TrimSpace(blockBreak)+`"`)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(articles) {
		t.Fatalf("%d articles", len(rows))
	}
	for _, x := range rows {
		switch {
		case len(x.kept) == 0:
			t.Errorf("%s: no breaks kept", x.slug)
		case x.blocks > 1 && !slices.Equal(x.kept, x.index):
			t.Errorf("%s: breaks kept %v, the index has %v", x.slug, x.kept, x.index)
		case x.blocks == 1 && (len(x.kept) != 1 || x.kept[0] != 6):
			t.Errorf("%s: breaks kept %v, want its length alone, 6 tokens", x.slug, x.kept)
		}
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE articles SET breaks = NULL WHERE slug = ?`, articles[0].Slug); err != nil {
		t.Fatal(err)
	}
	var ce *CheckError
	if err := db.IntegrityCheck(ctx); !errors.As(err, &ce) || len(ce.Problems) != 1 || !strings.Contains(ce.Problems[0], articles[0].Slug) {
		t.Errorf("check after the breaks were lost: %v", err)
	}
	var tokens, breaks []byte
	if err := db.r.QueryRowContext(ctx, `SELECT rr_tokens(NULL), rr_breaks(NULL)`).Scan(&tokens, &breaks); err != nil || tokens != nil || breaks != nil {
		t.Errorf("rr_tokens(NULL), rr_breaks(NULL) = %v, %v, %v; want NULL, NULL", tokens, breaks, err)
	}
}

// The row of article_docs that indexArticle gives the index, made from
// the article (doc), is the view's row for it as stored: with books with
// empty fields, without books or blocks, with a break character and
// accents in the text, and after an edit.
func TestIndexedDocIsTheView(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	articles := []*readingroom.Article{
		{Title: "Books", Byline: "By A. Reader", Standfirst: "Café crème.",
			Books:  []readingroom.Book{{Title: "One", Author: "Ann", Details: "Faber, £9"}, {Title: "Two"}, {Details: "only details"}},
			Blocks: []readingroom.Block{para("First \uE000 block."), {Kind: readingroom.KindHeading, Text: "A heading", Number: "1"}, para("Third.")}},
		{Title: "Bare"},
		{Title: "One block", Blocks: []readingroom.Block{para("Only one, naïve.")}},
	}
	for _, a := range articles {
		if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	edited := &readingroom.Article{Title: "Books", Byline: "By A. Reader", Standfirst: "Café crème, edited.",
		Books:  []readingroom.Book{{Title: "Two"}},
		Blocks: []readingroom.Block{para("A new first block."), para("First \uE000 block."), para("Third.")}}
	if out, _, err := db.SaveArticle(ctx, edited, ""); err != nil || out != Updated {
		t.Fatalf("edit: %v, %v", out, err)
	}
	articles[0] = edited
	for _, a := range articles {
		var view articleDoc
		err := db.r.QueryRowContext(ctx, `SELECT d.body, d.title, d.byline, d.standfirst, d.books
			FROM article_docs d JOIN articles a ON a.id = d.id WHERE a.slug = ?`, a.Slug).
			Scan(&view.body, &view.title, &view.byline, &view.standfirst, &view.books)
		if err != nil {
			t.Fatal(err)
		}
		if got := doc(a); got != view {
			t.Errorf("%s: doc %+v, the view has %+v", a.Slug, got, view)
		}
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
}

// rr_top(k, id, score, data) counts its rows and keeps the k best, as
// ORDER BY score DESC, id DESC LIMIT k lists them, with their data: with
// ties, k of none, one, some, all and more than all, and data NULL, empty
// or long.
func TestTopIsOrderByLimit(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	type row struct {
		id    int64
		score float64
		data  []byte
	}
	var rows []row
	for i := range 40 {
		var data []byte
		switch i % 3 {
		case 1:
			data = []byte{}
		case 2:
			data = bytes.Repeat([]byte{byte(i)}, 1+i*7)
		}
		// Every fourth score is the same: ties fall to the higher id.
		rows = append(rows, row{id: int64(1000 - i*13%97), score: float64((i*37)%11) - 2.5 + float64(i%4/3)*0.25, data: data})
	}
	var values []string
	var args []any
	for _, r := range rows {
		values = append(values, "(?, ?, ?)")
		args = append(args, r.id, r.score, r.data)
	}
	from := ` FROM (SELECT column1 AS id, column2 AS score, column3 AS data FROM (VALUES ` + strings.Join(values, ", ") + `))`
	for _, k := range []int{0, 1, 7, 40, 45} {
		var b []byte
		if err := db.r.QueryRowContext(ctx, `SELECT rr_top(?, id, score, data)`+from, append([]any{k}, args...)...).Scan(&b); err != nil {
			t.Fatal(err)
		}
		count, got, ok := readTop(b)
		if !ok || count != len(rows) {
			t.Fatalf("k %d: %d rows counted (%v), want %d", k, count, ok, len(rows))
		}
		want, err := scanRows(ctx, db.r, func(rs *sql.Rows) (row, error) {
			var r row
			err := rs.Scan(&r.id, &r.score, &r.data)
			return r, err
		}, `SELECT id, score, data`+from+` ORDER BY score DESC, id DESC LIMIT ?`, append(args, k)...)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("k %d: kept %d rows, want %d", k, len(got), len(want))
		}
		for i := range got {
			if got[i].id != want[i].id || got[i].score != want[i].score || !bytes.Equal(got[i].data, want[i].data) {
				t.Errorf("k %d, row %d: %d %v %d bytes, want %d %v %d bytes", k, i, got[i].id, got[i].score, len(got[i].data), want[i].id, want[i].score, len(want[i].data))
			}
		}
	}
	var b []byte
	if err := db.r.QueryRowContext(ctx, `SELECT rr_top(5, id, score, data) FROM (SELECT 1 AS id, 1.0 AS score, NULL AS data) WHERE id = 2`).Scan(&b); err != nil {
		t.Fatal(err)
	}
	if count, got, ok := readTop(b); !ok || count != 0 || len(got) != 0 {
		t.Errorf("no rows: %d counted, %d kept, %v", count, len(got), ok)
	}
}

// rr_tokens(text, last) is rr_tokens(text) up to token last: the same
// offsets, none after, and all of them when last is past the end.
func TestTokensUpToTheLastAskedFor(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	const text = "Café crème, 日本語 naïve résumé: the harbour-master's 1889–1950 harbours."
	tokens := func(last any) []int32 {
		t.Helper()
		var b []byte
		q, args := `SELECT rr_tokens(?)`, []any{text}
		if last != nil {
			q, args = `SELECT rr_tokens(?, ?)`, append(args, last)
		}
		if err := db.r.QueryRowContext(ctx, q, args...).Scan(&b); err != nil {
			t.Fatal(err)
		}
		return int32s(b)
	}
	all := tokens(nil)
	n := len(all) / 2
	if n < 10 {
		t.Fatalf("%d tokens in %q", n, text)
	}
	for _, last := range []int{0, 1, 4, n - 2, n - 1, n, n + 5} {
		want := all[:2*min(last+1, n)]
		if got := tokens(last); !slices.Equal(got, want) {
			t.Errorf("rr_tokens(text, %d) = %v, want %v", last, got, want)
		}
	}
	if got := tokens(-1); len(got) != 0 {
		t.Errorf("rr_tokens(text, -1) = %v, want none", got)
	}
	var b []byte
	if err := db.r.QueryRowContext(ctx, `SELECT rr_tokens(NULL, 3)`).Scan(&b); err != nil || b != nil {
		t.Errorf("rr_tokens(NULL, 3) = %v, %v; want NULL", b, err)
	}
}

// rr_bm25, given the number of articles holding each phrase, scores every
// article exactly as FTS5's bm25() does (which counts them itself), for
// words, phrases, prefixes, several phrases and the title's weight; given
// the wrong number of arguments, it says so.
func TestRRBM25IsBM25(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	words := []string{"harbour", "library", "lamp", "keeper", "winter", "ledger", "the", "of", "dome", "iron"}
	for i := range 60 {
		var blocks []readingroom.Block
		for k := range 1 + i%4 {
			var sb strings.Builder
			for j := range 6 + (i*k)%11 {
				sb.WriteString(words[(i*7+j*j+k)%len(words)] + " ")
			}
			blocks = append(blocks, para(sb.String()+"end."))
		}
		if i%5 == 0 {
			blocks = append(blocks, para("Beyond the harbour, the harbour lamp."))
		}
		a := &readingroom.Article{Title: fmt.Sprintf("%s %d", words[i%len(words)], i), Standfirst: words[(i+3)%len(words)] + " standfirst", Blocks: blocks}
		if _, _, err := db.SaveArticle(ctx, a, ""); err != nil {
			t.Fatal(err)
		}
	}
	for _, qs := range []string{"harbour", "harbour library", `"the harbour"`, "harb*", "lamp keeper winter", "dome", "the of"} {
		q := readingroom.ParseQuery(qs)
		expr := MatchExpr(q)
		var dfs []any
		for _, c := range q.Must {
			var n int
			if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM article_fts WHERE article_fts MATCH ?`,
				MatchExpr(readingroom.Query{Must: []readingroom.Clause{c}})).Scan(&n); err != nil {
				t.Fatal(err)
			}
			dfs = append(dfs, n)
		}
		type row struct {
			id         int64
			bm25, mine float64
		}
		rows, err := scanRows(ctx, db.r, func(rows *sql.Rows) (row, error) {
			var x row
			err := rows.Scan(&x.id, &x.bm25, &x.mine)
			return x, err
		}, `SELECT rowid, bm25(article_fts, `+articleWeights+`), rr_bm25(article_fts, `+articleWeights+`, `+placeholders(len(dfs))+`)
			FROM article_fts WHERE article_fts MATCH ?`, append(dfs, expr)...)
		if err != nil {
			t.Fatalf("%s: %v", qs, err)
		}
		if len(rows) == 0 {
			t.Errorf("%s: no rows", qs)
		}
		for _, x := range rows {
			if x.bm25 != x.mine {
				t.Errorf("%s, article %d: rr_bm25 %v, bm25 %v", qs, x.id, x.mine, x.bm25)
			}
		}
	}
	var f float64
	err := db.r.QueryRowContext(ctx, `SELECT rr_bm25(article_fts, `+articleWeights+`) FROM article_fts WHERE article_fts MATCH 'harbour'`).Scan(&f)
	if err == nil || !strings.Contains(err.Error(), "rr_bm25") {
		t.Errorf("rr_bm25 without the counts: %v, %v", f, err)
	}
}
