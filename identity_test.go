package readingroom

import (
	"testing"
	"time"
)

func paras(texts ...string) []Block {
	out := make([]Block, len(texts))
	for i, t := range texts {
		out[i] = Block{Kind: KindParagraph, Text: t}
	}
	return out
}

var (
	bodyA = paras(
		"On Monday the printers sent back the proofs of the Christmas issue with a note about the cover.",
		"By Wednesday the editor had decided to run the puzzle on the back page after all.",
		"Friday brought snow, and the post room closed early for the first time in a decade.",
		"Yours faithfully,")
	bodyB = paras(
		"The new year began with a leak in the roof above the letters desk and a bucket under it.",
		"A reader in Shetland wrote to say the crossword had kept her going through the storms.",
		"On Thursday we learnt that the old lift would be replaced at last.",
		"Yours faithfully,")
)

func TestSameText(t *testing.T) {
	edited := paras(
		"On Monday the printers sent back the corrected proofs of the Christmas issue with a note about the cover.",
		"By Wednesday the editor had decided to run the puzzle on the back page after all.",
		"Friday brought snow, and the post room closed early for the first time in a decade.",
		"A new closing paragraph about the office party, which was cancelled.",
		"Yours faithfully,")
	for _, tt := range []struct {
		name string
		a, b []Block
		want bool
	}{
		{"identical", bodyA, bodyA, true},
		{"edited and extended", bodyA, edited, true},
		{"unrelated, one short line in common", bodyA, bodyB, false},
		{"one paragraph, a word corrected", paras("The cat sat on the mat all afternoon."), paras("The cat sat on the rug all afternoon."), true},
		{"one paragraph, unrelated", paras("The cat sat on the mat all afternoon."), paras("Bees make honey in the city."), false},
		{"half kept", paras("Kept.", "Gone for a while."), paras("Kept.", "Other text in its place."), true},
		{"a tenth kept", append(paras(bodyA[0].Text), bodyB...), append(paras(bodyA[0].Text), paras("x y z w", "a b c d", "e f g h", "i j k l", "m n o p", "q r s t", "u v w x", "more words here now")...), false},
		{"nothing", nil, bodyA, false},
		{"headings only do not count", []Block{{Kind: KindHeading, Text: "Letters"}}, []Block{{Kind: KindHeading, Text: "Letters"}}, false},
	} {
		if got := SameText(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: SameText = %v, want %v", tt.name, got, tt.want)
		}
		if got := SameText(tt.b, tt.a); got != tt.want {
			t.Errorf("%s (the other way): SameText = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMatch(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2019, 12, d, 0, 0, 0, 0, time.UTC) }
	art := func(date time.Time, body []Block) *Article {
		return &Article{Title: "Diary", Published: date, Blocks: body}
	}
	stored := func(a *Article, claimed bool) Stored {
		return Stored{Published: a.Published, Fingerprint: a.Fingerprint(), Blocks: a.Blocks, Claimed: claimed}
	}
	a14, b21 := art(day(14), bodyA), art(day(21), bodyB)
	for _, tt := range []struct {
		name   string
		a      *Article
		stored []Stored
		want   int
	}{
		{"no stored article", a14, nil, -1},
		{"an exact copy", a14, []Stored{stored(b21, false), stored(a14, false)}, 1},
		{"an exact copy already claimed (a duplicate)", a14, []Stored{stored(a14, true)}, 0},
		{"another date: another article", art(day(21), bodyA), []Stored{stored(a14, false)}, -1},
		{"same date, edited beyond recognition", art(day(14), bodyB), []Stored{stored(a14, false)}, 0},
		{"same date, unrelated, the stored one claimed in this import", art(day(14), bodyB), []Stored{stored(a14, true)}, -1},
		{"same date, edited copy of a claimed one (a second version)", art(day(14), append(bodyA[:3:3], paras("Plus one.")...)), []Stored{stored(a14, true)}, 0},
		{"undated, overlapping", art(time.Time{}, bodyA), []Stored{stored(b21, false), stored(a14, false)}, 1},
		{"undated, unrelated", art(time.Time{}, paras("Bees make honey in the city.")), []Stored{stored(a14, false)}, -1},
		{"dated, stored undated and overlapping", a14, []Stored{stored(art(time.Time{}, bodyA[:3]), false)}, 0},
		{"two of that date: the one with the text", art(day(14), bodyB), []Stored{stored(a14, false), stored(art(day(14), bodyB[:3]), false)}, 1},
	} {
		if got := Match(tt.a, tt.stored); got != tt.want {
			t.Errorf("%s: Match = %d, want %d", tt.name, got, tt.want)
		}
	}
}
