package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/static"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// loadArticle loads the article named by the route's {slug} once, with
// the blocks of the page ?page= names (the first by default), and puts it
// in the request context for the handlers behind it. Only one page is
// ever loaded, so no request holds more than a page of any article.
func (s *server) loadArticle(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		params, n, err := queryPage(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		// chi matches on the escaped path, so a slug in another script may
		// arrive percent-encoded (in either case): decode it.
		slug, err := url.PathUnescape(chi.URLParam(r, "slug"))
		var p *store.ArticlePage
		if err == nil {
			p, err = s.loadPage(r, slug, n, params.Has("page"))
		} else {
			err = readingroom.Errorf(readingroom.ENOTFOUND, "bad slug")
		}
		switch {
		case errors.Is(err, store.ErrNoSuchPage):
			err = readingroom.Errorf(readingroom.ENOTFOUND, "This article has no page %d", n)
		case readingroom.ErrorCode(err) == readingroom.ENOTFOUND:
			// The store's message names the slug; ours speaks to a reader,
			// and says so when the article was deleted.
			err = s.goneOrNotFound(r, slug)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(withArticle(r.Context(), p)))
	})
}

// loadPage loads page n of the article at slug; but for a paragraph's
// route with no page asked for, the page that holds the paragraph, if it
// is a live one, so that the handler need not load a second page.
func (s *server) loadPage(r *http.Request, slug string, n int, asked bool) (*store.ArticlePage, error) {
	if pid := chi.URLParam(r, "pid"); pid != "" && !asked && readingroom.ValidParagraphID(pid) {
		p, err := s.db.ArticlePageOf(r.Context(), slug, pid)
		if readingroom.ErrorCode(err) != readingroom.ENOTFOUND {
			return p, err
		}
		// Retired, never there, or no such article: the first page, and
		// the handler says which.
	}
	return s.db.ArticlePage(r.Context(), slug, n)
}

// article shows a page of an article.
func (s *server) article(w http.ResponseWriter, r *http.Request) {
	pg := pageFrom(r.Context())
	p := s.articlePage(r, pg, "")
	if err := s.addReader(r, pg, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, templates.Article(p))
}

// paragraph answers a paragraph's permalink. A live block is shown marked
// in its article; a retired id that lives on in another block redirects
// there for good; a deleted one shows the article with what it said. Only
// an id the article never had is not found.
func (s *server) paragraph(w http.ResponseWriter, r *http.Request) {
	pg := pageFrom(r.Context())
	a := &pg.Article
	pid := chi.URLParam(r, "pid")
	ref, err := s.resolveParagraph(r, a, pid)
	if readingroom.ErrorCode(err) == readingroom.ENOTFOUND {
		s.paragraphNotFound(w, r, a)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ref.ID != pid {
		// No fragment: the browser keeps the one the link had (such as a
		// #:~:text= passage) across the redirect.
		http.Redirect(w, r, paragraphPath(a.Slug, ref.ID), http.StatusMovedPermanently)
		return
	}
	base := s.baseURL(r)
	if ref.State == store.ParagraphDeleted {
		ts := ref.Tombstone
		p := s.articlePage(r, pg, "")
		p.Removed = &templates.Removed{Kind: ts.Kind, Text: ts.Text}
		if ts.Neighbour != "" {
			p.Removed.NeighbourURL = paragraphPath(a.Slug, ts.Neighbour) + "#p-" + ts.Neighbour
		}
		previewParagraph(&p, base, a, ts.ID, ts.Text)
		if err := s.addReader(r, pg, &p); err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderPage(w, r, templates.Article(p))
		return
	}
	pg, b, err := s.liveBlock(r, pg, ref.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a = &pg.Article
	p := s.articlePage(r, pg, ref.ID)
	p.Shared = &templates.Block{ID: b.ID, Kind: b.Kind, Text: b.Text}
	previewParagraph(&p, base, a, ref.ID, b.Text)
	if err := s.addReader(r, pg, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, templates.Article(p))
}

// previewParagraph makes p, a page for the paragraph id of a, preview
// that paragraph rather than the article, with an image of its words.
func previewParagraph(p *templates.ArticlePage, base string, a *readingroom.Article, id, text string) {
	p.Description = excerpt(text, describeLen)
	p.Preview.Description = p.Description
	p.Preview.URL = base + paragraphPath(a.Slug, id)
	p.Preview.Image = p.Preview.URL + "/card.png"
	p.Preview.ImageAlt = paragraphCardAlt(a, text)
}

// paragraphNotFound answers a paragraph id the article never had (a
// mistyped or cut link): a 404 that leads to the article and offers a
// search in it.
func (s *server) paragraphNotFound(w http.ResponseWriter, r *http.Request, a *readingroom.Article) {
	p := templates.ErrorPage{
		Page:    s.page(r, "Paragraph not found", ""),
		Status:  http.StatusNotFound,
		Heading: "We couldn't find that paragraph",
		Message: "The link may have been cut short or mistyped.",
		Article: &templates.ArticleRef{Title: a.Title, URL: articlePath(a.Slug), Slug: a.Slug},
	}
	p.NoIndex = true
	w.Header().Set("Cache-Control", "no-store")
	if err := s.render(w, r, http.StatusNotFound, templates.Error(p)); err != nil {
		s.fail(w, r, err)
	}
}

// resolveParagraph is store.Paragraph with a reader's not-found message.
// An alias whose chain ends at a tombstone resolves to the tombstone.
func (s *server) resolveParagraph(r *http.Request, a *readingroom.Article, pid string) (store.ParagraphRef, error) {
	notFound := readingroom.Errorf(readingroom.ENOTFOUND, "We couldn't find that paragraph")
	if !readingroom.ValidParagraphID(pid) {
		return store.ParagraphRef{}, notFound
	}
	ref, err := s.db.Paragraph(r.Context(), a.Slug, pid)
	if readingroom.ErrorCode(err) == readingroom.ENOTFOUND {
		return store.ParagraphRef{}, notFound
	}
	return ref, err
}

// liveBlock returns the block with the live id on the page p, or, when
// it is on another page (or p was read before a re-import that made the
// id), the page that holds it, which it returns too.
func (s *server) liveBlock(r *http.Request, p *store.ArticlePage, id string) (*store.ArticlePage, readingroom.Block, error) {
	if b, ok := blockByID(&p.Article, id); ok {
		return p, b, nil
	}
	other, err := s.db.ArticlePageOf(r.Context(), p.Slug, id)
	if err != nil {
		return nil, readingroom.Block{}, fmt.Errorf("web: paragraph %q/%q: %w", p.Slug, id, err)
	}
	b, ok := blockByID(&other.Article, id)
	if !ok {
		return nil, readingroom.Block{}, fmt.Errorf("web: paragraph %q/%q: live id not on its page", p.Slug, id)
	}
	return other, b, nil
}

func blockByID(a *readingroom.Article, id string) (readingroom.Block, bool) {
	for _, b := range a.Blocks {
		if b.ID == id {
			return b, true
		}
	}
	return readingroom.Block{}, false
}

// cardAlt describes the site's card image for those who cannot see it.
const cardAlt = "Reading Room: your library, one paragraph at a time."

// sitePreview is the preview of a page about the room itself (the library,
// search): the site's card.
func (s *server) sitePreview(r *http.Request, title, description, url string) *templates.Preview {
	return &templates.Preview{
		Title:       title,
		Description: description,
		URL:         url,
		Type:        "website",
		Image:       s.baseURL(r) + s.assets.Path("card.png"),
		ImageAlt:    cardAlt,
		ImageWidth:  static.CardWidth,
		ImageHeight: static.CardHeight,
	}
}

// paragraphCardAlt describes a paragraph's card image: its words, and
// where they are from.
func paragraphCardAlt(a *readingroom.Article, text string) string {
	return "“" + excerpt(text, describeLen) + "” From " + a.Title + "."
}

// articlePage builds the view model of a page of an article, marking the
// block with id marked, if any. Its preview describes the article as a
// whole.
func (s *server) articlePage(r *http.Request, pg *store.ArticlePage, marked string) templates.ArticlePage {
	a := &pg.Article
	base := s.baseURL(r)
	date := templates.NewDate(a.Published)
	title := a.Title
	if pg.Number > 1 {
		title += ", page " + strconv.Itoa(pg.Number)
	}
	p := templates.ArticlePage{
		Page:        s.page(r, title, describe(pg)),
		Title:       a.Title,
		Standfirst:  a.Standfirst,
		Byline:      a.Byline,
		Date:        date,
		Publication: a.Publication,
		ReadingTime: templates.ReadingTime(pg.WordCount),
		Books:       a.Books,
		Colophon:    templates.Colophon(date, a.Publication, a.IssueTitle),
		URL:         base + articlePath(a.Slug),
	}
	p.Canonical = base + articlePagePath(a.Slug, pg.Number)
	if pg.Pages > 1 {
		p.Pager = &templates.ArticlePager{Number: pg.Number, Pages: pg.Pages}
		if pg.Number > 1 {
			p.Pager.PrevURL = articlePagePath(a.Slug, pg.Number-1)
		}
		if pg.Number < pg.Pages {
			p.Pager.NextURL = articlePagePath(a.Slug, pg.Number+1)
		}
	}
	if userFrom(r.Context()).IsAdmin() {
		p.DeleteURL = deletePath(a.Slug)
	}
	p.Preview = articlePreview(base, pg, p.Description)
	addBlocks(&p, pg, base, marked)
	return p
}

// articlePreview is the link preview of an article's page: its title,
// description and card.
func articlePreview(base string, pg *store.ArticlePage, description string) *templates.Preview {
	a := &pg.Article
	v := &templates.Preview{
		Title:       a.Title,
		Description: description,
		URL:         base + articlePath(a.Slug),
		Type:        "article",
		Image:       base + articlePath(a.Slug) + "/card.png",
		ImageAlt:    "The article " + a.Title + ": " + describe(pg),
		ImageWidth:  templates.CardWidth,
		ImageHeight: templates.CardHeight,
	}
	if !a.Published.IsZero() {
		v.Published = a.Published.Format(time.DateOnly)
	}
	return v
}

// addBlocks gives p the blocks of its page, each with its links; the
// lead image's caption apart; and the outline of its headings, when
// there are enough of them.
func addBlocks(p *templates.ArticlePage, pg *store.ArticlePage, base, marked string) {
	a := &pg.Article
	seenParagraph := false
	for _, b := range a.Blocks {
		v := templates.Block{
			ID:        b.ID,
			Kind:      b.Kind,
			Text:      b.Text,
			Number:    b.Number,
			Credit:    b.Credit,
			Permalink: paragraphPath(a.Slug, b.ID) + "#p-" + b.ID,
			URL:       base + paragraphPath(a.Slug, b.ID),
			Marked:    marked != "" && b.ID == marked,
			Aliases:   b.Aliases,
		}
		// A caption before the first paragraph belongs to the lead image,
		// whose credit the dump may give only on the line before it.
		if b.Kind == readingroom.KindCaption && !seenParagraph && p.Lead == nil && pg.Number == 1 {
			if v.Credit == "" {
				v.Credit = a.ImageCredit
			}
			p.Lead = &v
			continue
		}
		if b.Kind == readingroom.KindParagraph {
			seenParagraph = true
		}
		if b.Kind == readingroom.KindHeading {
			text := b.Text
			if b.Number != "" {
				text = b.Number + ". " + text
			}
			p.Outline = append(p.Outline, templates.Link{Text: text, URL: "#" + v.Anchor()})
		}
		p.Blocks = append(p.Blocks, v)
	}
	if len(p.Outline) < outlineMinSections {
		p.Outline = nil
	}
}

// outlineMinSections is how many sections an article needs before it gets
// an outline.
const outlineMinSections = 3

// describeLen bounds descriptions in characters, about what search
// engines and link previews show.
const describeLen = 200

// describe is the article's description: its standfirst, else the start of
// its first paragraph.
func describe(p *store.ArticlePage) string {
	d := p.Standfirst
	if d == "" {
		d = p.FirstParagraph
	}
	return excerpt(d, describeLen)
}

// articlePagePath is the path of page n of the article at slug; page 1 is
// the article's own path.
func articlePagePath(slug string, n int) string {
	if n <= 1 {
		return articlePath(slug)
	}
	return articlePath(slug) + "?page=" + strconv.Itoa(n)
}

// excerpt is s with its white space collapsed, cut to at most limit
// characters (counting the ellipsis that marks a cut) at a word boundary.
func excerpt(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	cut := string(runes[:limit-1]) // one character is left for the ellipsis
	if !unicode.IsSpace(runes[limit-1]) {
		// Mid-word: drop the partial word, unless it is the only one.
		if i := strings.LastIndexByte(cut, ' '); i > 0 {
			cut = cut[:i]
		}
	}
	return strings.TrimRightFunc(cut, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:.-–—([{", r)
	}) + "…"
}
