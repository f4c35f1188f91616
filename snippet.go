package readingroom

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Excerpt cuts a block's text, given as segments with the matched words
// marked, to a passage of at most n words for a search result: a window of
// n words that holds the most marked words (the first such, its marks
// centred), with "…" where the text was cut. Every marked segment of the
// result has the single mark 0.
func Excerpt(segs []Segment, n int) []Segment {
	var (
		text  strings.Builder
		spans []Span
		size  int
	)
	for _, s := range segs {
		size += len(s.Text)
	}
	text.Grow(size)
	for _, s := range segs {
		if s.Marked() {
			spans = append(spans, Span{text.Len(), text.Len() + len(s.Text)})
		}
		text.WriteString(s.Text)
	}
	return excerpt(text.String(), spans, n)
}

// ExcerptText is Excerpt of text with spans marked, without cutting it
// into segments first: a search marks the words it found as spans.
func ExcerptText(text string, spans []Span, n int) []Segment {
	at := 0
	for _, s := range spans {
		if s.Start < at || s.End <= s.Start || s.End > len(text) ||
			!utf8.RuneStart(text[s.Start]) || s.End < len(text) && !utf8.RuneStart(text[s.End]) {
			// Not in order, apart, and on rune boundaries: as segments.
			return Excerpt(Segments(text, spans), n)
		}
		at = s.End
	}
	return excerpt(text, spans, n)
}

// excerpt is Excerpt of flat with spans marked: in order, apart, each
// within flat and on its runes' boundaries.
func excerpt(flat string, spans []Span, n int) []Segment {
	// The words, as byte ranges, and whether a mark touches each. A
	// paragraph's words fit in the array on the stack.
	type word struct {
		start, end int
		marked     bool
	}
	words := make([]word, 0, 192)
	// ASCII is looked up; other runes are decoded.
	for i := 0; i < len(flat); {
		if c := flat[i]; c < utf8.RuneSelf {
			if asciiSpace[c] {
				i++
				continue
			}
		} else if space, size := spaceRune(flat[i:]); space {
			i += size
			continue
		}
		start := i
		for i < len(flat) {
			if c := flat[i]; c < utf8.RuneSelf {
				if asciiSpace[c] {
					break
				}
				i++
				continue
			}
			space, size := spaceRune(flat[i:])
			if space {
				break
			}
			i += size
		}
		words = append(words, word{start: start, end: i})
	}
	k := 0
	for i := range words {
		for k < len(spans) && spans[k].End <= words[i].start {
			k++
		}
		words[i].marked = k < len(spans) && spans[k].Start < words[i].end
	}
	if len(words) <= n {
		return markedZero(Segments(flat, spans))
	}
	// The window of n words with the most marked words, the first of them.
	best, bestAt, count := -1, 0, 0
	for i := range words {
		if words[i].marked {
			count++
		}
		if i >= n && words[i-n].marked {
			count--
		}
		if i >= n-1 && count > best {
			best, bestAt = count, i-n+1
		}
	}
	// Centre the marked words of that window in it.
	first, last := -1, -1
	for i := bestAt; i < bestAt+n; i++ {
		if words[i].marked {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first >= 0 {
		at := first - (n-(last-first+1))/2
		bestAt = max(at, last-n+1, 0)
		bestAt = min(bestAt, first, len(words)-n)
	}
	from, to := words[bestAt].start, words[bestAt+n-1].end
	var cut []Span
	for _, s := range spans {
		if s.End > from && s.Start < to {
			cut = append(cut, Span{max(s.Start, from) - from, min(s.End, to) - from})
		}
	}
	out := markedZero(Segments(flat[from:to], cut))
	if bestAt > 0 {
		out = append([]Segment{{Text: "…"}}, out...)
	}
	if bestAt+n < len(words) {
		out = append(out, Segment{Text: "…"})
	}
	return out
}

// spaceRune reports whether text begins with a space, and the size of
// its first rune.
func spaceRune(text string) (bool, int) {
	r, size := utf8.DecodeRuneInString(text)
	return unicode.IsSpace(r), size
}

// asciiSpace says which ASCII bytes unicode.IsSpace holds to be space.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// markedZero gives every marked segment of segs the one mark 0, as
// MarkedSegments makes them. They share one slice, which nothing writes to
// (its capacity is its length, so an append copies it).
func markedZero(segs []Segment) []Segment {
	for i := range segs {
		if segs[i].Marked() {
			segs[i].Marks = zeroMark[:1:1]
		}
	}
	return segs
}

var zeroMark = []int{0}
