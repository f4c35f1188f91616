package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address of the client that made r: the connection's
// peer, or, when the peer is one of the trusted proxies, the last address
// in X-Forwarded-For that is not a trusted proxy (addresses further left
// were written by the client and prove nothing).
func (s *server) clientIP(r *http.Request) netip.Addr {
	peer := remoteAddr(r)
	if !s.trusted(peer) {
		return peer
	}
	hops := forwardedFor(r)
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		client = a
		if !s.trusted(a) {
			break
		}
	}
	return client
}

// remoteAddr is the connection's peer address; the zero Addr if the
// server gave none it could read.
func remoteAddr(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	if a, err := netip.ParseAddr(r.RemoteAddr); err == nil {
		return a.Unmap()
	}
	return netip.Addr{}
}

// forwardedFor is every address in the request's X-Forwarded-For headers,
// in order.
func forwardedFor(r *http.Request) []string {
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		for h := range strings.SplitSeq(v, ",") {
			hops = append(hops, strings.TrimSpace(h))
		}
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a
// port.
func parseHop(h string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Unmap(), true
	}
	if host, _, err := net.SplitHostPort(h); err == nil {
		if a, err := netip.ParseAddr(host); err == nil {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

func (s *server) trusted(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range s.trustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// fromThisMachine reports whether r comes from the machine the room runs
// on. A request from a loopback peer that carries forwarding headers came
// through a proxy on this machine, from anywhere, unless the proxy is
// trusted and says the client is local too.
func (s *server) fromThisMachine(r *http.Request) bool {
	peer := remoteAddr(r)
	if !s.trusted(peer) {
		forwarded := r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-Ip") != ""
		return peer.IsLoopback() && !forwarded
	}
	return s.clientIP(r).IsLoopback()
}
