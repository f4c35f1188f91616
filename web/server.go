// Package web is the reading room's HTTP face: the chi router, the page and
// JSON handlers, the middleware around them and the one place where errors
// become statuses.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/readingroom/readingroom/static"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// Config is what the web layer needs from main.
type Config struct {
	DB     *store.DB
	Logger *slog.Logger // nil means slog.Default()
	// BaseURL is the public address of the reading room, such as
	// https://read.example.org, used for absolute URLs in the API and for
	// canonical links. Empty means the scheme and host of each request,
	// for the hosts in AllowedHosts.
	// An https base URL also marks the session cookie Secure.
	BaseURL string
	// Private requires signing in for every page and API route but the
	// sign-in and setup pages, /healthz and static files.
	Private bool
	// SetupFromAnywhere lets /setup make the first account from any
	// address, not only from the machine the room runs on.
	SetupFromAnywhere bool
	// TrustedProxies are the peers whose X-Forwarded-For header is
	// believed when finding a client's address.
	TrustedProxies []netip.Prefix
	// InFlight is how many requests for reading pages and searches are
	// worked on at once; the rest wait their turn (inTurn). 0 means one
	// for each CPU the program may use, and at least two.
	InFlight int
	// AllowedHosts are the names (host, or host:port) the room answers
	// to when BaseURL is empty: absolute links are then made from the
	// request's Host, which must be one of these, or localhost,
	// 127.0.0.1 or [::1] on any port. Other requests get a 400. With a
	// BaseURL, any Host is answered.
	AllowedHosts []string
}

type server struct {
	db                *store.DB
	log               *slog.Logger
	base              string // BaseURL without a trailing slash; may be empty
	assets            *static.Assets
	private           bool
	setupFromAnywhere bool
	trustedProxies    []netip.Prefix
	hosts             []hostRule // the names answered to, without a base URL
	limits            *signinLimiter
	router            chi.Router // for the Allow header of a 405
	pages             *pageCache
	started           time.Time // pages made by this program are no older
	cards             *templates.CardRenderer
	drawing           chan struct{} // a token for each preview card being drawn
	turns             chan struct{} // a token for each reading request worked on (inTurn)
	turnLength        time.Duration // how long one keeps it at most
	sampled           sampleCache   // the search pages' examples
}

// New returns the reading room's HTTP handler.
func New(cfg Config) (http.Handler, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	return s.wrap(s.routes())
}

func newServer(cfg Config) (*server, error) {
	if cfg.DB == nil {
		return nil, errors.New("web: new: no database")
	}
	s := &server{
		db:                cfg.DB,
		log:               cfg.Logger,
		private:           cfg.Private,
		setupFromAnywhere: cfg.SetupFromAnywhere,
		trustedProxies:    cfg.TrustedProxies,
		limits:            newSigninLimiter(),
		pages:             newPageCache(pageCacheBytes),
		started:           time.Now(),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("web: new: base url: %w", err)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return nil, fmt.Errorf("web: new: base url %q: want http(s)://host[/path]", cfg.BaseURL)
		}
		s.base = strings.TrimRight(cfg.BaseURL, "/")
	}
	s.hosts = append(s.hosts, loopbackHosts...)
	for _, h := range cfg.AllowedHosts {
		rule, err := parseHostRule(h)
		if err != nil {
			return nil, fmt.Errorf("web: new: allowed host: %w", err)
		}
		s.hosts = append(s.hosts, rule)
	}
	assets, err := static.New()
	if err != nil {
		return nil, fmt.Errorf("web: new: %w", err)
	}
	s.assets = assets
	regular, bold, italic, err := static.Fonts()
	if err != nil {
		return nil, fmt.Errorf("web: new: %w", err)
	}
	if s.cards, err = templates.NewCardRenderer(regular, bold, italic); err != nil {
		return nil, fmt.Errorf("web: new: %w", err)
	}
	s.drawing = make(chan struct{}, 2)
	inFlight := cfg.InFlight
	if inFlight <= 0 {
		inFlight = max(2, runtime.GOMAXPROCS(0))
	}
	s.turns, s.turnLength = make(chan struct{}, inFlight), turnLength
	return s, nil
}

func (s *server) routes() chi.Router {
	r := chi.NewRouter()
	s.router = r
	// Set before the subrouters below, which inherit them when mounted.
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)
	r.Use(s.loadUser)

	// Open to everyone, even in a private room.
	r.Get("/healthz", s.healthz)
	r.Get("/robots.txt", s.robots)
	r.Handle(static.Prefix+"*", s.assets.Handler())
	r.Get("/signin", s.signinForm)
	r.Post("/signin", s.signin)
	r.Post("/signout", s.signout)
	r.Get(setupPath, s.setupForm)
	r.Post(setupPath, s.setup)
	// A feed reader has no session: the secret in the address is the key,
	// in a private room too.
	r.Get(feedPrefix+"{secret}.atom", s.feed)

	r.Group(func(r chi.Router) {
		if s.private {
			r.Use(s.requireUser)
		}
		r.With(s.inTurn).Get("/", s.library)
		r.Get(templates.GuidePath, s.guide)
		r.With(s.inTurn).Get("/search", s.search)
		r.Get(templates.SearchHelpPath, s.searchHelp)

		r.Route("/a/{slug}", func(r chi.Router) {
			r.With(s.inTurn, s.cachePages, s.loadArticle).Get("/", s.article)
			r.With(s.inTurn, s.cachePages, s.loadArticle).Get("/p/{pid}", s.paragraph)
			r.With(s.loadArticle).Get("/card.png", s.articleCard)
			r.With(s.loadArticle).Get("/p/{pid}/card.png", s.paragraphCard)
			// Admins only, asked before the article is looked up.
			r.With(s.requireAdmin, s.loadArticle).Get("/delete", s.deleteForm)
			r.With(s.requireAdmin, s.loadArticle).Post("/delete", s.deleteArticle)
			r.With(s.requireUser, s.loadArticle).Post("/position", s.stoppedHere)
		})

		r.With(s.requireAdmin).Get(importPath, s.importForm)
		r.With(s.requireAdmin).Post(importPath, s.importUpload)

		r.Route(listPath, func(r chi.Router) {
			r.Use(s.requireUser)
			r.Get("/", s.listPage)
			r.Post("/", s.saveForm)
			r.Get("/tags", s.tagsPage)
			r.Get("/export.md", s.exportMarkdown)
			r.Get("/export.json", s.exportAnnotations)
			r.Get("/import", s.listImportForm)
			r.Post("/import", s.listImportUpload)
			r.Post("/{id}", s.editItemForm)
			r.Post("/{id}/delete", s.deleteItemForm)
		})

		r.Route(accountPath, func(r chi.Router) {
			r.Use(s.requireUser)
			r.Get("/", s.account)
			r.Post("/password", s.changePassword)
			r.Post("/sessions/{id}/end", s.endSession)
			r.Post("/tokens", s.createToken)
			r.Post("/tokens/{id}/revoke", s.revokeToken)
			r.Post("/feed", s.newFeed)
		})

		r.Route("/api", func(r chi.Router) {
			r.With(s.inTurn).Get("/articles", s.apiArticles)
			r.With(s.inTurn).Get("/search", s.apiSearch)
			r.With(s.inTurn, s.loadArticle).Get("/articles/{slug}", s.apiArticle)
			r.With(s.inTurn, s.loadArticle).Get("/articles/{slug}/p/{pid}", s.apiParagraph)
			r.With(s.requireAdmin, s.loadArticle).Delete("/articles/{slug}", s.apiDeleteArticle)
			r.With(s.requireAdmin).Post("/import", s.apiImport)
			r.With(s.requireUser, s.loadArticle).Put("/articles/{slug}/position", s.apiSetPosition)
			r.Route("/list", func(r chi.Router) {
				r.Use(s.requireUser)
				r.Get("/", s.apiList)
				r.Post("/", s.apiSaveItem)
				r.Get("/export.md", s.exportMarkdown)
				r.Get("/export.json", s.exportAnnotations)
				r.Post("/import", s.apiImportList)
				r.Get("/{id}", s.apiGetItem)
				r.Patch("/{id}", s.apiPatchItem)
				r.Delete("/{id}", s.apiDeleteItem)
			})
		})
	})
	return r
}

// wrap puts the middleware every response passes through around h. The
// security headers go on before anything can fail, so that error and
// panic pages carry them too.
func (s *server) wrap(h http.Handler) (http.Handler, error) {
	cop := http.NewCrossOriginProtection()
	if s.base != "" {
		u, _ := url.Parse(s.base) // checked in newServer
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("web: new: trust base url: %w", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(s.forbidden))
	h = headAsGet(h)
	// Inside the cross-origin check, which refuses a forged request
	// before anything else answers it.
	h = noTrailingSlash(h)
	h = bearerOrSameOrigin(cop, h)
	h = s.recoverer(h)
	h = s.checkHost(h)
	h = securityHeaders(h)
	h = s.logRequests(h)
	return h, nil
}

// bearerOrSameOrigin refuses cross-origin requests that change state,
// except API requests with an Authorization: Bearer header: a browser
// never adds that header to a request another site makes it send (it is
// not ambient, as a cookie is), and such a request is judged by its token
// alone, never by a cookie.
func bearerOrSameOrigin(cop *http.CrossOriginProtection, h http.Handler) http.Handler {
	protected := cop.Handler(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := bearerToken(r); ok && isAPI(r) {
			h.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// robots answers /robots.txt: crawlers may read the library and its
// articles, not search results, the API or the account pages; in a private
// room, nothing.
func (s *server) robots(w http.ResponseWriter, r *http.Request) {
	body := "User-agent: *\nDisallow: /\n"
	if !s.private {
		body = "User-agent: *\n" +
			"Disallow: /api/\nDisallow: /search\nDisallow: /list\nDisallow: /account\nDisallow: /signin\n" +
			"Disallow: " + setupPath + "\nDisallow: " + importPath + "\nAllow: /\n"
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write([]byte(body))
}

// noTrailingSlash gives every path one form, without a trailing slash
// ("/" itself aside): the other form redirects to it for good, 301 for a
// page (so links and bookmarks mend) and 308 for anything else (so a
// form or API call keeps its method and body).
func noTrailingSlash(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/" || !strings.HasSuffix(p, "/") {
			next.ServeHTTP(w, r)
			return
		}
		u := *r.URL
		u.Path = strings.TrimRight(p, "/")
		u.RawPath = ""
		if u.Path == "" {
			u.Path = "/"
		}
		status := http.StatusPermanentRedirect
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			status = http.StatusMovedPermanently
		}
		// Only the path and query: never a redirect to another host
		// ("//evil.example/" must stay on this one).
		target := u.EscapedPath()
		if strings.HasPrefix(target, "//") {
			target = "/" + strings.TrimLeft(target, "/")
		}
		if u.RawQuery != "" {
			target += "?" + u.RawQuery
		}
		http.Redirect(w, r, target, status)
	})
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok"))
}

// baseURL is the origin (and any path prefix) absolute URLs start with.
func (s *server) baseURL(r *http.Request) string {
	if s.base != "" {
		return s.base
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// articlePath is the path of the article at slug.
func articlePath(slug string) string {
	return "/a/" + url.PathEscape(slug)
}

// paragraphPath is the path of a block's permalink, without the fragment.
func paragraphPath(slug, id string) string {
	return articlePath(slug) + "/p/" + url.PathEscape(id)
}
