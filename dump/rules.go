package dump

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/readingroom/readingroom"
)

// Credits. "Photograph: Hulton Archive/Getty Images", "Photo: Rex
// Features", or an all-capitals agency line.
var (
	reCreditLine = regexp.MustCompile(`(?i)^(?:(?:main|top|lead|header|cover)\s+)?(?:photograph|photo|picture|image|illustration|artwork|photography|credit)s?(?:\s+by)?\s*:\s*(\S.*)$`)
	// A caption with its credit run on: "... to the USSR. Photo: Rex Features".
	reCaptionCredit = regexp.MustCompile(`(?i)^(.*\S)\s+(?:photograph|photo|picture|image|illustration)s?(?:\s+by)?\s*:\s*(\S.{0,120})$`)
)

func isCreditLine(s string) bool {
	if reCreditLine.MatchString(s) {
		return true
	}
	return isAllCapsCredit(s)
}

// isAllCapsCredit recognises agency credits such as
// "RAY TANGT/ANADOLU AGENCY/GETTY IMAGES".
func isAllCapsCredit(s string) bool {
	if utf8.RuneCountInString(s) > 150 || len(strings.Fields(s)) > 15 {
		return false
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 3
}

func creditText(s string) string {
	if m := reCreditLine.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return s
}

// parseCaption recognises an image caption: a block whose last line is a
// credit, a caption with its credit run on, or a lone credit (returned
// with an empty caption). In Markdown, an image's alt text is its caption.
func parseCaption(b rawBlock) (caption, credit string, ok bool) {
	n := len(b.lines)
	last := b.lines[n-1].text
	if m := reCreditLine.FindStringSubmatch(last); m != nil && plausibleCredit(m[1]) {
		if n == 1 {
			return "", m[1], true
		}
		rest := rawBlock{lines: b.lines[:n-1]}
		if len(strings.Fields(rest.joined())) <= 80 {
			return rest.joined(), m[1], true
		}
		return "", "", false
	}
	t := b.joined()
	// The expression needs a colon; most paragraphs have none, and
	// sparing them its backtracking halves the time a dump takes to read.
	if !strings.Contains(t, ":") {
		return "", "", false
	}
	if m := reCaptionCredit.FindStringSubmatch(t); m != nil && plausibleCredit(m[2]) && len(strings.Fields(m[1])) <= 80 {
		return m[1], m[2], true
	}
	return "", "", false
}

// plausibleCredit tells a credit ("Rex Features", "AFP/Getty Images") from
// the end of a sentence that happens to follow "photograph:".
func plausibleCredit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) && r != '©' {
		return false
	}
	return len(strings.Fields(s)) <= 10 && !strings.HasSuffix(s, ".") || len(strings.Fields(s)) <= 4
}

// Headings: "1. The Bus", "IV) The end" on a line of their own in a text
// dump. Markdown marks its headings ("## 1. The Bus").
var reHeadingNum = regexp.MustCompile(`^(\d{1,2}|[IVXL]{1,6})[.)]\s+(\S.*)$`)

// headingNumber splits a Markdown heading's number as printed from its
// text.
func headingNumber(t string) (num, title string) {
	if m := reHeadingNum.FindStringSubmatch(t); m != nil {
		return m[1], m[2]
	}
	return "", t
}

func parseHeading(b rawBlock, markdown bool) (num, title string, ok bool) {
	if markdown || len(b.lines) != 1 {
		return "", "", false
	}
	t := b.lines[0].text
	m := reHeadingNum.FindStringSubmatch(t)
	if m == nil || len(strings.Fields(m[2])) > 10 || utf8.RuneCountInString(m[2]) > 80 {
		return "", "", false
	}
	if strings.ContainsAny(m[2][len(m[2])-1:], ".,;:") {
		return "", "", false
	}
	return m[1], m[2], true
}

// Corrections: "Correction: This article originally named ...", also with
// a date: "Correction, 12 June: ...".
var reCorrection = regexp.MustCompile(`(?i)^(corrections?|clarifications?)(?:\s*[,(–—-][^:]{0,40})?\s*:\s*(\S.*)$`)

func parseCorrection(s string) (label, text string, ok bool) {
	m := reCorrection.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// Bylines: "From a correspondent:", "By Jane Doe".
var reByline = regexp.MustCompile(`(?i)^(?:by|from|words by|written by|text by|reporting by|interview by|reviewed by)\s+\S`)

func isByline(s string) bool {
	if len(strings.Fields(s)) > 12 || utf8.RuneCountInString(s) > 100 {
		return false
	}
	if !reByline.MatchString(s) {
		return false
	}
	// "From the start, the party was ..." is a sentence, not a byline.
	return !strings.ContainsAny(s[len(s)-1:], ".!?,;")
}

// isPlainText reports whether a block could be prose: not a heading,
// caption, book details, correction or publication line, nor a list item or
// code.
func isPlainText(b rawBlock, t string, markdown bool) bool {
	if b.kind != rawText {
		return false
	}
	if _, _, ok := parseHeading(b, markdown); ok {
		return false
	}
	if _, _, ok := parseCorrection(t); ok {
		return false
	}
	if _, ok := parsePublication(t); ok {
		return false
	}
	if _, ok := parseBooks(b, false); ok {
		return false
	}
	if _, _, ok := parseCaption(b); ok {
		return false
	}
	return true
}

// Book details in a review:
//
//	A Spy Among Friends: Kim Philby and the Great Betrayal
//	Ben Macintyre
//	Bloomsbury, 352pp, £20
var (
	reBookPages  = regexp.MustCompile(`(?i)\b\d{1,4}\s?pp\b|\bISBN\b|\b\d{1,4}\s+pages\b`)
	reBookDetail = regexp.MustCompile(`(?i)\b\d{1,4}\s?pp\b|[£$€¥]\s?\d|\d\s?(?:€|euros?|dollars)\b|\bISBN\b|\b\d{1,4}\s+pages\b|\b(?:hardback|paperback|hardcover)\b`)
)

func parseBooks(b rawBlock, afterBody bool) ([]readingroom.Book, bool) {
	n := len(b.lines)
	if n > 12 || n == 1 && afterBody {
		return nil, false
	}
	details := 0
	for _, l := range b.lines {
		t := l.text
		if utf8.RuneCountInString(t) > 160 || len(strings.Fields(t)) > 20 {
			return nil, false
		}
		// Hard-wrapped prose has lines that start in lower case; every
		// line of book details starts with a capital, a digit or a sign.
		r, _ := utf8.DecodeRuneInString(t)
		if unicode.IsLower(r) {
			return nil, false
		}
		if reBookDetail.MatchString(t) {
			details++
		}
	}
	if details == 0 {
		return nil, false
	}
	if n == 1 {
		// One line of details before the text: keep it whole, unless it
		// is a sentence.
		t := b.lines[0].text
		if strings.Contains(t, ". ") || len(strings.Fields(t)) > 16 ||
			!reBookPages.MatchString(t) && (strings.Count(t, ",") < 2 || strings.HasSuffix(t, ".")) {
			return nil, false
		}
		return []readingroom.Book{splitByAuthor(readingroom.Book{Details: t})}, true
	}

	var (
		books []readingroom.Book
		cur   readingroom.Book
		state int // 0: title next, 1: author next, 2: in details
	)
	for _, l := range b.lines {
		t := l.text
		switch {
		case reBookDetail.MatchString(t):
			cur.Details = joinDetail(cur.Details, t)
			state = 2
		case state == 2:
			books = append(books, splitByAuthor(cur))
			cur, state = readingroom.Book{Title: t}, 1
		case state == 0:
			cur.Title, state = t, 1
		case cur.Author == "":
			cur.Author = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(t, "by "), "By "))
		default:
			cur.Details = joinDetail(cur.Details, t)
		}
	}
	return append(books, splitByAuthor(cur)), true
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

// splitByAuthor turns "Title by Author" into its two parts.
func splitByAuthor(bk readingroom.Book) readingroom.Book {
	if bk.Author == "" && bk.Title != "" {
		if i := strings.LastIndex(bk.Title, " by "); i > 0 {
			bk.Title, bk.Author = bk.Title[:i], bk.Title[i+4:]
		}
	}
	return bk
}

// The publication line: "This article first appeared in the 23 March 2017
// issue of the New Statesman, Trump's permanent revolution".
var rePublication = regexp.MustCompile(`(?i)^this (?:article|piece|review|essay|story|column|interview|feature|extract|diary|report) (?:first |originally )?(?:appeared|appears|was (?:first |originally )?published|is published|ran) in (?:the )?(.+?) (?:issue|edition|number) of (?:the )?(.+?)\s*$`)

type publication struct {
	date        time.Time
	publication string
	issue       string
}

func parsePublication(s string) (publication, bool) {
	m := rePublication.FindStringSubmatch(s)
	if m == nil || utf8.RuneCountInString(s) > 400 {
		return publication{}, false
	}
	var p publication
	p.date, _ = parseDate(m[1])
	rest := strings.TrimSuffix(m[2], ".")
	if pub, issue, ok := strings.Cut(rest, ", "); ok {
		p.publication, p.issue = strings.TrimSpace(pub), strings.TrimSpace(issue)
	} else {
		p.publication = strings.TrimSpace(rest)
	}
	return p, true
}

var (
	reOrdinal   = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)\b`)
	reDayRange  = regexp.MustCompile(`\b(\d{1,2})\s*[-–—/]\s*\d{1,2}\b(\s+\p{L})`)
	reWeekday   = regexp.MustCompile(`(?i)^(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+`)
	dateLayouts = []string{
		"2 January 2006", "2 Jan 2006", "January 2 2006", "Jan 2 2006", "2006-01-02",
		"2 January, 2006", "2 Jan. 2006", "Jan. 2 2006",
	}
)

// parseDate reads the date of an issue: "23 March 2017", "23rd March
// 2017", "March 23, 2017", "2017-03-23", or a weekly's "23-29 March 2017"
// (its first day). A date without a day is not a date here.
func parseDate(s string) (time.Time, bool) {
	s = readingroom.CleanSpace(s)
	s = reWeekday.ReplaceAllString(s, "")
	s = reOrdinal.ReplaceAllString(s, "$1")
	s = reDayRange.ReplaceAllString(s, "$1$2")
	s = strings.ReplaceAll(s, ", ", " ")
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
