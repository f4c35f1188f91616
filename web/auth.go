package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/static"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// sessionCookie holds a signed-in browser's session token.
const sessionCookie = "rr_session"

// maxFormBytes bounds the body of the account forms.
const maxFormBytes = 64 << 10

// loadUser finds who is making the request, once, and puts them in its
// context (see viewerFrom and userFrom). Under /api/, an Authorization:
// Bearer header is the only credential looked at, and a bad token is a
// 401 whatever the route: a script learns at once that its token was
// revoked. Elsewhere the session cookie is; a cookie whose session has
// ended is cleared and the request goes on with no one signed in.
func (s *server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/healthz" || strings.HasPrefix(p, static.Prefix) {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		if token, ok := bearerToken(r); ok && isAPI(r) {
			u, t, err := s.db.TokenUser(ctx, token)
			if err != nil {
				if readingroom.ErrorCode(err) == readingroom.EUNAUTHORIZED {
					// RFC 6750: a token was sent, and it is no good.
					w.Header().Set("WWW-Authenticate", `Bearer realm="Reading Room", error="invalid_token"`)
				}
				s.fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(withViewer(ctx, viewer{User: u, TokenID: t.ID})))
			return
		}
		c, err := r.Cookie(sessionCookie)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		u, sess, err := s.db.SessionUser(ctx, c.Value)
		switch readingroom.ErrorCode(err) {
		case "":
			ctx = withViewer(ctx, viewer{User: u, SessionID: sess.ID})
			if sess.Touched {
				// The session lives 30 days from its last use: so does
				// the cookie.
				s.setSessionCookie(w, r, c.Value)
			}
		case readingroom.EUNAUTHORIZED:
			s.clearSessionCookie(w, r)
		default:
			s.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// bearerToken returns the token of an Authorization: Bearer header.
func bearerToken(r *http.Request) (string, bool) {
	// An empty token ("Bearer" alone) is a bad token, not none at all.
	scheme, token, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// requireUser lets through only requests made by an account. Anyone else
// is sent to sign in and brought back (a page), or answered 401 (the API).
func (s *server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if userFrom(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		if isAPI(r) {
			s.fail(w, r, readingroom.Errorf(readingroom.EUNAUTHORIZED, "Sign in, or send an API token as Authorization: Bearer TOKEN."))
			return
		}
		back := ""
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			back = returnPath(r)
		}
		http.Redirect(w, r, signinPath(back), http.StatusSeeOther)
	})
}

// requireAdmin lets through only requests made by an admin: anyone not
// signed in is treated as by requireUser; a reader is refused (403).
func (s *server) requireAdmin(next http.Handler) http.Handler {
	return s.requireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !userFrom(r.Context()).IsAdmin() {
			s.fail(w, r, readingroom.Errorf(readingroom.EFORBIDDEN, "Only an administrator can do that"))
			return
		}
		next.ServeHTTP(w, r)
	}))
}

// returnPath is where to come back to after signing in: the request's
// path and query and, for a paragraph's permalink, the fragment that
// brings the paragraph into view, which the browser never sent.
func returnPath(r *http.Request) string {
	p := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	if rest, ok := strings.CutPrefix(r.URL.Path, "/a/"); ok && r.URL.RawQuery == "" {
		if _, pid, ok := strings.Cut(rest, "/p/"); ok && readingroom.ValidParagraphID(pid) {
			p += "#p-" + pid
		}
	}
	return p
}

// signinPath is the sign-in page, coming back to next after.
func signinPath(next string) string {
	if next == "" || next == "/" {
		return "/signin"
	}
	return "/signin?next=" + url.QueryEscape(next)
}

// localPath returns next if it is a path on this site, and "/" otherwise:
// a sign-in link must never send anyone to another site.
func localPath(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	for _, c := range next {
		// Browsers drop tabs and line breaks from URLs, so "/\t/evil"
		// would become "//evil".
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// secureCookies reports whether cookies for r need the Secure flag: when
// the room is served over TLS, or told it is by an https base URL.
func (s *server) secureCookies(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.base, "https://")
}

func (s *server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   int(store.SessionIdle / time.Second),
		HttpOnly: true,
		Secure:   s.secureCookies(r),
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.secureCookies(r),
		SameSite: http.SameSiteLaxMode,
	})
}

// startSession signs u in on this browser, ending the session the request
// came with, if any: a sign-in always gets a fresh token.
func (s *server) startSession(w http.ResponseWriter, r *http.Request, u *readingroom.User) error {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.db.EndSessionToken(r.Context(), c.Value); err != nil {
			return err
		}
	}
	token, err := s.db.CreateSession(r.Context(), u.ID, r.UserAgent(), s.clientIP(r).String())
	if err != nil {
		return err
	}
	s.setSessionCookie(w, r, token)
	return nil
}

// parseForm reads a form body of at most maxFormBytes. Its error is one
// to show: a body too large, or one that is not a form.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return readingroom.Errorf(readingroom.ETOOLARGE, "That form was larger than the room accepts")
		}
		return readingroom.Errorf(readingroom.EINVALID, "That form could not be read")
	}
	return nil
}

// signinForm shows the sign-in page; someone already signed in goes
// straight on.
func (s *server) signinForm(w http.ResponseWriter, r *http.Request) {
	next := localPath(r.URL.Query().Get("next"))
	if userFrom(r.Context()) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderSignin(w, r, http.StatusOK, next, "", "")
}

func (s *server) renderSignin(w http.ResponseWriter, r *http.Request, status int, next, name, problem string) {
	hasUsers, err := s.db.HasUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := templates.SigninPage{
		Page:    s.page(r, "Sign in", ""),
		Next:    next,
		Name:    name,
		Problem: problem,
		NoUsers: !hasUsers,
	}
	p.NoIndex = true
	p.SignInURL = "" // this is the page
	noStore(w)
	if err := s.render(w, r, status, templates.Signin(p)); err != nil {
		s.fail(w, r, err)
	}
}

// signin checks a name and password and, if they match, starts a session
// and goes on to the form's next page. Failures are counted per client
// address and per name; past the limit the answer is 429 until the wait
// is over, whatever the password.
func (s *server) signin(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	name, password := r.PostForm.Get("name"), r.PostForm.Get("password")
	next := localPath(r.PostForm.Get("next"))
	ip := s.clientIP(r)
	if wait, blocked := s.limits.blocked(ip, name); blocked {
		s.tooManyAttempts(w, r, wait)
		return
	}
	u, err := s.db.Authenticate(r.Context(), name, password)
	if readingroom.ErrorCode(err) == readingroom.EUNAUTHORIZED {
		s.limits.failed(r, ip, name)
		s.log.InfoContext(r.Context(), "failed sign-in", "ip", ip.String())
		s.renderSignin(w, r, http.StatusUnprocessableEntity, next, name, readingroom.ErrorMessage(err))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// tooManyAttempts is the 429 answer, saying when to try again.
func (s *server) tooManyAttempts(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int((wait + time.Second - 1) / time.Second)
	minutes := (secs + 59) / 60
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.respondError(w, r, http.StatusTooManyRequests, "rate_limited", "Too many failed sign-ins",
		fmt.Sprintf("To keep passwords from being guessed, signing in from here, or to this account, is paused. Please try again in %d minutes.", minutes))
}

// signout ends the browser's session and clears its cookie.
func (s *server) signout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.db.EndSessionToken(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w, r)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// noStore keeps a response out of every cache: it shows account data.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
}
