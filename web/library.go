package web

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// libraryPerPage is how many articles a page of the library lists.
const libraryPerPage = 30

// library lists the articles, newest first, a page at a time.
func (s *server) library(w http.ResponseWriter, r *http.Request) {
	_, n, err := queryPage(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, total, err := s.db.ListArticles(r.Context(), libraryPerPage, (n-1)*libraryPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pages := max(1, (total+libraryPerPage-1)/libraryPerPage)
	if n > pages {
		s.fail(w, r, readingroom.Errorf(readingroom.ENOTFOUND, "The library has no page %d", n))
		return
	}

	title := "Library"
	if n > 1 {
		title += ", page " + strconv.Itoa(n)
	}
	p := templates.LibraryPage{
		Page:   s.page(r, title, "The articles in this reading room, newest first."),
		Total:  total,
		Number: n,
		Pages:  pages,
	}
	if hasUsers, err := s.db.HasUsers(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	} else if !hasUsers {
		p.SetupURL = setupPath
	}
	// "/?page=1" is "/" under another name.
	p.Canonical = s.baseURL(r) + libraryPath(n)
	p.Preview = s.sitePreview(r, templates.SiteName, p.Description, p.Canonical)
	if n > 1 {
		p.PrevURL = libraryPath(n - 1)
	}
	if n < pages {
		p.NextURL = libraryPath(n + 1)
	}
	p.Entries = libraryEntries(list)
	if err := s.addReaderState(r, p.Entries); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, templates.Library(p))
}

func libraryEntries(list []store.ArticleSummary) []templates.LibraryEntry {
	entries := make([]templates.LibraryEntry, len(list))
	for i, a := range list {
		entries[i] = templates.LibraryEntry{
			URL:         articlePath(a.Slug),
			Slug:        a.Slug,
			Title:       a.Title,
			Standfirst:  a.Standfirst,
			Byline:      a.Byline,
			Date:        templates.NewDate(a.Published),
			Publication: a.Publication,
			ReadingTime: templates.ReadingTime(a.WordCount),
		}
	}
	return entries
}

// guide lists the built-in guide's articles, which leave the library once
// it holds the reader's own.
func (s *server) guide(w http.ResponseWriter, r *http.Request) {
	list, err := s.db.Guide(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := templates.LibraryPage{
		Page:    s.page(r, "The guide", "The articles that came with the room: what it does and how to use it."),
		Guide:   true,
		Total:   len(list),
		Number:  1,
		Pages:   1,
		Entries: libraryEntries(list),
	}
	if err := s.addReaderState(r, p.Entries); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Canonical = s.baseURL(r) + templates.GuidePath
	s.renderPage(w, r, templates.Library(p))
}

// libraryPath is the path of page n of the library; page 1 is "/".
func libraryPath(n int) string {
	if n <= 1 {
		return "/"
	}
	return "/?page=" + strconv.Itoa(n)
}

// queryPage is queryParams with the page number they ask for (1 when
// none): a page that is not a whole number from 1 is errBadPage.
func queryPage(r *http.Request) (url.Values, int, error) {
	params, err := queryParams(r)
	if err != nil {
		return nil, 0, err
	}
	n, ok := pageNumber(params.Get("page"), 1)
	if !ok {
		return nil, 0, errBadPage
	}
	return params, n, nil
}

// queryParams parses r's query string. A malformed escape (?page=%ZZ) is
// EINVALID, where r.URL.Query() would drop the parameter and so take the
// address for another one.
func queryParams(r *http.Request) (url.Values, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if _, bad := errors.AsType[url.EscapeError](err); bad {
		return nil, readingroom.Errorf(readingroom.EINVALID, "That address has a malformed %%-escape in it")
	}
	// Anything else (a ';' separator) only loses the odd parameter, as
	// it always has.
	return v, nil
}

// errBadPage answers a page parameter that is not a page number at all,
// everywhere: a page number past the end is another matter (404 for a
// page, an empty list in the API).
var errBadPage = readingroom.FieldErrorf(readingroom.EINVALID, "page", "The page must be a whole number from 1.")

// pageNumber parses a page number from a query parameter: empty gives def;
// anything but a whole number from 1 is not ok. The upper bound keeps
// offsets computed from it far from overflow.
func pageNumber(s string, def int) (int, bool) {
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > math.MaxInt32 {
		return 0, false
	}
	return n, true
}

// addReaderState tells the entries, for a signed-in reader, that they
// may be saved, which are, and where the reader stopped in each; nothing
// for anyone else.
func (s *server) addReaderState(r *http.Request, entries []templates.LibraryEntry) error {
	u := userFrom(r.Context())
	if u == nil || len(entries) == 0 {
		return nil
	}
	slugs := make([]string, len(entries))
	for i, e := range entries {
		slugs[i] = e.Slug
	}
	saved, err := s.db.SavedArticles(r.Context(), u.ID, slugs)
	if err != nil {
		return err
	}
	positions, err := s.db.Positions(r.Context(), u.ID, slugs)
	if err != nil {
		return err
	}
	for i := range entries {
		e := &entries[i]
		e.Reader, e.Saved = true, saved[e.Slug] != 0
		e.ContinueURL = continueURL(e.Slug, positions[e.Slug])
	}
	return nil
}
