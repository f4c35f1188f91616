package web

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// Without a base URL, absolute links (canonical links, link previews, the
// API's urls) are made from the request's Host header. A room behind a
// cache must not let any Host in, or one request with Host: evil.example
// could leave pages linking there in the cache for everyone. So the room
// answers only to the names it was told about.

// hostRule is one name the room answers to: a host, and a port or, when
// empty, any port.
type hostRule struct{ host, port string }

// loopbackHosts are always allowed: only this machine reaches them.
var loopbackHosts = []hostRule{{"localhost", ""}, {"127.0.0.1", ""}, {"::1", ""}}

// parseHostRule reads "host", "host:port", "[v6]" or "[v6]:port".
func parseHostRule(s string) (hostRule, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "/ @?#") || !httpguts.ValidHostHeader(s) {
		return hostRule{}, fmt.Errorf("%q is not a host name or host:port", s)
	}
	host, port := splitHost(s)
	if host == "" {
		return hostRule{}, fmt.Errorf("%q has no host name", s)
	}
	if !validPort(port) {
		return hostRule{}, fmt.Errorf("%q has a port that is not a port number", s)
	}
	return hostRule{host, port}, nil
}

// validPort reports whether port is empty or a port number as a client
// writes it: 1 to 65535, no leading zero.
func validPort(port string) bool {
	if port == "" {
		return true
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 1 && n <= 65535 && strconv.Itoa(n) == port
}

// splitHost splits a Host header or rule into a normalised host (lower
// case, no trailing dot, no brackets) and its port, if any.
func splitHost(s string) (host, port string) {
	host = s
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
	} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		host = s[1 : len(s)-1]
	}
	return strings.TrimSuffix(strings.ToLower(host), "."), port
}

// hostAllowed reports whether the Host header h names the room. A port,
// when given, must be a port number: "localhost:evil" would otherwise
// pass as localhost and end up in the room's absolute links.
func (s *server) hostAllowed(h string) bool {
	host, port := splitHost(h)
	if !validPort(port) {
		return false
	}
	for _, rule := range s.hosts {
		if rule.host == host && (rule.port == "" || rule.port == port) {
			return true
		}
	}
	return false
}

// checkHost answers 400 to a request for a name the room was not told
// about, when absolute links are made from the Host header (no base URL).
func (s *server) checkHost(next http.Handler) http.Handler {
	if s.base != "" {
		return next // links use the base URL, whatever the Host
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.hostAllowed(r.Host) {
			s.log.InfoContext(r.Context(), "request for a host the room was not told about", "host", r.Host, "path", r.URL.Path)
			s.respondError(w, r, http.StatusBadRequest, "unknown_host", "This room does not answer to that name",
				"It answers only to the names it was told about. Its operator can add this one with --allowed-hosts, or set --base-url.")
			return
		}
		next.ServeHTTP(w, r)
	})
}
