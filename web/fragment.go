package web

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/readingroom/readingroom"
)

// Text fragments (#:~:text=...) make the browser mark and scroll to some
// words of a page. The links the list gives to passages use them, built
// as the page's script builds the links it copies.
const (
	// fragmentLong: above this many characters, a directive names only the
	// first and last fragmentEdgeWords words.
	fragmentLong      = 300
	fragmentEdgeWords = 5
	// fragmentContextWords of the text before and after tell repeats apart.
	fragmentContextWords = 3
)

// textDirective is the text directive for words (as they stand in the
// article) with the text before and after them (as the article has it
// there, up to readingroom.MaxContextLen characters). A directive's terms
// cannot cross from one block to the next, so words across blocks are
// named by the first words of the first and the last words of the last,
// and the context is only what is in the same block.
func textDirective(words, prefix, suffix string) string {
	parts := strings.Split(strings.TrimSpace(words), "\n\n")
	first, last := collapseSpace(parts[0]), collapseSpace(parts[len(parts)-1])
	var d string
	if len(parts) == 1 && utf8.RuneCountInString(first) <= fragmentLong {
		d = encodeTerm(first)
	} else {
		d = encodeTerm(edgeWords(first, fragmentEdgeWords, true)) + "," + encodeTerm(edgeWords(last, fragmentEdgeWords, false))
	}
	if p := contextBefore(prefix, first); p != "" {
		d = encodeTerm(p) + "-," + d
	}
	if s := contextAfter(suffix, last); s != "" {
		d += ",-" + encodeTerm(s)
	}
	return d
}

// contextBefore is the last few words of prefix that stand in the same
// block as words, whole: a prefix cut at its length limit may begin in
// the middle of a word, and one that runs into words (a quote starting
// mid-word) cannot be matched as a word.
func contextBefore(prefix, words string) string {
	full := true
	if i := strings.LastIndex(prefix, "\n\n"); i >= 0 {
		prefix = prefix[i+2:]
	} else {
		full = utf8.RuneCountInString(prefix) < readingroom.MaxContextLen
	}
	if prefix == "" || wordRune(lastRune(prefix)) && wordRune(firstRune(words)) {
		return ""
	}
	fields := strings.Fields(prefix)
	if !full && len(fields) > 0 {
		fields = fields[1:]
	}
	return strings.Join(fields[max(0, len(fields)-fragmentContextWords):], " ")
}

// contextAfter is contextBefore for the suffix.
func contextAfter(suffix, words string) string {
	full := true
	if i := strings.Index(suffix, "\n\n"); i >= 0 {
		suffix = suffix[:i]
	} else {
		full = utf8.RuneCountInString(suffix) < readingroom.MaxContextLen
	}
	if suffix == "" || wordRune(lastRune(words)) && wordRune(firstRune(suffix)) {
		return ""
	}
	fields := strings.Fields(suffix)
	if !full && len(fields) > 0 {
		fields = fields[:len(fields)-1]
	}
	return strings.Join(fields[:min(len(fields), fragmentContextWords)], " ")
}

// edgeWords is the first (or last) n words of s.
func edgeWords(s string, n int, first bool) string {
	w := strings.Fields(s)
	if first {
		return strings.Join(w[:min(n, len(w))], " ")
	}
	return strings.Join(w[max(0, len(w)-n):], " ")
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// encodeTerm percent-encodes a term of a text directive as the page's
// script does (encodeURIComponent, and "-" too, which the directive uses
// as syntax).
func encodeTerm(s string) string {
	var sb strings.Builder
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.!~*'()", c) >= 0 {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('%')
		sb.WriteByte(hex[c>>4])
		sb.WriteByte(hex[c&15])
	}
	return sb.String()
}
