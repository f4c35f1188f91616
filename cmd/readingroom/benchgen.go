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

// The benchmark's library: synthetic articles in the dump format, their
// words drawn from a Zipf distribution over a fixed vocabulary with a fixed
// seed, so that every run with the same size gets the same files, byte for
// byte, and the same queries.

// commonWords head the vocabulary, commonest first, so that "the" is in
// nearly every paragraph and "of the" is a phrase of two common words.
var commonWords = strings.Fields(`the of and to a in is that was for it with as he on by
	at his from they this had not are but be which one were all their there been has
	when who more would will what about so can them into than only its our after`)

const (
	vocabularySize    = 30_000
	zipfS             = 1.1
	articlesPerFile   = 50
	paragraphsMin     = 10 // per article
	paragraphsSpread  = 5
	sentencesMin      = 3 // per paragraph
	sentencesSpread   = 4
	sentenceWordsMin  = 8
	sentenceWordSprd  = 12
	benchPublication  = "The Bench Review"
	syllableConsonant = "bdfgklmnprtvz"
	syllableVowel     = "aeiou"
)

// pseudoWord is the i'th made-up word: i in base 65, each digit a
// consonant-vowel syllable, at least two, so that the tokenizer's stemmer
// leaves it as it is and no two numbers give one word.
func pseudoWord(i int) string {
	const base = len(syllableConsonant) * len(syllableVowel)
	var b []byte
	for k := 0; k < 2 || i > 0; k++ {
		d := i % base
		b = append(b, syllableConsonant[d/len(syllableVowel)], syllableVowel[d%len(syllableVowel)])
		i /= base
	}
	return string(b)
}

func vocabulary() []string {
	v := make([]string, 0, vocabularySize)
	v = append(v, commonWords...)
	seen := map[string]bool{}
	for _, w := range commonWords {
		seen[w] = true
	}
	for i := 0; len(v) < vocabularySize; i++ {
		if w := pseudoWord(i); !seen[w] {
			seen[w] = true
			v = append(v, w)
		}
	}
	return v
}

// benchLibrary is a generated library: its files, their size, and the queries
// of each class drawn from its own word counts.
type benchLibrary struct {
	files    []string
	articles int
	bytes    int64
	titles   []string
	// paragraphs counts, for each word of the vocabulary, the paragraphs
	// that hold it.
	paragraphs []int
	vocab      []string
	total      int // paragraphs
	// rare are words planted in three articles each (rareWords of them).
	rare []string
}

// rareWords is how many rare words a library has, each in three of its
// articles: Zipf's tail alone has no word that rare in a large library.
const rareWords = 10

// generateLibrary writes n articles to dir, numbered from first (so that
// two libraries of one run have different titles), from seed.
func generateLibrary(dir string, n, first int, seed uint64) (*benchLibrary, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	lib := &benchLibrary{vocab: vocabulary(), articles: n}
	plant := map[int][]string{} // article index -> the rare words it holds
	for k := range rareWords {
		w := pseudoWord(600_000 + int(seed)*rareWords + k)
		lib.rare = append(lib.rare, w)
		for j := range 3 {
			i := (k*7 + j*max(n/3, 1)) % n
			plant[i] = append(plant[i], w)
		}
	}
	lib.paragraphs = make([]int, len(lib.vocab))
	zipf := rand.NewZipf(r, zipfS, 1, uint64(len(lib.vocab)-1))
	seenIn := make([]int, len(lib.vocab)) // the last paragraph a word was counted in, plus one
	var sb strings.Builder
	words := func(k int, countParagraph bool) {
		for j := range k {
			w := int(zipf.Uint64())
			if countParagraph && seenIn[w] != lib.total {
				seenIn[w] = lib.total
				lib.paragraphs[w]++
			}
			s := lib.vocab[w]
			if j == 0 {
				s = strings.ToUpper(s[:1]) + s[1:]
			}
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(s)
		}
	}
	var out *bufio.Writer
	var f *os.File
	closeFile := func() error {
		if f == nil {
			return nil
		}
		if err := out.Flush(); err != nil {
			f.Close()
			return err
		}
		st, err := f.Stat()
		if err == nil {
			lib.bytes += st.Size()
		}
		return f.Close()
	}
	for i := range n {
		num := first + i
		if i%articlesPerFile == 0 {
			if err := closeFile(); err != nil {
				return nil, err
			}
			name := filepath.Join(dir, fmt.Sprintf("library-%06d.txt", num/articlesPerFile))
			var err error
			if f, err = os.Create(name); err != nil {
				return nil, err
			}
			out = bufio.NewWriterSize(f, 1<<16)
			lib.files = append(lib.files, name)
		}
		sb.Reset()
		fmt.Fprintf(&sb, "Photograph: %s Picture Library\nShow Hide image\n\n", capitalize(lib.vocab[100+r.IntN(1000)]))
		words(3+r.IntN(5), false)
		title := sb.String()[strings.LastIndexByte(sb.String(), '\n')+1:] + " " + capitalize(pseudoWord(200_000+num))
		lib.titles = append(lib.titles, title)
		sb.WriteString(" " + capitalize(pseudoWord(200_000+num)) + "\n\n")
		words(15+r.IntN(10), false)
		sb.WriteString(".\n\nBy " + capitalize(lib.vocab[200+r.IntN(2000)]) + " " + capitalize(lib.vocab[200+r.IntN(2000)]) + "\n\n")
		paras := paragraphsMin + r.IntN(paragraphsSpread)
		for p := range paras {
			if p == 1 {
				for _, w := range plant[i] {
					sb.WriteString(capitalize(w) + " was there. ")
				}
			}
			if p == paras/2 {
				fmt.Fprintf(&sb, "%d. ", 1+r.IntN(9))
				words(2+r.IntN(3), false)
				sb.WriteString("\n\n")
			}
			lib.total++
			sentences := sentencesMin + r.IntN(sentencesSpread)
			for s := range sentences {
				if s > 0 {
					sb.WriteByte(' ')
				}
				words(sentenceWordsMin+r.IntN(sentenceWordSprd), true)
				sb.WriteByte('.')
			}
			sb.WriteString("\n\n")
		}
		date := time.Date(1990+num%35, time.Month(1+num%12), 1+num%28, 0, 0, 0, 0, time.UTC)
		fmt.Fprintf(&sb, "This article first appeared in the %s issue of %s, %s\n\n",
			date.Format("2 January 2006"), benchPublication, capitalize(lib.vocab[300+r.IntN(3000)]))
		if _, err := out.WriteString(sb.String()); err != nil {
			f.Close()
			return nil, err
		}
	}
	if err := closeFile(); err != nil {
		return nil, err
	}
	return lib, nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// queryClass is one kind of search the benchmark times.
type queryClass struct {
	name    string
	queries []string
	// vsBare says the class has a p50 target against the bare query.
	vsBare bool
}

// queryClasses draws the queries of each class from the library: frequent
// words, words in 1–2% of paragraphs (from its own counts), the planted
// rare words, two words of the middle kind, and the two common words
// together and as a phrase.
func (lib *benchLibrary) queryClasses() []queryClass {
	var mid []string
	for w := len(commonWords); w < len(lib.vocab) && len(mid) < 10; w++ {
		if n := lib.paragraphs[w]; n*100 >= lib.total && n*50 <= lib.total {
			mid = append(mid, lib.vocab[w])
		}
	}
	var two []string
	for i := 0; i+1 < len(mid); i += 2 {
		two = append(two, mid[i]+" "+mid[i+1])
	}
	if len(two) == 0 && len(mid) > 0 {
		two = append(two, mid[0]+" the")
	}
	return []queryClass{
		{name: "frequent (the, and, of)", queries: []string{"the", "and", "of"}, vsBare: true},
		{name: "mid-frequency (1–2% of paragraphs)", queries: mid, vsBare: true},
		{name: "rare (3 paragraphs)", queries: lib.rare, vsBare: true},
		{name: "two mid-frequency words", queries: two, vsBare: true},
		{name: "of the", queries: []string{"of the"}},
		{name: `"of the"`, queries: []string{`"of the"`}},
	}
}
