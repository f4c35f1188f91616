package web

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// securityHeaders sets a strict policy on every response: pages use only
// their own stylesheet, icon and script, talk only to their own origin
// (the script's calls to the API, to save a passage and say where the
// reader is; tools that read /robots.txt from the page), cannot be
// framed, and leak little.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		next.ServeHTTP(w, r)
	})
}

// inTurn works on at most cap(s.turns) of the requests behind it at once
// (the library, search, and article and paragraph pages, and the API's
// equivalents: the requests that take the CPU) and makes the others wait
// their turn, in order of arrival. Go shares the CPU among everything
// under way, so on a busy room a search, which takes many times the
// work of a page, would be stretched by every page and search beside it
// and finish last; in turn, each request waits for those before it and
// then runs with the CPU nearly to itself, and the slowest answers come
// much sooner (docs/benchmarks.md).
//
// A turn lasts s.turnLength at most: a request still at work then (a
// search far broader than most, which may run for up to SearchTimeout)
// gives its turn to the next and carries on sharing the CPU, so no one
// waits long behind it. A reader who leaves while waiting is not worked
// on, and is logged as gone (499), as fail does.
func (s *server) inTurn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.turns <- struct{}{}:
		case <-r.Context().Done():
			w.WriteHeader(statusClientClosed)
			return
		}
		var once sync.Once
		leave := func() { once.Do(func() { <-s.turns }) }
		over := time.AfterFunc(s.turnLength, leave)
		defer func() {
			over.Stop()
			leave()
		}()
		next.ServeHTTP(w, r)
	})
}

// turnLength is how long a request keeps its turn (inTurn): several times
// the longest a search takes at 100,000 articles under load (p99 under 10
// ms, docs/benchmarks.md).
const turnLength = 50 * time.Millisecond

// headAsGet answers HEAD as GET, for link checkers and uptime probes; the
// server itself drops the body. (chi's GetHead misses routes inside
// mounted subrouters.)
func headAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			r = r.Clone(r.Context())
			r.Method = http.MethodGet
		}
		next.ServeHTTP(w, r)
	})
}

// recorder remembers the status and size of a response for the log, and
// whether anything has been written, for the panic handler.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(p []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(p)
	rec.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

// logRequests logs one line per request. It logs the path only: query
// strings may one day carry things that do not belong in a log.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		if clientGone(r) && status >= http.StatusInternalServerError {
			// A failure that was only the client leaving is not one.
			status = statusClientClosed
		}
		s.log.InfoContext(r.Context(), "http request",
			"method", r.Method,
			"path", loggedPath(r.URL.Path),
			"status", status,
			"bytes", rec.bytes,
			"duration", time.Since(start),
		)
	})
}

// loggedPath is a request's path as the log may keep it: a feed's address
// is its reader's secret, so it is left out.
func loggedPath(p string) string {
	if strings.HasPrefix(p, feedPrefix) {
		return feedPrefix + "…"
	}
	return p
}

// recoverer turns a panic in a handler into a logged error and a 500 page,
// unless the handler had already started its response.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec, ok := w.(*recorder)
		if !ok {
			rec = &recorder{ResponseWriter: w}
		}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // the server's signal to drop the connection
			}
			err := fmt.Errorf("web: panic: %v", v)
			s.log.ErrorContext(r.Context(), "panic serving request",
				"method", r.Method, "path", r.URL.Path, "err", err, "stack", string(debug.Stack()))
			if rec.status != 0 {
				return // too late for an error page
			}
			s.failQuietly(rec, r, err)
		}()
		next.ServeHTTP(rec, r)
	})
}
