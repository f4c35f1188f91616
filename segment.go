package readingroom

import (
	"slices"
	"strings"
)

// Span is a range of a text, in bytes: [Start, End).
type Span struct{ Start, End int }

// Segment is a stretch of a text with the spans that mark it: the words a
// search matched, or a passage a reader saved. Templates render a marked
// segment as <mark>; the domain never writes markup.
type Segment struct {
	Text string
	// Marks are the indexes, in the spans the segments were made from,
	// of the spans that cover this stretch; none for plain text.
	Marks []int
}

// Marked reports whether any span covers the segment.
func (s Segment) Marked() bool { return len(s.Marks) > 0 }

// Segments cuts text at the edges of spans (which may overlap, nest or
// fall partly outside text) into segments that each lie wholly inside or
// outside every span. A span's edges are moved back to rune boundaries.
// Concatenated, the segments' texts are text.
func Segments(text string, spans []Span) []Segment {
	if out, ok := orderedSegments(text, spans); ok {
		return out
	}
	return cutSegments(text, spans)
}

// orderedSegments is Segments in one pass for spans in order that do not
// overlap (a search's marks): each is a segment of its own, and the text
// between them plain. It reports false for any other spans.
func orderedSegments(text string, spans []Span) ([]Segment, bool) {
	var out []Segment
	at := 0
	// Each marked segment's Marks, one slice for them all.
	ks := make([]int, len(spans))
	for k, s := range spans {
		from, to := runeStart(text, s.Start), runeStart(text, s.End)
		if from < at || to < from {
			return nil, false
		}
		if from == to {
			continue // covers nothing, as in cutSegments
		}
		if from > at {
			out = append(out, Segment{Text: text[at:from]})
		}
		ks[k] = k
		out = append(out, Segment{Text: text[from:to], Marks: ks[k : k+1 : k+1]})
		at = to
	}
	if at < len(text) {
		out = append(out, Segment{Text: text[at:]})
	}
	return out, true
}

// cutSegments is Segments for any spans.
func cutSegments(text string, spans []Span) []Segment {
	cuts := []int{0, len(text)}
	for _, s := range spans {
		cuts = append(cuts, runeStart(text, s.Start), runeStart(text, s.End))
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var out []Segment
	for i := 0; i+1 < len(cuts); i++ {
		from, to := cuts[i], cuts[i+1]
		if from >= to {
			continue
		}
		var marks []int
		for k, s := range spans {
			if runeStart(text, s.Start) <= from && to <= runeStart(text, s.End) {
				marks = append(marks, k)
			}
		}
		// Neighbours with the same marks are one segment.
		if n := len(out); n > 0 && slices.Equal(out[n-1].Marks, marks) {
			out[n-1].Text += text[from:to]
			continue
		}
		out = append(out, Segment{Text: text[from:to], Marks: marks})
	}
	return out
}

// runeStart clamps i into text and moves it back to the start of a rune.
func runeStart(text string, i int) int {
	i = max(0, min(i, len(text)))
	for i > 0 && i < len(text) && text[i]&0xC0 == 0x80 {
		i--
	}
	return i
}

// MarkedSegments reads text in which marked stretches are enclosed by the
// strings open and close (as SQLite's snippet function writes them) into
// segments, every marked one with the single mark 0. Markers that do not
// pair up are dropped.
func MarkedSegments(text, open, close string) []Segment {
	var (
		plain strings.Builder
		spans []Span
	)
	for text != "" {
		i := strings.Index(text, open)
		if i < 0 {
			plain.WriteString(strings.ReplaceAll(text, close, ""))
			break
		}
		plain.WriteString(strings.ReplaceAll(text[:i], close, ""))
		text = text[i+len(open):]
		j := strings.Index(text, close)
		if j < 0 {
			j = len(text)
		}
		inner := strings.ReplaceAll(text[:j], open, "")
		spans = append(spans, Span{plain.Len(), plain.Len() + len(inner)})
		plain.WriteString(inner)
		text = text[min(j+len(close), len(text)):]
	}
	return markedZero(Segments(plain.String(), spans))
}
