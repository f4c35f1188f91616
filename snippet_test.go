package readingroom

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func marked(segs []Segment) string {
	var sb strings.Builder
	for _, s := range segs {
		if s.Marked() {
			sb.WriteString("[" + s.Text + "]")
		} else {
			sb.WriteString(s.Text)
		}
	}
	return sb.String()
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string // [marked]
		n    int
		want string
	}{
		{"a [b] c", 5, "a [b] c"},
		{"one two three four [five] six seven eight", 3, "…four [five] six…"},
		{"[one] two three four five [six] [seven] eight", 3, "…[six] [seven] eight"},
		{"one two [three] four five six seven eight nine", 5, "one two [three] four five…"},
		{"[one] two three four five six", 2, "[one] two…"},
		{"one two three four five [six]", 2, "…five [six]"},
		{"", 3, ""},
	}
	for _, tt := range tests {
		in := MarkedSegments(strings.NewReplacer("[", "\x02", "]", "\x03").Replace(tt.in), "\x02", "\x03")
		if got := marked(Excerpt(in, tt.n)); got != tt.want {
			t.Errorf("Excerpt(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// BenchmarkExcerpt cuts a marked paragraph of 120 words to a snippet.
func BenchmarkExcerpt(b *testing.B) {
	text := strings.Repeat("The reading room kept its \x02lamps\x03 lit until late, and the readers stayed on. ", 8)
	segs := MarkedSegments(text, "\x02", "\x03")
	b.ReportAllocs()
	for b.Loop() {
		Excerpt(segs, 28)
	}
}

// The words of a snippet break where unicode.IsSpace says: the ASCII
// table excerpt looks up agrees with it.
func TestASCIISpaceIsUnicodeSpace(t *testing.T) {
	for c := range rune(utf8.RuneSelf) {
		if asciiSpace[c] != unicode.IsSpace(c) {
			t.Errorf("%U: asciiSpace %v, unicode.IsSpace %v", c, asciiSpace[c], unicode.IsSpace(c))
		}
	}
	if got := marked(ExcerptText("a\u00a0b\u2003c\u0085d e", nil, 4)); got != "a\u00a0b\u2003c\u0085d…" {
		t.Errorf("non-ASCII spaces: %q", got)
	}
}

// BenchmarkExcerptText cuts a paragraph of 120 words, marked where a
// search found two of them, to a snippet, as search does for each hit.
func BenchmarkExcerptText(b *testing.B) {
	text := strings.Repeat("The reading room kept its lamps lit until late, and the readers stayed on. ", 8)
	at := strings.Index(text[300:], "lamps") + 300
	spans := []Span{{at, at + 5}, {at + 10, at + 13}}
	b.ReportAllocs()
	for b.Loop() {
		ExcerptText(text, spans, 28)
	}
}

// ExcerptText is Excerpt of the same text cut into segments at the spans,
// whatever the spans: in order and apart (a search's marks), overlapping,
// out of order, or inside a rune.
func FuzzExcerptText(f *testing.F) {
	f.Add("the quick brown fox jumps over the lazy dog", 4, 9, 16, 19, 5)
	f.Add("the quick brown fox", 10, 15, 4, 9, 3)  // out of order
	f.Add("the quick brown fox", 4, 12, 10, 15, 3) // overlapping
	f.Add("café crème brûlée", 3, 4, 12, 14, 2)    // inside a rune
	f.Add("a b", 0, 1, 1, 3, 1)                    // touching
	f.Add("word", -1, 2, 3, 99, 4)                 // outside the text
	f.Fuzz(func(t *testing.T, text string, a, b, c, d, n int) {
		if n < 1 || n > 100 {
			return
		}
		spans := []Span{{a, b}, {c, d}}
		got, want := ExcerptText(text, spans, n), Excerpt(Segments(text, spans), n)
		if len(got) != len(want) {
			t.Fatalf("%q %v: %q, want %q", text, spans, marked(got), marked(want))
		}
		for i := range got {
			if got[i].Text != want[i].Text || got[i].Marked() != want[i].Marked() {
				t.Fatalf("%q %v: %q, want %q", text, spans, marked(got), marked(want))
			}
		}
	})
}
