package store

import (
	"errors"
	"strings"
	"testing"

	"github.com/readingroom/readingroom"
)

// IntegrityCheck finds each kind of damage, and says what it found in a
// plain sentence; a sound database passes.
func TestIntegrityCheckFindsDamage(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage []string
		want   string
	}{
		{"sound", nil, ""},
		{"unregistered id", []string{`INSERT INTO paragraph_tombstones (article_id, pid, kind, text, deleted_at)
			SELECT id, 'zzzzzzzz', 'paragraph', 'Gone.', 'now' FROM articles`},
			"the deleted paragraph (article 1, id zzzzzzzz) is not registered"},
		{"live and retired", []string{`INSERT INTO paragraph_ids (article_id, pid) SELECT article_id, pid FROM paragraphs LIMIT 1`},
			"is both live and retired"},
		{"alias to a live id", []string{`INSERT INTO paragraph_ids (article_id, pid) SELECT id, 'zzzzzzzz' FROM articles`,
			`INSERT INTO paragraph_aliases (article_id, pid, target, created_at) SELECT article_id, 'zzzzzzzz', pid, 'now' FROM paragraphs LIMIT 1`},
			""},
		{"live and alias", []string{`INSERT INTO paragraph_aliases (article_id, pid, target, created_at)
			SELECT article_id, pid, pid, 'now' FROM paragraphs LIMIT 1`}, "both live and an alias"},
		{"alias to nowhere", []string{`INSERT INTO paragraph_ids (article_id, pid) SELECT id, 'zzzzzzzz' FROM articles`,
			`INSERT INTO paragraph_aliases (article_id, pid, target, created_at) SELECT id, 'zzzzzzzz', 'nowhere0', 'now' FROM articles`},
			"leads to an id the article never had"},
		{"stale index", []string{`UPDATE paragraphs SET text = 'changed behind the index'`},
			"the full-text index article_fts does not match"},
		{"dangling row", []string{`PRAGMA foreign_keys = OFF`,
			`INSERT INTO books (article_id, position, title) VALUES (999, 0, 'Orphan')`, `PRAGMA foreign_keys = ON`},
			"a row of books (rowid 1) refers to a row of articles that does not exist"},
		{"migration missing", []string{`DELETE FROM schema_migrations WHERE version = '0003_search'`},
			"migration 0003_search has not been applied"},
		{"migration unknown", []string{`INSERT INTO schema_migrations (version, applied_at) VALUES ('9001_future', 'now')`},
			"migration 9001_future is from a newer version"},
		{"deleted slug reused", []string{`INSERT INTO deleted_articles (slug, key, title, deleted_at) SELECT slug, key, title, 'now' FROM articles`},
			`the slug "a-sound-piece" of a deleted article`},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := openTest(t)
			ctx := t.Context()
			a := &readingroom.Article{Title: "A sound piece", Blocks: []readingroom.Block{
				{Kind: readingroom.KindParagraph, Text: "The first paragraph."},
				{Kind: readingroom.KindParagraph, Text: "The second paragraph."},
			}}
			if _, _, err := db.SaveArticle(ctx, a, "a.txt"); err != nil {
				t.Fatal(err)
			}
			for _, q := range c.damage {
				if _, err := db.w.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			err := db.IntegrityCheck(ctx)
			if c.want == "" {
				if err != nil {
					t.Fatalf("a sound database: %v", err)
				}
				return
			}
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("IntegrityCheck = %v, want a CheckError", err)
			}
			if !strings.Contains(strings.Join(ce.Problems, "\n"), c.want) {
				t.Errorf("problems %q lack %q", ce.Problems, c.want)
			}
		})
	}
}

// The store refuses an article beyond the limits, whoever hands it over.
func TestSaveRefusesArticleBeyondLimits(t *testing.T) {
	db := openTest(t)
	a := &readingroom.Article{Title: "Too long", Blocks: make([]readingroom.Block, readingroom.MaxBlocks+1)}
	for i := range a.Blocks {
		a.Blocks[i] = readingroom.Block{Kind: readingroom.KindParagraph, Text: "w"}
	}
	_, _, err := db.SaveArticle(t.Context(), a, "x.txt")
	if readingroom.ErrorCode(err) != readingroom.EINVALID || !strings.Contains(readingroom.ErrorMessage(err), "at most 10,000") {
		t.Errorf("save of %d blocks: %v", len(a.Blocks), err)
	}
	if n, _, _ := db.Stats(t.Context()); n != 0 {
		t.Errorf("%d articles saved", n)
	}
}
