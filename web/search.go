package web

import (
	"context"
	"errors"
	"html"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// searchPerPage is how many articles a page of search results shows.
const searchPerPage = 20

// searchTitleLen bounds the query quoted in a search page's <title>.
const searchTitleLen = 60

// shownQuery is the query as typed, made fit to show and to put back in
// links: valid UTF-8, control characters and runs of space as one space,
// and no longer than the parser reads.
func shownQuery(raw string) string {
	s := readingroom.CleanSpace(strings.ToValidUTF8(raw, "\uFFFD"))
	if len(s) > readingroom.MaxQueryLen {
		s = s[:readingroom.MaxQueryLen]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return s
}

// runSearch runs q for page n. A page past the end is not an error here:
// it comes back with no results, the total, and ok false.
func (s *server) runSearch(ctx context.Context, q readingroom.Query, n, perPage int) (res store.SearchResults, ok bool, err error) {
	res, err = s.db.Search(ctx, q, n, perPage)
	return res, err == nil && (len(res.Results) > 0 || n == 1), err
}

// emptyQueryMessage says why q, which has nothing to match, was not run.
func emptyQueryMessage(q readingroom.Query) string {
	switch {
	case len(q.Not) > 0:
		return "Add a word to search for: -word only leaves articles out of what another word finds."
	case q.Slug != "" || q.YearFrom != 0 || q.YearTo != 0:
		return "Add a word to search for: in: and year: only narrow what a word finds."
	}
	return "Type a word or a phrase to search for."
}

// search shows the results of a query, a page at a time. Whatever the
// query, the answer is a page that says what was searched: results, no
// results with ways to widen the search, or why nothing was searched.
// Only a page number that is not a page of the results is a 404.
func (s *server) search(w http.ResponseWriter, r *http.Request) {
	params, err := queryParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	shown := shownQuery(params.Get("q"))
	p := templates.SearchPage{Page: s.page(r, "Search", "Search every paragraph in the library."), Query: shown}
	p.SearchQuery = shown
	p.NoIndex = true
	if shown == "" {
		p.Canonical = s.baseURL(r) + "/search"
		p.Preview = s.sitePreview(r, "Search the library", p.Description, p.Canonical)
		p.NoIndex = false
		p.Examples = templates.SearchExamples(s.samples(r.Context()))
		s.renderPage(w, r, templates.Search(p))
		return
	}
	p.Title = "Search: " + excerpt(shown, searchTitleLen)
	p.Preview = s.sitePreview(r, p.Title, "What the library holds for “"+excerpt(shown, searchTitleLen)+"”.", s.baseURL(r)+templates.SearchURL(shown, 1))

	q := readingroom.ParseQuery(params.Get("q"))
	p.Notes = q.Notes
	n, ok := pageNumber(params.Get("page"), 1)
	if !ok {
		s.noSuchPage(w, r, http.StatusBadRequest, p, params.Get("page"))
		return
	}
	if q.Empty() && len(q.Not) == 0 && (q.Slug != "" || q.YearFrom != 0 || q.YearTo != 0) {
		s.filterOnly(w, r, p, q, n)
		return
	}
	if q.Empty() {
		p.Message = emptyQueryMessage(q)
		s.renderPage(w, r, templates.Search(p))
		return
	}
	res, ok, err := s.runSearch(r.Context(), q, n, searchPerPage)
	if errors.Is(err, store.ErrTooBroad) {
		p.TooBroad = true
		s.renderPage(w, r, templates.Search(p))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok && res.Total > 0 {
		s.noSuchPage(w, r, http.StatusNotFound, p, strconv.Itoa(n))
		return
	}
	if res.Total == 0 {
		p.Widen = widen(q)
		s.renderPage(w, r, templates.Search(p))
		return
	}

	p.Total, p.Capped = res.Total, res.Capped
	p.Number, p.Pages = n, max(1, (res.Total+searchPerPage-1)/searchPerPage)
	p.Start = (n-1)*searchPerPage + 1
	if n > 1 {
		p.Title += ", page " + strconv.Itoa(n)
		p.PrevURL = templates.SearchURL(shown, n-1)
	}
	if n < p.Pages {
		p.NextURL = templates.SearchURL(shown, n+1)
	}
	saved, err := s.savedOf(r, res.Results)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Results = resultViews(res.Results, shown, q.Slug != "", p.User != nil, saved)
	s.renderPage(w, r, templates.Search(p))
}

// resultViews are the articles of a search's page as the page shows them:
// each with its best paragraphs, linked to their permalinks, and a link
// to the rest of its matching paragraphs (the same search, in it) unless
// the search is in one article already.
func resultViews(results []store.SearchResult, shown string, inOne, reader bool, saved map[string]int64) []templates.SearchResult {
	var out []templates.SearchResult
	for _, a := range results {
		v := templates.SearchResult{
			URL:         articlePath(a.Slug),
			Slug:        a.Slug,
			Reader:      reader,
			Saved:       saved[a.Slug] != 0,
			Title:       a.Title,
			Byline:      a.Byline,
			Date:        templates.NewDate(a.Published),
			Publication: a.Publication,
			Matches:     a.Matches,
		}
		if !inOne && a.Matches > len(a.Hits) {
			// The rest of its matching paragraphs: the same search, in it.
			v.MoreURL = templates.SearchURL(shown+" in:"+a.Slug, 1)
		}
		for _, h := range a.Hits {
			hit := templates.SearchHit{Snippet: h.Snippet, Kind: h.Kind, Standfirst: h.PID == ""}
			if hit.Standfirst {
				hit.URL = articlePath(a.Slug)
			} else {
				hit.URL = paragraphPath(a.Slug, h.PID) + "#p-" + h.PID
			}
			v.Hits = append(v.Hits, hit)
		}
		out = append(out, v)
	}
	return out
}

// filterOnly answers a search of filters alone (in:slug, year:2017) with
// the articles they select, newest first, each with its standfirst.
func (s *server) filterOnly(w http.ResponseWriter, r *http.Request, p templates.SearchPage, q readingroom.Query, n int) {
	list, total, err := s.db.FilterArticles(r.Context(), store.ArticleFilter{Slug: q.Slug, YearFrom: q.YearFrom, YearTo: q.YearTo},
		searchPerPage, (n-1)*searchPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if total == 0 {
		p.Widen = widen(q)
		s.renderPage(w, r, templates.Search(p))
		return
	}
	if len(list) == 0 {
		s.noSuchPage(w, r, http.StatusNotFound, p, strconv.Itoa(n))
		return
	}
	p.FilterOnly = true
	p.Total = total
	p.Number, p.Pages = n, max(1, (total+searchPerPage-1)/searchPerPage)
	p.Start = (n-1)*searchPerPage + 1
	if n > 1 {
		p.Title += ", page " + strconv.Itoa(n)
		p.PrevURL = templates.SearchURL(p.Query, n-1)
	}
	if n < p.Pages {
		p.NextURL = templates.SearchURL(p.Query, n+1)
	}
	for _, a := range list {
		v := templates.SearchResult{
			URL:         articlePath(a.Slug),
			Slug:        a.Slug,
			Reader:      p.User != nil,
			Title:       a.Title,
			Byline:      a.Byline,
			Date:        templates.NewDate(a.Published),
			Publication: a.Publication,
		}
		if a.Standfirst != "" {
			v.Hits = []templates.SearchHit{{URL: articlePath(a.Slug), Snippet: readingroom.Segments(excerpt(a.Standfirst, describeLen), nil), Standfirst: true}}
		}
		p.Results = append(p.Results, v)
	}
	s.renderPage(w, r, templates.Search(p))
}

// noSuchPage answers a page number that is not a page of the results
// with the search page, saying so: status is 400 for what is no page
// number at all, 404 for one past the end.
func (s *server) noSuchPage(w http.ResponseWriter, r *http.Request, status int, p templates.SearchPage, page string) {
	p.NoSuchPage = true
	p.Message = "There is no page “" + excerpt(shownQuery(page), 20) + "” of these results."
	p.MessageLink = &templates.Link{Text: "Go to the first page of results", URL: templates.SearchURL(p.Query, 1)}
	if err := s.render(w, r, status, templates.Search(p)); err != nil {
		s.fail(w, r, err)
	}
}

// widen suggests how to find more when q found nothing: the same query
// without its exclusions, without its filters, without quotes, and
// general advice.
func widen(q readingroom.Query) []templates.Link {
	var out []templates.Link
	suggest := func(text string, wider readingroom.Query) {
		s := wider.String()
		if wider.Empty() || s == q.String() {
			return
		}
		out = append(out, templates.Link{Text: text, Code: s, URL: templates.SearchURL(s, 1)})
	}
	if len(q.Not) > 0 {
		wider := q
		wider.Not = nil
		suggest("Remove the exclusions:", wider)
	}
	if q.Slug != "" || q.YearFrom != 0 || q.YearTo != 0 || hasField(q) {
		wider := q
		wider.Slug, wider.YearFrom, wider.YearTo = "", 0, 0
		wider.Must = mapTerms(q.Must, func(t readingroom.Term) readingroom.Term { t.Field = readingroom.FieldAny; return t })
		suggest("Remove the filters:", wider)
	}
	if hasKind(q, readingroom.TermPhrase) {
		wider := q
		var must []readingroom.Clause
		for _, c := range q.Must {
			if len(c) == 1 && c[0].Kind == readingroom.TermPhrase {
				for _, w := range c[0].Words {
					must = append(must, readingroom.Clause{{Kind: readingroom.TermWord, Words: []string{w}, Field: c[0].Field}})
				}
				continue
			}
			must = append(must, c)
		}
		wider.Must = must
		suggest("Find the words in any order:", wider)
	}
	if len(q.Must) > 1 {
		out = append(out, templates.Link{Text: "Use fewer words, or put OR between two of them."})
	}
	out = append(out,
		templates.Link{Text: "Check the spelling."},
		templates.Link{Text: "End a word with * to find every word that starts with it, such as librar* for library and librarian."},
	)
	return out
}

func hasField(q readingroom.Query) bool {
	for _, c := range q.Must {
		for _, t := range c {
			if t.Field != readingroom.FieldAny {
				return true
			}
		}
	}
	return false
}

func hasKind(q readingroom.Query, k readingroom.TermKind) bool {
	for _, c := range q.Must {
		for _, t := range c {
			if t.Kind == k {
				return true
			}
		}
	}
	return false
}

// mapTerms returns a copy of clauses with f applied to every term.
func mapTerms(clauses []readingroom.Clause, f func(readingroom.Term) readingroom.Term) []readingroom.Clause {
	out := make([]readingroom.Clause, len(clauses))
	for i, c := range clauses {
		out[i] = make(readingroom.Clause, len(c))
		for j, t := range c {
			out[i][j] = f(t)
		}
	}
	return out
}

// searchHelp explains the query language.
func (s *server) searchHelp(w http.ResponseWriter, r *http.Request) {
	p := templates.SearchHelpPage{
		Page:           s.page(r, "How to search", "How to search the library: phrases, prefixes, exclusions, OR and filters."),
		Samples:        s.samples(r.Context()),
		MaxCount:       store.MaxCount,
		CommonArticles: store.CommonArticles,
	}
	p.Canonical = s.baseURL(r) + templates.SearchHelpPath
	s.renderPage(w, r, templates.SearchHelp(p))
}

// apiSearchResult is one matching paragraph.
type apiSearchResult struct {
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	ParagraphID string `json:"paragraph_id"`
	// Snippet is escaped text with <mark> around the matched words.
	Snippet string  `json:"snippet"`
	URL     string  `json:"url"`
	Score   float64 `json:"score"`
}

// tooBroadMessage is the API's word for store.ErrTooBroad.
const tooBroadMessage = "That search matches too much to finish quickly. Add a word, use a longer prefix, or search for a phrase."

// snippetHTML writes a snippet as the API gives it: escaped text with the
// matched words in <mark>.
func snippetHTML(segs []readingroom.Segment) string {
	var sb strings.Builder
	for _, seg := range segs {
		if seg.Marked() {
			sb.WriteString("<mark>" + html.EscapeString(seg.Text) + "</mark>")
		} else {
			sb.WriteString(html.EscapeString(seg.Text))
		}
	}
	return sb.String()
}

// apiSearchResponse is GET /api/search.
type apiSearchResponse struct {
	Query string `json:"query"` // as understood, in the query language
	// Total counts matching articles (results are their paragraphs) up
	// to store.MaxCount; Capped says more than that match.
	Total   int               `json:"total"`
	Capped  bool              `json:"capped"`
	Page    int               `json:"page"`
	PerPage int               `json:"per_page"` // articles per page
	Results []apiSearchResult `json:"results"`
	Notes   []string          `json:"notes"`
	// Message says why nothing was searched, when the query has nothing
	// to match (such as only -word).
	Message string `json:"message,omitempty"`
}

// apiSearch answers a query with one result per matching paragraph, in
// the page's order: articles best first, each one's best paragraphs
// first. Any query is a 200, with a message when nothing could be
// searched; only a page that is not a whole number from 1 is a 400. A
// page past the end has no results and the real total.
func (s *server) apiSearch(w http.ResponseWriter, r *http.Request) {
	params, n, err := queryPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := readingroom.ParseQuery(params.Get("q"))
	out := apiSearchResponse{
		Query:   q.String(),
		Page:    n,
		PerPage: searchPerPage,
		Results: []apiSearchResult{},
		Notes:   q.Notes,
	}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	if q.Empty() {
		out.Message = emptyQueryMessage(q)
		s.writeJSON(w, r, http.StatusOK, out)
		return
	}
	res, _, err := s.runSearch(r.Context(), q, n, searchPerPage)
	if errors.Is(err, store.ErrTooBroad) {
		out.Message = tooBroadMessage
		s.writeJSON(w, r, http.StatusOK, out)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out.Total, out.Capped = res.Total, res.Capped
	base := s.baseURL(r)
	for _, a := range res.Results {
		for _, h := range a.Hits {
			u := base + paragraphPath(a.Slug, h.PID)
			if h.PID == "" { // the standfirst
				u = base + articlePath(a.Slug)
			}
			out.Results = append(out.Results, apiSearchResult{
				Slug:        a.Slug,
				Title:       a.Title,
				ParagraphID: h.PID,
				Snippet:     snippetHTML(h.Snippet),
				URL:         u,
				Score:       h.Score,
			})
		}
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

// savedOf is, for a signed-in reader, which of the results' articles
// they have saved.
func (s *server) savedOf(r *http.Request, results []store.SearchResult) (map[string]int64, error) {
	u := userFrom(r.Context())
	if u == nil || len(results) == 0 {
		return nil, nil
	}
	slugs := make([]string, len(results))
	for i, a := range results {
		slugs[i] = a.Slug
	}
	return s.db.SavedArticles(r.Context(), u.ID, slugs)
}
