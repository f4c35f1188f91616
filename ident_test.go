package readingroom

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Losing Momentum: how Jeremy Corbyn’s support group ran out of steam", "losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam"},
		{"More on Ralph Miliband: A KGB Connection?", "more-on-ralph-miliband-a-kgb-connection"},
		{"Café society in the € zone", "cafe-society-in-the-zone"},
		{"Pál Ignotus and the Œuvre", "pal-ignotus-and-the-oeuvre"},
		{"  --  ", "article"},
		{"Достоевский в Лондоне", "достоевский-в-лондоне"},
		{"Ğüneş", "gunes"},
		{"Brașov and Timişoara", "brasov-and-timisoara"},
		{"Łódź", "lodz"},
		{"Đorđe Balašević", "dorde-balasevic"},
		{"Ærø, Þórshöfn", "aero-thorshofn"},
		{"Sœur Marie-Ève", "soeur-marie-eve"},
		// The same title decomposed (NFD) gives the same slug.
		{norm.NFD.String("Ğüneş in Brașov"), "gunes-in-brasov"},
		{"Ελληνικά νέα", "ελληνικά-νέα"},
		{strings.Repeat("word ", 40), strings.TrimSuffix(strings.Repeat("word-", 16), "-")},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(Slugify(tt.in)) > SlugMaxLen {
			t.Errorf("Slugify(%q) longer than %d", tt.in, SlugMaxLen)
		}
	}
}

func TestParagraphID(t *testing.T) {
	a := ParagraphID("The bus leaves at seven.", 0)
	if !ValidParagraphID(a) {
		t.Fatalf("%q is not a valid id", a)
	}
	// Spacing, case and typographic quotes do not change the id.
	if b := ParagraphID("  the bus   leaves at seven. ", 0); b != a {
		t.Errorf("normalised text gave %q, want %q", b, a)
	}
	if b := ParagraphID("The bus leaves at seven.", 1); b == a || !ValidParagraphID(b) {
		t.Errorf("second occurrence gave %q", b)
	}
	if b := ParagraphID("The bus leaves at eight.", 0); b == a {
		t.Error("different text, same id")
	}
	for _, bad := range []string{"", "ABCDEFGH", "abcdefg", "abcdefgh1", "abcd-fgh", "abcdefg1"} {
		if ValidParagraphID(bad) {
			t.Errorf("ValidParagraphID(%q) = true", bad)
		}
	}
}

func TestNormalize(t *testing.T) {
	if got, want := Normalize("  Corbyn’s  “Bus”\u00a0— late "), `corbyn's "bus" - late`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A text saved composed (NFC) and the same text saved decomposed (NFD) are
// one text: the same normal form, key and paragraph ids.
func TestNormalFormsAreOneText(t *testing.T) {
	composed := "Café society in Brașov: Ğüneş and Łódź, naïve"
	decomposed := norm.NFD.String(composed)
	if composed == decomposed {
		t.Fatal("test text has nothing to decompose")
	}
	if Normalize(composed) != Normalize(decomposed) {
		t.Errorf("Normalize differs: %q vs %q", Normalize(composed), Normalize(decomposed))
	}
	if ParagraphID(composed, 0) != ParagraphID(decomposed, 0) {
		t.Error("ParagraphID differs between NFC and NFD")
	}
	a, b := Article{Title: composed}, Article{Title: decomposed}
	if a.Key() != b.Key() {
		t.Error("Key differs between NFC and NFD")
	}
	if Slugify(composed) != Slugify(decomposed) {
		t.Errorf("Slugify differs: %q vs %q", Slugify(composed), Slugify(decomposed))
	}
}

func TestReadingMinutes(t *testing.T) {
	for _, tt := range []struct{ words, want int }{{0, 1}, {1, 1}, {230, 1}, {231, 2}, {2300, 10}} {
		if got := ReadingMinutes(tt.words); got != tt.want {
			t.Errorf("ReadingMinutes(%d) = %d, want %d", tt.words, got, tt.want)
		}
	}
}

// Normalize in one pass agrees with the plain definition: clean the space,
// make the punctuation plain, fold the case.
func FuzzNormalize(f *testing.F) {
	f.Add("  Corbyn’s  “Bus”\u00a0— late ")
	f.Add("ÀÉÎ\u200bx\u00ady\tz\r\n")
	plain := strings.NewReplacer(
		"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'", "\u2032", "'",
		"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u2033", `"`,
		"\u2013", "-", "\u2014", "-", "\u2012", "-", "\u2015", "-", "\u2212", "-",
		"\u2026", "...",
	)
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		want := norm.NFC.String(strings.ToLower(plain.Replace(CleanSpace(s))))
		if got := Normalize(s); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, want)
		}
	})
}

// cleanSpaceRef is CleanSpace written plainly, rune by rune: the fast
// paths of CleanSpace must give the same text.
func cleanSpaceRef(s string) string {
	var sb strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\u2007':
			space = sb.Len() > 0
			continue
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			continue
		case unicode.IsControl(r):
			space = sb.Len() > 0
			continue
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func FuzzCleanSpace(f *testing.F) {
	for _, s := range []string{"", " ", "a  b", " a b ", "a\tb\nc", "a\x7fb", "caf\u00e9\u00a0au lait", "x\u200by", "\xff\xfe bad", "ok text", "a \x00 b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := CleanSpace(s), cleanSpaceRef(s); got != want {
			t.Errorf("CleanSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
