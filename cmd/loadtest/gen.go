package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The load test's library: articles in the dump format, generated from a
// fixed seed, so that every run with the same sizes writes the same files
// byte for byte. Words are drawn from a Zipf distribution over a made-up
// vocabulary headed by real common words, so that searches meet common
// and rare words as in a real library.

var commonWords = strings.Fields(`the of and to a in is that was for it with as he on by
	at his from they this had not are but be which one were all their there been has
	when who more would will what about so can them into than only its our after`)

const (
	vocabularySize  = 20_000
	articlesPerFile = 50
)

// vocabulary is the common words, then made-up ones of consonant-vowel
// syllables, which the stemmer leaves alone.
func vocabulary() []string {
	const cons, vows = "bdfgklmnprtvz", "aeiou"
	v := append([]string(nil), commonWords...)
	for i := 0; len(v) < vocabularySize; i++ {
		var b []byte
		for n, k := i+len(cons)*len(vows), 0; k < 2 || n > 0; k++ {
			d := n % (len(cons) * len(vows))
			b = append(b, cons[d/len(vows)], vows[d%len(vows)])
			n /= len(cons) * len(vows)
		}
		v = append(v, string(b))
	}
	return v
}

// generator writes articles numbered from first.
type generator struct {
	rng   *rand.Rand
	zipf  *rand.Zipf
	vocab []string
}

func newGenerator(seed uint64) *generator {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	v := vocabulary()
	return &generator{rng: rng, zipf: rand.NewZipf(rng, 1.1, 1, uint64(len(v)-1)), vocab: v}
}

func (g *generator) words(n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.vocab[g.zipf.Uint64()]
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// article writes article number i in the dump format.
func (g *generator) article(w *bufio.Writer, i int) {
	date := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%12000)
	fmt.Fprintf(w, "Show Hide image\n\n%s %d\n\n%s\n\n", g.title(), i, g.words(12+g.rng.IntN(10)))
	for range 8 + g.rng.IntN(8) {
		for k := range 3 + g.rng.IntN(4) {
			if k > 0 {
				w.WriteByte(' ')
			}
			w.WriteString(g.words(8 + g.rng.IntN(12)))
		}
		w.WriteString("\n\n")
	}
	fmt.Fprintf(w, "This article first appeared in the %s issue of the Load Review, Number %d\n\n", date.Format("2 January 2006"), i/articlesPerFile)
}

func (g *generator) title() string {
	t := g.words(2 + g.rng.IntN(4))
	return strings.TrimSuffix(t, ".")
}

// writeLibrary writes articles numbered first to first+n-1 into dir,
// articlesPerFile to a file, and returns the files' total size.
func writeLibrary(dir string, first, n int, seed uint64) (int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	g := newGenerator(seed)
	var total int64
	for start := first; start < first+n; start += articlesPerFile {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%06d.txt", start)))
		if err != nil {
			return 0, err
		}
		w := bufio.NewWriter(f)
		for i := start; i < min(start+articlesPerFile, first+n); i++ {
			g.article(w, i)
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return 0, err
		}
		info, _ := f.Stat()
		total += info.Size()
		if err := f.Close(); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// writeLargest writes, as Markdown, the largest article the limits allow:
// 10,000 blocks (a heading and 9,999 paragraphs) and just under 4 MiB of
// text.
func writeLargest(path string, seed uint64) error {
	g := newGenerator(seed)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "---\ntitle: The largest article\n---\n\n## Part one\n\n")
	for i := range 9_999 {
		p := fmt.Sprintf("Paragraph %d: %s", i, g.words(60))
		if len(p) > 400 {
			p = p[:400]
			p = p[:strings.LastIndexByte(p, ' ')] + "."
		}
		w.WriteString(p)
		w.WriteString("\n\n")
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
