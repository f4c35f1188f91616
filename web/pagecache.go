package web

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/readingroom/readingroom/static"
)

// pageCacheBytes bounds the article pages kept, with their compressed
// copies: some hundreds of pages, within the server's memory budget (60 MB
// at 100,000 articles under load, docs/benchmarks.md).
const pageCacheBytes = 8 << 20

// pageCache keeps article pages as anonymous readers get them, rendered,
// and compressed once for each coding asked for. A page is kept under its
// address (and the room's base URL, which its links carry) together with
// the article's fingerprint, so an article that changes is rendered again.
// A page for a signed-in reader is personal (it shows their name) and is
// never kept. The least recently used pages go first.
type pageCache struct {
	mu    sync.Mutex
	max   int
	size  int
	lru   *list.List // of *cachedPage, most recently used first
	items map[string]*list.Element
}

// cachedPage is one article page as sent.
type cachedPage struct {
	key         string
	fingerprint string
	modified    time.Time
	hash        string // of body: the ETag, with a suffix per coding
	body        []byte
	encoded     map[static.Encoding][]byte // guarded by the cache's mu
}

func newPageCache(max int) *pageCache {
	return &pageCache{max: max, lru: list.New(), items: map[string]*list.Element{}}
}

func (p *cachedPage) size() int {
	n := len(p.key) + len(p.body)
	for _, b := range p.encoded {
		n += len(b)
	}
	return n
}

// get returns the page kept under key for the article's fingerprint, or
// nil.
func (c *pageCache) get(key, fingerprint string) *cachedPage {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil
	}
	p := e.Value.(*cachedPage)
	if p.fingerprint != fingerprint {
		c.remove(e)
		return nil
	}
	c.lru.MoveToFront(e)
	return p
}

// put keeps p, in place of any page under its key.
func (c *pageCache) put(p *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[p.key]; ok {
		c.remove(e)
	}
	if p.size() > c.max {
		return
	}
	c.items[p.key] = c.lru.PushFront(p)
	c.size += p.size()
	c.evict()
}

// encoded returns p's body in the coding enc, compressing it the first
// time.
func (c *pageCache) encoded(p *cachedPage, enc static.Encoding) []byte {
	if enc == static.Identity {
		return p.body
	}
	c.mu.Lock()
	b, ok := p.encoded[enc]
	c.mu.Unlock()
	if ok {
		return b
	}
	b = static.Compress(enc, p.body, static.Kept)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := p.encoded[enc]; !ok {
		p.encoded[enc] = b
		if _, kept := c.items[p.key]; kept {
			c.size += len(b)
			c.evict()
		}
	}
	return b
}

func (c *pageCache) remove(e *list.Element) {
	p := e.Value.(*cachedPage)
	c.lru.Remove(e)
	delete(c.items, p.key)
	c.size -= p.size()
}

func (c *pageCache) evict() {
	for c.size > c.max {
		c.remove(c.lru.Back())
	}
}

// cachePages serves the article pages behind it (the article and its
// paragraphs' permalinks) to anonymous readers from the page cache, and
// keeps what they render for the next reader. A request with a query
// string, or from a signed-in reader, goes past. Checking that a kept page
// is still good costs one look-up of the article's fingerprint.
func (s *server) cachePages(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.RawQuery != "" || userFrom(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		slug, err := url.PathUnescape(chi.URLParam(r, "slug"))
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		stamp, err := s.db.Stamp(r.Context(), slug)
		if err != nil {
			next.ServeHTTP(w, r) // the usual way says not found, or gone
			return
		}
		key := s.baseURL(r) + " " + r.URL.EscapedPath()
		if p := s.pages.get(key, stamp.Fingerprint); p != nil {
			s.sendPage(w, r, p)
			return
		}
		// Rendered as it is, uncompressed: the cache compresses.
		plain := r.Clone(r.Context())
		plain.Header.Del("Accept-Encoding")
		rec := &pageRecorder{header: http.Header{}}
		next.ServeHTTP(rec, plain)
		if rec.status != http.StatusOK || !strings.HasPrefix(rec.header.Get("Content-Type"), "text/html") || rec.header.Get("Cache-Control") == "no-store" {
			rec.replay(w)
			return
		}
		sum := sha256.Sum256(rec.body.Bytes())
		p := &cachedPage{
			key:         key,
			fingerprint: stamp.Fingerprint,
			// Pages change with the article and with the program.
			modified: later(stamp.Updated, s.started).Truncate(time.Second),
			hash:     hex.EncodeToString(sum[:12]),
			body:     rec.body.Bytes(),
			encoded:  map[static.Encoding][]byte{},
		}
		s.pages.put(p)
		s.sendPage(w, r, p)
	})
}

// sendPage sends a kept page in the best coding r accepts, or 304 when r
// has it already.
func (s *server) sendPage(w http.ResponseWriter, r *http.Request, p *cachedPage) {
	enc := static.Negotiate(r)
	body, etag := s.pages.encoded(p, enc), p.hash
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Kept by browsers, but asked about each time: a 304 when unchanged.
	h.Set("Cache-Control", "no-cache")
	h.Add("Vary", "Cookie")
	h.Add("Vary", "Accept-Encoding")
	if enc != static.Identity {
		h.Set("Content-Encoding", string(enc))
		etag += "-" + string(enc)
	}
	h.Set("ETag", `"`+etag+`"`)
	http.ServeContent(w, r, "", p.modified, bytes.NewReader(body))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// pageRecorder keeps a response to put it in the cache, or to pass it on.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rec *pageRecorder) Header() http.Header { return rec.header }

func (rec *pageRecorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}

func (rec *pageRecorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.body.Write(b)
}

// replay sends the response as it was recorded.
func (rec *pageRecorder) replay(w http.ResponseWriter) {
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}
