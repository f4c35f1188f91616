package readingroom

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// roomText is one of our own articles, as paragraphs.
var roomText = []string{
	"The reading room opened in 1857 under a great dome of iron and glass.",
	"Readers came from every corner of the city to work under the dome in silence.",
	"In the war the dome was painted black, and readers worked by the light of green-shaded lamps.",
	"The lamps are still there: ask at the desk for green-shaded lamps and someone will show you.",
	"Nobody now remembers who first called it the reading room of the world.",
	"It closed in 1997, and the books went to a new library at St Pancras.",
}

func paragraphs(texts ...string) []Block {
	bs := make([]Block, len(texts))
	for i, t := range texts {
		bs[i] = Block{Kind: KindParagraph, Text: t}
	}
	return bs
}

// version is an article as the store keeps it between imports: blocks
// with ids, the aliases of merged ids, and the tombstones of deleted ones.
type version struct {
	blocks     []Block
	aliases    map[string]string
	tombstones []PrevBlock
	used       map[string]bool
}

func firstVersion(texts ...string) *version {
	v := &version{aliases: map[string]string{}, used: map[string]bool{}}
	return v.next(texts...)
}

// next imports the article again with new texts, as the store does.
func (v *version) next(texts ...string) *version {
	prev := make([]PrevBlock, len(v.blocks))
	for i, b := range v.blocks {
		prev[i] = PrevBlock{ID: b.ID, Kind: b.Kind, Text: b.Text}
	}
	blocks := paragraphs(texts...)
	al := Align(prev, v.tombstones, blocks, v.used)
	out := &version{aliases: map[string]string{}, used: map[string]bool{}}
	for id := range v.used {
		out.used[id] = true
	}
	for k, t := range v.aliases {
		out.aliases[k] = t
	}
	for k, t := range al.Aliases {
		out.aliases[k] = t
	}
	revived := map[string]bool{}
	for _, id := range al.Revived {
		revived[id] = true
	}
	for _, ts := range v.tombstones {
		if !revived[ts.ID] {
			out.tombstones = append(out.tombstones, ts)
		}
	}
	for _, ts := range al.Tombstones {
		out.tombstones = append(out.tombstones, PrevBlock{ID: ts.ID, Kind: ts.Kind, Text: ts.Text})
	}
	for i := range blocks {
		blocks[i].ID = al.IDs[i]
		out.used[al.IDs[i]] = true
	}
	out.blocks = blocks
	return out
}

// resolve follows aliases to the id a saved paragraph id now leads to.
func (v *version) resolve(id string) string {
	for range 64 {
		t, ok := v.aliases[id]
		if !ok {
			return id
		}
		id = t
	}
	return id
}

// save saves the words want of the block at index i (the first place they
// stand in it), as the store would.
func (v *version) save(t *testing.T, i int, want string) saved {
	t.Helper()
	text := NewArticleText(v.blocks)
	f, ok := text.Locate(v.blocks[i].ID, Quote{Exact: want})
	if !ok {
		t.Fatalf("save %q: not found", want)
	}
	if f.ParagraphID != v.blocks[i].ID {
		t.Fatalf("save %q: found in %s, want %s", want, f.ParagraphID, v.blocks[i].ID)
	}
	q := text.QuoteAt(f.Position)
	if q.Exact != want {
		t.Fatalf("save %q: quote %q", want, q.Exact)
	}
	return saved{paragraph: f.ParagraphID, quote: q, pos: f.Position}
}

type saved struct {
	paragraph string
	quote     Quote
	pos       Position
}

// reanchor finds s in v and, unless it is orphaned, checks that the text
// found is what Found says.
func (v *version) reanchor(t *testing.T, s *saved) Found {
	t.Helper()
	text := NewArticleText(v.blocks)
	f := text.Reanchor(Passage{ParagraphID: v.resolve(s.paragraph), Quote: s.quote, Position: s.pos})
	if f.Anchor != AnchorOrphaned {
		if got := text.Slice(f.Position); got != f.Text {
			t.Errorf("Found.Text %q, but the text at %v is %q", f.Text, f.Position, got)
		}
		if text.ParagraphAt(f.Position.Start) != f.ParagraphID {
			t.Errorf("Found.ParagraphID %s, but %v starts in %s", f.ParagraphID, f.Position, text.ParagraphAt(f.Position.Start))
		}
		s.pos = f.Position
	}
	return f
}

func wantFound(t *testing.T, what string, f Found, anchor Anchor, paragraph, text string) {
	t.Helper()
	if f.Anchor != anchor {
		t.Errorf("%s: anchor %s, want %s", what, f.Anchor, anchor)
	}
	if f.ParagraphID != paragraph {
		t.Errorf("%s: paragraph %q, want %q", what, f.ParagraphID, paragraph)
	}
	if f.Text != text {
		t.Errorf("%s: text %q, want %q", what, f.Text, text)
	}
}

func TestArticleText(t *testing.T) {
	text := NewArticleText([]Block{{ID: "a", Text: "Café au lait."}, {ID: "b", Text: "Deux\n  cafés."}})
	if got, want := text.String(), "Café au lait.\n\nDeux\n  cafés."; got != want {
		t.Fatalf("text %q, want %q", got, want)
	}
	if text.Len() != utf8.RuneCountInString(text.String()) {
		t.Error("Len is not in code points")
	}
	// Positions count code points: "é" is one.
	f, ok := text.Locate("a", Quote{Exact: "au lait"})
	if !ok || f.Position != (Position{5, 12}) || f.ParagraphID != "a" {
		t.Errorf("Locate: %+v %v", f, ok)
	}
	// A quote across the two blocks, spaced otherwise, is found; its
	// words are the text's own.
	f, ok = text.Locate("a", Quote{Exact: "lait. Deux cafés"})
	if !ok || f.Text != "lait.\n\nDeux\n  cafés" || f.Position != (Position{8, 27}) {
		t.Errorf("across blocks: %+v %v", f, ok)
	}
	if q := text.QuoteAt(f.Position); q.Prefix != "Café au " || q.Suffix != "." {
		t.Errorf("QuoteAt: %+v", q)
	}
	spans := text.Spans(f.Position)
	if len(spans) != 2 || spans[0] != (BlockSpan{0, Span{9, 14}}) || spans[1] != (BlockSpan{1, Span{0, 13}}) {
		t.Errorf("Spans: %+v", spans)
	}
	if _, ok := text.Locate("a", Quote{Exact: "thé"}); ok {
		t.Error("found words that are not there")
	}
	if _, ok := text.Locate("a", Quote{Exact: "   "}); ok {
		t.Error("found an empty quote")
	}
	if p, ok := text.Block("b"); !ok || text.Slice(p) != "Deux\n  cafés." {
		t.Errorf("Block: %v %v", p, ok)
	}
}

// TestReanchorEdits saves passages in one of our own articles and edits
// it in every way the issue names, checking after each re-import that
// every passage is where its words are, in the right state.
func TestReanchorEdits(t *testing.T) {
	v0 := firstVersion(roomText...)
	var (
		black   = v0.save(t, 2, "painted black")
		lampsP3 = v0.save(t, 3, "green-shaded lamps") // the second time these words stand
		lampsP2 = v0.save(t, 2, "green-shaded lamps")
		corner  = v0.save(t, 1, "Readers came from every corner of the city")
		books   = v0.save(t, 5, "the books went to a new library")
	)
	// A passage across two paragraphs.
	text := NewArticleText(v0.blocks)
	f, ok := text.Locate(v0.blocks[4].ID, Quote{Exact: "the reading room of the world. It closed in 1997"})
	if !ok {
		t.Fatal("the passage across paragraphs is not found")
	}
	across := saved{paragraph: f.ParagraphID, quote: text.QuoteAt(f.Position), pos: f.Position}
	if !strings.Contains(across.quote.Exact, "\n\n") {
		t.Fatalf("across: %q does not hold the blank line between the paragraphs", across.quote.Exact)
	}
	id := func(v *version, i int) string { return v.blocks[i].ID }

	t.Run("insert before", func(t *testing.T) {
		v := v0.next(append([]string{"A new opening paragraph, written for the second edition."}, roomText...)...)
		wantFound(t, "black", v.reanchor(t, &black), AnchorExact, id(v0, 2), "painted black")
		wantFound(t, "lamps in P3", v.reanchor(t, &lampsP3), AnchorExact, id(v0, 3), "green-shaded lamps")
		wantFound(t, "lamps in P2", v.reanchor(t, &lampsP2), AnchorExact, id(v0, 2), "green-shaded lamps")
		wantFound(t, "across", v.reanchor(t, &across), AnchorExact, id(v0, 4), across.quote.Exact)
		if lampsP3.pos == lampsP2.pos {
			t.Error("the two passages of the same words ended in one place")
		}
	})

	t.Run("word corrected inside the quote", func(t *testing.T) {
		texts := slices.Clone(roomText)
		texts[1] = strings.Replace(texts[1], "every corner", "each corner", 1)
		v := v0.next(texts...)
		s := corner
		wantFound(t, "corner", v.reanchor(t, &s), AnchorFuzzy, id(v0, 1), "Readers came from each corner of the city")
	})

	t.Run("sentence appended", func(t *testing.T) {
		texts := slices.Clone(roomText)
		texts[2] += " The paint was not removed until 1952."
		v := v0.next(texts...)
		s, l := black, lampsP2
		wantFound(t, "black", v.reanchor(t, &s), AnchorExact, id(v0, 2), "painted black")
		wantFound(t, "lamps in P2", v.reanchor(t, &l), AnchorExact, id(v0, 2), "green-shaded lamps")
	})

	t.Run("paragraphs merged", func(t *testing.T) {
		texts := slices.Clone(roomText[:4])
		texts = append(texts, roomText[4]+" "+roomText[5])
		v := v0.next(texts...)
		merged := id(v, 4)
		if v.resolve(id(v0, 5)) != merged && v.resolve(id(v0, 4)) != merged {
			t.Fatalf("the merge made no alias: %v", v.aliases)
		}
		s, a := books, across
		wantFound(t, "books", v.reanchor(t, &s), AnchorExact, merged, "the books went to a new library")
		// The blank line between the paragraphs is a space now: the same
		// words.
		wantFound(t, "across", v.reanchor(t, &a), AnchorExact, merged, "the reading room of the world. It closed in 1997")
	})

	t.Run("paragraph split", func(t *testing.T) {
		texts := slices.Clone(roomText)
		texts[3] = "The lamps are still there."
		texts = slices.Insert(texts, 4, "Ask at the desk for green-shaded lamps and someone will show you the store where they are kept.")
		v := v0.next(texts...)
		s := lampsP3
		f := v.reanchor(t, &s)
		want := AnchorMoved
		if id(v, 4) == id(v0, 3) {
			want = AnchorExact // the second half carried the id on
		}
		wantFound(t, "lamps", f, want, id(v, 4), "green-shaded lamps")
	})

	t.Run("paragraphs swapped", func(t *testing.T) {
		texts := slices.Clone(roomText)
		texts[0], texts[1] = texts[1], texts[0]
		v := v0.next(texts...)
		s := corner
		wantFound(t, "corner", v.reanchor(t, &s), AnchorExact, id(v0, 1), "Readers came from every corner of the city")
		if s.pos.Start != 0 {
			t.Errorf("corner now at %v, want the start", s.pos)
		}
	})

	t.Run("quote's paragraph deleted, then restored", func(t *testing.T) {
		texts := slices.Delete(slices.Clone(roomText), 2, 3)
		v := v0.next(texts...)
		s, l := black, lampsP2
		wantFound(t, "black", v.reanchor(t, &s), AnchorOrphaned, "", "")
		// The same words stand in the next paragraph, but they are other
		// words: nothing around them agrees.
		wantFound(t, "lamps in the deleted paragraph", v.reanchor(t, &l), AnchorOrphaned, "", "")
		// The other passage of those words is where it was.
		l3 := lampsP3
		wantFound(t, "lamps in P3", v.reanchor(t, &l3), AnchorExact, id(v0, 3), "green-shaded lamps")

		back := v.next(roomText...)
		wantFound(t, "black, restored", back.reanchor(t, &s), AnchorExact, id(v0, 2), "painted black")
		wantFound(t, "lamps, restored", back.reanchor(t, &l), AnchorExact, id(v0, 2), "green-shaded lamps")
	})

	t.Run("the same quote twice", func(t *testing.T) {
		// Both paragraphs edited around the words; each passage keeps its
		// own occurrence, chosen by paragraph and by context.
		texts := slices.Clone(roomText)
		texts[2] = "During the war the dome was painted black, and readers worked by the light of green-shaded lamps."
		texts[3] = "Those lamps are still there: ask at the desk for green-shaded lamps and someone will show you."
		v := v0.next(texts...)
		l2, l3 := lampsP2, lampsP3
		wantFound(t, "lamps in P2", v.reanchor(t, &l2), AnchorExact, id(v0, 2), "green-shaded lamps")
		wantFound(t, "lamps in P3", v.reanchor(t, &l3), AnchorExact, id(v0, 3), "green-shaded lamps")
		// With its paragraph id unknown, context alone picks the right one.
		text := NewArticleText(v.blocks)
		f := text.Reanchor(Passage{Quote: lampsP3.quote, Position: Position{-1, -1}})
		wantFound(t, "lamps in P3 by context", f, AnchorMoved, id(v0, 3), "green-shaded lamps")
	})
}

func TestReanchorFuzzyBounds(t *testing.T) {
	v := firstVersion(roomText...)
	s := v.save(t, 0, "opened in 1857 under a great dome")
	// Too many changes: not the same words any more.
	texts := slices.Clone(roomText)
	texts[0] = "The reading room first admitted readers in 1857, beneath its famous dome."
	w := v.next(texts...)
	if f := w.reanchor(t, &s); f.Anchor != AnchorOrphaned {
		t.Errorf("rewritten sentence: %+v, want orphaned", f)
	}
	// Case only: fuzzy, with the words now there.
	texts[0] = "The reading room OPENED in 1857 under a great dome of iron and glass."
	w = v.next(texts...)
	wantFound(t, "case", w.reanchor(t, &s), AnchorFuzzy, v.blocks[0].ID, "OPENED in 1857 under a great dome")
	if FuzzyEdits(MinFuzzyLen-1) != 0 || FuzzyEdits(100) != 20 || FuzzyEdits(10_000) != MaxFuzzyEdits {
		t.Error("FuzzyEdits bounds changed")
	}
}

// TestReanchorLongQuote checks a quote near the length limit with a word
// corrected: found, fuzzy, in reasonable work.
func TestReanchorLongQuote(t *testing.T) {
	var texts []string
	for i := range 40 {
		texts = append(texts, strings.Repeat(roomText[i%len(roomText)]+" ", 4)+string(rune('A'+i%26)))
	}
	v := firstVersion(texts...)
	text := NewArticleText(v.blocks)
	p, _ := text.Block(v.blocks[10].ID)
	end, _ := text.Block(v.blocks[14].ID)
	p.End = end.End
	q := text.QuoteAt(p)
	edited := slices.Clone(texts)
	edited[14] = strings.Replace(edited[14], "painted black", "painted dark", 1)
	w := v.next(edited...)
	s := saved{paragraph: v.blocks[10].ID, quote: q, pos: p}
	f := w.reanchor(t, &s)
	if f.Anchor != AnchorFuzzy || !strings.Contains(f.Text, "painted dark") || f.ParagraphID != v.blocks[10].ID {
		t.Errorf("long quote: %s in %s", f.Anchor, f.ParagraphID)
	}
}

func TestSeparateEdits(t *testing.T) {
	for _, tc := range []struct {
		a, b  string
		same  bool
		edits int
	}{
		{"a  b\n\nc", "a b c", true, 0},
		{"kitten", "sitting", false, 3},
		{"Déjà", "deja", false, 2},
	} {
		same, edits := SameWords(tc.a, tc.b)
		if same != tc.same || edits != tc.edits {
			t.Errorf("SameWords(%q, %q) = %v, %d; want %v, %d", tc.a, tc.b, same, edits, tc.same, tc.edits)
		}
	}
}

// FuzzReanchor saves a passage of a text, edits the text, and checks that
// wherever Reanchor attaches the passage, the words there are the quote
// (for exact and moved) or within FuzzyEdits of it (for fuzzy); and that
// in the unedited text the passage is found exactly where it was.
func FuzzReanchor(f *testing.F) {
	f.Add(strings.Join(roomText, "\n"), 120, 40, "each corner", 30, 10)
	f.Add("aaa aaa aaa\nbbb aaa", 4, 3, "", 0, 3)
	f.Add("The cat sat.\nThe cat sat.\nThe cat sat on the mat.", 13, 12, "dog", 17, 3)
	f.Add("Ünïcödé wörds\nand more wörds", 2, 10, "x", 5, 1)
	f.Fuzz(func(t *testing.T, doc string, start, length int, insert string, at, cut int) {
		if !utf8.ValidString(doc) || !utf8.ValidString(insert) || len(doc) > 4000 {
			return
		}
		blocks := paragraphs(strings.Split(doc, "\n")...)
		for i := range blocks {
			blocks[i].ID = ParagraphID(blocks[i].Text, i)
		}
		text := NewArticleText(blocks)
		n := text.Len()
		if n == 0 {
			return
		}
		start = ((start % n) + n) % n
		length = 1 + ((length%64)+64)%64
		// Saved as the room saves: the selection located, trimmed to its
		// words, with the context around them.
		sel := Position{start, min(n, start+length)}
		saved, ok := text.Locate(text.ParagraphAt(sel.Start), text.QuoteAt(sel))
		if !ok {
			if strings.TrimSpace(text.Slice(sel)) != "" {
				t.Fatalf("the selection %q is not found in its own text", text.Slice(sel))
			}
			return
		}
		pos := saved.Position
		q := text.QuoteAt(pos)
		home := saved.ParagraphID

		// Unedited: found, exactly, at the same words.
		got := text.Reanchor(Passage{ParagraphID: home, Quote: q, Position: pos})
		if got.Anchor != AnchorExact && got.Anchor != AnchorMoved {
			t.Fatalf("unedited text: %s for %q", got.Anchor, q.Exact)
		}
		if same, _ := SameWords(got.Text, q.Exact); !same {
			t.Fatalf("unedited text: found %q for %q", got.Text, q.Exact)
		}

		// Edited: a cut and an insertion somewhere.
		runes := []rune(doc)
		at = ((at % (len(runes) + 1)) + len(runes) + 1) % (len(runes) + 1)
		cut = ((cut % 16) + 16) % 16
		edited := string(runes[:at]) + insert + string(runes[min(len(runes), at+cut):])
		eb := paragraphs(strings.Split(edited, "\n")...)
		for i := range eb {
			eb[i].ID = ParagraphID(eb[i].Text, i)
		}
		et := NewArticleText(eb)
		found := et.Reanchor(Passage{ParagraphID: home, Quote: q, Position: pos})
		switch found.Anchor {
		case AnchorOrphaned:
			if found.Text != "" || found.ParagraphID != "" {
				t.Fatalf("orphaned with text %q in %q", found.Text, found.ParagraphID)
			}
			return
		case AnchorExact, AnchorMoved:
			if same, _ := SameWords(found.Text, q.Exact); !same {
				t.Fatalf("%s: attached %q to %q", found.Anchor, q.Exact, found.Text)
			}
		case AnchorFuzzy:
			_, edits := SameWords(found.Text, q.Exact)
			cq, _ := collapseRunes([]rune(strings.TrimSpace(q.Exact)))
			if edits > FuzzyEdits(len(cq)) {
				t.Fatalf("fuzzy: attached %q to %q, %d edits apart (at most %d)", q.Exact, found.Text, edits, FuzzyEdits(len(cq)))
			}
		default:
			t.Fatalf("anchor %q", found.Anchor)
		}
		if et.Slice(found.Position) != found.Text {
			t.Fatalf("Text %q is not the text at %v", found.Text, found.Position)
		}
		if et.ParagraphAt(found.Position.Start) != found.ParagraphID {
			t.Fatalf("ParagraphID %q, but %v starts in %q", found.ParagraphID, found.Position, et.ParagraphAt(found.Position.Start))
		}
	})
}
