package web

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// samplesTTL is how long the search pages' examples are kept before they
// are drawn from the library again.
const samplesTTL = time.Minute

// sampleCache keeps the examples drawn from the library for a while:
// drawing them reads a few articles and runs each example once.
type sampleCache struct {
	mu      sync.Mutex
	samples templates.Samples
	drawn   time.Time
}

// samples returns words from the library for the search pages' examples,
// each example checked to find something.
func (s *server) samples(ctx context.Context) templates.Samples {
	s.sampled.mu.Lock()
	defer s.sampled.mu.Unlock()
	if time.Since(s.sampled.drawn) < samplesTTL {
		return s.sampled.samples
	}
	sm, err := drawSamples(ctx, s.db)
	if err != nil {
		// Examples are a help, not the page: without them the page says
		// there is nothing to try.
		s.log.WarnContext(ctx, "draw search examples", "err", err)
		return templates.Samples{}
	}
	s.sampled.samples, s.sampled.drawn = s.checkSamples(ctx, sm), time.Now()
	return s.sampled.samples
}

// checkSamples drops what finds nothing: each example is run once.
func (s *server) checkSamples(ctx context.Context, sm templates.Samples) templates.Samples {
	finds := func(q string) bool {
		res, err := s.db.Search(ctx, readingroom.ParseQuery(q), 1, 1)
		return err == nil && res.Total > 0
	}
	if !sm.Known() || !finds(sm.Word+" "+sm.OtherWord) {
		return templates.Samples{}
	}
	check := func(field *string, q string) {
		if *field != "" && !finds(q) {
			*field = ""
		}
	}
	check(&sm.Phrase, `"`+sm.Phrase+`"`)
	check(&sm.Other, sm.Word+" -"+sm.Other)
	check(&sm.OtherPhrase, sm.Word+` -"`+sm.OtherPhrase+`"`)
	check(&sm.TitleWord, "title:"+sm.TitleWord)
	check(&sm.Author, "author:"+sm.Author)
	if sm.Year != 0 && !finds(sm.Word+" year:"+strconv.Itoa(sm.Year)) {
		sm.Year = 0
	}
	return sm
}

// sampleArticles is how many of the newest articles examples are drawn
// from.
const sampleArticles = 10

// drawSamples picks words from the newest articles of the library: two
// words of one paragraph, a phrase and a title word of that article, a
// word and a phrase of another article that the first lacks, a byline's
// word, and the first article's slug and year.
func drawSamples(ctx context.Context, db *store.DB) (templates.Samples, error) {
	var sm templates.Samples
	list, _, err := db.ListArticles(ctx, sampleArticles, 0)
	if err != nil || len(list) == 0 {
		return sm, err
	}
	var first *readingroom.Article
	for _, a := range list {
		page, err := db.ArticlePage(ctx, a.Slug, 1) // a page is words enough
		if err != nil {
			return sm, err
		}
		art := &page.Article
		if first == nil {
			if w, o, phrase, ok := paragraphWords(art); ok {
				first = art
				sm.Word, sm.OtherWord, sm.Phrase = w, o, phrase
				sm.Prefix = string([]rune(w)[:4])
				sm.Slug = art.Slug
				sm.TitleWord = firstGood(tokens(art.Title), 4)
				if !art.Published.IsZero() {
					sm.Year = art.Published.Year()
				}
			}
		} else if sm.Other == "" {
			sm.Other, sm.OtherPhrase = otherWords(art, first)
		}
		if sm.Author == "" && art.Byline != "" {
			if toks := tokens(art.Byline); len(toks) > 0 {
				if last := toks[len(toks)-1]; utf8.RuneCountInString(last) >= 3 && !stopWords[last] {
					sm.Author = last
				}
			}
		}
	}
	return sm, nil
}

// paragraphWords finds, in the first paragraph of a that has them, two
// good words and a phrase of two words that stand together.
func paragraphWords(a *readingroom.Article) (word, other, phrase string, ok bool) {
	for _, b := range a.Blocks {
		if b.Kind != readingroom.KindParagraph {
			continue
		}
		toks := tokens(b.Text)
		var good []string
		for _, t := range toks {
			if isGood(t, 5) && !contains(good, t) {
				good = append(good, t)
			}
		}
		if len(good) < 2 {
			continue
		}
		return good[0], good[1], adjacentPair(b.Text), true
	}
	return "", "", "", false
}

// otherWords finds a word and a phrase of a that the article not lacks
// everywhere, even as the start of a word.
func otherWords(a, not *readingroom.Article) (word, phrase string) {
	var text strings.Builder
	for _, b := range not.Blocks {
		text.WriteString(b.Text + " ")
	}
	text.WriteString(not.Title + " " + not.Standfirst + " " + not.Byline)
	have := map[string]bool{}
	for _, t := range tokens(text.String()) {
		have[stem(t)] = true
	}
	lacks := func(t string) bool { return !have[stem(t)] }
	for _, b := range a.Blocks {
		if b.Kind != readingroom.KindParagraph {
			continue
		}
		for _, t := range tokens(b.Text) {
			if word == "" && isGood(t, 5) && lacks(t) {
				word = t
			}
		}
		if p := adjacentPair(b.Text); phrase == "" && p != "" {
			w := strings.Fields(p)
			if lacks(w[0]) && lacks(w[1]) {
				phrase = p
			}
		}
		if word != "" && phrase != "" {
			break
		}
	}
	return word, phrase
}

// stem is what two words share when the index may take them for one: their
// first five letters (the index strips English endings).
func stem(t string) string {
	r := []rune(t)
	return string(r[:min(5, len(r))])
}

// adjacentPair is the first two words of text that stand together,
// letters only, with nothing but a space between them.
func adjacentPair(text string) string {
	f := strings.Fields(text)
	for i := 0; i+1 < len(f); i++ {
		a, b := strings.ToLower(f[i]), strings.ToLower(strings.TrimRightFunc(f[i+1], unicode.IsPunct))
		if onlyLetters(a) && onlyLetters(b) && isGood(a, 4) && isGood(b, 4) {
			return a + " " + b
		}
	}
	return ""
}

// tokens are the lower-case words of s, split as the index splits them.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func firstGood(toks []string, n int) string {
	for _, t := range toks {
		if isGood(t, n) {
			return t
		}
	}
	return ""
}

// isGood reports whether t makes a telling example: letters only, at
// least n of them, and not among the commonest words.
func isGood(t string, n int) bool {
	return utf8.RuneCountInString(t) >= n && onlyLetters(t) && !stopWords[t]
}

func onlyLetters(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// stopWords are words too common to make an example.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`about above after again against their there these those which while where would could should
		being other every first since still through under until whose years people before between because during
		without within however another really shall might never always almost itself`) {
		m[w] = true
	}
	return m
}()
