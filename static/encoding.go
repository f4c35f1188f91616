package static

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Encoding is a content coding the room sends: Brotli, gzip, or none.
type Encoding string

// The codings, best first.
const (
	Brotli   Encoding = "br"
	Gzip     Encoding = "gzip"
	Identity Encoding = ""
)

// Negotiate picks the best coding r's Accept-Encoding allows: Brotli, then
// gzip, else none.
func Negotiate(r *http.Request) Encoding {
	header := r.Header.Get("Accept-Encoding")
	if header == "" {
		return Identity
	}
	var br, gz bool
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err != nil || v <= 0 {
				continue
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "br":
			br = true
		case "gzip":
			gz = true
		case "*":
			br, gz = true, true
		}
	}
	switch {
	case br:
		return Brotli
	case gz:
		return Gzip
	}
	return Identity
}

// Effort says how hard Compress works: Best for what is compressed once
// and kept (files, cached pages), Fast for a page made for one request.
type Effort int

// The efforts.
const (
	Fast Effort = iota
	Best
)

var (
	gzipWriters   [2]sync.Pool
	brotliWriters [2]sync.Pool
)

// gzip and Brotli levels for each effort: Brotli's best (11) is slow, but
// done once; its level 5 compresses a page in about the time gzip's
// default does, and smaller.
var (
	gzipLevels   = [2]int{gzip.DefaultCompression, gzip.BestCompression}
	brotliLevels = [2]int{5, brotli.BestCompression}
)

// Compress returns data in the coding enc (data itself for Identity).
func Compress(enc Encoding, data []byte, effort Effort) []byte {
	var buf bytes.Buffer
	switch enc {
	case Gzip:
		w, _ := gzipWriters[effort].Get().(*gzip.Writer)
		if w == nil {
			w, _ = gzip.NewWriterLevel(&buf, gzipLevels[effort])
		} else {
			w.Reset(&buf)
		}
		_, _ = w.Write(data) // writes to a bytes.Buffer do not fail
		_ = w.Close()
		gzipWriters[effort].Put(w)
	case Brotli:
		w, _ := brotliWriters[effort].Get().(*brotli.Writer)
		if w == nil {
			w = brotli.NewWriterLevel(&buf, brotliLevels[effort])
		} else {
			w.Reset(&buf)
		}
		_, _ = w.Write(data)
		_ = w.Close()
		brotliWriters[effort].Put(w)
	default:
		return data
	}
	return buf.Bytes()
}

// Compressible reports whether a type of content is worth compressing:
// text is, images already are.
func Compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "image/svg+xml") ||
		strings.HasPrefix(ctype, "application/json") || strings.HasPrefix(ctype, "application/javascript")
}
