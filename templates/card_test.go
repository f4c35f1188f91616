package templates

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/readingroom/readingroom/static"
)

// A character is 10 pixels wide, for predictable lines.
func tenPerRune(s string) int { return 10 * utf8.RuneCountInString(s) }

func TestFitLines(t *testing.T) {
	for _, tt := range []struct {
		name    string
		text    string
		width   int
		lines   int
		want    []string
		wantCut bool
	}{
		{"fits", "one two three", 100, 2, []string{"one two", "three"}, false},
		{"cut at a word", "one two three four five six", 100, 2, []string{"one two", "three…"}, true},
		{"cut at a sentence", "One two. Three four five six seven eight", 120, 3, []string{"One two.", "Three four", "five six…"}, true},
		{"cut at a sentence end", "One two three. Four five six seven eight nine ten", 140, 2, []string{"One two three.", "Four five six…"}, true},
		{"cut after the sentence that ends in the last third", "aa bb cc dd ee. ff gg", 200, 1, []string{"aa bb cc dd ee. …"}, true},
		{"keeps most rather than a short sentence", "Hi. one two three four five six seven", 100, 2, []string{"Hi. one", "two three…"}, true},
		{"a word wider than a line", "incomprehensibilities", 100, 2, []string{"incompreh…"}, false},
		{"trailing comma dropped before the ellipsis", "one, two, three, four, five", 90, 2, []string{"one, two,", "three…"}, true},
		{"empty", "", 100, 2, nil, false},
	} {
		got, cut := fitLines(tt.text, tenPerRune, tt.width, tt.lines)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || cut != tt.wantCut {
			t.Errorf("%s: got %q (cut %v), want %q (cut %v)", tt.name, got, cut, tt.want, tt.wantCut)
		}
		for _, l := range got {
			if tenPerRune(l) > tt.width {
				t.Errorf("%s: line %q wider than %d", tt.name, l, tt.width)
			}
		}
	}
}

func cardRenderer(t *testing.T) *CardRenderer {
	t.Helper()
	regular, bold, italic, err := static.Fonts()
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewCardRenderer(regular, bold, italic)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCardRender(t *testing.T) {
	r := cardRenderer(t)
	render := func(c Card) []byte {
		var buf bytes.Buffer
		if err := r.Render(&buf, c); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("not a PNG: %v", err)
		}
		if b := img.Bounds(); b.Dx() != CardWidth || b.Dy() != CardHeight {
			t.Errorf("card is %dx%d, want %dx%d", b.Dx(), b.Dy(), CardWidth, CardHeight)
		}
		return buf.Bytes()
	}
	c := Card{Label: "A paragraph from", Words: "In the war the dome was painted black, and readers worked by the light of green-shaded lamps.", Title: "The quiet room", Source: "The Bench · 1 May 2020"}
	a := render(c)
	c.Words = strings.Replace(c.Words, "black", "blue", 1)
	if bytes.Equal(a, render(c)) {
		t.Error("other words drew the same card")
	}
	// Long, non-Latin and empty texts draw too.
	render(Card{Words: strings.Repeat("A very long paragraph indeed. ", 200), Title: strings.Repeat("Title ", 60)})
	render(Card{Words: "Достоевский в Лондоне: Ελληνικά νέα, 中文", Title: "Ğüneş"})
	render(Card{})
}
