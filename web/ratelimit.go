package web

import (
	"math"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/go-chi/httprate"

	"github.com/readingroom/readingroom"
)

// Failed sign-ins allowed in a window, per client address and per account
// name. The address limit is higher: several people may share one.
const (
	signinWindow    = 15 * time.Minute
	signinPerIP     = 20
	signinPerName   = 10
	maxNameKeyBytes = 256 // of the name used as a key, whatever was typed
)

// signinLimiter counts failed sign-ins (a wrong name or password, or a
// wrong current password on the account page) per client address and per
// account name, with httprate's sliding windows. Only failures count, so a
// reader who signs in often is never held up.
type signinLimiter struct {
	byIP, byName *httprate.RateLimiter
}

func newSigninLimiter() *signinLimiter {
	return &signinLimiter{
		byIP:   httprate.NewRateLimiter(signinPerIP, signinWindow),
		byName: httprate.NewRateLimiter(signinPerName, signinWindow),
	}
}

func ipKey(ip netip.Addr) string { return httprate.CanonicalizeIP(ip.String()) }

func nameKey(name string) string {
	k := readingroom.UserNameKey(strings.TrimSpace(name))
	if len(k) > maxNameKeyBytes {
		k = strings.ToValidUTF8(k[:maxNameKeyBytes], "")
	}
	return k
}

// blocked reports whether another attempt from ip or for name is over a
// limit and, if so, how long to wait before one is sure to be allowed
// again: the sliding window lets the count of the last window fall away
// over the next, so at most a window and one attempt's share of it.
func (l *signinLimiter) blocked(ip netip.Addr, name string) (time.Duration, bool) {
	if over(l.byIP, ipKey(ip), signinPerIP) {
		return retryAfter(signinPerIP), true
	}
	if over(l.byName, nameKey(name), signinPerName) {
		return retryAfter(signinPerName), true
	}
	return 0, false
}

func over(l *httprate.RateLimiter, key string, limit int) bool {
	_, rate, err := l.Status(key)
	// The local counter cannot fail; if it did, it would fail closed.
	return err != nil || int(math.Round(rate))+1 > limit
}

func retryAfter(limit int) time.Duration {
	return signinWindow + signinWindow/time.Duration(limit)
}

// failed counts a failed attempt against ip and name.
func (l *signinLimiter) failed(r *http.Request, ip netip.Addr, name string) {
	// OnLimit counts the attempt; the headers it sets are not for the
	// response, which says in its own words when to try again.
	l.byIP.OnLimit(discardHeaders{}, r, ipKey(ip))
	l.byName.OnLimit(discardHeaders{}, r, nameKey(name))
}

// discardHeaders is a ResponseWriter that keeps nothing.
type discardHeaders struct{}

func (discardHeaders) Header() http.Header         { return http.Header{} }
func (discardHeaders) Write(p []byte) (int, error) { return len(p), nil }
func (discardHeaders) WriteHeader(int)             {}
