package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
	"github.com/readingroom/readingroom/dump/dumptest"
)

// libraryText is one of our own articles, as paragraphs.
var libraryText = []string{
	"The reading room opened in 1857 under a great dome of iron and glass.",
	"Readers came from every corner of the city to work under the dome in silence.",
	"In the war the dome was painted black, and readers worked by the light of green-shaded lamps.",
	"The lamps are still there: ask at the desk for green-shaded lamps and someone will show you.",
	"Nobody now remembers who first called it the reading room of the world.",
	"It closed in 1997, and the books went to a new library at St Pancras.",
}

func domeArticle(texts ...string) *readingroom.Article {
	return &readingroom.Article{Title: "Under the dome", Byline: "By Ann Example", Blocks: blocksOfText(texts)}
}

// listRoom is a store with two readers and the dome article.
type listRoom struct {
	db       *DB
	ann, bob *readingroom.User
	slug     string
	article  *readingroom.Article
}

func newListRoom(t *testing.T) *listRoom {
	t.Helper()
	db := openAccounts(t)
	rm := &listRoom{db: db, article: domeArticle(libraryText...)}
	rm.ann = mustUser(t, db, "ann", "ann's password", readingroom.RoleReader)
	rm.bob = mustUser(t, db, "bob", "bob's password", readingroom.RoleReader)
	rm.slug = save(t, db, rm.article, Created)
	return rm
}

// reimport saves the dome article again with texts.
func (rm *listRoom) reimport(t *testing.T, texts ...string) {
	t.Helper()
	a := domeArticle(texts...)
	if _, _, err := rm.db.SaveArticle(t.Context(), a, "edited.txt"); err != nil {
		t.Fatal(err)
	}
	rm.article = a
}

func (rm *listRoom) savePassage(t *testing.T, u *readingroom.User, block int, words string) ListItem {
	t.Helper()
	it, created, err := rm.db.SaveItem(t.Context(), u.ID, NewItem{
		Slug: rm.slug, Paragraph: rm.article.Blocks[block].ID, Quote: &readingroom.Quote{Exact: words},
	})
	if err != nil || !created {
		t.Fatalf("save %q: %v (created %v)", words, err, created)
	}
	return it
}

func wantField(t *testing.T, what string, err error, field string) {
	t.Helper()
	if readingroom.ErrorCode(err) != readingroom.EUNPROCESSABLE || readingroom.ErrorField(err) != field {
		t.Errorf("%s: %v (field %q), want unprocessable in %q", what, err, readingroom.ErrorField(err), field)
	}
}

// checkListIndex checks what the triggers keep: the full-text index, and
// the tag counts against the tags.
func checkListIndex(t *testing.T, db *DB) {
	t.Helper()
	if _, err := db.w.ExecContext(t.Context(), `INSERT INTO list_fts (list_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("list index integrity: %v", err)
	}
	const counts, tags = `SELECT user_id, key, items FROM list_tag_counts`, `SELECT user_id, key, count(*) FROM list_tags GROUP BY user_id, key`
	if n := count(t, db, `SELECT (SELECT count(*) FROM (`+counts+` EXCEPT `+tags+`)) + (SELECT count(*) FROM (`+tags+` EXCEPT `+counts+`))`); n != 0 {
		t.Errorf("%d tag counts disagree with the tags", n)
	}
}

func TestSaveItem(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	db, ann := rm.db, rm.ann

	// An article, twice: one item.
	art, created, err := db.SaveItem(ctx, ann.ID, NewItem{Slug: rm.slug, Note: "read\r\nlater", Tags: []string{"History", "history", "domes"}})
	if err != nil || !created {
		t.Fatalf("save article: %v %v", err, created)
	}
	if art.Kind != readingroom.ItemArticle || art.Article.Title != "Under the dome" || art.State != readingroom.StateUnread ||
		art.Note != "read\nlater" || !slices.Equal(art.Tags, []string{"History", "domes"}) || art.Found.Anchor != readingroom.AnchorExact {
		t.Errorf("article item: %+v", art)
	}
	again, created, err := db.SaveItem(ctx, ann.ID, NewItem{Slug: rm.slug, Note: "other"})
	if err != nil || created || again.ID != art.ID || again.Note != "read\nlater" {
		t.Errorf("saving again: %+v %v %v", again, created, err)
	}

	// A whole paragraph.
	p := rm.article.Blocks[2]
	whole, created, err := db.SaveItem(ctx, ann.ID, NewItem{Slug: rm.slug, Paragraph: p.ID})
	if err != nil || !created {
		t.Fatal(err)
	}
	if whole.Quote.Exact != p.Text || whole.Found.ParagraphID != p.ID || whole.SavedParagraph != p.ID ||
		whole.Quote.Suffix != "\n\nThe lamps are still there: ask" || !strings.HasSuffix(whole.Quote.Prefix, "silence.\n\n") {
		t.Errorf("paragraph item: %+v", whole)
	}
	if _, created, _ := db.SaveItem(ctx, ann.ID, NewItem{Slug: rm.slug, Paragraph: p.ID}); created {
		t.Error("the same paragraph saved twice")
	}

	// Words, spaced as a page's selection spaces them, across two
	// paragraphs: kept as the article has them.
	sel, _, err := db.SaveItem(ctx, ann.ID, NewItem{Slug: rm.slug, Paragraph: rm.article.Blocks[4].ID,
		Quote: &readingroom.Quote{Exact: "the reading room of the world.\u00a0 It closed", Prefix: "called it "}})
	if err != nil {
		t.Fatal(err)
	}
	if sel.Quote.Exact != "the reading room of the world.\n\nIt closed" || sel.Found.ParagraphID != rm.article.Blocks[4].ID {
		t.Errorf("selection: %+v", sel)
	}
	// The second of two places the words stand, told by its context.
	lamps, _, err := db.SaveItem(ctx, ann.ID, NewItem{Slug: rm.slug, Quote: &readingroom.Quote{Exact: "green-shaded lamps", Prefix: "ask at the desk for "}})
	if err != nil || lamps.Found.ParagraphID != rm.article.Blocks[3].ID {
		t.Errorf("second occurrence: %+v %v", lamps, err)
	}

	for _, tc := range []struct {
		what  string
		item  NewItem
		field string
	}{
		{"unknown article", NewItem{Slug: "nope"}, "article"},
		{"unknown paragraph", NewItem{Slug: rm.slug, Paragraph: "aaaaaaaa"}, "paragraph"},
		{"malformed paragraph", NewItem{Slug: rm.slug, Paragraph: "<x>"}, "paragraph"},
		{"words not there", NewItem{Slug: rm.slug, Quote: &readingroom.Quote{Exact: "a tiger in the stacks"}}, "quote.exact"},
		{"empty quote", NewItem{Slug: rm.slug, Quote: &readingroom.Quote{Exact: " \n"}}, "quote.exact"},
		{"huge quote", NewItem{Slug: rm.slug, Quote: &readingroom.Quote{Exact: strings.Repeat("x", 100_000)}}, "quote.exact"},
		{"long prefix", NewItem{Slug: rm.slug, Quote: &readingroom.Quote{Exact: "dome", Prefix: strings.Repeat("p", 33)}}, "quote.prefix"},
		{"long note", NewItem{Slug: rm.slug, Note: strings.Repeat("n", 10_001)}, "note"},
		{"bad tag", NewItem{Slug: rm.slug, Tags: []string{""}}, "tags"},
		{"bad state", NewItem{Slug: rm.slug, State: "lost"}, "state"},
	} {
		before := count(t, db, `SELECT count(*) FROM list_items`)
		_, _, err := db.SaveItem(ctx, rm.bob.ID, tc.item)
		wantField(t, tc.what, err, tc.field)
		if count(t, db, `SELECT count(*) FROM list_items`) != before {
			t.Errorf("%s: an item was saved", tc.what)
		}
	}
	checkListIndex(t, db)
}

func TestItemsAreTheirReaders(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	it := rm.savePassage(t, rm.ann, 2, "painted black")
	if _, err := rm.db.Item(ctx, rm.bob.ID, it.ID); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("bob reads ann's item: %v", err)
	}
	_, missing := rm.db.Item(ctx, rm.bob.ID, it.ID+1000)
	_, other := rm.db.Item(ctx, rm.bob.ID, it.ID)
	if readingroom.ErrorMessage(missing) != readingroom.ErrorMessage(other) {
		t.Errorf("another's item %q and a missing one %q answer differently", other, missing)
	}
	note := "mine now"
	if _, err := rm.db.UpdateItem(ctx, rm.bob.ID, it.ID, ItemUpdate{Note: &note}); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("bob edits ann's item: %v", err)
	}
	if err := rm.db.DeleteItem(ctx, rm.bob.ID, it.ID); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("bob deletes ann's item: %v", err)
	}
	if items, total, _ := rm.db.List(ctx, rm.bob.ID, ListFilter{}); total != 0 || len(items) != 0 {
		t.Errorf("bob's list holds %d items", total)
	}
	if got, err := rm.db.Item(ctx, rm.ann.ID, it.ID); err != nil || got.Note != "" {
		t.Errorf("ann's item after bob's tries: %+v %v", got, err)
	}
	// Edits and deletion by its reader.
	state := readingroom.StateArchived
	tags := []string{"war", "Paint"}
	got, err := rm.db.UpdateItem(ctx, rm.ann.ID, it.ID, ItemUpdate{Note: &note, Tags: &tags, State: &state})
	if err != nil || got.Note != note || got.State != state || !slices.Equal(got.Tags, tags) {
		t.Errorf("update: %+v %v", got, err)
	}
	bad := strings.Repeat("x", 10_001)
	if _, err := rm.db.UpdateItem(ctx, rm.ann.ID, it.ID, ItemUpdate{Note: &bad}); readingroom.ErrorField(err) != "note" {
		t.Errorf("long note: %v", err)
	}
	if got, _ := rm.db.Item(ctx, rm.ann.ID, it.ID); got.Note != note {
		t.Error("a refused edit changed the item")
	}
	if err := rm.db.DeleteItem(ctx, rm.ann.ID, it.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := rm.db.Item(ctx, rm.ann.ID, it.ID); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("deleted item: %v", err)
	}
	if count(t, rm.db, `SELECT count(*) FROM list_tags`) != 0 || count(t, rm.db, `SELECT count(*) FROM list_tag_counts`) != 0 {
		t.Error("the deleted item's tags remain, or are still counted")
	}
	checkListIndex(t, rm.db)
}

func TestListFilters(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	db, ann := rm.db, rm.ann
	other := &readingroom.Article{Title: "Owls of the city", Byline: "By Carl Bird", Blocks: blocksOfText([]string{"Tawny owls nest in the cemetery.", "A barn owl was seen once, in 1987."})}
	save(t, db, other, Created)
	mk := func(n NewItem) ListItem {
		t.Helper()
		it, _, err := db.SaveItem(ctx, ann.ID, n)
		if err != nil {
			t.Fatal(err)
		}
		return it
	}
	a1 := mk(NewItem{Slug: rm.slug, Tags: []string{"Architecture"}})
	p1 := mk(NewItem{Slug: rm.slug, Quote: &readingroom.Quote{Exact: "painted black"}, Note: "Blackout during the Blitz", Tags: []string{"war", "architecture"}})
	a2 := mk(NewItem{Slug: other.Slug, State: readingroom.StateRead})
	p2 := mk(NewItem{Slug: other.Slug, Quote: &readingroom.Quote{Exact: "Tawny owls"}, State: readingroom.StateArchived, Tags: []string{"nocturnal"}})
	rm.savePassage(t, rm.bob, 2, "painted black") // another reader's: never in ann's list

	ids := func(f ListFilter) []int64 {
		t.Helper()
		items, total, err := db.List(ctx, ann.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, it := range items {
			out = append(out, it.ID)
		}
		if f.Limit == 0 && total != len(out) {
			t.Errorf("%+v: total %d for %d items", f, total, len(out))
		}
		return out
	}
	for _, tc := range []struct {
		what string
		f    ListFilter
		want []int64
	}{
		{"all, newest first", ListFilter{}, []int64{p2.ID, a2.ID, p1.ID, a1.ID}},
		{"state", ListFilter{State: readingroom.StateUnread}, []int64{p1.ID, a1.ID}},
		{"tag, any case", ListFilter{Tag: "ARCHITECTURE"}, []int64{p1.ID, a1.ID}},
		{"kind", ListFilter{Kind: readingroom.ItemPassage}, []int64{p2.ID, p1.ID}},
		{"article", ListFilter{Slug: other.Slug}, []int64{p2.ID, a2.ID}},
		{"search a note", ListFilter{Query: readingroom.ParseQuery("blitz")}, []int64{p1.ID}},
		{"search a quote, stemmed", ListFilter{Query: readingroom.ParseQuery("owl")}, []int64{p2.ID, a2.ID}},
		{"search with in:", ListFilter{Query: readingroom.ParseQuery("black in:" + rm.slug)}, []int64{p1.ID}},
		{"search by author", ListFilter{Query: readingroom.ParseQuery("author:bird")}, []int64{p2.ID, a2.ID}},
		{"search a tag", ListFilter{Query: readingroom.ParseQuery("nocturnal")}, []int64{p2.ID}},
		{"together", ListFilter{Kind: readingroom.ItemPassage, Tag: "war", Query: readingroom.ParseQuery("blackout")}, []int64{p1.ID}},
	} {
		if got := ids(tc.f); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.what, got, tc.want)
		}
	}
	items, total, err := db.List(ctx, ann.ID, ListFilter{Limit: 3, Offset: 3})
	if err != nil || total != 4 || len(items) != 1 || items[0].ID != a1.ID {
		t.Errorf("second page: %d of %d, %v", len(items), total, err)
	}
	tags, err := db.Tags(ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) != 3 || tags[0].Count != 2 || !strings.EqualFold(tags[0].Tag, "architecture") || tags[1].Tag != "nocturnal" {
		t.Errorf("tags: %+v", tags)
	}
	saved, err := db.SavedArticles(ctx, ann.ID, []string{rm.slug, other.Slug, "nope"})
	if err != nil || len(saved) != 2 || saved[rm.slug] != a1.ID {
		t.Errorf("saved articles: %v %v", saved, err)
	}
}

// TestReanchorOnReimport saves passages of two readers, re-imports the
// article with each kind of edit, and checks every passage's state and
// words after each, in the same store the pages read.
func TestReanchorOnReimport(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	v0 := rm.article
	black := rm.savePassage(t, rm.ann, 2, "painted black")
	lampsP3 := rm.savePassage(t, rm.ann, 3, "green-shaded lamps")
	lampsP2 := rm.savePassage(t, rm.bob, 2, "green-shaded lamps")
	corner := rm.savePassage(t, rm.bob, 1, "Readers came from every corner of the city")
	books := rm.savePassage(t, rm.ann, 5, "the books went to a new library")

	want := func(t *testing.T, u *readingroom.User, it ListItem, anchor readingroom.Anchor, paragraph, text string) {
		t.Helper()
		got, err := rm.db.Item(ctx, u.ID, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		f := got.Found
		if f.Anchor != anchor || f.ParagraphID != paragraph || f.Text != text {
			t.Errorf("%q: %s in %q %q, want %s in %q %q", it.Quote.Exact, f.Anchor, f.ParagraphID, f.Text, anchor, paragraph, text)
		}
		if got.Quote != it.Quote {
			t.Errorf("%q: the saved quote changed to %+v", it.Quote.Exact, got.Quote)
		}
		if anchor != readingroom.AnchorOrphaned {
			a := load(t, rm.db, rm.slug)
			at := readingroom.NewArticleText(a.Blocks)
			if got := at.Slice(f.Position); got != text {
				t.Errorf("%q: the article has %q at %v", it.Quote.Exact, got, f.Position)
			}
			if q := at.QuoteAt(f.Position); got.Around != q {
				t.Errorf("%q: around %+v, want %+v", it.Quote.Exact, got.Around, q)
			}
		}
	}
	id := func(i int) string { return v0.Blocks[i].ID }

	// Insert before.
	rm.reimport(t, append([]string{"A new first paragraph, for the second edition."}, libraryText...)...)
	want(t, rm.ann, black, readingroom.AnchorExact, id(2), "painted black")
	want(t, rm.ann, lampsP3, readingroom.AnchorExact, id(3), "green-shaded lamps")
	want(t, rm.bob, lampsP2, readingroom.AnchorExact, id(2), "green-shaded lamps")

	// A word corrected inside a quote, and a sentence appended.
	texts := slices.Clone(libraryText)
	texts[1] = strings.Replace(texts[1], "every corner", "each corner", 1)
	texts[2] += " The paint stayed until 1952."
	rm.reimport(t, texts...)
	want(t, rm.bob, corner, readingroom.AnchorFuzzy, id(1), "Readers came from each corner of the city")
	want(t, rm.ann, black, readingroom.AnchorExact, id(2), "painted black")

	// Two paragraphs merged.
	merged := slices.Clone(libraryText[:4])
	merged = append(merged, libraryText[4]+" "+libraryText[5])
	rm.reimport(t, merged...)
	want(t, rm.ann, books, readingroom.AnchorExact, id(4), "the books went to a new library")
	want(t, rm.bob, corner, readingroom.AnchorExact, id(1), "Readers came from every corner of the city")

	// Split, then swapped.
	split := slices.Clone(libraryText)
	split[3] = "The lamps are still there."
	split = slices.Insert(split, 4, "Ask at the desk for green-shaded lamps and someone will show you the store where they are kept.")
	rm.reimport(t, split...)
	a := load(t, rm.db, rm.slug)
	anchor := readingroom.AnchorMoved
	if a.Blocks[4].ID == id(3) {
		anchor = readingroom.AnchorExact
	}
	want(t, rm.ann, lampsP3, anchor, a.Blocks[4].ID, "green-shaded lamps")
	swapped := slices.Clone(libraryText)
	swapped[0], swapped[1] = swapped[1], swapped[0]
	rm.reimport(t, swapped...)
	want(t, rm.bob, corner, readingroom.AnchorExact, id(1), "Readers came from every corner of the city")

	// The quote's paragraph deleted: orphaned, kept; back when it is.
	gone := slices.Delete(slices.Clone(libraryText), 2, 3)
	rm.reimport(t, gone...)
	want(t, rm.ann, black, readingroom.AnchorOrphaned, "", "")
	want(t, rm.bob, lampsP2, readingroom.AnchorOrphaned, "", "")
	want(t, rm.ann, lampsP3, readingroom.AnchorExact, id(3), "green-shaded lamps")
	if items, _, _ := rm.db.List(ctx, rm.ann.ID, ListFilter{}); len(items) != 3 {
		t.Errorf("ann has %d items after the deletion, want all 3", len(items))
	}
	rm.reimport(t, libraryText...)
	want(t, rm.ann, black, readingroom.AnchorExact, id(2), "painted black")
	want(t, rm.bob, lampsP2, readingroom.AnchorExact, id(2), "green-shaded lamps")
	checkListIndex(t, rm.db)
}

// TestReanchorSeedArticle does the same on a real article from the seed
// dumps: a passage in each of its paragraphs, then a word corrected in one
// and a paragraph inserted before them all.
func TestReanchorSeedArticle(t *testing.T) {
	files := dumptest.RequireSeeds(t)
	data, err := os.ReadFile(files[len(files)-1])
	if err != nil {
		t.Fatal(err)
	}
	arts, _, err := dump.Parse(files[len(files)-1], data)
	if err != nil {
		t.Fatal(err)
	}
	var a *readingroom.Article
	for i := range arts {
		if len(arts[i].Paragraphs()) >= 6 && (a == nil || len(arts[i].Blocks) > len(a.Blocks)) {
			a = &arts[i]
		}
	}
	if a == nil {
		t.Skip("no seed article with six paragraphs")
	}
	db := openAccounts(t)
	u := mustUser(t, db, "ann", "ann's password", readingroom.RoleReader)
	orig := clone(a)
	if _, _, err := db.SaveArticle(t.Context(), a, "seed"); err != nil {
		t.Fatal(err)
	}
	// The sixth to fourteenth words of each paragraph.
	type pick struct {
		item  ListItem
		block int
	}
	var picks []pick
	for i, b := range a.Blocks {
		w := strings.Fields(b.Text)
		if b.Kind != readingroom.KindParagraph || len(w) < 16 {
			continue
		}
		words := strings.Join(w[5:14], " ")
		it, _, err := db.SaveItem(t.Context(), u.ID, NewItem{Slug: a.Slug, Paragraph: b.ID, Quote: &readingroom.Quote{Exact: words}})
		if err != nil {
			t.Fatalf("save %q: %v", words, err)
		}
		picks = append(picks, pick{it, i})
	}
	if len(picks) < 3 {
		t.Skip("too few long paragraphs")
	}
	edited := clone(orig)
	edited.Blocks = append([]readingroom.Block{para("An editor's note, added before the article.")}, edited.Blocks...)
	fixed := picks[1]
	w := strings.Fields(fixed.item.Quote.Exact)
	corrected := w[4] + "s"
	edited.Blocks[fixed.block+1].Text = strings.Replace(edited.Blocks[fixed.block+1].Text, " "+w[4]+" ", " "+corrected+" ", 1)
	if _, _, err := db.SaveArticle(t.Context(), edited, "seed, edited"); err != nil {
		t.Fatal(err)
	}
	for _, p := range picks {
		got, err := db.Item(t.Context(), u.ID, p.item.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := readingroom.AnchorExact
		if p.item.ID == fixed.item.ID {
			want = readingroom.AnchorFuzzy
		}
		if got.Found.Anchor != want || got.Found.ParagraphID != p.item.SavedParagraph {
			t.Errorf("%q: %s in %s, want %s in %s", p.item.Quote.Exact, got.Found.Anchor, got.Found.ParagraphID, want, p.item.SavedParagraph)
		}
		if want == readingroom.AnchorFuzzy && !strings.Contains(got.Found.Text, corrected) {
			t.Errorf("fuzzy text %q lacks the correction %q", got.Found.Text, corrected)
		}
	}
}

func TestItemsOutliveTheirArticle(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	art, _, err := rm.db.SaveItem(ctx, rm.ann.ID, NewItem{Slug: rm.slug, Note: "keep"})
	if err != nil {
		t.Fatal(err)
	}
	p := rm.savePassage(t, rm.ann, 2, "painted black")
	if _, err := rm.db.SetPosition(ctx, rm.ann.ID, rm.slug, rm.article.Blocks[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := rm.db.DeleteArticle(ctx, rm.slug); err != nil {
		t.Fatal(err)
	}
	items, total, err := rm.db.List(ctx, rm.ann.ID, ListFilter{})
	if err != nil || total != 2 {
		t.Fatalf("after the article's deletion: %d items, %v", total, err)
	}
	for _, it := range items {
		if !it.Article.Missing || it.Article.Title != "Under the dome" || it.Found.Anchor != readingroom.AnchorOrphaned {
			t.Errorf("item %d: %+v", it.ID, it)
		}
	}
	if items[0].ID != p.ID || items[0].Quote.Exact != "painted black" || items[1].ID != art.ID || items[1].Note != "keep" {
		t.Errorf("the items lost what they held: %+v", items)
	}
	if n := count(t, rm.db, `SELECT count(*) FROM reading_positions`); n != 0 {
		t.Errorf("%d reading positions in a deleted article", n)
	}
	// The reader's account goes with everything in it, in one go.
	if _, err := rm.db.NewFeedSecret(ctx, rm.ann.ID); err != nil {
		t.Fatal(err)
	}
	if err := rm.db.DeleteUser(ctx, "ann"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"list_items", "list_tags", "list_tag_counts", "list_feeds", "reading_positions"} {
		if n := count(t, rm.db, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("%d rows left in %s", n, table)
		}
	}
	checkListIndex(t, rm.db)
}

func TestPositions(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	art, _, _ := rm.db.SaveItem(ctx, rm.ann.ID, NewItem{Slug: rm.slug})
	if _, err := rm.db.SetPosition(ctx, rm.ann.ID, "nope", rm.article.Blocks[0].ID); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("unknown article: %v", err)
	}
	if _, err := rm.db.SetPosition(ctx, rm.ann.ID, rm.slug, "aaaaaaaa"); readingroom.ErrorField(err) != "paragraph" {
		t.Errorf("unknown paragraph: %v", err)
	}
	finished, err := rm.db.SetPosition(ctx, rm.ann.ID, rm.slug, rm.article.Blocks[2].ID)
	if err != nil || finished {
		t.Fatalf("middle: %v %v", finished, err)
	}
	pos, _ := rm.db.Positions(ctx, rm.ann.ID, []string{rm.slug})
	if pos[rm.slug] != rm.article.Blocks[2].ID {
		t.Errorf("position %v", pos)
	}
	if got, _ := rm.db.Item(ctx, rm.ann.ID, art.ID); got.State != readingroom.StateUnread {
		t.Error("read before the end")
	}
	if pos, _ := rm.db.Positions(ctx, rm.bob.ID, []string{rm.slug}); len(pos) != 0 {
		t.Errorf("bob has ann's position: %v", pos)
	}
	last := rm.article.Blocks[len(rm.article.Blocks)-1].ID
	if finished, err := rm.db.SetPosition(ctx, rm.ann.ID, rm.slug, last); err != nil || !finished {
		t.Fatalf("end: %v %v", finished, err)
	}
	if got, _ := rm.db.Item(ctx, rm.ann.ID, art.ID); got.State != readingroom.StateRead {
		t.Errorf("state %s after the last paragraph, want read", got.State)
	}
}

func TestFeedSecret(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	if s, err := rm.db.FeedSecret(ctx, rm.ann.ID); err != nil || s != "" {
		t.Fatalf("before any: %q %v", s, err)
	}
	first, err := rm.db.NewFeedSecret(ctx, rm.ann.ID)
	if err != nil || len(first) < 40 {
		t.Fatalf("secret %q: %v", first, err)
	}
	if u, err := rm.db.FeedOwner(ctx, first); err != nil || u.ID != rm.ann.ID {
		t.Errorf("owner: %v %v", u, err)
	}
	second, _ := rm.db.NewFeedSecret(ctx, rm.ann.ID)
	if second == first {
		t.Fatal("rotation kept the secret")
	}
	if _, err := rm.db.FeedOwner(ctx, first); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("the old secret still opens the feed: %v", err)
	}
	if s, _ := rm.db.FeedSecret(ctx, rm.ann.ID); s != second {
		t.Errorf("FeedSecret %q, want the new one", s)
	}
}

func TestImportItems(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	hint := readingroom.Position{Start: 10, End: 20}
	items := []ImportedItem{
		{Slug: rm.slug, Kind: readingroom.ItemArticle, Note: "n", Tags: []string{"a"}, State: readingroom.StateRead},
		{Slug: rm.slug, Kind: readingroom.ItemPassage, Quote: readingroom.Quote{Exact: "green-shaded lamps", Prefix: "ask at the desk for "}, Position: &hint},
		{Slug: rm.slug, Kind: readingroom.ItemPassage, Quote: readingroom.Quote{Exact: "a passage long since edited away"}},
		{Slug: "elsewhere", Title: "An article of another room", Kind: readingroom.ItemPassage, Quote: readingroom.Quote{Exact: "words"}, Note: "kept"},
	}
	bad := append(slices.Clone(items), ImportedItem{Slug: rm.slug, Kind: readingroom.ItemArticle, Note: strings.Repeat("x", 10_001)})
	if _, err := rm.db.ImportItems(ctx, rm.ann.ID, bad); readingroom.ErrorField(err) != "items[4].note" {
		t.Errorf("a bad item: %v (%s)", err, readingroom.ErrorField(err))
	}
	if n := count(t, rm.db, `SELECT count(*) FROM list_items`); n != 0 {
		t.Fatalf("a refused import added %d items", n)
	}
	res, err := rm.db.ImportItems(ctx, rm.ann.ID, items)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]ImportOutcome, len(res))
	for i, r := range res {
		got[i] = r.Outcome
	}
	if want := []ImportOutcome{ItemRestored, ItemMoved, ItemOrphaned, ItemArticleMissing}; !slices.Equal(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	lamps, _ := rm.db.Item(ctx, rm.ann.ID, res[1].ID)
	if lamps.Found.Anchor != readingroom.AnchorExact || lamps.Found.ParagraphID != rm.article.Blocks[3].ID {
		t.Errorf("restored passage: %+v", lamps.Found)
	}
	missing, _ := rm.db.Item(ctx, rm.ann.ID, res[3].ID)
	if !missing.Article.Missing || missing.Article.Title != "An article of another room" || missing.Note != "kept" {
		t.Errorf("missing article's item: %+v", missing)
	}
	// Again: nothing new.
	res, err = rm.db.ImportItems(ctx, rm.ann.ID, items)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Outcome != ItemAlreadyThere {
			t.Errorf("second import, item %d: %s", i, r.Outcome)
		}
	}
	if n := count(t, rm.db, `SELECT count(*) FROM list_items`); n != 4 {
		t.Errorf("%d items after importing twice, want 4", n)
	}
	checkListIndex(t, rm.db)
}

// An update that changes nothing (every field nil, or the values the item
// has) leaves the item's updated time where it was.
func TestUpdateItemWithoutChange(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	t1 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	rm.db.now = func() time.Time { return t1 }
	it := rm.savePassage(t, rm.ann, 2, "painted black")
	note, tags, state := "war", []string{"Paint"}, readingroom.StateRead
	if _, err := rm.db.UpdateItem(ctx, rm.ann.ID, it.ID, ItemUpdate{Note: &note, Tags: &tags, State: &state}); err != nil {
		t.Fatal(err)
	}
	t2 := t1.Add(time.Hour)
	rm.db.now = func() time.Time { return t2 }
	same, sameTags, sameState := "war", []string{"paint"}, readingroom.StateRead
	for _, tc := range []struct {
		what string
		u    ItemUpdate
	}{
		{"nothing", ItemUpdate{}},
		{"the same note", ItemUpdate{Note: &same}},
		{"the same state", ItemUpdate{State: &sameState}},
		{"the same values", ItemUpdate{Note: &same, Tags: &tags, State: &sameState}},
	} {
		got, err := rm.db.UpdateItem(ctx, rm.ann.ID, it.ID, tc.u)
		if err != nil || !got.Updated.Equal(t1) || got.Note != "war" || !slices.Equal(got.Tags, tags) {
			t.Errorf("%s: updated %v, want %v (%+v, %v)", tc.what, got.Updated, t1, got, err)
		}
	}
	// A tag that differs only in case is a change: it is kept as typed.
	got, err := rm.db.UpdateItem(ctx, rm.ann.ID, it.ID, ItemUpdate{Tags: &sameTags})
	if err != nil || !got.Updated.Equal(t2) || !slices.Equal(got.Tags, sameTags) {
		t.Errorf("retyped tag: updated %v, want %v (%+v, %v)", got.Updated, t2, got, err)
	}
	if got, _ := rm.db.Item(ctx, rm.ann.ID, it.ID); !got.Updated.Equal(t2) {
		t.Errorf("stored updated %v, want %v", got.Updated, t2)
	}
}

// The outcome of an imported passage says how it was found: as saved,
// elsewhere than the export said, with changes, or not at all.
func TestImportItemsOutcomes(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	text := readingroom.NewArticleText(rm.article.Blocks)
	f, ok := text.Locate("", readingroom.Quote{Exact: "In the war the dome was painted black"})
	if !ok {
		t.Fatal("no painted black")
	}
	at, elsewhere := f.Position, readingroom.Position{Start: 0, End: 13}
	passage := func(exact string, pos *readingroom.Position) ImportedItem {
		return ImportedItem{Slug: rm.slug, Kind: readingroom.ItemPassage, Quote: readingroom.Quote{Exact: exact}, Position: pos}
	}
	items := []ImportedItem{
		passage("In the war the dome was painted black", &at),
		passage("under a great dome of iron and glass", nil),
		passage("the books went to a new library at St Pancras", &elsewhere),
		passage("readers workd by the light of green-shaded lamps", nil),
		passage("nothing like this is in the article at all", &at),
		{Slug: rm.slug, Kind: readingroom.ItemArticle},
		{Slug: "elsewhere", Kind: readingroom.ItemArticle},
	}
	res, err := rm.db.ImportItems(ctx, rm.ann.ID, items)
	if err != nil {
		t.Fatal(err)
	}
	want := []ImportOutcome{ItemRestored, ItemRestored, ItemMoved, ItemFuzzy, ItemOrphaned, ItemRestored, ItemArticleMissing}
	anchors := []readingroom.Anchor{readingroom.AnchorExact, readingroom.AnchorExact, readingroom.AnchorExact, readingroom.AnchorFuzzy,
		readingroom.AnchorOrphaned, readingroom.AnchorExact, readingroom.AnchorOrphaned}
	for i, r := range res {
		it, err := rm.db.Item(ctx, rm.ann.ID, r.ID)
		if r.Outcome != want[i] || err != nil || it.Found.Anchor != anchors[i] {
			t.Errorf("item %d: outcome %s, anchor %s (%v), want %s, %s", i, r.Outcome, it.Found.Anchor, err, want[i], anchors[i])
		}
	}
	if it, _ := rm.db.Item(ctx, rm.ann.ID, res[3].ID); it.Found.Text != "readers worked by the light of green-shaded lamps" {
		t.Errorf("fuzzy passage found as %q", it.Found.Text)
	}
}

// An import is added in batches of importBatchItems, each its own
// transaction: between two, the writer is free, another reader's save
// goes through, and what the batches before added is committed.
func TestImportItemsInBatches(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	n := 2*importBatchItems + 50
	var items []ImportedItem
	for i := range n {
		items = append(items, ImportedItem{Slug: fmt.Sprint("elsewhere-", i), Kind: readingroom.ItemArticle})
	}
	var committed []int
	rm.db.importHook = func(at importStep, done int) {
		if at != importCommitted {
			return
		}
		committed = append(committed, done)
		if inUse := rm.db.w.Stats().InUse; inUse != 0 {
			t.Fatalf("after %d items the import holds the writer (%d connections in use)", done, inUse)
		}
		if got := count(t, rm.db, `SELECT count(*) FROM list_items WHERE user_id = ?`, rm.ann.ID); got != done {
			t.Errorf("after %d items a reader sees %d committed", done, got)
		}
		// Another writer, between two batches.
		rm.savePassage(t, rm.bob, len(committed)%len(libraryText), fmt.Sprint(strings.Fields(libraryText[len(committed)%len(libraryText)])[0]))
	}
	res, err := rm.db.ImportItems(ctx, rm.ann.ID, items)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{importBatchItems, 2 * importBatchItems, n}; !slices.Equal(committed, want) {
		t.Errorf("batches committed at %v, want %v", committed, want)
	}
	if len(res) != n || count(t, rm.db, `SELECT count(*) FROM list_items WHERE user_id = ?`, rm.ann.ID) != n {
		t.Errorf("%d results, want %d", len(res), n)
	}
	if got := count(t, rm.db, `SELECT count(*) FROM list_items WHERE user_id = ?`, rm.bob.ID); got != 3 {
		t.Errorf("bob saved %d passages during the import, want 3", got)
	}
	checkListIndex(t, rm.db)
}

// An import whose context ends between two batches stops there: the
// batches committed stay, the results are theirs, and importing again
// adds the rest.
func TestImportItemsCancelled(t *testing.T) {
	rm := newListRoom(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	n := importBatchItems + 10
	var items []ImportedItem
	for i := range n {
		items = append(items, ImportedItem{Slug: fmt.Sprint("elsewhere-", i), Kind: readingroom.ItemArticle})
	}
	rm.db.importHook = func(at importStep, done int) {
		if at == importCommitted {
			cancel()
		}
	}
	res, err := rm.db.ImportItems(ctx, rm.ann.ID, slices.Clone(items))
	if !errors.Is(err, context.Canceled) || len(res) != importBatchItems {
		t.Fatalf("cancelled import: %d results, %v; want %d and context.Canceled", len(res), err, importBatchItems)
	}
	if got := count(t, rm.db, `SELECT count(*) FROM list_items`); got != importBatchItems {
		t.Errorf("%d items in the list, want the first batch's %d", got, importBatchItems)
	}
	rm.db.importHook = nil
	res, err = rm.db.ImportItems(t.Context(), rm.ann.ID, items)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		want := ItemArticleMissing
		if i < importBatchItems {
			want = ItemAlreadyThere
		}
		if r.Outcome != want {
			t.Fatalf("import again, item %d: %s, want %s", i, r.Outcome, want)
		}
	}
}

// More than MaxImportItems is refused, naming the limit, and nothing is
// imported.
func TestImportItemsLimit(t *testing.T) {
	rm := newListRoom(t)
	items := make([]ImportedItem, MaxImportItems+1)
	for i := range items {
		items[i] = ImportedItem{Slug: fmt.Sprint("elsewhere-", i), Kind: readingroom.ItemArticle}
	}
	_, err := rm.db.ImportItems(t.Context(), rm.ann.ID, items)
	if readingroom.ErrorCode(err) != readingroom.ETOOLARGE || !strings.Contains(readingroom.ErrorMessage(err), fmt.Sprint(MaxImportItems)) {
		t.Errorf("%d items: %v", len(items), err)
	}
	if got := count(t, rm.db, `SELECT count(*) FROM list_items`); got != 0 {
		t.Errorf("a refused import added %d items", got)
	}
}

// An article that comes, changes or goes between the reading of a batch
// and its writing is read again in the batch's transaction.
func TestImportItemsArticleChangesMeanwhile(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	later := &readingroom.Article{Title: "Later", Blocks: blocksOfText([]string{"It arrived while the list was being restored."})}
	rm.db.importHook = func(at importStep, done int) {
		if at != importPlaced {
			return
		}
		save(t, rm.db, later, Created)
		// The lamps paragraph goes; the sentence on black paint stays.
		edited := slices.Clone(libraryText)
		edited[3] = "The desk is gone."
		rm.reimport(t, edited...)
	}
	res, err := rm.db.ImportItems(ctx, rm.ann.ID, []ImportedItem{
		{Slug: "later", Kind: readingroom.ItemPassage, Quote: readingroom.Quote{Exact: "while the list was being restored"}},
		{Slug: rm.slug, Kind: readingroom.ItemPassage, Quote: readingroom.Quote{Exact: "ask at the desk for green-shaded lamps"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := []ImportOutcome{res[0].Outcome, res[1].Outcome}; !slices.Equal(got, []ImportOutcome{ItemRestored, ItemOrphaned}) {
		t.Errorf("outcomes %v, want restored (the article came) and orphaned (its words went)", got)
	}
	if it, _ := rm.db.Item(ctx, rm.ann.ID, res[0].ID); it.Article.Missing || it.Found.Anchor != readingroom.AnchorExact {
		t.Errorf("the passage of the article that came: %+v", it)
	}
}

// Items restored while their article was missing join it when an article
// with their slug is imported, in its transaction, and are found in its
// text as a re-import finds them.
func TestWaitingItemsJoinTheirArticle(t *testing.T) {
	rm := newListRoom(t)
	ctx := t.Context()
	texts := []string{
		"It arrived while the list was being restored from another room.",
		"The second paragraph says what happened after the restoring was done.",
	}
	res, err := rm.db.ImportItems(ctx, rm.ann.ID, []ImportedItem{
		{Slug: "later", Title: "Later, elsewhere", Kind: readingroom.ItemArticle, Note: "kept", State: readingroom.StateRead},
		{Slug: "later", Kind: readingroom.ItemPassage, Quote: readingroom.Quote{Exact: "said what happened after the restoring was done"}},
		{Slug: "later", Kind: readingroom.ItemPassage, Quote: readingroom.Quote{Exact: "while the list was being restored from another room"}},
		{Slug: "later", Kind: readingroom.ItemPassage, Quote: readingroom.Quote{Exact: "words the article will never hold at all"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rm.db.ImportItems(ctx, rm.bob.ID, []ImportedItem{{Slug: "later", Kind: readingroom.ItemArticle}}); err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Outcome != ItemArticleMissing {
			t.Fatalf("before the article: %s", r.Outcome)
		}
	}
	later := &readingroom.Article{Title: "Later", Byline: "By Ann Example", Blocks: blocksOfText(texts)}
	if slug := save(t, rm.db, later, Created); slug != "later" {
		t.Fatalf("slug %q", slug)
	}
	want := []struct {
		anchor    readingroom.Anchor
		paragraph string
		text      string
	}{
		{readingroom.AnchorExact, "", ""},
		{readingroom.AnchorFuzzy, later.Blocks[1].ID, "says what happened after the restoring was done"},
		{readingroom.AnchorExact, later.Blocks[0].ID, "while the list was being restored from another room"},
		{readingroom.AnchorOrphaned, "", ""},
	}
	for i, r := range res {
		it, err := rm.db.Item(ctx, rm.ann.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		w := want[i]
		if it.Article.Missing || it.Article.Title != "Later" || it.Found.Anchor != w.anchor || it.Found.ParagraphID != w.paragraph ||
			it.Found.Text != w.text || it.SavedParagraph != w.paragraph {
			t.Errorf("item %d after the article came: %+v, want %+v", i, it, w)
		}
	}
	if it, _ := rm.db.Item(ctx, rm.ann.ID, res[0].ID); it.Note != "kept" || it.State != readingroom.StateRead {
		t.Errorf("the article item lost its note or state: %+v", it)
	}
	// Still one item of the article for each reader: saving it again
	// finds the one that joined it.
	it, created, err := rm.db.SaveItem(ctx, rm.ann.ID, NewItem{Slug: "later"})
	if err != nil || created || it.ID != res[0].ID {
		t.Errorf("saving the article again: item %d, created %v, %v; want item %d", it.ID, created, err, res[0].ID)
	}
	if n := count(t, rm.db, `SELECT count(*) FROM list_items WHERE article_slug = 'later' AND kind = 'article'`); n != 2 {
		t.Errorf("%d article items of later, want ann's and bob's", n)
	}
	if n := count(t, rm.db, `SELECT count(*) FROM list_items WHERE article_id IS NULL`); n != 0 {
		t.Errorf("%d items still wait", n)
	}
	// The marks on the article page come from these.
	if ps, _ := rm.db.Passages(ctx, rm.ann.ID, "later"); len(ps) != 3 || ps[0].Found.Anchor != readingroom.AnchorExact {
		t.Errorf("ann's passages of later: %+v", ps)
	}
	// A re-import moves them on as any saved passage.
	rm.slug, rm.article = "later", later
	edited := domeArticle("A new first paragraph.", texts[0], texts[1])
	edited.Title, edited.Byline = "Later", "By Ann Example"
	if out, _, err := rm.db.SaveArticle(ctx, edited, "edited.txt"); err != nil || out != Updated {
		t.Fatalf("re-import: %v %v", out, err)
	}
	if it, _ := rm.db.Item(ctx, rm.ann.ID, res[2].ID); it.Found.Anchor != readingroom.AnchorExact || it.Found.ParagraphID != later.Blocks[0].ID {
		t.Errorf("after a re-import: %+v", it.Found)
	}
	checkListIndex(t, rm.db)
}
