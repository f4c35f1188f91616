package store

import (
	"slices"
	"strings"
	"testing"

	"github.com/readingroom/readingroom"
)

// indexed returns the article ids the full-text index itself holds for
// query. It reads only the index (not the articles it points at), so an
// entry left behind by a bad 'delete' shows up here.
func indexed(t *testing.T, db *DB, query string) []int64 {
	t.Helper()
	ids, err := scanRows(t.Context(), db.r, scanInt64,
		`SELECT rowid FROM article_fts WHERE article_fts MATCH ? ORDER BY rowid`, query)
	if err != nil {
		t.Fatalf("MATCH %q: %v", query, err)
	}
	return ids
}

// matching returns the pids of the blocks a search for query finds (at
// most HitsPerArticle an article).
func matching(t *testing.T, db *DB, query string) []string {
	t.Helper()
	res, err := db.Search(t.Context(), readingroom.ParseQuery(query), 1, 100)
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	var pids []string
	for _, r := range res.Results {
		for _, h := range r.Hits {
			if strings.Contains(markup(h.Snippet), "<mark>") {
				pids = append(pids, h.PID)
			}
		}
	}
	return pids
}

func checkIntegrity(t *testing.T, db *DB, when string) {
	t.Helper()
	if err := db.IntegrityCheck(t.Context()); err != nil {
		t.Errorf("FTS integrity check %s: %v", when, err)
	}
}

func TestFullTextIndexFollowsEdits(t *testing.T) {
	db := openTest(t)
	checkIntegrity(t, db, "on an empty database")

	a := sample()
	slug := save(t, db, a, Created)
	checkIntegrity(t, db, "after insert")
	fleet := a.Blocks[1].ID
	if got := matching(t, db, "hampstead"); !slices.Equal(got, []string{fleet}) {
		t.Errorf("hampstead found in %q, want %q", got, []string{fleet})
	}
	// Porter stemming and diacritic folding are on.
	if got := matching(t, db, "bury"); len(got) != 1 {
		t.Errorf("stemmed query bury found %q, want the Effra paragraph", got)
	}

	// Edit a kept paragraph's text in place (same under Normalize, so the
	// row and its id survive): the index must follow the new text.
	save(t, db, a, Unchanged)
	edited := clone(a)
	edited.Blocks[1].Text = "THE FLEET RISES ON HAMPSTEAD HEATH."
	edited.Blocks[2] = para("The Tyburn flows beneath Mayfair café society.")
	save(t, db, edited, Updated)
	checkIntegrity(t, db, "after update")
	if edited.Blocks[1].ID != fleet {
		t.Fatalf("respelled paragraph lost its id")
	}
	if got := matching(t, db, "mayfair"); !slices.Equal(got, []string{edited.Blocks[2].ID}) {
		t.Errorf("word from the updated paragraph: found %q, want %q", got, []string{edited.Blocks[2].ID})
	}
	if got := matching(t, db, "cafe"); len(got) != 1 {
		t.Errorf("cafe (diacritics removed) found %q, want one paragraph", got)
	}
	if got := indexed(t, db, "buckingham"); len(got) != 0 {
		t.Errorf("word removed by the update is still indexed at rowids %v", got)
	}

	// Re-importing the original puts the old words back and removes the
	// new ones.
	save(t, db, sample(), Updated)
	checkIntegrity(t, db, "after re-import")
	if got := indexed(t, db, "mayfair"); len(got) != 0 {
		t.Errorf("mayfair still indexed at rowids %v after re-import", got)
	}
	if got := matching(t, db, "buckingham"); len(got) != 1 {
		t.Errorf("buckingham found %q after re-import, want one paragraph", got)
	}

	if err := db.DeleteArticle(t.Context(), slug); err != nil {
		t.Fatal(err)
	}
	checkIntegrity(t, db, "after delete")
	for _, word := range []string{"fleet", "buckingham", "effra", "rivers"} {
		if got := indexed(t, db, word); len(got) != 0 {
			t.Errorf("%s still indexed at rowids %v after the article was deleted", word, got)
		}
	}
}

func TestIntegrityCheckCatchesDrift(t *testing.T) {
	db := openTest(t)
	save(t, db, &readingroom.Article{Title: "Drift", Blocks: []readingroom.Block{para("Original words.")}}, Created)
	// Change the content behind the index's back, as a writer that forgot
	// to unindex the article first would.
	ctx := t.Context()
	if _, err := db.w.ExecContext(ctx, `UPDATE paragraphs SET text = 'Different words.'`); err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err == nil {
		t.Error("IntegrityCheck passed on an index out of step with its content")
	}
}
