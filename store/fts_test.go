package store

import (
	"slices"
	"testing"

	"github.com/readingroom/readingroom"
)

// indexed returns the rowids the full-text index itself holds for query.
// It reads only the index (not the paragraphs it points at), so an entry
// left behind by a bad 'delete' shows up here.
func indexed(t *testing.T, db *DB, query string) []int64 {
	t.Helper()
	rows, err := db.r.QueryContext(t.Context(),
		`SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid`, "text : ("+query+")")
	if err != nil {
		t.Fatalf("MATCH %q: %v", query, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

// matching returns the pids of the paragraphs the index finds for query.
func matching(t *testing.T, db *DB, query string) []string {
	t.Helper()
	rows, err := db.r.QueryContext(t.Context(), `
		SELECT p.pid FROM search_fts JOIN paragraphs p ON p.id = search_fts.rowid
		WHERE search_fts MATCH ? ORDER BY p.position`, "text : ("+query+")")
	if err != nil {
		t.Fatalf("MATCH %q: %v", query, err)
	}
	defer rows.Close()
	var pids []string
	for rows.Next() {
		var pid string
		if err := rows.Scan(&pid); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
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

	// A raw UPDATE of text goes through the update trigger with OLD values.
	if _, err := db.w.ExecContext(t.Context(),
		`UPDATE paragraphs SET text = 'Nothing about rivers now.' WHERE pid = ?`, fleet); err != nil {
		t.Fatal(err)
	}
	checkIntegrity(t, db, "after a raw update")
	if got := indexed(t, db, "hampstead"); len(got) != 0 {
		t.Errorf("hampstead still indexed at rowids %v after its paragraph changed", got)
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
	// Change the content behind the index's back, as a trigger feeding
	// 'delete' the wrong values would.
	ctx := t.Context()
	if _, err := db.w.ExecContext(ctx, `DROP TRIGGER search_paragraph_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.ExecContext(ctx, `UPDATE paragraphs SET text = 'Different words.'`); err != nil {
		t.Fatal(err)
	}
	if err := db.IntegrityCheck(ctx); err == nil {
		t.Error("IntegrityCheck passed on an index out of step with its content")
	}
}
