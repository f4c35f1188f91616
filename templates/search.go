package templates

import (
	"net/url"
	"strconv"

	"github.com/readingroom/readingroom"
)

// SearchPage is the search page in one of four states, decided in this
// order: the intro (no query), a message instead of results (nothing in
// the query to search for, or no such page of results), no results, or a
// page of results.
type SearchPage struct {
	Page
	// Query is what the reader typed, made safe to show: it is also in
	// the header's search box (Page.SearchQuery).
	Query string
	// Notes say what was ignored in the query.
	Notes []string
	// Message replaces the results when there are none to show for a
	// reason other than no match (TooBroad brings its own); MessageLink,
	// if set, is a way on.
	Message     string
	MessageLink *Link
	// NoSuchPage says the message is about the page number, not the
	// query.
	NoSuchPage bool
	// TooBroad says the search was stopped before it finished.
	TooBroad bool
	// FilterOnly says the query had filters and no words: the results are
	// the articles the filters select, not matches.
	FilterOnly bool
	// Total counts the matching articles; Capped says more than Total
	// match (counting stops there, and only that many are listed).
	Total   int
	Capped  bool
	Results []SearchResult
	Start   int // the number of the first result on this page
	Number  int // this page's number, from 1
	Pages   int
	PrevURL string
	NextURL string
	// Widen are ways to find more when nothing matched: the query
	// without a filter or exclusion, and general advice.
	Widen []Link
	// Examples are queries to try, for the intro.
	Examples []Link
}

// Link is a labelled URL; a Link without a URL is plain advice.
type Link struct {
	Text string
	URL  string
	// Code is shown in a code style after Text, inside the link: a query.
	Code string
}

// MessageHeading heads the message shown instead of results.
func (p SearchPage) MessageHeading() string {
	if p.NoSuchPage {
		return "No such page"
	}
	if p.TooBroad {
		return "Too broad to finish"
	}
	return "Nothing to search for"
}

// Count says how many articles match: "1 article", "12 articles", or,
// when counting stopped, "more than 1,000 articles".
func (p SearchPage) Count() string {
	s := formatCount(p.Total) + " articles"
	if p.Total == 1 {
		s = "1 article"
	}
	if p.Capped {
		s = "more than " + s
	}
	return s
}

// CountLine is the count, with where this page is when there are more:
// "45 articles · page 2 of 3".
func (p SearchPage) CountLine() string {
	s := p.Count()
	if p.Pages > 1 {
		s += " · page " + strconv.Itoa(p.Number) + " of " + strconv.Itoa(p.Pages)
	}
	return s
}

// SearchResult is one article with its best matching paragraphs.
type SearchResult struct {
	URL         string
	Title       string
	Byline      string
	Date        Date
	Publication string
	Hits        []SearchHit
	// Matches counts its matching paragraphs; more than len(Hits) means
	// some are not shown, and MoreURL lists them all.
	Matches int
	MoreURL string
	// Slug, Reader and Saved offer a signed-in reader to save the
	// article, as the library does.
	Slug   string
	Reader bool
	Saved  bool
}

// SearchHit is one matching block, shown as a snippet linking to it.
type SearchHit struct {
	URL string // the block's permalink, with its fragment
	// Snippet is the block's best passage, the matched words marked.
	Snippet []readingroom.Segment
	Kind    readingroom.BlockKind
	// Standfirst says the hit is the article's standfirst, not a block
	// (URL is then the article's).
	Standfirst bool
}

// Label names the hit's kind of block when it is not a plain paragraph.
func (h SearchHit) Label() string {
	if h.Standfirst {
		return "Standfirst"
	}
	if h.Kind == readingroom.KindParagraph || h.Kind == "" {
		return ""
	}
	n := KindNoun(h.Kind)
	return string(n[0]-'a'+'A') + n[1:]
}

// MoreMatches says how many matching paragraphs are not shown, or "";
// MoreURL, when set, lists them all (the search, in this article only).
func (r SearchResult) MoreMatches() string {
	more := r.Matches - len(r.Hits)
	switch {
	case more <= 0:
		return ""
	case more == 1:
		return "and 1 more matching paragraph"
	}
	return "and " + formatCount(more) + " more matching paragraphs"
}

// SearchURL is the path of page n of the results for q; page 1 has no
// page parameter.
func SearchURL(q string, n int) string {
	v := url.Values{"q": {q}}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	return "/search?" + v.Encode()
}

// SearchHelpPath is the path of the page that explains the query language.
const SearchHelpPath = "/search/help"

// SearchHelpPage explains the query language.
type SearchHelpPage struct {
	Page
	// Samples are the library's words the examples are made of.
	Samples Samples
	// MaxCount is where a search stops counting (and listing) articles.
	MaxCount int
	// CommonArticles is how many articles a word may be in and still
	// rank the results.
	CommonArticles int
}

// formatCount writes n with thousands separators: 5,000.
func formatCount(n int) string {
	if n < 0 {
		return "-" + formatCount(-n)
	}
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Samples are words and facts drawn from the library itself, so that
// every example the search pages give finds something. The zero Samples
// (an empty library) gives examples that show the syntax without links.
type Samples struct {
	Word, OtherWord string // two words of one paragraph
	Phrase          string // two words that stand together in it
	Prefix          string // the start of Word
	// Other is a word of another article, which Word's article lacks, and
	// OtherPhrase two words that stand together there.
	Other, OtherPhrase string
	TitleWord          string // a word of a title
	Author             string // a word of a byline; empty when no article has one
	Slug               string // Word's article
	Year               int    // the year of a dated article with Word; 0 when none
}

// Known reports whether the samples came from a library.
func (s Samples) Known() bool { return s.Word != "" }

// HelpRow is one construct of the query language on the help page.
type HelpRow struct {
	Syntax  string // how it is written
	Meaning string
	Example string // a query to try, drawn from the library; empty when none
}

// HelpRows are the query language, as the help page lists it, with
// examples from s.
func HelpRows(s Samples) []HelpRow {
	ex := func(ok bool, q string) string {
		if !ok || !s.Known() {
			return ""
		}
		return q
	}
	year := strconv.Itoa(s.Year)
	return []HelpRow{
		{`two words`, "Articles with every word, anywhere in them: title, standfirst, byline, book details, captions or paragraphs.", ex(true, s.Word+" "+s.OtherWord)},
		{`"exact phrase"`, "The words together, in this order, within one paragraph (or the title, the standfirst, one caption).", ex(s.Phrase != "", `"`+s.Phrase+`"`)},
		{`prefix*`, "Words that start with it: librar* finds library, libraries and librarian.", ex(true, s.Prefix+"*")},
		{`-word`, "Leave out articles with the word anywhere in them.", ex(s.Other != "", s.Word+" -"+s.Other)},
		{`-"a phrase"`, "Leave out articles with the phrase.", ex(s.OtherPhrase != "", s.Word+` -"`+s.OtherPhrase+`"`)},
		{`this OR that`, "Either one. Write OR in capitals, between two words or phrases.", ex(s.Other != "", s.Word+" OR "+s.Other)},
		{`title:word`, "The word in the article's title. Works with phrases and prefixes too: title:\"quiet room\", title:lib*.", ex(s.TitleWord != "", "title:"+s.TitleWord)},
		{`author:word`, "The word in the byline (by: works too).", ex(s.Author != "", "author:"+s.Author)},
		{`in:slug`, "Only in one article. The slug is the part of the article's address after /a/.", ex(true, s.Word+" in:"+s.Slug)},
		{`year:2017`, "Published in that year.", ex(s.Year != 0, s.Word+" year:"+year)},
		{`year:2010..2017`, "Published in those years; leave out either end for an open range: year:2010.. or year:..2017.", ex(s.Year != 0, s.Word+" year:"+strconv.Itoa(s.Year-5)+".."+year)},
	}
}

// SearchExamples are example queries for the search page's intro, drawn
// from s, each linking to its results; none when s is not Known.
func SearchExamples(s Samples) []Link {
	if !s.Known() {
		return nil
	}
	out := []Link{{Code: s.Word, Text: "one word, in any form"}}
	if s.Phrase != "" {
		out = append(out, Link{Code: `"` + s.Phrase + `"`, Text: "an exact phrase"})
	}
	out = append(out, Link{Code: s.Prefix + "*", Text: "words that start with " + s.Prefix})
	if s.Other != "" {
		out = append(out, Link{Code: s.Word + " OR " + s.Other, Text: "either word"})
	}
	if s.TitleWord != "" {
		out = append(out, Link{Code: "title:" + s.TitleWord, Text: "in a title"})
	}
	for i := range out {
		out[i].URL = SearchURL(out[i].Code, 1)
	}
	return out
}
