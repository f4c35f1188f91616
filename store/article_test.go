package store

import (
	"database/sql"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/readingroom/readingroom"
)

func para(text string) readingroom.Block {
	return readingroom.Block{Kind: readingroom.KindParagraph, Text: text}
}

func sample() *readingroom.Article {
	return &readingroom.Article{
		Title:       "The Long Read: Rivers of London",
		Standfirst:  "How the lost rivers shaped a city.",
		Byline:      "By Ann Example",
		ImageCredit: "Photo: Someone",
		Books: []readingroom.Book{
			{Title: "London Under", Author: "Peter Ackroyd", Details: "Chatto, 240pp, £12"},
			{Title: "The Lost Rivers", Author: "N. Barton", Details: "Historical, 160pp"},
		},
		Blocks: []readingroom.Block{
			{Kind: readingroom.KindHeading, Text: "Beginnings", Number: "1"},
			para("The Fleet rises on Hampstead Heath."),
			para("The Tyburn flows beneath Buckingham Palace."),
			{Kind: readingroom.KindCaption, Text: "The Thames at dusk", Credit: "Getty"},
			para("The Effra was buried in Victorian sewers."),
			{Kind: readingroom.KindAuthorNote, Text: "Ann Example writes about cities."},
			{Kind: readingroom.KindCorrection, Text: "An earlier version misnamed the Effra."},
		},
		Published:   time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC),
		Publication: "New Statesman",
		IssueTitle:  "The river issue",
	}
}

// clone deep-copies a so a test can edit one version and keep the other.
func clone(a *readingroom.Article) *readingroom.Article {
	c := *a
	c.Books = slices.Clone(a.Books)
	c.Blocks = slices.Clone(a.Blocks)
	return &c
}

func ids(a *readingroom.Article) []string {
	var s []string
	for _, b := range a.Blocks {
		s = append(s, b.ID)
	}
	return s
}

func idByText(a *readingroom.Article) map[string]string {
	m := make(map[string]string)
	for _, b := range a.Blocks {
		m[b.Text] = b.ID
	}
	return m
}

func save(t *testing.T, db *DB, a *readingroom.Article, want Outcome) string {
	t.Helper()
	got, slug, err := db.SaveArticle(t.Context(), a, "dumps/test.txt")
	if err != nil {
		t.Fatalf("SaveArticle(%q): %v", a.Title, err)
	}
	if got != want {
		t.Fatalf("SaveArticle(%q) = %v, want %v", a.Title, got, want)
	}
	if slug != a.Slug {
		t.Fatalf("SaveArticle returned slug %q but set a.Slug = %q", slug, a.Slug)
	}
	return slug
}

func load(t *testing.T, db *DB, slug string) *readingroom.Article {
	t.Helper()
	a, err := db.Article(t.Context(), slug)
	if err != nil {
		t.Fatalf("Article(%q): %v", slug, err)
	}
	return a
}

func TestOutcomeString(t *testing.T) {
	for o, want := range map[Outcome]string{Created: "new", Updated: "updated", Unchanged: "unchanged", 0: "Outcome(0)"} {
		if got := o.String(); got != want {
			t.Errorf("Outcome(%d).String() = %q, want %q", int(o), got, want)
		}
	}
}

func TestSaveNewArticle(t *testing.T) {
	db := openTest(t)
	a := sample()
	slug := save(t, db, a, Created)
	if slug != "the-long-read-rivers-of-london" {
		t.Errorf("slug = %q, want the-long-read-rivers-of-london", slug)
	}
	seen := make(map[string]bool)
	for i, b := range a.Blocks {
		if !readingroom.ValidParagraphID(b.ID) {
			t.Errorf("block %d id %q is not a paragraph id", i, b.ID)
		}
		if want := readingroom.ParagraphID(b.Text, 0); b.ID != want {
			t.Errorf("block %d id = %q, want ParagraphID(text, 0) = %q", i, b.ID, want)
		}
		if seen[b.ID] {
			t.Errorf("block %d id %q repeats", i, b.ID)
		}
		seen[b.ID] = true
	}

	got := load(t, db, slug)
	if !reflect.DeepEqual(got, a) {
		t.Errorf("Article(%q) =\n%+v\nwant\n%+v", slug, got, a)
	}
}

func TestSaveUndatedArticleWithoutBooks(t *testing.T) {
	db := openTest(t)
	a := &readingroom.Article{Title: "Plain", Blocks: []readingroom.Block{para("Just text.")}}
	slug := save(t, db, a, Created)
	got := load(t, db, slug)
	if !got.Published.IsZero() || got.Books != nil {
		t.Errorf("Published = %v, Books = %v; want zero and none", got.Published, got.Books)
	}
	var published any
	if err := db.r.QueryRowContext(t.Context(), `SELECT published FROM articles`).Scan(&published); err != nil {
		t.Fatal(err)
	}
	if published != nil {
		t.Errorf("stored published = %v, want NULL", published)
	}
}

func TestSaveRejectsInvalidArticles(t *testing.T) {
	db := openTest(t)
	for name, a := range map[string]*readingroom.Article{
		"nil":      nil,
		"no title": {Title: "  ", Blocks: []readingroom.Block{para("x")}},
		"bad kind": {Title: "T", Blocks: []readingroom.Block{{Kind: "sidebar", Text: "x"}}},
	} {
		_, _, err := db.SaveArticle(t.Context(), a, "")
		if readingroom.ErrorCode(err) != readingroom.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	if n, _, err := db.Stats(t.Context()); err != nil || n != 0 {
		t.Errorf("Stats = %d, %v; want nothing stored", n, err)
	}
}

func totalChanges(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	// The writer has one connection, so this is the connection that saves.
	if err := db.w.QueryRowContext(t.Context(), `SELECT total_changes()`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func timestamps(t *testing.T, db *DB, slug string) (created, updated, source string) {
	t.Helper()
	if err := db.r.QueryRowContext(t.Context(),
		`SELECT created_at, updated_at, source FROM articles WHERE slug = ?`, slug,
	).Scan(&created, &updated, &source); err != nil {
		t.Fatal(err)
	}
	return created, updated, source
}

func TestSaveIdenticalWritesNothing(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	t1 := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	db.now = func() time.Time { return t1 }
	a := sample()
	slug := save(t, db, a, Created)
	created, updated, _ := timestamps(t, db, slug)
	if want := "2024-01-02T03:04:05Z"; created != want || updated != want {
		t.Fatalf("created_at, updated_at = %q, %q; want %q", created, updated, want)
	}

	db.now = func() time.Time { return t1.Add(time.Hour) }
	before := totalChanges(t, db)
	again := sample()
	out, _, err := db.SaveArticle(ctx, again, "elsewhere/other.txt")
	if err != nil || out != Unchanged {
		t.Fatalf("SaveArticle(identical) = %v, %v; want unchanged", out, err)
	}
	if after := totalChanges(t, db); after != before {
		t.Errorf("unchanged save made %d changes, want none", after-before)
	}
	c2, u2, source := timestamps(t, db, slug)
	if c2 != created || u2 != updated || source != "dumps/test.txt" {
		t.Errorf("after unchanged save: created_at %q, updated_at %q, source %q; want all as before", c2, u2, source)
	}
	if again.Slug != slug || !slices.Equal(ids(again), ids(a)) {
		t.Errorf("unchanged save filled slug %q ids %q, want %q %q", again.Slug, ids(again), slug, ids(a))
	}
}

func TestSaveEditedArticle(t *testing.T) {
	db := openTest(t)
	t1 := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	db.now = func() time.Time { return t1 }
	old := sample()
	slug := save(t, db, old, Created)
	oldIDs := idByText(old)

	db.now = func() time.Time { return t1.Add(time.Hour) }
	edited := clone(old)
	edited.Standfirst = "How the lost rivers made a city."
	edited.Books = edited.Books[:1]
	b := edited.Blocks
	edited.Blocks = []readingroom.Block{
		b[0],
		b[4], // Effra moved up
		para("The Westbourne feeds the Serpentine."), // new
		// Same text under Normalize: different spacing and quotes keep the id.
		{Kind: readingroom.KindParagraph, Text: "The  Fleet rises on Hampstead Heath."},
		// b[2] (Tyburn) and the caption removed
		b[5], b[6],
	}
	for i := range edited.Blocks {
		edited.Blocks[i].ID = ""
	}
	if got := save(t, db, edited, Updated); got != slug {
		t.Errorf("slug after update = %q, want %q", got, slug)
	}

	for _, text := range []string{"Beginnings", "The Effra was buried in Victorian sewers.", "Ann Example writes about cities."} {
		if got, want := idByText(edited)[text], oldIDs[text]; got != want {
			t.Errorf("kept block %q: id %q, want %q", text, got, want)
		}
	}
	if got, want := edited.Blocks[3].ID, oldIDs["The Fleet rises on Hampstead Heath."]; got != want {
		t.Errorf("respaced block: id %q, want kept %q", got, want)
	}
	newID := edited.Blocks[2].ID
	if !readingroom.ValidParagraphID(newID) || slices.Contains(ids(old), newID) {
		t.Errorf("new block id %q: want a fresh paragraph id", newID)
	}

	got := load(t, db, slug)
	if !reflect.DeepEqual(got, edited) {
		t.Errorf("Article after update =\n%+v\nwant\n%+v", got, edited)
	}
	var rows int
	if err := db.r.QueryRowContext(t.Context(), `SELECT count(*) FROM paragraphs`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != len(edited.Blocks) {
		t.Errorf("%d paragraph rows, want %d (removed blocks deleted)", rows, len(edited.Blocks))
	}
	created, updated, _ := timestamps(t, db, slug)
	if created != "2024-01-02T03:04:05Z" || updated != "2024-01-02T04:04:05Z" {
		t.Errorf("created_at %q, updated_at %q; want creation kept and update stamped", created, updated)
	}
}

// A paragraph deleted and then restored takes its old id back, so the old
// link shows it again; an id is never given to other text.
func TestRestoredParagraphGetsItsIDBack(t *testing.T) {
	db := openTest(t)
	a := &readingroom.Article{Title: "Ids", Blocks: []readingroom.Block{para("Kept."), para("Gone for a while.")}}
	save(t, db, a, Created)
	goneID := a.Blocks[1].ID

	b := &readingroom.Article{Title: "Ids", Blocks: []readingroom.Block{para("Kept."), para("Other text in its place.")}}
	save(t, db, b, Updated)
	if b.Blocks[1].ID == goneID {
		t.Fatalf("other text took the retired id %q", goneID)
	}
	if ref, err := db.Paragraph(t.Context(), "ids", goneID); err != nil || ref.State != ParagraphDeleted {
		t.Fatalf("deleted paragraph: %+v %v", ref, err)
	}
	if got := retiredIDs(t, db, "ids"); !slices.Equal(got, []string{goneID}) {
		t.Errorf("retired ids %q, want [%s]", got, goneID)
	}
	c := &readingroom.Article{Title: "Ids", Blocks: []readingroom.Block{para("Kept."), para("Gone for a while.")}}
	save(t, db, c, Updated)
	if c.Blocks[1].ID != goneID {
		t.Errorf("restored paragraph id = %q, want its old %q", c.Blocks[1].ID, goneID)
	}
	if ref, err := db.Paragraph(t.Context(), "ids", goneID); err != nil || ref.State != ParagraphLive {
		t.Errorf("restored paragraph: %+v %v", ref, err)
	}
	// Live again, so no longer retired; the other text's id is retired now.
	if got := retiredIDs(t, db, "ids"); !slices.Equal(got, []string{b.Blocks[1].ID}) {
		t.Errorf("retired ids %q, want [%s]", got, b.Blocks[1].ID)
	}
	if err := db.IntegrityCheck(t.Context()); err != nil {
		t.Error(err)
	}
}

// An id that became an alias (its paragraph merged into another) is
// never given to a paragraph again, not even to its own text coming back:
// the link would then lead somewhere else than it has since the merge.
func TestRetiredIDNeverReused(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	first, second := "The keeper lit the lamp at dusk.", "The ships passed safely all night."
	a := &readingroom.Article{Title: "Ids", Blocks: []readingroom.Block{para(first), para(second)}}
	save(t, db, a, Created)
	keptID, mergedID := a.Blocks[0].ID, a.Blocks[1].ID
	if got := retiredIDs(t, db, "ids"); len(got) != 0 {
		t.Errorf("retired ids of a new article: %q, want none", got)
	}

	merged := &readingroom.Article{Title: "Ids", Blocks: []readingroom.Block{para(first + " " + second)}}
	save(t, db, merged, Updated)
	if ref, err := db.Paragraph(ctx, "ids", mergedID); err != nil || ref.State != ParagraphAlias || ref.ID != keptID {
		t.Fatalf("merged paragraph's id: %+v, %v; want an alias of %s", ref, err, keptID)
	}
	if got := retiredIDs(t, db, "ids"); !slices.Equal(got, []string{mergedID}) {
		t.Errorf("retired ids %q, want [%s]", got, mergedID)
	}

	split := &readingroom.Article{Title: "Ids", Blocks: []readingroom.Block{para(first), para(second)}}
	save(t, db, split, Updated)
	if got := split.Blocks[1].ID; got == mergedID || got == keptID || !readingroom.ValidParagraphID(got) {
		t.Errorf("the split-off paragraph got id %q; want a fresh one, not %s or %s", got, mergedID, keptID)
	}
	if ref, err := db.Paragraph(ctx, "ids", mergedID); err != nil || ref.State != ParagraphAlias || ref.ID != keptID {
		t.Errorf("retired id after the split: %+v, %v; want still an alias of %s", ref, err, keptID)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}

// retiredIDs returns the registry of retired ids of the article at slug,
// sorted.
func retiredIDs(t *testing.T, db *DB, slug string) []string {
	t.Helper()
	got, err := scanRows(t.Context(), db.r, scanString, `SELECT pid FROM paragraph_ids
		WHERE article_id = (SELECT id FROM articles WHERE slug = ?) ORDER BY pid`, slug)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestIdenticalParagraphsGetDistinctIDs(t *testing.T) {
	db := openTest(t)
	a := &readingroom.Article{Title: "Echo", Blocks: []readingroom.Block{para("Again."), para("Between."), para("Again."), para("AGAIN.")}}
	save(t, db, a, Created)
	want := []string{
		readingroom.ParagraphID("Again.", 0),
		readingroom.ParagraphID("Between.", 0),
		readingroom.ParagraphID("Again.", 1),
		readingroom.ParagraphID("Again.", 2),
	}
	if got := ids(a); !slices.Equal(got, want) {
		t.Errorf("ids = %q, want %q", got, want)
	}

	// Dropping the first copy keeps the others' ids: stored blocks are
	// matched in order, so the survivors carry on the first two copies.
	b := &readingroom.Article{Title: "Echo", Blocks: []readingroom.Block{para("Between."), para("Again."), para("Again.")}}
	save(t, db, b, Updated)
	if got, want := ids(b), []string{want[1], want[0], want[2]}; !slices.Equal(got, want) {
		t.Errorf("ids after edit = %q, want %q", got, want)
	}
}

func TestSlugCollision(t *testing.T) {
	db := openTest(t)
	for _, c := range []struct{ title, slug string }{
		{"Hello, World", "hello-world"},
		{"Hello World!", "hello-world-2"},
		{"Hello — World", "hello-world-3"},
		{"Hello World 2", "hello-world-2-2"},
	} {
		a := &readingroom.Article{Title: c.title, Blocks: []readingroom.Block{para(c.title)}}
		if got := save(t, db, a, Created); got != c.slug {
			t.Errorf("slug of %q = %q, want %q", c.title, got, c.slug)
		}
	}
}

func TestListArticles(t *testing.T) {
	db := openTest(t)
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, a := range []*readingroom.Article{
		{Title: "b older", Published: day("2020-01-01"), Standfirst: "two words", Blocks: []readingroom.Block{para("one two three"), {Kind: readingroom.KindHeading, Text: "h"}}},
		{Title: "Undated", Blocks: []readingroom.Block{para("x")}},
		{Title: "Zed newest", Published: day("2021-05-01"), Byline: "Z", Publication: "P", IssueTitle: "I"},
		{Title: "A older", Published: day("2020-01-01")},
		{Title: "another undated"},
	} {
		save(t, db, a, Created)
	}

	list, total, err := db.ListArticles(t.Context(), 0, 0)
	if err != nil {
		t.Fatalf("ListArticles: %v", err)
	}
	var titles []string
	for _, s := range list {
		titles = append(titles, s.Title)
	}
	want := []string{"Zed newest", "A older", "b older", "another undated", "Undated"}
	if !slices.Equal(titles, want) || total != 5 {
		t.Errorf("ListArticles = %q (total %d), want %q (total 5)", titles, total, want)
	}
	wantB := ArticleSummary{Slug: "b-older", Title: "b older", Standfirst: "two words", Published: day("2020-01-01"), WordCount: 6, ParagraphCount: 1}
	if !reflect.DeepEqual(list[2], wantB) {
		t.Errorf("summary = %+v, want %+v", list[2], wantB)
	}
	if z := list[0]; z.Byline != "Z" || z.Publication != "P" || z.IssueTitle != "I" || z.Slug != "zed-newest" {
		t.Errorf("summary = %+v, want byline, publication, issue and slug filled", z)
	}
	if !list[4].Published.IsZero() {
		t.Errorf("undated summary Published = %v, want zero", list[4].Published)
	}

	page, total, err := db.ListArticles(t.Context(), 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].Title != "A older" || page[1].Title != "b older" || total != 5 {
		t.Errorf("page (2, 1) = %+v total %d, want A older, b older, total 5", page, total)
	}
	page, total, err = db.ListArticles(t.Context(), 10, 50)
	if err != nil || len(page) != 0 || total != 5 {
		t.Errorf("page past the end = %d items, total %d, err %v; want 0, 5, nil", len(page), total, err)
	}
	if _, _, err := db.ListArticles(t.Context(), 10, -1); readingroom.ErrorCode(err) != readingroom.EINVALID {
		t.Errorf("negative offset: err = %v, want EINVALID", err)
	}
}

// A paragraph is found by its public id through paragraphs_pid, in one
// article (resolve, page.go, positions.go) or across them (an edited
// title): the index that also keeps (article_id, pid) unique.
func TestParagraphByIDUsesTheIndex(t *testing.T) {
	db := openTest(t)
	for q, want := range map[string]string{
		`SELECT EXISTS (SELECT 1 FROM paragraphs WHERE article_id = 1 AND pid = 'x')`: "USING COVERING INDEX paragraphs_pid (pid=? AND article_id=?)",
		`SELECT position FROM paragraphs WHERE article_id = 1 AND pid = 'x'`:          "USING INDEX paragraphs_pid (pid=? AND article_id=?)",
		`SELECT article_id FROM paragraphs WHERE pid IN ('x', 'y')`:                   "USING COVERING INDEX paragraphs_pid (pid=?)",
	} {
		plan, err := scanRows(t.Context(), db.r, func(rows *sql.Rows) (string, error) {
			var id, parent, unused int
			var detail string
			err := rows.Scan(&id, &parent, &unused, &detail)
			return detail, err
		}, `EXPLAIN QUERY PLAN `+q)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(plan, "; "); !strings.Contains(got, want) {
			t.Errorf("plan of %s: %q, want %q", q, got, want)
		}
	}
}

func TestListUsesIndexOrder(t *testing.T) {
	db := openTest(t)
	rows, err := db.r.QueryContext(t.Context(), `EXPLAIN QUERY PLAN
		SELECT slug FROM articles a ORDER BY a.published DESC, a.title COLLATE NOCASE, a.id LIMIT 10`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !slices.ContainsFunc(plan, func(s string) bool { return s == "SCAN a USING INDEX articles_listing" }) {
		t.Errorf("listing plan %q does not walk articles_listing", plan)
	}
}

func TestNotFound(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	a, err := db.Article(ctx, "no-such-article")
	if a != nil || readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("Article(unknown) = %v, %v; want nil, ENOTFOUND", a, err)
	}
	if got := readingroom.ErrorMessage(err); got != `no article at "no-such-article"` {
		t.Errorf("message = %q", got)
	}
	if err := db.DeleteArticle(ctx, "no-such-article"); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("DeleteArticle(unknown) = %v, want ENOTFOUND", err)
	}
}

func count(t testing.TB, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.r.QueryRowContext(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestDeleteArticleCascades(t *testing.T) {
	db := openTest(t)
	gone := sample()
	slug := save(t, db, gone, Created)
	kept := &readingroom.Article{Title: "Kept", Books: []readingroom.Book{{Title: "B"}}, Blocks: []readingroom.Block{para("Stays.")}}
	save(t, db, kept, Created)

	// A retired id, so that the registry holds a row of the article.
	edited := clone(gone)
	edited.Blocks = edited.Blocks[1:]
	save(t, db, edited, Updated)
	if got := count(t, db, `SELECT count(*) FROM paragraph_ids`); got != 1 {
		t.Fatalf("paragraph_ids has %d rows before delete, want 1", got)
	}

	if err := db.DeleteArticle(t.Context(), slug); err != nil {
		t.Fatalf("DeleteArticle: %v", err)
	}
	if _, err := db.Article(t.Context(), slug); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("Article after delete: err = %v, want ENOTFOUND", err)
	}
	// The cascade to paragraphs registers none of their ids: they went to
	// deleted_paragraph_ids (TestDeleteArticleRetiresSlugAndIDs).
	for table, want := range map[string]int{"articles": 1, "books": 1, "paragraphs": 1, "paragraph_ids": 0} {
		if got := count(t, db, `SELECT count(*) FROM `+table); got != want {
			t.Errorf("%s has %d rows after delete, want %d", table, got, want)
		}
	}
	if got := load(t, db, kept.Slug); !reflect.DeepEqual(got, kept) {
		t.Errorf("other article changed by delete: %+v", got)
	}
}

func TestStats(t *testing.T) {
	db := openTest(t)
	save(t, db, sample(), Created)
	save(t, db, &readingroom.Article{Title: "Two", Blocks: []readingroom.Block{para("a"), para("b")}}, Created)
	articles, paragraphs, err := db.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if articles != 2 || paragraphs != 5 {
		t.Errorf("Stats = %d, %d; want 2 articles, 5 paragraphs", articles, paragraphs)
	}
}

func TestParagraphIDsArePermanent(t *testing.T) {
	db := openTest(t)
	save(t, db, sample(), Created)
	_, err := db.w.ExecContext(t.Context(), `UPDATE paragraphs SET pid = 'aaaaaaaa'`)
	var se sqlite3.Error
	if !errors.As(err, &se) || se.ExtendedCode != sqlite3.ErrConstraintTrigger {
		t.Errorf("changing a pid: err = %v, want the trigger to refuse", err)
	}
	// Unique within an article (paragraphs_pid), not across articles.
	_, err = db.w.ExecContext(t.Context(), `INSERT INTO paragraphs (article_id, pid, position, kind, text)
		SELECT article_id, pid, 99, kind, 'Other text.' FROM paragraphs LIMIT 1`)
	if !errors.As(err, &se) || se.ExtendedCode != sqlite3.ErrConstraintUnique {
		t.Errorf("a second paragraph with a pid: err = %v, want a UNIQUE violation", err)
	}
	other := save(t, db, &readingroom.Article{Title: "Other", Blocks: []readingroom.Block{para("Other text.")}}, Created)
	if _, err := db.w.ExecContext(t.Context(), `INSERT INTO paragraphs (article_id, pid, position, kind, text)
		SELECT (SELECT id FROM articles WHERE slug = ?), pid, 99, kind, 'Other text.' FROM paragraphs LIMIT 1`, other); err != nil {
		t.Errorf("another article's pid: %v", err)
	}
}
