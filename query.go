package readingroom

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The search query language:
//
//	bus conference        both words (AND)
//	"dual allegiance"     the words in this order
//	defect*               words starting with defect
//	-word, -"a phrase"    without these
//	philby OR maclean     either (capital OR between two terms)
//	title:word            in the title; author:word in the byline
//	in:slug               in one article
//	year:2017, year:2010..2017
//
// Matching ignores case and accents and English word endings (the index
// does that); ParseQuery only decides what the reader asked for. Anything
// it cannot understand is searched as plain words or dropped, never an
// error.

// MaxQueryLen bounds the query text considered, in bytes; the rest is
// ignored (and the reader told).
const MaxQueryLen = 1000

// MaxQueryTerms bounds the terms of a query, alternatives after OR
// included; MaxAlternatives bounds the alternatives of one clause; and a
// phrase keeps at most MaxPhraseWords words. Each term costs the search a
// look-up, so these keep any query's cost bounded.
const (
	MaxQueryTerms   = 16
	MaxAlternatives = 8
	MaxPhraseWords  = 12
)

// MinPrefixLen is the shortest prefix searched as a prefix: "th*" would
// merge the lists of hundreds of words (the index keeps no prefix index:
// docs/benchmarks.md), so a shorter one is searched as a word.
const MinPrefixLen = 3

// TermKind says how a term matches.
type TermKind int

// The kinds of term.
const (
	TermWord   TermKind = iota // the word, in any form the index stems to the same
	TermPrefix                 // words starting with Text
	TermPhrase                 // Words in this order
)

// Field restricts a term to part of an article.
type Field string

// The fields a term can be restricted to; "" is anywhere.
const (
	FieldAny    Field = ""
	FieldTitle  Field = "title"
	FieldAuthor Field = "author"
)

// Term is one thing to match: a word, a prefix or a phrase, as the index's
// tokenizer would split it (lower-case letters and digits).
type Term struct {
	Kind  TermKind
	Words []string // one word for TermWord and TermPrefix
	Field Field
}

// Clause is a set of alternatives: it matches when any term does. Most
// clauses have one term.
type Clause []Term

// Query is a parsed search query.
type Query struct {
	Must []Clause // every clause must match
	Not  []Term   // no term may match
	// Slug limits the search to one article (in:slug).
	Slug string
	// YearFrom and YearTo limit the publication year; 0 means no limit.
	YearFrom, YearTo int
	// Notes says what was ignored, in words for the reader.
	Notes []string
}

// Empty reports whether the query asks for nothing to match. A query of
// only exclusions or filters is empty: there is nothing to rank by.
func (q Query) Empty() bool { return len(q.Must) == 0 }

// ParseQuery reads a search query. It never fails: stray quotes close at
// the end, unknown fields are searched as words, operators without
// operands are dropped, and what is dropped is noted in Notes.
func ParseQuery(s string) Query {
	var q Query
	if len(s) > MaxQueryLen {
		s = strings.ToValidUTF8(s[:MaxQueryLen], "")
		q.Notes = append(q.Notes, "Only the first "+strconv.Itoa(MaxQueryLen)+" characters of the query were used.")
	}
	// Composed, like the text the room stores, so that a word typed with
	// a combining accent finds the same paragraphs.
	s = norm.NFC.String(CleanSpace(s))
	toks := lexQuery(s)

	pendingOr := false
	terms := 0 // terms kept, alternatives included
	cutAlternatives := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.or {
			pendingOr = len(q.Must) > 0
			continue
		}
		if t.and {
			continue
		}
		if t.field == "in" {
			if slug := Slugify(t.text); t.text != "" && slug != "article" {
				q.Slug = slug
			}
			continue
		}
		if t.field == "year" {
			if from, to, ok := parseYears(t.text); ok {
				q.YearFrom, q.YearTo = from, to
			} else {
				q.Notes = append(q.Notes, "“year:"+t.text+"” is not a year or a range like 2010..2017, so it was ignored.")
			}
			continue
		}
		term, ok := t.term()
		if !ok {
			continue
		}
		if term.Kind == TermPrefix && utf8.RuneCountInString(term.Words[0]) < MinPrefixLen {
			term.Kind = TermWord
			q.Notes = append(q.Notes, "“"+term.Words[0]+"*” is too short a prefix, so it was searched as the word “"+term.Words[0]+"”.")
		}
		if len(term.Words) > MaxPhraseWords {
			term.Words = term.Words[:MaxPhraseWords]
			q.Notes = append(q.Notes, "A phrase was cut to its first "+strconv.Itoa(MaxPhraseWords)+" words.")
		}
		if terms >= MaxQueryTerms {
			q.Notes = append(q.Notes, "Only the first "+strconv.Itoa(MaxQueryTerms)+" terms were used.")
			break
		}
		switch {
		case t.neg:
			q.Not = append(q.Not, term)
			pendingOr = false
		case pendingOr:
			pendingOr = false
			c := &q.Must[len(q.Must)-1]
			if len(*c) >= MaxAlternatives {
				if !cutAlternatives {
					q.Notes = append(q.Notes, "Only "+strconv.Itoa(MaxAlternatives)+" alternatives joined by OR were used.")
					cutAlternatives = true
				}
				continue
			}
			*c = append(*c, term)
		default:
			q.Must = append(q.Must, Clause{term})
		}
		terms++
	}
	return q
}

// qtoken is one lexical piece of a query.
type qtoken struct {
	text    string
	quoted  bool
	neg     bool
	prefix  bool
	field   string // "title", "author", "in", "year", or ""
	or, and bool
}

var queryFields = map[string]string{
	"title": "title", "author": "author", "by": "author", "byline": "author",
	"in": "in", "year": "year",
}

func lexQuery(s string) []qtoken {
	var toks []qtoken
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		var t qtoken
		if s[i] == '-' {
			t.neg = true
			i++
		}
		// A known field name followed by a colon.
		if j := strings.IndexByte(s[i:], ':'); j > 0 {
			if f, ok := queryFields[strings.ToLower(s[i:i+j])]; ok {
				t.field = f
				i += j + 1
			}
		}
		if i < len(s) && (s[i] == '"' || strings.HasPrefix(s[i:], "“") || strings.HasPrefix(s[i:], "”")) {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			end := indexQuote(s[i:])
			if end < 0 {
				t.text, i = s[i:], len(s)
			} else {
				t.text = s[i : i+end]
				_, qs := utf8.DecodeRuneInString(s[i+end:])
				i += end + qs
			}
			t.quoted = true
		} else {
			j := i
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if unicode.IsSpace(r) || r == '"' || r == '“' || r == '”' {
					break
				}
				j += size
			}
			t.text, i = s[i:j], j
			if !t.neg && t.field == "" {
				switch t.text {
				case "OR", "|":
					t.or = true
				case "AND", "&&":
					t.and = true
				}
			}
			if strings.HasSuffix(t.text, "*") {
				t.prefix = true
				t.text = strings.TrimRight(t.text, "*")
			}
		}
		toks = append(toks, t)
	}
	// "OR" and "AND" alone, or at either end, are words, not operators.
	for k := range toks {
		if (toks[k].or || toks[k].and) && (k == 0 || k == len(toks)-1) {
			toks[k].or, toks[k].and = false, false
		}
	}
	return toks
}

func indexQuote(s string) int {
	for i, r := range s {
		if r == '"' || r == '“' || r == '”' {
			return i
		}
	}
	return -1
}

// term turns a token into a Term, splitting it the way the index splits
// text: "e-mail" is the phrase "e mail", "C++" the word "c". A token with
// no letters or digits gives no term.
func (t qtoken) term() (Term, bool) {
	words := queryWords(t.text)
	if len(words) == 0 {
		return Term{}, false
	}
	term := Term{Words: words}
	switch t.field {
	case "title":
		term.Field = FieldTitle
	case "author":
		term.Field = FieldAuthor
	}
	switch {
	case len(words) > 1 || t.quoted:
		term.Kind = TermPhrase
		if t.prefix && len(words) == 1 {
			term.Kind = TermPrefix
		}
	case t.prefix:
		term.Kind = TermPrefix
	default:
		term.Kind = TermWord
	}
	return term, true
}

// queryWords splits s into lower-case words of letters and digits, as the
// unicode61 tokenizer does. Combining marks stay with their letter; a
// "word" of marks alone, which the tokenizer would drop, is dropped here.
func queryWords(s string) []string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
	kept := words[:0]
	for _, w := range words {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			kept = append(kept, w)
		}
	}
	return kept
}

// parseYears reads "2017" or "2010..2017" (either order, open ends
// allowed: "..2017", "2010..").
func parseYears(s string) (from, to int, ok bool) {
	year := func(s string) (int, bool) {
		if s == "" {
			return 0, true
		}
		y, err := strconv.Atoi(s)
		return y, err == nil && y >= 1000 && y <= 9999
	}
	a, b, isRange := strings.Cut(s, "..")
	if !isRange {
		y, ok := year(s)
		return y, y, ok && s != ""
	}
	from, ok1 := year(a)
	to, ok2 := year(b)
	if !ok1 || !ok2 || a == "" && b == "" {
		return 0, 0, false
	}
	if from != 0 && to != 0 && from > to {
		from, to = to, from
	}
	return from, to, true
}

// String writes the query back in the query language, normalised: what
// the reader is shown as "searched for".
func (q Query) String() string {
	var parts []string
	term := func(t Term) string {
		var s string
		switch t.Kind {
		case TermPhrase:
			s = `"` + strings.Join(t.Words, " ") + `"`
		case TermPrefix:
			s = t.Words[0] + "*"
		default:
			s = t.Words[0]
		}
		if t.Field != FieldAny {
			s = string(t.Field) + ":" + s
		}
		return s
	}
	for _, c := range q.Must {
		var alts []string
		for _, t := range c {
			alts = append(alts, term(t))
		}
		parts = append(parts, strings.Join(alts, " OR "))
	}
	for _, t := range q.Not {
		parts = append(parts, "-"+term(t))
	}
	if q.Slug != "" {
		parts = append(parts, "in:"+q.Slug)
	}
	switch {
	case q.YearFrom != 0 && q.YearFrom == q.YearTo:
		parts = append(parts, "year:"+strconv.Itoa(q.YearFrom))
	case q.YearFrom != 0 || q.YearTo != 0:
		r := "year:"
		if q.YearFrom != 0 {
			r += strconv.Itoa(q.YearFrom)
		}
		r += ".."
		if q.YearTo != 0 {
			r += strconv.Itoa(q.YearTo)
		}
		parts = append(parts, r)
	}
	return strings.Join(parts, " ")
}
