package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/templates"
)

// deletePath is the page that deletes the article at slug.
func deletePath(slug string) string { return articlePath(slug) + "/delete" }

// goneOrNotFound is the error for a slug with no article: EGONE, naming
// the article, when an admin deleted the article that had it (and, for a
// paragraph's link, the article had that paragraph); otherwise ENOTFOUND.
func (s *server) goneOrNotFound(r *http.Request, slug string) error {
	notFound := readingroom.Errorf(readingroom.ENOTFOUND, "We couldn't find that article")
	d, err := s.db.DeletedArticle(r.Context(), slug)
	if readingroom.ErrorCode(err) == readingroom.ENOTFOUND {
		return notFound
	}
	if err != nil {
		return err
	}
	if pid := chi.URLParam(r, "pid"); pid != "" {
		had, err := s.db.HadParagraph(r.Context(), slug, pid)
		if err != nil {
			return err
		}
		if !had {
			return readingroom.Errorf(readingroom.ENOTFOUND, "We couldn't find that paragraph")
		}
	}
	return readingroom.Errorf(readingroom.EGONE, "“%s” was deleted from this room", d.Title)
}

// deleteForm asks an admin to confirm deleting the article.
func (s *server) deleteForm(w http.ResponseWriter, r *http.Request) {
	a := articleFrom(r.Context())
	p := templates.DeletePage{
		Page:       s.page(r, "Delete "+a.Title, ""),
		Title:      a.Title,
		ArticleURL: articlePath(a.Slug),
		Action:     deletePath(a.Slug),
	}
	p.NoIndex = true
	s.renderPage(w, r, templates.Delete(p))
}

// deleteArticle deletes the article, keeping its slug and paragraph ids
// retired, and goes back to the library.
func (s *server) deleteArticle(w http.ResponseWriter, r *http.Request) {
	a := articleFrom(r.Context())
	if err := s.db.DeleteArticle(r.Context(), a.Slug); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "article deleted", "slug", a.Slug, "by", userFrom(r.Context()).Name)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// apiDeleteArticle is DELETE /api/articles/{slug}: 204 when done.
func (s *server) apiDeleteArticle(w http.ResponseWriter, r *http.Request) {
	a := articleFrom(r.Context())
	if err := s.db.DeleteArticle(r.Context(), a.Slug); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "article deleted", "slug", a.Slug, "by", userFrom(r.Context()).Name)
	noStore(w)
	w.WriteHeader(http.StatusNoContent)
}
