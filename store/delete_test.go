package store

import (
	"testing"

	"github.com/readingroom/readingroom"
)

func TestDeleteArticleRetiresSlugAndIDs(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	gone := sample()
	slug := save(t, db, gone, Created)
	retired, pid := gone.Blocks[0].ID, gone.Blocks[1].ID
	edited := clone(gone)
	edited.Blocks = edited.Blocks[1:]
	save(t, db, edited, Updated)

	if err := db.DeleteArticle(ctx, slug); err != nil {
		t.Fatal(err)
	}
	d, err := db.DeletedArticle(ctx, slug)
	if err != nil || d.Title != gone.Title || d.Deleted.IsZero() {
		t.Fatalf("DeletedArticle = %+v, %v", d, err)
	}
	// Its ids live when it was deleted and those retired before.
	for _, id := range []string{pid, retired} {
		if had, err := db.HadParagraph(ctx, slug, id); err != nil || !had {
			t.Errorf("HadParagraph(%s) = %v, %v; want true", id, had, err)
		}
	}
	if got, want := count(t, db, `SELECT count(*) FROM deleted_paragraph_ids WHERE slug = ?`, slug), len(gone.Blocks); got != want {
		t.Errorf("%d ids of the deleted article recorded, want %d", got, want)
	}
	if had, _ := db.HadParagraph(ctx, slug, "zzzzzz"); had {
		t.Error("HadParagraph of an id it never had = true")
	}
	if _, err := db.DeletedArticle(ctx, "never-was"); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("DeletedArticle(never-was): %v, want not found", err)
	}
	if err := db.DeleteArticle(ctx, slug); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("deleting twice: %v, want not found", err)
	}
	// The same article imported again, or another with its title, never
	// gets the retired slug: old links must not show other text.
	again := sample()
	if _, got, err := db.SaveArticle(ctx, again, "again.txt"); err != nil || got == slug {
		t.Errorf("re-imported after delete: slug %q, %v; want a new slug", got, err)
	}
	if err := db.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}
}
