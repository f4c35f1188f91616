package readingroom

import (
	"reflect"
	"strings"
	"testing"
)

func TestSegments(t *testing.T) {
	seg := func(text string, marks ...int) Segment { return Segment{Text: text, Marks: marks} }
	for _, tt := range []struct {
		name  string
		text  string
		spans []Span
		want  []Segment
	}{
		{"no spans", "plain text", nil, []Segment{seg("plain text")}},
		{"one span", "the quick fox", []Span{{4, 9}}, []Segment{seg("the "), seg("quick", 0), seg(" fox")}},
		{"whole text", "all", []Span{{0, 3}}, []Segment{seg("all", 0)}},
		{"overlapping", "abcdef", []Span{{1, 4}, {3, 5}}, []Segment{seg("a"), seg("bc", 0), seg("d", 0, 1), seg("e", 1), seg("f")}},
		{"out of range", "abc", []Span{{-5, 1}, {2, 99}}, []Segment{seg("a", 0), seg("b"), seg("c", 1)}},
		{"empty span", "abc", []Span{{1, 1}}, []Segment{seg("abc")}},
		{"inside a rune", "café au lait", []Span{{4, 5}}, []Segment{seg("caf"), seg("é", 0), seg(" au lait")}},
		{"empty text", "", []Span{{0, 1}}, nil},
	} {
		got := Segments(tt.text, tt.spans)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.name, got, tt.want)
		}
		var sb strings.Builder
		for _, s := range got {
			sb.WriteString(s.Text)
		}
		if sb.String() != tt.text {
			t.Errorf("%s: segments join to %q, want %q", tt.name, sb.String(), tt.text)
		}
	}
}

func TestMarkedSegments(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"a [b] c [d]", "a |b| c |d|"},
		{"[whole]", "|whole|"},
		{"no marks", "no marks"},
		{"stray ] close and [open", "stray  close and |open|"},
		{"<script>[x]</script>", "<script>|x|</script>"},
	} {
		var sb strings.Builder
		for _, s := range MarkedSegments(tt.in, "[", "]") {
			if s.Marked() {
				sb.WriteString("|" + s.Text + "|")
			} else {
				sb.WriteString(s.Text)
			}
		}
		if sb.String() != tt.want {
			t.Errorf("MarkedSegments(%q) = %q, want %q", tt.in, sb.String(), tt.want)
		}
	}
}

func FuzzSegments(f *testing.F) {
	f.Add("the quick brown fox", 4, 9, 6, 15)
	f.Add("café", 3, 4, 0, 1)
	f.Fuzz(func(t *testing.T, text string, a, b, c, d int) {
		spans := []Span{{a, b}, {c, d}}
		segs := Segments(text, spans)
		if want := cutSegments(text, spans); !reflect.DeepEqual(segs, want) {
			t.Fatalf("Segments %+v, the general cut %+v", segs, want)
		}
		var sb strings.Builder
		for i, s := range segs {
			if s.Text == "" {
				t.Fatal("empty segment")
			}
			if i > 0 && reflect.DeepEqual(segs[i-1].Marks, s.Marks) {
				t.Fatal("neighbours with the same marks")
			}
			sb.WriteString(s.Text)
		}
		if sb.String() != text {
			t.Fatalf("joined %q, want %q", sb.String(), text)
		}
	})
}
