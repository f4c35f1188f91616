package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/readingroom/readingroom/static"
	"github.com/readingroom/readingroom/templates"
)

// page is the layout's view model for a page titled title, shown to
// whoever made r.
func (s *server) page(r *http.Request, title, description string) templates.Page {
	return templates.Page{
		Title:       title,
		Description: description,
		CSSPath:     s.assets.Path("app.css"),
		IconPath:    s.assets.Path("favicon.svg"),
		ScriptPath:  s.assets.Path("app.js"),
		User:        userFrom(r.Context()),
		SignInURL:   signinLink(r),
		Path:        localPath(r.URL.RequestURI()),
	}
}

// signinLink is the header's Sign in link on the page for r: back to the
// page after, if it is one that can be asked for again.
func signinLink(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return signinPath("")
	}
	return signinPath(localPath(returnPath(r)))
}

// render renders c in full before writing anything, so that a failure
// halfway leaves the response untouched for an error page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return fmt.Errorf("web: render: %w", err)
	}
	body := buf.Bytes()
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// A page differs by who asks: one for a signed-in reader shows their
	// name, and is kept by no cache.
	h.Add("Vary", "Cookie")
	h.Add("Vary", "Accept-Encoding")
	if enc := static.Negotiate(r); enc != static.Identity && len(body) >= minCompress {
		body = static.Compress(enc, body, static.Fast)
		h.Set("Content-Encoding", string(enc))
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if userFrom(r.Context()) != nil {
		noStore(w)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}

// minCompress is the smallest page worth compressing: below it, the
// coding's own bytes eat most of the gain.
const minCompress = 1024

// renderPage renders c with status 200, or the 500 page if that fails.
func (s *server) renderPage(w http.ResponseWriter, r *http.Request, c templ.Component) {
	if err := s.render(w, r, http.StatusOK, c); err != nil {
		s.fail(w, r, err)
	}
}

// writeJSON writes v as JSON with status.
func (s *server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.ErrorContext(r.Context(), "encode json", "path", r.URL.Path, "err", err)
		status = http.StatusInternalServerError
		body = []byte(`{"error":{"code":"internal","message":"Something went wrong on our side. Please try again."}}`)
	}
	body = append(body, '\n')
	h := w.Header()
	if userFrom(r.Context()) != nil {
		noStore(w) // an answer to an account, by session or token
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
