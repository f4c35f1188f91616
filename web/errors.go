package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/templates"
)

// This file is the one place where errors become HTTP statuses and the
// pages and JSON bodies that explain them.

// statusOf maps an error's code to its HTTP status.
func statusOf(err error) int {
	switch readingroom.ErrorCode(err) {
	case readingroom.ENOTFOUND:
		return http.StatusNotFound
	case readingroom.EINVALID:
		return http.StatusBadRequest
	case readingroom.ECONFLICT:
		return http.StatusConflict
	case readingroom.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case readingroom.EFORBIDDEN:
		return http.StatusForbidden
	case readingroom.EGONE:
		return http.StatusGone
	case readingroom.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case readingroom.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// explanation is what an error page says beyond its heading, and the
// <title> it carries, per status.
var explanations = map[int]struct{ title, help string }{
	http.StatusBadRequest:            {"Bad request", "Please check the address and try again."},
	http.StatusUnauthorized:          {"Sign in", "Please sign in and try again."},
	http.StatusForbidden:             {"Refused", "Your account may not do this. An administrator of this room can."},
	http.StatusNotFound:              {"Not found", "The link may be mistyped, or what it pointed to may have moved."},
	http.StatusMethodNotAllowed:      {"Not allowed", "This address can be read but not changed that way."},
	http.StatusConflict:              {"Conflict", "Something changed at the same time. Please reload and try again."},
	http.StatusGone:                  {"Deleted", "It was deleted from this room on purpose, and its address will not be given to anything else."},
	http.StatusRequestEntityTooLarge: {"Too large", "That was more than the room accepts at once. Please send less."},
	http.StatusUnprocessableEntity:   {"Not done", "Nothing was changed. Please go back, correct it and try again."},
	http.StatusTooManyRequests:       {"Too many tries", "Please wait a while and try again."},
	http.StatusInternalServerError:   {"Something went wrong", "Please try again in a moment."},
}

// fieldHeading is the heading of a page for an error in one field of a
// request with the given status.
func fieldHeading(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "Part of that address isn't right"
	case http.StatusRequestEntityTooLarge:
		return "That was too much at once"
	}
	return "That couldn't be saved"
}

// crossSiteHelp explains a request the cross-origin protection refused.
const crossSiteHelp = "It seemed to come from another site. If you followed a link or sent a form from elsewhere, start again from the library."

// isAPI reports whether r wants JSON rather than a page.
func isAPI(r *http.Request) bool {
	return r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/")
}

// fail answers r with the status err maps to: a JSON error under /api/, a
// friendly page elsewhere. Internal errors are logged in full and shown
// only as a generic sentence.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if clientGone(r) {
		// The client hung up, and what it asked for stopped with it:
		// nothing went wrong here, and no one is left to answer.
		s.log.DebugContext(r.Context(), "request cancelled by the client", "method", r.Method, "path", r.URL.Path, "err", err)
		w.WriteHeader(statusClientClosed)
		return
	}
	if statusOf(err) == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.failQuietly(w, r, err)
}

// statusClientClosed is the status logged for a request whose
// client went away before it was answered (nginx's 499); it never reaches
// a client that is still there.
const statusClientClosed = 499

// clientGone reports whether r's client has gone: its context was
// cancelled, which the server does when the connection closes. The
// handlers set no deadlines of their own on it.
func clientGone(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.Canceled)
}

// failQuietly is fail for an error that has already been logged.
func (s *server) failQuietly(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusUnauthorized && isAPI(r) && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Reading Room"`)
	}
	if status == http.StatusInternalServerError {
		// ErrorMessage of an internal error is a generic sentence.
		s.respondError(w, r, status, readingroom.EINTERNAL, "Something went wrong", readingroom.ErrorMessage(err))
		return
	}
	s.respondErrorField(w, r, status, readingroom.ErrorCode(err), readingroom.ErrorMessage(err), "", readingroom.ErrorField(err))
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, readingroom.Errorf(readingroom.ENOTFOUND, "We couldn't find that page"))
}

func (s *server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", strings.Join(s.allowed(r.URL.Path), ", "))
	help := "This address can be read but not changed that way."
	if r.Method == http.MethodGet {
		help = "This address takes a form, not a visit."
	}
	s.respondError(w, r, http.StatusMethodNotAllowed, "method_not_allowed", "That can't be done here", help)
}

// allowed lists the methods the router has a route for at path.
func (s *server) allowed(path string) []string {
	var methods []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if s.router.Match(chi.NewRouteContext(), m, path) {
			methods = append(methods, m)
			if m == http.MethodGet {
				methods = append(methods, http.MethodHead)
			}
		}
	}
	return methods
}

// forbidden answers requests the cross-origin protection turned away.
func (s *server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.respondError(w, r, http.StatusForbidden, "forbidden", "That request was refused", crossSiteHelp)
}

// respondError writes the error response. heading is the user-facing
// sentence (the JSON message); help, if empty, is the status's stock
// explanation.
func (s *server) respondError(w http.ResponseWriter, r *http.Request, status int, code, heading, help string) {
	s.respondErrorField(w, r, status, code, heading, help, "")
}

// respondErrorField is respondError for an error in one field of the
// request, which the JSON body names as "field".
func (s *server) respondErrorField(w http.ResponseWriter, r *http.Request, status int, code, heading, help, field string) {
	w.Header().Set("Cache-Control", "no-store")
	if isAPI(r) {
		e := map[string]string{"code": code, "message": heading}
		if field != "" {
			e["field"] = field
		}
		s.writeJSON(w, r, status, map[string]map[string]string{"error": e})
		return
	}
	ex, ok := explanations[status]
	if !ok {
		ex = explanations[http.StatusInternalServerError]
	}
	if help == "" {
		help = ex.help
	}
	if field != "" {
		// A field's message says what to correct, which is the page's
		// text; its heading is a sentence about the request.
		heading, help = fieldHeading(status), heading
	}
	p := templates.ErrorPage{
		Page:    s.page(r, ex.title, ""),
		Status:  status,
		Heading: heading,
		Message: help,
	}
	if err := s.render(w, r, status, templates.Error(p)); err != nil {
		if clientGone(r) {
			w.WriteHeader(statusClientClosed) // no one left to tell
			return
		}
		// The error page itself failed: say so plainly, without detail.
		s.log.ErrorContext(r.Context(), "render error page", "path", r.URL.Path, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(http.StatusText(status) + "\n"))
	}
}
