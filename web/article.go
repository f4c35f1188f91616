package web

import (
	"fmt"
	"net/http"
	"net/url"
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

// loadArticle loads the article named by the route's {slug} once and puts
// it in the request context for the handlers behind it.
func (s *server) loadArticle(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// chi matches on the escaped path, so a slug in another script may
		// arrive percent-encoded (in either case): decode it.
		slug, err := url.PathUnescape(chi.URLParam(r, "slug"))
		var a *readingroom.Article
		if err == nil {
			a, err = s.db.Article(r.Context(), slug)
		} else {
			err = readingroom.Errorf(readingroom.ENOTFOUND, "bad slug")
		}
		if readingroom.ErrorCode(err) == readingroom.ENOTFOUND {
			// The store's message names the slug; ours speaks to a reader,
			// and says so when the article was deleted.
			err = s.goneOrNotFound(r, slug)
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
	p := s.articlePage(r, a, "")
	if err := s.addReader(r, a, &p); err != nil {
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
	a := articleFrom(r.Context())
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
		p := s.articlePage(r, a, "")
		p.Removed = &templates.Removed{Kind: ts.Kind, Text: ts.Text}
		if ts.Neighbour != "" {
			p.Removed.NeighbourURL = paragraphPath(a.Slug, ts.Neighbour) + "#p-" + ts.Neighbour
		}
		p.Description = excerpt(ts.Text, describeLen)
		p.Preview.Description = p.Description
		p.Preview.URL = base + paragraphPath(a.Slug, ts.ID)
		p.Preview.Image = p.Preview.URL + "/card.png"
		p.Preview.ImageAlt = paragraphCardAlt(a, ts.Text)
		if err := s.addReader(r, a, &p); err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderPage(w, r, templates.Article(p))
		return
	}
	a, b, err := s.liveBlock(r, a, ref.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.articlePage(r, a, ref.ID)
	p.Shared = &templates.Block{ID: b.ID, Kind: b.Kind, Text: b.Text}
	// A paragraph's own link previews that paragraph, not the article,
	// with an image of its words.
	p.Description = excerpt(b.Text, describeLen)
	p.Preview.Description = p.Description
	p.Preview.URL = base + paragraphPath(a.Slug, ref.ID)
	p.Preview.Image = p.Preview.URL + "/card.png"
	p.Preview.ImageAlt = paragraphCardAlt(a, b.Text)
	if err := s.addReader(r, a, &p); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPage(w, r, templates.Article(p))
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

// liveBlock returns the block with the live id in a, or, when a was read
// before a re-import that made the id (the id resolved in a later read),
// in the article read again, which it returns too.
func (s *server) liveBlock(r *http.Request, a *readingroom.Article, id string) (*readingroom.Article, readingroom.Block, error) {
	if b, ok := blockByID(a, id); ok {
		return a, b, nil
	}
	fresh, err := s.db.Article(r.Context(), a.Slug)
	if err != nil {
		return nil, readingroom.Block{}, err
	}
	b, ok := blockByID(fresh, id)
	if !ok {
		return nil, readingroom.Block{}, fmt.Errorf("web: paragraph %s/%s: live id not in the article", a.Slug, id)
	}
	return fresh, b, nil
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

// articlePage builds the article's view model, marking the block with id
// marked, if any. Its preview describes the article as a whole.
func (s *server) articlePage(r *http.Request, a *readingroom.Article, marked string) templates.ArticlePage {
	base := s.baseURL(r)
	date := templates.NewDate(a.Published)
	p := templates.ArticlePage{
		Page:        s.page(r, a.Title, describe(a)),
		Title:       a.Title,
		Standfirst:  a.Standfirst,
		Byline:      a.Byline,
		Date:        date,
		Publication: a.Publication,
		ReadingTime: templates.ReadingTime(a.WordCount()),
		Books:       a.Books,
		Colophon:    templates.Colophon(date, a.Publication, a.IssueTitle),
		URL:         base + articlePath(a.Slug),
	}
	p.Canonical = p.URL
	if userFrom(r.Context()).IsAdmin() {
		p.DeleteURL = deletePath(a.Slug)
	}
	p.Preview = &templates.Preview{
		Title:       a.Title,
		Description: p.Description,
		URL:         p.URL,
		Type:        "article",
		Image:       base + articlePath(a.Slug) + "/card.png",
		ImageAlt:    "The article " + a.Title + ": " + describe(a),
		ImageWidth:  templates.CardWidth,
		ImageHeight: templates.CardHeight,
	}
	if !a.Published.IsZero() {
		p.Preview.Published = a.Published.Format(time.DateOnly)
	}

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
	return p
}

// outlineMinSections is how many sections an article needs before it gets
// an outline.
const outlineMinSections = 3

// describeLen bounds descriptions in characters, about what search
// engines and link previews show.
const describeLen = 200

// describe is the article's description: its standfirst, else the start of
// its first paragraph.
func describe(a *readingroom.Article) string {
	d := a.Standfirst
	if d == "" {
		if ps := a.Paragraphs(); len(ps) > 0 {
			d = ps[0].Text
		}
	}
	return excerpt(d, describeLen)
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
