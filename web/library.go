package web

import (
	"math"
	"net/http"
	"strconv"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// libraryPerPage is how many articles a page of the library lists.
const libraryPerPage = 30

// library lists the articles, newest first, a page at a time.
func (s *server) library(w http.ResponseWriter, r *http.Request) {
	n, ok := pageNumber(r.URL.Query().Get("page"), 1)
	if !ok {
		s.fail(w, r, readingroom.Errorf(readingroom.ENOTFOUND, "We couldn't find that page of the library"))
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
	if n > 1 {
		p.PrevURL = libraryPath(n - 1)
	}
	if n < pages {
		p.NextURL = libraryPath(n + 1)
	}
	saved, positions, err := s.readerState(r, list)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, a := range list {
		p.Entries = append(p.Entries, templates.LibraryEntry{
			URL:         articlePath(a.Slug),
			Slug:        a.Slug,
			Reader:      p.User != nil,
			Saved:       saved[a.Slug] != 0,
			ContinueURL: continueURL(a.Slug, positions[a.Slug]),
			Title:       a.Title,
			Standfirst:  a.Standfirst,
			Byline:      a.Byline,
			Date:        templates.NewDate(a.Published),
			Publication: a.Publication,
			ReadingTime: templates.ReadingTime(a.WordCount),
		})
	}
	s.renderPage(w, r, templates.Library(p))
}

// libraryPath is the path of page n of the library; page 1 is "/".
func libraryPath(n int) string {
	if n <= 1 {
		return "/"
	}
	return "/?page=" + strconv.Itoa(n)
}

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

// readerState is, for a signed-in reader, which of the articles they have
// saved and where they stopped in each; nothing for anyone else.
func (s *server) readerState(r *http.Request, list []store.ArticleSummary) (map[string]int64, map[string]string, error) {
	u := userFrom(r.Context())
	if u == nil {
		return nil, nil, nil
	}
	slugs := make([]string, len(list))
	for i, a := range list {
		slugs[i] = a.Slug
	}
	saved, err := s.db.SavedArticles(r.Context(), u.ID, slugs)
	if err != nil {
		return nil, nil, err
	}
	positions, err := s.db.Positions(r.Context(), u.ID, slugs)
	return saved, positions, err
}
