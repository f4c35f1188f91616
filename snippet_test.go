package readingroom

import (
	"strings"
	"testing"
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
