package web

import (
	"net/http"
	"time"

	"github.com/readingroom/readingroom"
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
}

type apiArticle struct {
	Slug           string         `json:"slug"`
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
	q := r.URL.Query()
	page, ok := pageNumber(q.Get("page"), 1)
	if !ok {
		s.fail(w, r, readingroom.Errorf(readingroom.EINVALID, "page must be a whole number from 1"))
		return
	}
	perPage, ok := pageNumber(q.Get("per_page"), apiPerPage)
	if !ok || perPage > apiMaxPerPage {
		s.fail(w, r, readingroom.Errorf(readingroom.EINVALID, "per_page must be a whole number from 1 to %d", apiMaxPerPage))
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

// apiArticle returns one article with all its blocks.
func (s *server) apiArticle(w http.ResponseWriter, r *http.Request) {
	a := articleFrom(r.Context())
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
		ReadingMinutes: readingroom.ReadingMinutes(a.WordCount()),
		Paragraphs:     make([]apiParagraph, 0, len(a.Blocks)),
	}
	for _, b := range a.Books {
		out.Books = append(out.Books, apiBook{Title: b.Title, Author: b.Author, Details: b.Details})
	}
	for _, b := range a.Blocks {
		out.Paragraphs = append(out.Paragraphs, apiParagraph{
			ID:     b.ID,
			Kind:   string(b.Kind),
			Text:   b.Text,
			URL:    base + paragraphPath(a.Slug, b.ID),
			Number: b.Number,
			Credit: b.Credit,
		})
	}
	s.writeJSON(w, r, http.StatusOK, out)
}
