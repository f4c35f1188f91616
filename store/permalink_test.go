package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
	"github.com/readingroom/readingroom/dump/dumptest"
)

// edit is one change to an article's blocks, as a reader of the issue
// would make it, with what must become of the old ids.
type edit struct {
	name  string
	apply func(bs []readingroom.Block) []readingroom.Block
}

func paras(bs []readingroom.Block) []int {
	var idx []int
	for i, b := range bs {
		if b.Kind == readingroom.KindParagraph && len(strings.Fields(b.Text)) >= 12 {
			idx = append(idx, i)
		}
	}
	return idx
}

// edits picks paragraphs by their place among the article's longer
// paragraphs, so they apply to any article with at least eight.
var edits = []edit{
	{"insert at top", func(bs []readingroom.Block) []readingroom.Block {
		return slices.Insert(bs, 0, para("An editor's note added above everything else, written long after the article first appeared."))
	}},
	{"delete one", func(bs []readingroom.Block) []readingroom.Block {
		i := paras(bs)[1]
		return slices.Delete(bs, i, i+1)
	}},
	{"correct a word", func(bs []readingroom.Block) []readingroom.Block {
		i := paras(bs)[2]
		w := strings.Fields(bs[i].Text)
		w[len(w)/2] = "corrected"
		bs[i].Text = strings.Join(w, " ")
		return bs
	}},
	{"append a sentence", func(bs []readingroom.Block) []readingroom.Block {
		i := paras(bs)[3]
		bs[i].Text += " This sentence was added in a later edition."
		return bs
	}},
	{"merge two", func(bs []readingroom.Block) []readingroom.Block {
		i := paras(bs)[4]
		j := i + 1
		bs[i].Text += " " + bs[j].Text
		return slices.Delete(bs, j, j+1)
	}},
	{"split one", func(bs []readingroom.Block) []readingroom.Block {
		i := paras(bs)[6]
		w := strings.Fields(bs[i].Text)
		first, second := strings.Join(w[:len(w)/2], " "), strings.Join(w[len(w)/2:], " ")
		bs[i].Text = first
		return slices.Insert(bs, i+1, para(second))
	}},
	{"swap two", func(bs []readingroom.Block) []readingroom.Block {
		i := paras(bs)[7]
		bs[i], bs[i+1] = bs[i+1], bs[i]
		return bs
	}},
}

// checkPermalinks re-imports edited versions of a (one edit at a time, then
// all at once) and checks that every id the article ever had still
// resolves: unchanged text keeps its id, edited text keeps its id or
// redirects to the block holding it, deleted text is a tombstone.
func checkPermalinks(t *testing.T, db *DB, a *readingroom.Article) {
	t.Helper()
	ctx := context.Background()
	base := slices.Clone(a.Blocks)
	if len(paras(base)) < 9 {
		t.Fatalf("%q has %d long paragraphs, too few for the edits", a.Title, len(paras(base)))
	}
	versions := map[string][]readingroom.Block{}
	for _, e := range edits {
		versions[e.name] = e.apply(clonedBlocks(base))
	}
	all := clonedBlocks(base)
	for k := len(edits) - 1; k >= 0; k-- { // from the end, so earlier places hold
		all = edits[k].apply(all)
	}
	versions["all edits"] = all

	for _, name := range append(mapKeys(versions), "back to the original") {
		blocks := versions[name]
		if name == "back to the original" {
			blocks = clonedBlocks(base)
		}
		t.Run(name, func(t *testing.T) {
			// Every version starts from the original as stored.
			before, err := db.Article(ctx, a.Slug)
			if err != nil {
				t.Fatal(err)
			}
			ed := *a
			ed.Blocks = clonedBlocks(blocks)
			if _, _, err := db.SaveArticle(ctx, &ed, "edited"); err != nil {
				t.Fatal(err)
			}
			after, err := db.Article(ctx, a.Slug)
			if err != nil {
				t.Fatal(err)
			}
			liveByText := map[string]string{}
			for _, b := range after.Blocks {
				liveByText[readingroom.Normalize(b.Text)] = b.ID
			}
			for _, old := range before.Blocks {
				ref, err := db.Paragraph(ctx, a.Slug, old.ID)
				if err != nil {
					t.Fatalf("old id %s (%.40q): %v", old.ID, old.Text, err)
				}
				switch ref.State {
				case ParagraphLive:
					// A kept id stays with its own text, edited or not.
					now := blockByID(after, old.ID)
					if ref.ID != old.ID || now == nil || !related(now.Text, old.Text) {
						t.Errorf("id %s was %.40q, now names %+v", old.ID, old.Text, now)
					}
				case ParagraphAlias:
					holder := blockByID(after, ref.ID)
					if holder == nil || !strings.Contains(readingroom.Normalize(holder.Text), readingroom.Normalize(old.Text)) {
						t.Errorf("alias %s -> %s, which does not hold its text", old.ID, ref.ID)
					}
				case ParagraphDeleted:
					if ref.Tombstone.Text != old.Text {
						t.Errorf("tombstone %s text %q, want %q", old.ID, ref.Tombstone.Text, old.Text)
					}
					if _, ok := liveByText[readingroom.Normalize(old.Text)]; ok {
						t.Errorf("%s tombstoned although its text %.40q is still there", old.ID, old.Text)
					}
				}
				// Unchanged text keeps its id.
				if id, ok := liveByText[readingroom.Normalize(old.Text)]; ok && id != old.ID && !slices.Contains(duplicateTexts(before), readingroom.Normalize(old.Text)) {
					t.Errorf("unchanged paragraph %.40q: id %s, was %s", old.Text, id, old.ID)
				}
			}
			// Every id ever used still resolves, not only the last version's.
			for _, id := range everUsed(t, db, a.Slug) {
				if _, err := db.Paragraph(ctx, a.Slug, id); err != nil {
					t.Errorf("id %s no longer resolves: %v", id, err)
				}
			}
			if err := db.IntegrityCheck(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

// related reports whether a kept id still names its own text: the same
// opening words (a correction, an added sentence, the first half of a
// split), or one text inside the other (halves merged back).
func related(now, was string) bool {
	n, w := readingroom.Normalize(now), readingroom.Normalize(was)
	opening := func(s string) string {
		f := strings.Fields(s)
		return strings.Join(f[:min(4, len(f))], " ")
	}
	return strings.HasPrefix(n, opening(w)) || strings.Contains(n, w) || strings.Contains(w, n)
}

func clonedBlocks(bs []readingroom.Block) []readingroom.Block {
	out := slices.Clone(bs)
	for i := range out {
		out[i].ID, out[i].Aliases = "", nil
	}
	return out
}

func mapKeys(m map[string][]readingroom.Block) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func blockByID(a *readingroom.Article, id string) *readingroom.Block {
	for i := range a.Blocks {
		if a.Blocks[i].ID == id {
			return &a.Blocks[i]
		}
	}
	return nil
}

func duplicateTexts(a *readingroom.Article) []string {
	seen := map[string]int{}
	var dup []string
	for _, b := range a.Blocks {
		n := readingroom.Normalize(b.Text)
		if seen[n]++; seen[n] == 2 {
			dup = append(dup, n)
		}
	}
	return dup
}

func everUsed(t *testing.T, db *DB, slug string) []string {
	t.Helper()
	rows, err := db.r.Query(`SELECT pid FROM paragraphs JOIN articles ON articles.id = article_id WHERE slug = ?1
		UNION SELECT pid FROM paragraph_ids JOIN articles ON articles.id = article_id WHERE slug = ?1`, slug)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestPermalinksSurviveEdits(t *testing.T) {
	db := openTest(t)
	vocabulary := strings.Fields("reader library dome lamp ledger shift paper council budget student pensioner window desk chair silence winter summer evening morning question answer river bridge market tram station clock bell garden wall")
	var texts []string
	for i := range 12 {
		var w []string
		for k := range 16 {
			w = append(w, vocabulary[(i*7+k*3)%len(vocabulary)]+strings.Repeat("s", k%2))
		}
		texts = append(texts, "In part "+strings.Repeat("I", i+1)+" the "+strings.Join(w, " and ")+".")
	}
	a := &readingroom.Article{Title: "Permalinks", Standfirst: "A test.", Blocks: blocksOfText(texts)}
	if _, _, err := db.SaveArticle(context.Background(), a, "test"); err != nil {
		t.Fatal(err)
	}
	checkPermalinks(t, db, a)
}

func blocksOfText(texts []string) []readingroom.Block {
	var bs []readingroom.Block
	for _, s := range texts {
		bs = append(bs, para(s))
	}
	return bs
}

// The same against the real dumps, when they are there.
func TestPermalinksSurviveEditsSeeds(t *testing.T) {
	files := dumptest.RequireSeeds(t)
	db := openTest(t)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		arts, _, err := dump.Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		for i := range arts {
			a := &arts[i]
			if _, _, err := db.SaveArticle(context.Background(), a, f); err != nil {
				t.Fatal(err)
			}
			if len(paras(a.Blocks)) < 9 {
				continue
			}
			t.Run(a.Slug, func(t *testing.T) { checkPermalinks(t, db, a) })
		}
	}
}

func TestParagraphUnknown(t *testing.T) {
	db := openTest(t)
	a := &readingroom.Article{Title: "T", Blocks: blocksOfText([]string{"One."})}
	if _, _, err := db.SaveArticle(context.Background(), a, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Paragraph(context.Background(), "t", "aaaaaaaa"); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := db.Paragraph(context.Background(), "nope", a.Blocks[0].ID); readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
		t.Errorf("unknown slug: %v", err)
	}
	if ref, err := db.Paragraph(context.Background(), "t", a.Blocks[0].ID); err != nil || ref.State != ParagraphLive {
		t.Errorf("live id: %+v %v", ref, err)
	}
}

// BenchmarkReimport saves a 200-paragraph article, then re-imports it
// alternately with and without 20 edits, through SaveArticle: alignment,
// aliases, tombstones, FTS5 triggers and the commit.
func BenchmarkReimport(b *testing.B) {
	db, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var texts []string
	for i := range 200 {
		texts = append(texts, fmt.Sprintf("Paragraph %d: the reading room kept %d seats, %d lamps and a ledger of %d questions, and %s.",
			i, i*3+7, i*5+11, i*1000+17, strings.Repeat("readers came and went ", 1+i%4)))
	}
	versions := make([][]readingroom.Block, 2)
	versions[0] = blocksOfText(texts)
	edited := slices.Clone(texts)
	for k := range 20 {
		i := 5 + k*9
		switch k % 4 {
		case 0:
			edited[i] = strings.Replace(edited[i], "seats", "chairs", 1)
		case 1:
			edited[i] += " A sentence was added."
		case 2:
			edited[i] = fmt.Sprintf("A new paragraph, number %d, replaces the old one.", k)
		case 3:
			edited[i], edited[i+1] = edited[i+1], edited[i]
		}
	}
	versions[1] = blocksOfText(edited)
	ctx := context.Background()
	save := func(n int) {
		a := &readingroom.Article{Title: "Benchmark", Standfirst: "Version", Blocks: clonedBlocks(versions[n%2])}
		if _, _, err := db.SaveArticle(ctx, a, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	save(0)
	n := 1
	for b.Loop() {
		save(n)
		n++
	}
}

// An article whose title was corrected between two imports is the same
// article: updated in place, slug and paragraph ids kept.
func TestEditedTitleUpdatesInPlace(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	body := []string{
		"The reading room opened in 1889 with four hundred seats under a dome of glass and iron.",
		"Its first librarian kept a ledger of every question asked at the desk, more than a million by 1950.",
		"Workers came after their shifts to read the papers, and the room stayed open until ten at night.",
		"In the war the dome was painted black, and readers worked by the light of green-shaded lamps.",
	}
	a := &readingroom.Article{Title: "The quiet rom", Blocks: blocksOfText(body)}
	save(t, db, a, Created)
	fixed := &readingroom.Article{Title: "The quiet room", Blocks: blocksOfText(append(slices.Clone(body[:3]), "A new closing paragraph about the council's budget and the future of the room."))}
	if out, slug, err := db.SaveArticle(ctx, fixed, ""); err != nil || out != Updated || slug != a.Slug {
		t.Fatalf("got %v %q %v, want an update of %q", out, slug, err, a.Slug)
	}
	if list, total, _ := db.ListArticles(ctx, 10, 0); total != 1 || list[0].Title != "The quiet room" {
		t.Fatalf("library %+v", list)
	}
	for i := range 3 {
		if fixed.Blocks[i].ID != a.Blocks[i].ID {
			t.Errorf("paragraph %d: id %s, was %s", i, fixed.Blocks[i].ID, a.Blocks[i].ID)
		}
	}
	// Saving under the new title again finds it by key.
	again := &readingroom.Article{Title: "The quiet room", Blocks: clonedBlocks(fixed.Blocks)}
	save(t, db, again, Unchanged)

	// A different article that shares too little is a new one.
	other := &readingroom.Article{Title: "Another room", Blocks: blocksOfText(append(slices.Clone(body[:1]),
		"A wholly different second paragraph about a different building in another town.",
		"A third paragraph, also new, about the people who built it and why they did.",
		"And a fourth that closes the piece with a word about the weather that winter."))}
	save(t, db, other, Created)
}

// Into an empty room an import need not name its articles ahead: nothing
// stored can be taken for one of them retitled. It is bulk however small,
// its index built whole at its end. Once the room holds articles, a run
// needs them named; and a run told it need not, but which finds an
// article stored all the same (by another import in between), takes it
// for no retitled one: the same text under a new title is a new article.
func TestImportIntoAnEmptyRoom(t *testing.T) {
	ctx := t.Context()
	body := []string{
		"The reading room opened in 1889 with four hundred seats under a dome of glass and iron.",
		"Its first librarian kept a ledger of every question asked at the desk, more than a million by 1950.",
		"Workers came after their shifts to read the papers, and the room stayed open until ten at night.",
		"In the war the dome was painted black, and readers worked by the light of green-shaded lamps.",
	}

	db := openTest(t)
	run := db.NewImport()
	if need, err := run.NeedsExpect(ctx); err != nil || need {
		t.Fatalf("NeedsExpect in an empty room = %v, %v; want false", need, err)
	}
	for i := range 3 {
		a := &readingroom.Article{Title: fmt.Sprintf("Room %d", i), Blocks: blocksOfText(body[i : i+2])}
		if out, _, err := run.Save(ctx, a, ""); err != nil || out != Created {
			t.Fatalf("Save(%q) = %v, %v; want Created", a.Title, out, err)
		}
	}
	if !run.bulk {
		t.Error("an import into an empty room is not bulk")
	}
	if err := run.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if n := mergeStep(t, db, -100); n >= 2 {
		t.Errorf("a merge after the import still had work: %d changes", n)
	}
	var automerge int
	if err := db.w.QueryRowContext(ctx, `SELECT v FROM article_fts_config WHERE k = 'automerge'`).Scan(&automerge); err != nil || automerge != ftsAutomerge {
		t.Errorf("automerge after the import: %d, %v; want %d", automerge, err, ftsAutomerge)
	}
	if need, err := db.NewImport().NeedsExpect(ctx); err != nil || !need {
		t.Errorf("NeedsExpect in a room of three articles = %v, %v; want true", need, err)
	}

	db = openTest(t)
	run = db.NewImport()
	if need, err := run.NeedsExpect(ctx); err != nil || need {
		t.Fatalf("NeedsExpect in an empty room = %v, %v; want false", need, err)
	}
	stored := &readingroom.Article{Title: "The quiet rom", Blocks: blocksOfText(body)}
	save(t, db, stored, Created) // another import, in between
	retitled := &readingroom.Article{Title: "The quiet room", Blocks: blocksOfText(body)}
	if out, slug, err := run.Save(ctx, retitled, ""); err != nil || out != Created || slug == stored.Slug {
		t.Fatalf("Save(%q) = %v, %q, %v; want Created, a slug of its own", retitled.Title, out, slug, err)
	}
	if err := run.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if _, total, err := db.ListArticles(ctx, 10, 0); err != nil || total != 2 {
		t.Errorf("%d articles, %v; want 2", total, err)
	}
}

// Two articles of one import that share paragraphs stay two articles.
func TestTextMatchSkipsArticlesOfTheSameImport(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	shared := []string{
		"The reading room opened in 1889 with four hundred seats under a dome of glass and iron.",
		"Its first librarian kept a ledger of every question asked at the desk, more than a million by 1950.",
		"Workers came after their shifts to read the papers, and the room stayed open until ten at night.",
		"In the war the dome was painted black, and readers worked by the light of green-shaded lamps.",
	}
	alpha := &readingroom.Article{Title: "Alpha", Blocks: blocksOfText(append(slices.Clone(shared), "Alpha closes with a paragraph of its own about the winter of the lamps."))}
	beta := &readingroom.Article{Title: "Beta", Blocks: blocksOfText(append(slices.Clone(shared), "Beta closes with another paragraph of its own about the summer of the garden."))}
	for range 2 {
		run := db.NewImport()
		run.Expect(alpha)
		run.Expect(beta)
		for _, a := range []*readingroom.Article{alpha, beta} {
			a := &readingroom.Article{Title: a.Title, Blocks: clonedBlocks(a.Blocks)}
			if _, _, err := run.Save(ctx, a, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := run.Finish(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if list, total, _ := db.ListArticles(ctx, 10, 0); total != 2 || list[0].Title != "Alpha" || list[1].Title != "Beta" {
		t.Errorf("library %+v, want Alpha and Beta", list)
	}
}
