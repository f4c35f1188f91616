package readingroom

import (
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// lowerBase32 is URL-safe and unambiguous when read aloud: a-z and 2-7.
var lowerBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return lowerBase32.EncodeToString(sum[:])
}

// ParagraphIDLen is the length of a paragraph id: 8 base32 characters, 40
// bits, ample for the paragraphs of one article.
const ParagraphIDLen = 8

// ParagraphID derives a paragraph's public id from its text. The same text
// gives the same id in every room; occurrence tells apart identical
// paragraphs within one article (0 for the first, 1 for the second, ...).
// An id is computed once, when a paragraph first appears, and then stored:
// later edits to the text never change it.
func ParagraphID(text string, occurrence int) string {
	return normalizedID(Normalize(text), occurrence)
}

// normalizedID is ParagraphID of a text already normalised.
func normalizedID(s string, occurrence int) string {
	if occurrence > 0 {
		s += "\x00" + strconv.Itoa(occurrence)
	}
	return digest(s)[:ParagraphIDLen]
}

// ValidParagraphID reports whether s has the shape of a paragraph id, so
// that handlers can turn junk away before asking the store.
func ValidParagraphID(s string) bool {
	if len(s) != ParagraphIDLen {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// Normalize returns the form of s used to decide whether two texts are the
// same: case folded, typographic quotes and dashes made plain, white space
// collapsed, and in Unicode's composed form (NFC), so that "café" typed as
// one code point or as "e" and a combining accent is the same text. It is
// for comparison only, never for display. It runs on every paragraph of
// every re-import, so it makes one pass over s (and NFC checks its result
// quickly, returning it as it is when it is already composed).
func Normalize(s string) string {
	return norm.NFC.String(fold(s))
}

// fold is Normalize before composition.
func fold(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r < 0x80:
			if r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\v' || r == '\f' || r < 0x20 || r == 0x7f {
				space = sb.Len() > 0
				continue
			}
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\u2007' || unicode.IsControl(r):
			space = sb.Len() > 0
			continue
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			continue
		default:
			if plain, ok := plainPunct[r]; ok {
				if space {
					sb.WriteByte(' ')
					space = false
				}
				sb.WriteString(plain)
				continue
			}
			r = unicode.ToLower(r)
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// plainPunct maps characters that vary between copies of the same text
// (curly quotes, dashes) to one plain form for comparison.
var plainPunct = map[rune]string{
	'\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u2032': "'",
	'\u201c': `"`, '\u201d': `"`, '\u201e': `"`, '\u201f': `"`, '\u2033': `"`,
	'\u2013': "-", '\u2014': "-", '\u2012': "-", '\u2015': "-", '\u2212': "-",
	'\u2026': "...",
}

// CleanSpace trims s and collapses every run of white space (including
// no-break and other Unicode spaces) to one ASCII space, and drops invisible
// format characters such as zero-width spaces and stray byte-order marks.
func CleanSpace(s string) string {
	if cleanASCII(s) {
		return s // the common case: nothing to change, nothing to copy
	}
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII: white space and control characters are space.
			i++
			if c <= ' ' || c == 0x7f {
				space = sb.Len() > 0
				continue
			}
			if space {
				sb.WriteByte(' ')
				space = false
			}
			sb.WriteByte(c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\u2007':
			space = sb.Len() > 0
			continue
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff' || r == '\u00ad':
			continue
		case unicode.IsControl(r):
			// Control characters are never content; treat them as space.
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

// cleanASCII reports whether s is printable ASCII with single spaces
// between words and none at either end: what CleanSpace would return
// unchanged.
func cleanASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c >= 0x7f || c == ' ' && space {
			return false
		}
		space = c == ' '
	}
	return true
}

// latinLetters maps the Latin letters that Unicode does not decompose into
// a base letter and an accent to their ASCII spelling, for slugs.
var latinLetters = map[rune]string{
	'æ': "ae", 'œ': "oe", 'ß': "ss", 'þ': "th", 'ð': "d", 'đ': "d", 'ħ': "h",
	'ı': "i", 'ĸ': "k", 'ł': "l", 'ŀ': "l", 'ŋ': "n", 'ø': "o", 'ſ': "s", 'ŧ': "t",
}

// foldLatin spells a lower-case Latin letter with diacritics in ASCII
// ("é" -> "e", "ğ" -> "g", "ș" -> "s", "ł" -> "l"). It returns "" for
// anything else, including letters of other scripts, which slugs keep.
func foldLatin(r rune) string {
	if r < 0x80 {
		return ""
	}
	if s, ok := latinLetters[r]; ok {
		return s
	}
	d := norm.NFD.String(string(r))
	if d[0] >= 'a' && d[0] <= 'z' {
		for _, m := range d[1:] {
			if !unicode.Is(unicode.Mn, m) {
				return ""
			}
		}
		return d[:1]
	}
	return ""
}

// SlugMaxLen bounds a slug's length; longer titles are cut at a word.
const SlugMaxLen = 80

// Slugify makes a readable URL slug from a title: lower-case ASCII words
// joined by hyphens ("Losing Momentum: how Jeremy Corbyn’s support group"
// becomes "losing-momentum-how-jeremy-corbyns-support-group"). Latin
// letters lose their diacritics ("Łódź" gives "lodz"); letters outside
// Latin are kept, so a title in another script still has a slug.
func Slugify(title string) string {
	var sb strings.Builder
	dash := false
	for _, r := range norm.NFC.String(strings.ToLower(title)) {
		f := foldLatin(r)
		switch {
		case r == '\'' || r == '\u2019' || r == '\u2018' || unicode.Is(unicode.Mn, r):
			// Apostrophes join ("Corbyn's" -> "corbyns"), and a combining
			// mark left over after composition belongs to its letter.
			continue
		case f != "":
		case unicode.IsLetter(r) || unicode.IsDigit(r):
		default:
			dash = sb.Len() > 0
			continue
		}
		if dash {
			sb.WriteByte('-')
			dash = false
		}
		if f != "" {
			sb.WriteString(f)
		} else {
			sb.WriteRune(r)
		}
	}
	s := sb.String()
	if len(s) > SlugMaxLen {
		s = s[:SlugMaxLen]
		if i := strings.LastIndexByte(s, '-'); i > SlugMaxLen/2 {
			s = s[:i]
		}
		s = strings.ToValidUTF8(s, "")
		s = strings.TrimRight(s, "-")
	}
	if s == "" {
		return "article"
	}
	return s
}
