package templates

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Card is what a link-preview image shows: the words of a paragraph (or an
// article's standfirst), and where they come from.
type Card struct {
	Label  string // a small line above the words: "A paragraph from"
	Words  string // the paragraph, cut to fit
	Title  string // the article's title
	Source string // publication and date: "New Statesman · 23 March 2017"
}

// The card's size, as the og:image:width and height tags say.
const (
	CardWidth  = 1200
	CardHeight = 630
)

// CardRenderer draws cards as 1200×630 PNG images in an embedded serif.
// It is safe for concurrent use.
type CardRenderer struct {
	regular, bold, italic *opentype.Font
}

// NewCardRenderer parses the three styles of the card font.
func NewCardRenderer(regular, bold, italic []byte) (*CardRenderer, error) {
	var (
		r   CardRenderer
		err error
	)
	for _, f := range []struct {
		dst  **opentype.Font
		data []byte
	}{{&r.regular, regular}, {&r.bold, bold}, {&r.italic, italic}} {
		if *f.dst, err = opentype.Parse(f.data); err != nil {
			return nil, fmt.Errorf("templates: card font: %w", err)
		}
	}
	return &r, nil
}

// The card's colours: the pages' light theme.
var (
	cardPaper = color.RGBA{0xfa, 0xf7, 0xf0, 0xff}
	cardInk   = color.RGBA{0x1f, 0x1d, 0x1a, 0xff}
	cardMuted = color.RGBA{0x5b, 0x55, 0x4c, 0xff}
	cardRule  = color.RGBA{0xb3, 0x2d, 0x2e, 0xff}
)

// Layout, in pixels.
const (
	cardMargin     = 80
	cardTextWidth  = CardWidth - 2*cardMargin
	cardWordsTop   = 150 // the baseline area of the words starts below the label
	cardFooterTop  = 470 // the rule above the title
	cardLabelSize  = 26
	cardTitleSize  = 32
	cardSourceSize = 24
)

// wordSizes are the sizes the words are tried in, largest first, each with
// the lines that fit between the label and the footer.
var wordSizes = []struct {
	size  float64
	lines int
}{{52, 4}, {44, 5}, {38, 6}}

// Render draws c as PNG onto w.
func (r *CardRenderer) Render(w io.Writer, c Card) error {
	img := image.NewRGBA(image.Rect(0, 0, CardWidth, CardHeight))
	draw.Draw(img, img.Bounds(), image.NewUniform(cardPaper), image.Point{}, draw.Src)
	// A band of the accent colour down the left edge.
	draw.Draw(img, image.Rect(0, 0, 16, CardHeight), image.NewUniform(cardRule), image.Point{}, draw.Src)

	label, err := r.face(r.italic, cardLabelSize)
	if err != nil {
		return err
	}
	r.text(img, label, cardMuted, cardMargin, 100, c.Label)

	// The words, in the largest size in which they fit whole, or else cut
	// in the smallest.
	var lines []string
	var words font.Face
	for _, ws := range wordSizes {
		if words, err = r.face(r.regular, ws.size); err != nil {
			return err
		}
		var cut bool
		lines, cut = fitLines(c.Words, func(s string) int { return font.MeasureString(words, s).Ceil() }, cardTextWidth, ws.lines)
		if !cut {
			break
		}
	}
	lineHeight := words.Metrics().Height.Ceil() * 6 / 5
	for i, l := range lines {
		r.text(img, words, cardInk, cardMargin, cardWordsTop+lineHeight*(i+1)-lineHeight/4, l)
	}

	draw.Draw(img, image.Rect(cardMargin, cardFooterTop, cardMargin+120, cardFooterTop+4), image.NewUniform(cardRule), image.Point{}, draw.Src)
	title, err := r.face(r.bold, cardTitleSize)
	if err != nil {
		return err
	}
	titleLines, _ := fitLines(c.Title, func(s string) int { return font.MeasureString(title, s).Ceil() }, cardTextWidth, 2)
	y := cardFooterTop + 48
	for _, l := range titleLines {
		r.text(img, title, cardInk, cardMargin, y, l)
		y += title.Metrics().Height.Ceil() + 4
	}
	if c.Source != "" {
		source, err := r.face(r.italic, cardSourceSize)
		if err != nil {
			return err
		}
		src, _ := fitLines(c.Source, func(s string) int { return font.MeasureString(source, s).Ceil() }, cardTextWidth, 1)
		r.text(img, source, cardMuted, cardMargin, y+6, strings.Join(src, " "))
	}
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, img); err != nil {
		return fmt.Errorf("templates: encode card: %w", err)
	}
	return nil
}

// face makes a face of f at size. Faces are not safe for concurrent use,
// so every card makes its own.
func (r *CardRenderer) face(f *opentype.Font, size float64) (font.Face, error) {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("templates: card face: %w", err)
	}
	return face, nil
}

func (r *CardRenderer) text(img draw.Image, face font.Face, c color.Color, x, y int, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// fitLines breaks text into at most maxLines lines no wider than width, as
// measure measures them. When the text does not fit, it is cut (cut is
// true) after the last whole sentence that keeps most of what fits, or
// else after a word, and an ellipsis marks the cut.
func fitLines(text string, measure func(string) int, width, maxLines int) (lines []string, cut bool) {
	words := strings.Fields(text)
	fits := func(ws []string) ([]string, bool) {
		var out []string
		line := ""
		for _, w := range ws {
			try := w
			if line != "" {
				try = line + " " + w
			}
			if measure(try) <= width || line == "" && measure(w) > width {
				// A word wider than a line stands on a line of its own
				// (cut at a character below).
				line = try
				continue
			}
			out = append(out, line)
			line = w
			if len(out) == maxLines {
				return out, false
			}
		}
		if line != "" {
			out = append(out, line)
		}
		return out, len(out) <= maxLines
	}
	if out, ok := fits(words); ok {
		return clipLines(out, measure, width), false
	}
	// How many words fit, with the ellipsis after them?
	withEllipsis := func(ws []string) []string {
		if len(ws) == 0 {
			return ws
		}
		out := append([]string{}, ws...)
		last := strings.TrimRightFunc(out[len(out)-1], func(r rune) bool { return unicode.IsPunct(r) && r != '.' && r != '!' && r != '?' })
		out[len(out)-1] = last + "…"
		return out
	}
	n := len(words)
	lo, hi := 0, n
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if _, ok := fits(withEllipsis(words[:mid])); ok {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	kept := words[:lo]
	// Prefer the end of a sentence, if it keeps at least two thirds.
	for i := len(kept) - 1; i >= len(kept)*2/3 && i > 0; i-- {
		if r, _ := utf8.DecodeLastRuneInString(kept[i]); r == '.' || r == '!' || r == '?' {
			kept = kept[:i+1]
			break
		}
	}
	if len(kept) == 0 {
		kept = words[:min(1, len(words))]
	}
	ws := withEllipsis(kept)
	if len(kept) < lo {
		// Cut at a sentence's end: the ellipsis stands apart from its stop.
		ws = append(append([]string{}, kept...), "…")
	}
	out, _ := fits(ws)
	return clipLines(out[:min(len(out), maxLines)], measure, width), true
}

// clipLines cuts any line still wider than width (one long word) at a
// character, with an ellipsis.
func clipLines(lines []string, measure func(string) int, width int) []string {
	for i, l := range lines {
		if measure(l) <= width {
			continue
		}
		r := []rune(l)
		for len(r) > 1 && measure(string(r)+"…") > width {
			r = r[:len(r)-1]
		}
		lines[i] = string(r) + "…"
	}
	return lines
}
