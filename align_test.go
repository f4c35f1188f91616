package readingroom

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// sampleParagraphs are distinct paragraphs long enough to tell apart.
var sampleParagraphs = []string{
	"The reading room opened in 1889 with four hundred seats under a dome of glass and iron.",
	"Its first librarian kept a ledger of every question asked at the desk, more than a million by 1950.",
	"Workers came after their shifts to read the papers, and the room stayed open until ten at night.",
	"In the war the dome was painted black, and readers worked by the light of green-shaded lamps.",
	"Today the seats are full of students, pensioners and people who have nowhere else to go.",
	"The council has promised to keep the room open, though the budget shrinks every year.",
}

func prevOf(texts []string) []PrevBlock {
	var prev []PrevBlock
	seen := map[string]int{}
	for _, t := range texts {
		prev = append(prev, PrevBlock{ID: ParagraphID(t, seen[Normalize(t)]), Kind: KindParagraph, Text: t})
		seen[Normalize(t)]++
	}
	return prev
}

func blocksOf(texts ...string) []Block {
	var bs []Block
	for _, t := range texts {
		bs = append(bs, Block{Kind: KindParagraph, Text: t})
	}
	return bs
}

// checkAlignment asserts the invariants of every alignment.
func checkAlignment(t *testing.T, prev []PrevBlock, blocks []Block, used map[string]bool, al Alignment) {
	t.Helper()
	if len(al.IDs) != len(blocks) {
		t.Fatalf("%d ids for %d blocks", len(al.IDs), len(blocks))
	}
	prevIDs := map[string]bool{}
	for _, p := range prev {
		prevIDs[p.ID] = true
	}
	live := map[string]bool{}
	for _, id := range al.IDs {
		if !ValidParagraphID(id) {
			t.Fatalf("invalid id %q", id)
		}
		if live[id] {
			t.Fatalf("id %q given twice", id)
		}
		live[id] = true
		if used[id] && !prevIDs[id] && !slices.Contains(al.Revived, id) {
			t.Fatalf("retired id %q reused", id)
		}
	}
	accounted := map[string]int{}
	for _, id := range al.IDs {
		if prevIDs[id] {
			accounted[id]++
		}
	}
	for old, target := range al.Aliases {
		accounted[old]++
		if !live[target] {
			t.Fatalf("alias %s -> %s, which is not a live id", old, target)
		}
	}
	for _, ts := range al.Tombstones {
		accounted[ts.ID]++
		if ts.Neighbour != "" && !live[ts.Neighbour] {
			t.Fatalf("tombstone %s points to %s, which is not live", ts.ID, ts.Neighbour)
		}
	}
	for _, p := range prev {
		if accounted[p.ID] != 1 {
			t.Fatalf("old id %s accounted for %d times", p.ID, accounted[p.ID])
		}
	}
}

func TestAlign(t *testing.T) {
	P := sampleParagraphs
	prev := prevOf(P)
	id := func(i int) string { return prev[i].ID }
	tests := []struct {
		name string
		new  []string
		// want maps each new block to the old index whose id it keeps, or -1 for a fresh id
		want       []int
		aliases    map[int]int // old index -> new index it redirects to
		tombstones map[int]int // old index -> old index of the neighbour it points to (-1: none)
	}{
		{"unchanged", P, []int{0, 1, 2, 3, 4, 5}, nil, nil},
		{"inserted at the top", append([]string{"A new opening paragraph about something else entirely, written later."}, P...),
			[]int{-1, 0, 1, 2, 3, 4, 5}, nil, nil},
		{"one deleted", []string{P[0], P[1], P[3], P[4], P[5]}, []int{0, 1, 3, 4, 5}, nil, map[int]int{2: 1}},
		{"first deleted", []string{P[1], P[2], P[3], P[4], P[5]}, []int{1, 2, 3, 4, 5}, nil, map[int]int{0: 1}},
		{"a word corrected", []string{P[0], strings.Replace(P[1], "ledger", "register", 1), P[2], P[3], P[4], P[5]},
			[]int{0, 1, 2, 3, 4, 5}, nil, nil},
		{"a sentence appended", []string{P[0], P[1], P[2] + " On Sundays it opened at noon, after church.", P[3], P[4], P[5]},
			[]int{0, 1, 2, 3, 4, 5}, nil, nil},
		{"two merged", []string{P[0], P[1] + " " + P[2], P[3], P[4], P[5]}, []int{0, 1, 3, 4, 5}, map[int]int{2: 1}, nil},
		{"one split", []string{P[0], "Its first librarian kept a ledger of every question asked at the desk,", "more than a million by 1950, all in her own neat hand.", P[2], P[3], P[4], P[5]},
			[]int{0, 1, -1, 2, 3, 4, 5}, nil, nil},
		{"two swapped", []string{P[0], P[2], P[1], P[3], P[4], P[5]}, []int{0, 2, 1, 3, 4, 5}, nil, nil},
		{"all replaced", []string{"Completely different text one, nothing in common with before.", "Another wholly unrelated paragraph arrives here instead."},
			[]int{-1, -1}, nil, map[int]int{0: -1, 1: -1, 2: -1, 3: -1, 4: -1, 5: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks := blocksOf(tt.new...)
			al := Align(prev, nil, blocks, nil)
			checkAlignment(t, prev, blocks, nil, al)
			for i, w := range tt.want {
				if w >= 0 && al.IDs[i] != id(w) {
					t.Errorf("block %d: id %s, want old %d's %s", i, al.IDs[i], w, id(w))
				}
				if w < 0 && slices.ContainsFunc(prev, func(p PrevBlock) bool { return p.ID == al.IDs[i] }) {
					t.Errorf("block %d: took old id %s, want a fresh one", i, al.IDs[i])
				}
			}
			if len(al.Aliases) != len(tt.aliases) {
				t.Errorf("aliases %v, want %v", al.Aliases, tt.aliases)
			}
			for o, n := range tt.aliases {
				if al.Aliases[id(o)] != al.IDs[n] {
					t.Errorf("alias of old %d: %q, want %q", o, al.Aliases[id(o)], al.IDs[n])
				}
			}
			if len(al.Tombstones) != len(tt.tombstones) {
				t.Errorf("tombstones %+v, want %v", al.Tombstones, tt.tombstones)
			}
			for _, ts := range al.Tombstones {
				o := slices.IndexFunc(prev, func(p PrevBlock) bool { return p.ID == ts.ID })
				nb, ok := tt.tombstones[o]
				if !ok {
					t.Errorf("unexpected tombstone for old %d", o)
					continue
				}
				if ts.Text != P[o] {
					t.Errorf("tombstone %d text %q", o, ts.Text)
				}
				want := ""
				if nb >= 0 {
					want = id(nb)
				}
				if ts.Neighbour != want {
					t.Errorf("tombstone %d neighbour %q, want %q", o, ts.Neighbour, want)
				}
			}
		})
	}
}

func TestAlignIdenticalParagraphs(t *testing.T) {
	blocks := blocksOf("Yes.", "No.", "Yes.")
	al := Align(nil, nil, blocks, nil)
	checkAlignment(t, nil, blocks, nil, al)
	if al.IDs[0] == al.IDs[2] {
		t.Errorf("identical paragraphs share id %s", al.IDs[0])
	}
	if al.IDs[0] != ParagraphID("Yes.", 0) || al.IDs[2] != ParagraphID("Yes.", 1) {
		t.Errorf("ids %v are not derived from the text", al.IDs)
	}
}

// A retired id is never given to new text, even the text it once had.
func TestAlignNeverReusesRetiredIDs(t *testing.T) {
	retired := ParagraphID("Gone.", 0)
	used := map[string]bool{retired: true}
	blocks := blocksOf("Gone.")
	al := Align(nil, nil, blocks, used)
	checkAlignment(t, nil, blocks, used, al)
	if al.IDs[0] == retired {
		t.Error("retired id reused")
	}
}

func FuzzAlign(f *testing.F) {
	f.Add("a b c\nd e f\ng h i", "a b c\ng h i x\nnew")
	f.Add(strings.Join(sampleParagraphs, "\n"), sampleParagraphs[1]+" "+sampleParagraphs[2]+"\n"+sampleParagraphs[0])
	f.Add("Yes.\nYes.\nNo.", "No.\nYes.")
	f.Fuzz(func(t *testing.T, before, after string) {
		var old []string
		for _, l := range strings.Split(before, "\n") {
			if l = CleanSpace(l); l != "" {
				old = append(old, l)
			}
		}
		var blocks []Block
		for _, l := range strings.Split(after, "\n") {
			if l = CleanSpace(l); l != "" {
				blocks = append(blocks, Block{Kind: KindParagraph, Text: l})
			}
		}
		prev := prevOf(old)
		used := map[string]bool{ParagraphID(after, 0): true}
		for _, p := range prev {
			used[p.ID] = true
		}
		al := Align(prev, nil, blocks, used)
		checkAlignment(t, prev, blocks, used, al)
	})
}

// BenchmarkAlign re-imports a 200-paragraph article with 20 edits.
func BenchmarkAlign(b *testing.B) {
	var texts []string
	for i := range 200 {
		texts = append(texts, fmt.Sprintf("Paragraph %d tells of %s, and of the %d readers who came to the room that year to read.", i, sampleParagraphs[i%len(sampleParagraphs)], i*7))
	}
	prev := prevOf(texts)
	edited := slices.Clone(texts)
	for k := range 20 {
		i := k * 10
		switch k % 4 {
		case 0:
			edited[i] = strings.Replace(edited[i], "readers", "visitors", 1)
		case 1:
			edited[i] += " A sentence was added here."
		case 2:
			edited[i] = "An entirely new paragraph replaces the old one at this place, number " + fmt.Sprint(i) + "."
		case 3:
			edited[i], edited[i+1] = edited[i+1], edited[i]
		}
	}
	blocks := blocksOf(edited...)
	b.ReportAllocs()
	for b.Loop() {
		Align(prev, nil, blocks, nil)
	}
}

// A fresh id skips any id taken before (a hash clash, or a paragraph since
// deleted), and a matched block keeps its stored id.
func TestAlignSkipsUsedIDs(t *testing.T) {
	blocks := blocksOf("Hello.", "Hello.", "Other.")
	used := map[string]bool{ParagraphID("Hello.", 0): true}
	al := Align(nil, nil, blocks, used)
	want := []string{ParagraphID("Hello.", 1), ParagraphID("Hello.", 2), ParagraphID("Other.", 0)}
	if !slices.Equal(al.IDs, want) {
		t.Errorf("ids %q, want %q", al.IDs, want)
	}
	prev := []PrevBlock{{ID: "keptkept", Kind: KindParagraph, Text: "Old."}}
	al = Align(prev, nil, blocksOf("New.", "old."), map[string]bool{"keptkept": true})
	if want := []string{ParagraphID("New.", 0), "keptkept"}; !slices.Equal(al.IDs, want) {
		t.Errorf("ids %q, want %q", al.IDs, want)
	}
}

// A paragraph deleted and later restored takes its old id back.
func TestAlignRevivesDeletedText(t *testing.T) {
	P := sampleParagraphs
	prev := prevOf([]string{P[0], P[2]})
	retired := []PrevBlock{{ID: ParagraphID(P[1], 0), Kind: KindParagraph, Text: P[1]}}
	used := map[string]bool{retired[0].ID: true, prev[0].ID: true, prev[1].ID: true}
	blocks := blocksOf(P[0], P[1], P[2])
	al := Align(prev, retired, blocks, used)
	checkAlignment(t, prev, blocks, used, al)
	if al.IDs[1] != retired[0].ID || !slices.Equal(al.Revived, []string{retired[0].ID}) {
		t.Errorf("ids %v revived %v, want %s back", al.IDs, al.Revived, retired[0].ID)
	}
	if al.IDs[0] != prev[0].ID || al.IDs[2] != prev[1].ID {
		t.Errorf("live ids changed: %v", al.IDs)
	}
}
