package web

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/templates"
)

// loadArticle loads the article named by the route's {slug} once and puts
// it in the request context for the handlers behind it.
func (s *server) loadArticle(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.db.Article(r.Context(), chi.URLParam(r, "slug"))
		if readingroom.ErrorCode(err) == readingroom.ENOTFOUND {
			// The store's message names the slug; ours speaks to a reader.
			err = readingroom.Errorf(readingroom.ENOTFOUND, "We couldn't find that article")
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(withArticle(r.Context(), a)))
	})
}

// article shows an article.
func (s *server) article(w http.ResponseWriter, r *http.Request) {
	a := articleFrom(r.Context())
	s.renderPage(w, r, templates.Article(s.articlePage(a, "")))
}

// paragraph shows an article with the block a permalink names marked.
func (s *server) paragraph(w http.ResponseWriter, r *http.Request) {
	a := articleFrom(r.Context())
	pid := chi.URLParam(r, "pid")
	if !readingroom.ValidParagraphID(pid) || !hasBlock(a, pid) {
		s.fail(w, r, readingroom.Errorf(readingroom.ENOTFOUND, "We couldn't find that paragraph"))
		return
	}
	s.renderPage(w, r, templates.Article(s.articlePage(a, pid)))
}

func hasBlock(a *readingroom.Article, id string) bool {
	for _, b := range a.Blocks {
		if b.ID == id {
			return true
		}
	}
	return false
}

// articlePage builds the article's view model, marking the block with id
// marked, if any.
func (s *server) articlePage(a *readingroom.Article, marked string) templates.ArticlePage {
	date := templates.NewDate(a.Published)
	p := templates.ArticlePage{
		Page:        s.page(a.Title, describe(a)),
		Title:       a.Title,
		Standfirst:  a.Standfirst,
		Byline:      a.Byline,
		Date:        date,
		Publication: a.Publication,
		ReadingTime: templates.ReadingTime(a.WordCount()),
		Books:       a.Books,
		Colophon:    templates.Colophon(date, a.Publication, a.IssueTitle),
	}
	p.Canonical = s.base + articlePath(a.Slug)

	seenParagraph := false
	for _, b := range a.Blocks {
		v := templates.Block{
			ID:        b.ID,
			Kind:      b.Kind,
			Text:      b.Text,
			Number:    b.Number,
			Credit:    b.Credit,
			Permalink: paragraphPath(a.Slug, b.ID) + "#p-" + b.ID,
			Marked:    marked != "" && b.ID == marked,
		}
		// A caption before the first paragraph belongs to the lead image,
		// whose credit the dump may give only on the line before it.
		if b.Kind == readingroom.KindCaption && !seenParagraph && p.Lead == nil {
			if v.Credit == "" {
				v.Credit = a.ImageCredit
			}
			p.Lead = &v
			continue
		}
		if b.Kind == readingroom.KindParagraph {
			seenParagraph = true
		}
		p.Blocks = append(p.Blocks, v)
	}
	return p
}

// describeLen bounds the meta description, about what search engines show.
const describeLen = 200

// describe is the article's meta description: its standfirst, else the
// start of its first paragraph, cut at a word.
func describe(a *readingroom.Article) string {
	d := a.Standfirst
	if d == "" {
		if ps := a.Paragraphs(); len(ps) > 0 {
			d = ps[0].Text
		}
	}
	if len(d) <= describeLen {
		return d
	}
	cut := strings.ToValidUTF8(d[:describeLen], "")
	if i := strings.LastIndexByte(cut, ' '); i > describeLen/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}
