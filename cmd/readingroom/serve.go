package main

import (
	"context"
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/web"
)

// library holds the articles a new, empty room starts with: short pieces
// in the dump format that introduce the room.
//
//go:embed library/*.txt
var library embed.FS

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := dbFlag(fs, getenv)
	addr := fs.String("addr", envOr(getenv, "READINGROOM_ADDR", "127.0.0.1:8080"), "address to listen on (env READINGROOM_ADDR)")
	baseURL := fs.String("base-url", getenv("READINGROOM_BASE_URL"), "public URL of the room, for absolute links (env READINGROOM_BASE_URL)")
	noDefault := fs.Bool("no-default-library", getenv("READINGROOM_NO_DEFAULT_LIBRARY") == "1", "start a new, empty database without the built-in articles (env READINGROOM_NO_DEFAULT_LIBRARY=1)")
	private := fs.Bool("private", getenv("READINGROOM_PRIVATE") == "1", "require signing in for every page and API route (env READINGROOM_PRIVATE=1)")
	setupAnywhere := fs.Bool("setup-from-anywhere", getenv("READINGROOM_SETUP_FROM_ANYWHERE") == "1", "let /setup make the first account from any machine, not only this one")
	allowedHosts := fs.String("allowed-hosts", getenv("READINGROOM_ALLOWED_HOSTS"), "without --base-url, other names (host or host:port, comma-separated) the room answers to besides its listen address and localhost (env READINGROOM_ALLOWED_HOSTS)")
	proxies := fs.String("trusted-proxies", getenv("READINGROOM_TRUSTED_PROXIES"), "comma-separated CIDRs or addresses of proxies whose X-Forwarded-For is believed (env READINGROOM_TRUSTED_PROXIES)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: readingroom serve [flags]\n\nRuns the reading room in the browser.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "readingroom serve: unexpected argument %q (to import files, use readingroom import)\n", fs.Arg(0))
		return exitError{2}
	}
	trusted, err := parsePrefixes(*proxies)
	if err != nil {
		fmt.Fprintf(stderr, "readingroom serve: --trusted-proxies: %v\n", err)
		return exitError{2}
	}
	log := newLogger(stderr, getenv)

	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if !*noDefault {
		if err := loadDefaultLibrary(ctx, db, log); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %q: %w", *addr, err)
	}
	defer ln.Close()
	handler, err := web.New(web.Config{
		DB:                db,
		Logger:            log,
		BaseURL:           *baseURL,
		Private:           *private,
		SetupFromAnywhere: *setupAnywhere,
		TrustedProxies:    trusted,
		AllowedHosts:      hostsFor(*addr, ln.Addr(), *allowedHosts),
	})
	if err != nil {
		return err
	}
	srv := newHTTPServer(handler, log)
	fmt.Fprintf(stdout, "Reading Room is open at http://%s (database %q). Press Ctrl+C to stop.\n", displayAddr(ln.Addr()), *dbPath)
	if has, err := db.HasUsers(ctx); err != nil {
		return err
	} else if !has {
		fmt.Fprintf(stdout, "No account yet: open http://%s/setup on this machine to make the first, an administrator,\nor run: readingroom user add NAME --admin\n", displayAddr(ln.Addr()))
	}
	return serve(ctx, srv, ln, log)
}

// parsePrefixes reads a comma-separated list of CIDRs; a bare address is
// a prefix of that one address.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a CIDR (10.0.0.0/8) nor an address", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// hostsFor lists the names the room answers to without a base URL: the
// address it was asked to listen on and the one it listens on (unless
// that is every address, which names no host), and the names given in
// --allowed-hosts. Localhost is always answered (see web.Config).
func hostsFor(asked string, ln net.Addr, allowed string) []string {
	var out []string
	for _, a := range []string{asked, ln.String()} {
		host, port, err := net.SplitHostPort(a)
		if err != nil || host == "" {
			continue
		}
		if ip, err := netip.ParseAddr(host); err == nil && ip.IsUnspecified() {
			continue
		}
		if port == "0" {
			continue // the port is only known from the listener
		}
		out = append(out, net.JoinHostPort(host, port))
	}
	for h := range strings.SplitSeq(allowed, ",") {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// displayAddr turns a listening address into one a browser can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return a.String()
}

// newHTTPServer sets the timeouts that keep slow or idle clients from
// holding connections.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serve runs srv on ln until ctx is done, then shuts down gracefully,
// letting requests in flight finish.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// loadDefaultLibrary fills an empty database with the built-in articles.
func loadDefaultLibrary(ctx context.Context, db *store.DB, log *slog.Logger) error {
	articles, _, err := db.Stats(ctx)
	if err != nil {
		return err
	}
	if articles > 0 {
		return nil
	}
	sub, err := fs.Sub(library, "library")
	if err != nil {
		return err
	}
	sum, err := newImporter(db).importFS(ctx, sub)
	if err != nil {
		return fmt.Errorf("load the built-in library: %w", err)
	}
	// The guide leaves the library's listing once the reader's own
	// articles are in.
	if err := db.MarkGuide(ctx, sum.Slugs); err != nil {
		return fmt.Errorf("load the built-in library: %w", err)
	}
	log.Info("the database was empty: loaded the built-in library", "articles", sum.New)
	return nil
}
