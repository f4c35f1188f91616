// Package static holds the stylesheet, icon, script and link-preview card
// image the pages use, embedded in the binary and served under
// content-hashed names so browsers can cache them forever and still see
// every change at once.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// card.png is the site's 1200x630 link-preview image, a screenshot of
// card/card.html (which says how to regenerate it).
//
//go:embed app.css app.js favicon.svg card.png
var files embed.FS

// The size of card.png, for the og:image:width and height tags.
const (
	CardWidth  = 1200
	CardHeight = 630
)

// Prefix is the URL path under which Handler expects to be mounted.
const Prefix = "/static/"

// hashLen is the number of hex digits of the SHA-256 kept in a file name:
// 32 bits tell apart the versions of a handful of files.
const hashLen = 8

// asset is a file as it is served: its bytes as they are and, for text,
// compressed once with each coding (when that makes it smaller).
type asset struct {
	data    []byte
	encoded map[Encoding][]byte
	ctype   string
	hash    string
}

// Assets maps logical file names ("app.css") to content-hashed URLs
// ("/static/app.3f2a1b9c.css") and serves the files behind those URLs.
type Assets struct {
	paths  map[string]string // logical name -> URL path
	hashed map[string]asset  // hashed file name -> asset
}

// New reads the embedded files, computes their hashed names and
// compresses them. The work is done once a process: the files are part of
// the binary.
func New() (*Assets, error) {
	return embedded()
}

var embedded = sync.OnceValues(func() (*Assets, error) { return newAssets(files) })

func newAssets(fsys fs.FS) (*Assets, error) {
	a := &Assets{paths: map[string]string{}, hashed: map[string]asset{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])[:hashLen]
		ext := path.Ext(name)
		hashedName := strings.TrimSuffix(name, ext) + "." + h + ext
		a.paths[name] = Prefix + hashedName
		f := asset{data: data, ctype: contentType(ext), hash: h, encoded: map[Encoding][]byte{}}
		if Compressible(f.ctype) {
			for _, enc := range []Encoding{Brotli, Gzip} {
				if z := Compress(enc, data, Best); len(z) < len(data) {
					f.encoded[enc] = z
				}
			}
		}
		a.hashed[hashedName] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: load assets: %w", err)
	}
	return a, nil
}

// contentType is explicit for the types we ship, because the system MIME
// table (which mime.TypeByExtension consults) differs between machines.
func contentType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Path returns the hashed URL path of the named file. An unknown name gives
// its unhashed path, which the handler answers with 404, so a typo shows up
// as a missing file rather than a crash.
func (a *Assets) Path(name string) string {
	if p, ok := a.paths[name]; ok {
		return p
	}
	return Prefix + name
}

// Handler serves the files under their hashed names, mounted at Prefix,
// compressed as the client accepts (Brotli, then gzip) with the bytes
// compressed at start-up. Any other name, including a file's unhashed or
// stale name, is 404.
func (a *Assets) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		f, ok := a.hashed[strings.TrimPrefix(r.URL.Path, Prefix)]
		if !ok || !strings.HasPrefix(r.URL.Path, Prefix) {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.ctype)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		data, etag := f.data, f.hash
		if len(f.encoded) > 0 {
			h.Add("Vary", "Accept-Encoding")
			if enc := Negotiate(r); f.encoded[enc] != nil {
				data, etag = f.encoded[enc], f.hash+"-"+string(enc)
				h.Set("Content-Encoding", string(enc))
			}
		}
		h.Set("ETag", `"`+etag+`"`)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	})
}

// The serif the link-preview cards are set in: Liberation Serif (SIL Open
// Font License 1.1, see fonts/LICENSE.txt). The fonts are embedded for
// drawing, not served.
//
//go:embed fonts/LiberationSerif-Regular.ttf fonts/LiberationSerif-Bold.ttf fonts/LiberationSerif-Italic.ttf
var fonts embed.FS

// Fonts returns the card fonts' files: regular, bold and italic.
func Fonts() (regular, bold, italic []byte, err error) {
	read := func(name string) []byte {
		if err != nil {
			return nil
		}
		var b []byte
		b, err = fonts.ReadFile("fonts/LiberationSerif-" + name + ".ttf")
		return b
	}
	regular, bold, italic = read("Regular"), read("Bold"), read("Italic")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("static: fonts: %w", err)
	}
	return regular, bold, italic, nil
}
