package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// cardVersion changes whenever cards are drawn differently, so that the
// stored ones are drawn again.
const cardVersion = "1"

// cardWords bounds the words handed to a card: far more than it shows, so
// that it can cut at a sentence.
const cardWords = 600

// articleCard answers /a/{slug}/card.png: the article's preview image, its
// standfirst (or first paragraph) and title.
func (s *server) articleCard(w http.ResponseWriter, r *http.Request) {
	pg := pageFrom(r.Context())
	a := &pg.Article
	words := a.Standfirst
	if words == "" {
		words = pg.FirstParagraph
	}
	s.serveCard(w, r, templates.Card{Label: cardLabel(a), Words: excerpt(words, cardWords), Title: a.Title, Source: cardSource(a)})
}

// paragraphCard answers /a/{slug}/p/{pid}/card.png: the image a shared
// paragraph link previews with, the paragraph's own words. A retired id
// draws the block it lives on in, or the text it last had.
func (s *server) paragraphCard(w http.ResponseWriter, r *http.Request) {
	pg := pageFrom(r.Context())
	a := &pg.Article
	ref, err := s.resolveParagraph(r, a, chi.URLParam(r, "pid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var b readingroom.Block
	if ref.State == store.ParagraphDeleted {
		b = readingroom.Block{Kind: ref.Tombstone.Kind, Text: ref.Tombstone.Text}
	} else if pg, b, err = s.liveBlock(r, pg, ref.ID); err != nil {
		s.fail(w, r, err)
		return
	} else {
		a = &pg.Article
	}
	label := "A " + templates.KindNoun(b.Kind) + " from"
	s.serveCard(w, r, templates.Card{Label: label, Words: excerpt(b.Text, cardWords), Title: a.Title, Source: cardSource(a)})
}

func cardLabel(a *readingroom.Article) string {
	if a.Byline != "" {
		return a.Byline
	}
	return templates.SiteName
}

// cardSource is the card's line under the title: publication and date.
func cardSource(a *readingroom.Article) string {
	var parts []string
	if a.Publication != "" {
		parts = append(parts, a.Publication)
	}
	if d := templates.NewDate(a.Published); d.Known() {
		parts = append(parts, d.Text)
	}
	return strings.Join(parts, " · ")
}

// serveCard answers with the card c: the stored image when the same card
// was drawn before, else a new one, drawn and kept. Cards are keyed by
// everything they show, so an edited paragraph gets a new one.
func (s *server) serveCard(w http.ResponseWriter, r *http.Request, c templates.Card) {
	sum := sha256.Sum256([]byte(strings.Join([]string{cardVersion, c.Label, c.Words, c.Title, c.Source}, "\x00")))
	key := hex.EncodeToString(sum[:16])
	png, err := s.db.Card(r.Context(), key)
	if readingroom.ErrorCode(err) == readingroom.ENOTFOUND {
		png, err = s.drawCard(r, key, c)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	// The address stays when the paragraph is edited; the image does not,
	// so it is kept for a day, and revalidated by its ETag.
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("ETag", `"`+key+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(png))
}

// drawCard draws c, at most a few at a time (each takes a few megabytes
// while it is drawn), and keeps it under key.
func (s *server) drawCard(r *http.Request, key string, c templates.Card) ([]byte, error) {
	select {
	case s.drawing <- struct{}{}:
		defer func() { <-s.drawing }()
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
	var buf bytes.Buffer
	if err := s.cards.Render(&buf, c); err != nil {
		return nil, err
	}
	if err := s.db.SaveCard(r.Context(), key, buf.Bytes()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
