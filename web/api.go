package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
)

const (
	apiPerPage    = 50
	apiMaxPerPage = 200
)

type apiSummary struct {
	Slug           string  `json:"slug"`
	Title          string  `json:"title"`
	Standfirst     string  `json:"standfirst"`
	Byline         string  `json:"byline"`
	Published      *string `json:"published"`
	Publication    string  `json:"publication"`
	URL            string  `json:"url"`
	ParagraphCount int     `json:"paragraph_count"`
}

type apiList struct {
	Articles []apiSummary `json:"articles"`
	Page     int          `json:"page"`
	PerPage  int          `json:"per_page"`
	Total    int          `json:"total"`
}

type apiBook struct {
	Title   string `json:"title"`
	Author  string `json:"author"`
	Details string `json:"details"`
}

type apiParagraph struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"`
	Text   string `json:"text"`
	URL    string `json:"url"`
	Number string `json:"number,omitempty"`
	Credit string `json:"credit,omitempty"`
	// Aliases are retired ids that lead to this block; omitted when none.
	Aliases []string `json:"aliases,omitempty"`
}

// apiArticleRef names the article a paragraph belongs to.
type apiArticleRef struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// apiParagraphOne is GET /api/articles/{slug}/p/{pid} for a live block.
type apiParagraphOne struct {
	apiParagraph
	// AliasOf is the id that was asked for when it is a retired id that
	// now leads to this block.
	AliasOf string        `json:"alias_of,omitempty"`
	Article apiArticleRef `json:"article"`
}

// apiTombstone is GET /api/articles/{slug}/p/{pid} for a deleted block.
type apiTombstone struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Text    string `json:"text"` // as it last read
	URL     string `json:"url"`
	Deleted bool   `json:"deleted"`
	AliasOf string `json:"alias_of,omitempty"`
	// Neighbour is the nearest block that remains, or null.
	Neighbour    *string       `json:"neighbour"`
	NeighbourURL *string       `json:"neighbour_url"`
	Article      apiArticleRef `json:"article"`
}

type apiArticle struct {
	Slug string `json:"slug"`
	// Page and Pages: paragraphs holds page Page of the article's Pages
	// (readingroom.PageStarts); most articles are one page.
	Page           int            `json:"page"`
	Pages          int            `json:"pages"`
	Title          string         `json:"title"`
	Standfirst     string         `json:"standfirst"`
	Byline         string         `json:"byline"`
	Published      *string        `json:"published"`
	Publication    string         `json:"publication"`
	IssueTitle     string         `json:"issue_title"`
	ImageCredit    string         `json:"image_credit"`
	Books          []apiBook      `json:"books"`
	URL            string         `json:"url"`
	ReadingMinutes int            `json:"reading_minutes"`
	Paragraphs     []apiParagraph `json:"paragraphs"`
}

// apiDate is a date as "YYYY-MM-DD", or null when unknown.
func apiDate(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

// apiArticles lists the library, newest first.
func (s *server) apiArticles(w http.ResponseWriter, r *http.Request) {
	q, err := queryParams(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, ok := pageNumber(q.Get("page"), 1)
	if !ok {
		s.fail(w, r, errBadPage)
		return
	}
	perPage, ok := pageNumber(q.Get("per_page"), apiPerPage)
	if !ok || perPage > apiMaxPerPage {
		s.fail(w, r, readingroom.FieldErrorf(readingroom.EINVALID, "per_page", "per_page must be a whole number from 1 to %d.", apiMaxPerPage))
		return
	}
	list, total, err := s.db.ListArticles(r.Context(), perPage, (page-1)*perPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := s.baseURL(r)
	out := apiList{Articles: make([]apiSummary, 0, len(list)), Page: page, PerPage: perPage, Total: total}
	for _, a := range list {
		out.Articles = append(out.Articles, apiSummary{
			Slug:           a.Slug,
			Title:          a.Title,
			Standfirst:     a.Standfirst,
			Byline:         a.Byline,
			Published:      apiDate(a.Published),
			Publication:    a.Publication,
			URL:            base + articlePath(a.Slug),
			ParagraphCount: a.ParagraphCount,
		})
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

// apiArticle returns one article with the blocks of the page asked for
// (?page=, the first by default).
func (s *server) apiArticle(w http.ResponseWriter, r *http.Request) {
	pg := pageFrom(r.Context())
	a := &pg.Article
	base := s.baseURL(r)
	out := apiArticle{
		Slug:           a.Slug,
		Title:          a.Title,
		Standfirst:     a.Standfirst,
		Byline:         a.Byline,
		Published:      apiDate(a.Published),
		Publication:    a.Publication,
		IssueTitle:     a.IssueTitle,
		ImageCredit:    a.ImageCredit,
		Books:          make([]apiBook, 0, len(a.Books)),
		URL:            base + articlePath(a.Slug),
		ReadingMinutes: readingroom.ReadingMinutes(pg.WordCount),
		Page:           pg.Number,
		Pages:          pg.Pages,
		Paragraphs:     make([]apiParagraph, 0, len(a.Blocks)),
	}
	for _, b := range a.Books {
		out.Books = append(out.Books, apiBook{Title: b.Title, Author: b.Author, Details: b.Details})
	}
	for _, b := range a.Blocks {
		out.Paragraphs = append(out.Paragraphs, newAPIParagraph(base, a.Slug, b))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func newAPIParagraph(base, slug string, b readingroom.Block) apiParagraph {
	return apiParagraph{
		ID:      b.ID,
		Kind:    string(b.Kind),
		Text:    b.Text,
		URL:     base + paragraphPath(slug, b.ID),
		Number:  b.Number,
		Credit:  b.Credit,
		Aliases: b.Aliases,
	}
}

// apiParagraph returns one block by any id it has had. Unlike the page,
// it does not redirect a retired id: it answers with the block the id now
// leads to and says which id was asked for in "alias_of", so a client
// needs no second request. A deleted block is answered with its last text
// and "deleted": true.
func (s *server) apiParagraph(w http.ResponseWriter, r *http.Request) {
	a := articleFrom(r.Context())
	pid := chi.URLParam(r, "pid")
	ref, err := s.resolveParagraph(r, a, pid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := s.baseURL(r)
	art := apiArticleRef{Slug: a.Slug, Title: a.Title, URL: base + articlePath(a.Slug)}
	aliasOf := ""
	if ref.ID != pid {
		aliasOf = pid
	}
	if ref.State == store.ParagraphDeleted {
		ts := ref.Tombstone
		out := apiTombstone{
			ID:      ts.ID,
			Kind:    string(ts.Kind),
			Text:    ts.Text,
			URL:     base + paragraphPath(a.Slug, ts.ID),
			Deleted: true,
			AliasOf: aliasOf,
			Article: art,
		}
		if ts.Neighbour != "" {
			u := base + paragraphPath(a.Slug, ts.Neighbour)
			out.Neighbour, out.NeighbourURL = &ts.Neighbour, &u
		}
		s.writeJSON(w, r, http.StatusOK, out)
		return
	}
	pg, b, err := s.liveBlock(r, pageFrom(r.Context()), ref.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a = &pg.Article
	art.Title = a.Title
	s.writeJSON(w, r, http.StatusOK, apiParagraphOne{
		apiParagraph: newAPIParagraph(base, a.Slug, b),
		AliasOf:      aliasOf,
		Article:      art,
	})
}
