package readingroom

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// The reading list: each reader keeps articles and passages, each with an
// optional note, tags and a state. A passage is kept as the W3C Web
// Annotation Data Model keeps one: a TextQuoteSelector (the exact words and
// a little context either side) and a TextPositionSelector (where they
// stood), both over the article's text (see ArticleText), together with the
// id of the paragraph where the passage starts. The quote is what the
// passage is; the position and the paragraph are hints for finding it
// again after an edit (see ArticleText.Reanchor).

// ItemKind says what a list item keeps.
type ItemKind string

// The kinds of item.
const (
	ItemArticle ItemKind = "article" // a whole article
	ItemPassage ItemKind = "passage" // some words of one (a paragraph, a selection)
)

// Valid reports whether k is one of the kinds.
func (k ItemKind) Valid() bool { return k == ItemArticle || k == ItemPassage }

// ItemState is where a reader is with an item.
type ItemState string

// The states of an item; a new item is unread.
const (
	StateUnread   ItemState = "unread"
	StateRead     ItemState = "read"
	StateArchived ItemState = "archived"
)

// ItemStates lists the states in the order a reader meets them.
var ItemStates = []ItemState{StateUnread, StateRead, StateArchived}

// Valid reports whether s is one of the states.
func (s ItemState) Valid() bool {
	return s == StateUnread || s == StateRead || s == StateArchived
}

// Anchor says how a saved passage was last found in its article.
type Anchor string

// The anchors.
const (
	// AnchorExact: the words are where they were saved, in the paragraph
	// they started in (or the one that paragraph was merged into).
	AnchorExact Anchor = "exact"
	// AnchorMoved: the words are in the article, letter for letter, but
	// elsewhere.
	AnchorMoved Anchor = "moved"
	// AnchorFuzzy: words very like them are in the article (a word was
	// corrected); the words now there are shown beside the saved ones.
	AnchorFuzzy Anchor = "fuzzy"
	// AnchorOrphaned: the words are no longer in the article, or the
	// article is no longer in the room. The passage is kept, quote and
	// note, and comes back if its words do.
	AnchorOrphaned Anchor = "orphaned"
)

// Valid reports whether a is one of the anchors.
func (a Anchor) Valid() bool {
	return a == AnchorExact || a == AnchorMoved || a == AnchorFuzzy || a == AnchorOrphaned
}

// Limits on what an item holds, in characters (Unicode code points).
const (
	MaxNoteLen = 10_000
	MaxTags    = 20
	MaxTagLen  = 50
	// MaxQuoteLen bounds a saved passage: several long paragraphs.
	MaxQuoteLen = 10_000
	// MaxContextLen bounds a quote's prefix and suffix, as many characters
	// as tell one occurrence of the words from another.
	MaxContextLen = 32
)

// Quote is a W3C TextQuoteSelector: the exact words, and the text just
// before and after them (at most MaxContextLen characters each), which
// tell apart two places where the same words stand.
type Quote struct {
	Exact  string
	Prefix string
	Suffix string
}

// Position is a W3C TextPositionSelector: where a passage stands in the
// article's text, counted in characters (Unicode code points) from its
// start, End exclusive.
type Position struct {
	Start, End int
}

// CleanNote returns a note as it is kept: valid text in Unicode normal
// form C, line breaks kept (as "\n"), surrounding blank space trimmed, at
// most MaxNoteLen characters, and no control characters other than line
// breaks and tabs. Notes are plain text: they are always shown as text,
// never read as markup.
func CleanNote(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", FieldErrorf(EUNPROCESSABLE, "note", "The note is not valid text.")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = norm.NFC.String(strings.TrimSpace(s))
	if n := utf8.RuneCountInString(s); n > MaxNoteLen {
		return "", FieldErrorf(EUNPROCESSABLE, "note", "A note can be at most %s characters long; this one has %s.", thousands(MaxNoteLen), thousands(n))
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return "", FieldErrorf(EUNPROCESSABLE, "note", "The note contains a control character, which cannot be kept.")
		}
	}
	return s, nil
}

// CleanTags returns tags as they are kept: each trimmed, its inner space
// collapsed, in normal form C, 1 to MaxTagLen characters, without commas
// (which separate tags where they are typed) or control characters; at
// most MaxTags of them. Tags are the same ignoring case: of two that
// differ only in case the first is kept, as typed.
func CleanTags(tags []string) ([]string, error) {
	out := make([]string, 0, len(tags))
	seen := map[string]bool{}
	for _, t := range tags {
		if !utf8.ValidString(t) {
			return nil, FieldErrorf(EUNPROCESSABLE, "tags", "A tag is not valid text.")
		}
		for _, r := range t {
			if unicode.IsControl(r) && !unicode.IsSpace(r) || isBidiControl(r) {
				return nil, FieldErrorf(EUNPROCESSABLE, "tags", "A tag cannot contain control characters.")
			}
		}
		t = norm.NFC.String(CleanSpace(t))
		switch n := utf8.RuneCountInString(t); {
		case n == 0:
			return nil, FieldErrorf(EUNPROCESSABLE, "tags", "A tag cannot be empty.")
		case n > MaxTagLen:
			return nil, FieldErrorf(EUNPROCESSABLE, "tags", "A tag can be at most %d characters long: %q is %d.", MaxTagLen, excerptRunes(t, 20), n)
		}
		if strings.ContainsRune(t, ',') {
			return nil, FieldErrorf(EUNPROCESSABLE, "tags", "A tag cannot contain a comma: %q.", excerptRunes(t, 20))
		}
		if k := TagKey(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		return nil, FieldErrorf(EUNPROCESSABLE, "tags", "An item can have at most %d tags; this one has %d.", MaxTags, len(out))
	}
	return out, nil
}

// SplitTags reads tags typed in one field, separated by commas ("history,
// Orwell"). Empty pieces are dropped; CleanTags does the rest.
func SplitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if strings.TrimSpace(t) != "" {
			out = append(out, t)
		}
	}
	return out
}

// TagKey is the form of a tag that decides whether two tags are the same:
// case folded the Unicode way.
func TagKey(tag string) string {
	return norm.NFC.String(cases.Fold().String(norm.NFC.String(CleanSpace(tag))))
}

// CleanContext checks a quote's prefix or suffix (field names it): at most
// MaxContextLen characters of valid text.
func CleanContext(field, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", FieldErrorf(EUNPROCESSABLE, field, "The %s is not valid text.", field)
	}
	if n := utf8.RuneCountInString(s); n > MaxContextLen {
		return "", FieldErrorf(EUNPROCESSABLE, field, "The %s can be at most %d characters long; it has %s.", field, MaxContextLen, thousands(n))
	}
	return s, nil
}

// CleanExact checks a quote's exact words: some text besides space, at most
// MaxQuoteLen characters.
func CleanExact(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", FieldErrorf(EUNPROCESSABLE, "quote.exact", "The quote is not valid text.")
	}
	if strings.TrimSpace(s) == "" {
		return "", FieldErrorf(EUNPROCESSABLE, "quote.exact", "The quote is empty: select some words to save.")
	}
	if n := utf8.RuneCountInString(s); n > MaxQuoteLen {
		return "", FieldErrorf(EUNPROCESSABLE, "quote.exact", "A quote can be at most %s characters long; this one has %s.", thousands(MaxQuoteLen), thousands(n))
	}
	return s, nil
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// excerptRunes is s cut to at most n characters, with an ellipsis when cut.
func excerptRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
