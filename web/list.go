package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// listPath is the reader's list.
const listPath = templates.ListPath

// The reading list's pages and forms. Every form is a plain post that
// comes back where it was sent from, so all of it works without the
// script.

// entry is an item as the list and the article page show it. back is
// the page its forms return to.
func entry(it store.ListItem, back string) templates.ListEntry {
	e := templates.ListEntry{
		ID:           it.ID,
		Kind:         it.Kind,
		ArticleTitle: it.Article.Title,
		Quote:        it.Quote.Exact,
		Anchor:       it.Found.Anchor,
		Missing:      it.Article.Missing,
		URL:          itemURL("", it),
		Note:         it.Note,
		Tags:         it.Tags,
		State:        it.State,
		Saved:        templates.NewMoment(it.Created),
		EditURL:      listPath + "/" + itoa(it.ID),
		DeleteURL:    listPath + "/" + itoa(it.ID) + "/delete",
		Back:         back,
	}
	if !it.Article.Missing {
		e.ArticleURL = articlePath(it.Article.Slug)
	}
	if it.Found.Anchor == readingroom.AnchorFuzzy {
		e.Current = it.Found.Text
	}
	return e
}

// continueURL leads to the paragraph the reader stopped at: its
// permalink, which opens the page of a long article that holds it, and
// follows the paragraph if it was moved, merged or removed since.
func continueURL(slug, pid string) string {
	if pid == "" {
		return ""
	}
	return paragraphPath(slug, pid) + "#p-" + pid
}

// listPage is /list: the reader's items, filtered, a page at a time.
func (s *server) listPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := userFrom(ctx)
	params := r.URL.Query()
	f, q, n, err := listFilter(params)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, total, err := s.db.List(ctx, u.ID, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pages := max(1, (total+listPerPage-1)/listPerPage)
	if n > pages {
		s.fail(w, r, readingroom.Errorf(readingroom.ENOTFOUND, "Your list has no page %d", n))
		return
	}
	tags, err := s.db.Tags(ctx, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var slugs []string
	for _, it := range items {
		if it.Kind == readingroom.ItemArticle && !it.Article.Missing {
			slugs = append(slugs, it.Article.Slug)
		}
	}
	positions, err := s.db.Positions(ctx, u.ID, slugs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := templates.ListPage{
		Page:   s.page(r, "Your list", ""),
		Total:  total,
		Number: n,
		Pages:  pages,
		Notes:  q.Notes,
		Filter: templates.ListFilter{
			State: params.Get("state"), Kind: params.Get("kind"), Tag: params.Get("tag"),
			Article: params.Get("article"), Query: shownQuery(params.Get("q")),
		},
	}
	p.NoIndex = true
	if n > 1 {
		p.Title += ", page " + strconv.Itoa(n)
		p.PrevURL = p.Filter.URL(n - 1)
	}
	if n < pages {
		p.NextURL = p.Filter.URL(n + 1)
	}
	for _, t := range tags {
		p.Filter.Tags = append(p.Filter.Tags, t.Tag)
	}
	p.Empty = total == 0 && !p.Filter.Any()
	for _, it := range items {
		e := entry(it, p.Path+"#item-"+itoa(it.ID))
		if it.Kind == readingroom.ItemArticle {
			e.ContinueURL = continueURL(it.Article.Slug, positions[it.Article.Slug])
		}
		p.Entries = append(p.Entries, e)
	}
	s.renderPage(w, r, templates.List(p))
}

// tagsPage is /list/tags: the reader's tags with their counts.
func (s *server) tagsPage(w http.ResponseWriter, r *http.Request) {
	tags, err := s.db.Tags(r.Context(), userFrom(r.Context()).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := templates.TagsPage{Page: s.page(r, "Your tags", "")}
	p.NoIndex = true
	for _, t := range tags {
		p.Tags = append(p.Tags, templates.TagCount{Tag: t.Tag, Count: t.Count})
	}
	s.renderPage(w, r, templates.Tags(p))
}

// saveForm is POST /list: save an article (article), a paragraph of it
// (and paragraph), with a note and tags if given; then back to next, or
// to what was saved.
func (s *server) saveForm(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	slug, pid := f.Get("article"), f.Get("paragraph")
	_, _, err := s.db.SaveItem(r.Context(), userFrom(r.Context()).ID, store.NewItem{
		Slug: slug, Paragraph: pid, Note: f.Get("note"), Tags: readingroom.SplitTags(f.Get("tags")),
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	next := f.Get("next")
	if next == "" {
		next = articlePath(slug)
		if pid != "" {
			next = paragraphPath(slug, pid) + "#p-" + pid
		}
	}
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
}

// editItemForm is POST /list/{id}: the item's note, tags and state, all
// three, as the edit form sends them.
func (s *server) editItemForm(w http.ResponseWriter, r *http.Request) {
	id, err := itemParam(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := r.PostForm
	note, tags, state := f.Get("note"), readingroom.SplitTags(f.Get("tags")), readingroom.ItemState(f.Get("state"))
	if _, err := s.db.UpdateItem(r.Context(), userFrom(r.Context()).ID, id, store.ItemUpdate{Note: &note, Tags: &tags, State: &state}); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, backTo(f.Get("next"), listPath+"#item-"+itoa(id)), http.StatusSeeOther)
}

// deleteItemForm is POST /list/{id}/delete.
func (s *server) deleteItemForm(w http.ResponseWriter, r *http.Request) {
	id, err := itemParam(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err == nil {
		err = s.db.DeleteItem(r.Context(), userFrom(r.Context()).ID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The item's own anchor is gone with it.
	next, _, _ := strings.Cut(backTo(r.PostForm.Get("next"), listPath), "#")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// backTo is next if it is a local path, else def.
func backTo(next, def string) string {
	if next == "" {
		return def
	}
	return localPath(next)
}

// stoppedHere is POST /a/{slug}/position: the "Stopped here" button.
func (s *server) stoppedHere(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	a := articleFrom(r.Context())
	pid := r.PostForm.Get("paragraph")
	if _, err := s.db.SetPosition(r.Context(), userFrom(r.Context()).ID, a.Slug, pid); err != nil {
		s.fail(w, r, err)
		return
	}
	next := continueURL(a.Slug, pid)
	if next == "" {
		next = articlePath(a.Slug)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// addReader fills in what an article page offers a signed-in reader: to
// save it, where they stopped, and their passages, marked in the text
// and listed after it. Nothing for anyone else.
func (s *server) addReader(r *http.Request, pg *store.ArticlePage, p *templates.ArticlePage) error {
	a := &pg.Article
	u := userFrom(r.Context())
	if u == nil {
		return nil
	}
	ctx := r.Context()
	passages, err := s.db.Passages(ctx, u.ID, a.Slug)
	if err != nil {
		return err
	}
	saved, err := s.db.SavedArticles(ctx, u.ID, []string{a.Slug})
	if err != nil {
		return err
	}
	positions, err := s.db.Positions(ctx, u.ID, []string{a.Slug})
	if err != nil {
		return err
	}
	rd := &templates.ArticleReader{
		Slug:           a.Slug,
		Back:           p.Path,
		PositionURL:    "/api/articles/" + url.PathEscape(a.Slug) + "/position",
		PositionAction: articlePath(a.Slug) + "/position",
	}
	if _, ok := saved[a.Slug]; ok {
		rd.SavedURL = listPath + "?article=" + a.Slug
	}
	rd.ContinueURL = continueURL(a.Slug, positions[a.Slug])
	marks := markPassages(a, pg.TextOffset, passages, rd, p.Path)
	apply := func(b *templates.Block) {
		b.StopAction = rd.PositionAction
		if m := marks[b.ID]; m != nil {
			b.Pieces, b.Refs = m.pieces(b.Text), m.refs
		}
	}
	for i := range p.Blocks {
		apply(&p.Blocks[i])
	}
	if p.Lead != nil {
		apply(p.Lead)
	}
	p.Reader = rd
	return nil
}

// blockMarks are the reader's passages in one block: the byte ranges of
// its text they cover, whose passage each is, and the note links of those
// that end in it.
type blockMarks struct {
	spans  []readingroom.Span
	owners []*templates.ListEntry
	first  []bool // the span is its passage's first
	refs   []templates.PassageRef
}

// markPassages numbers the reader's passages of a in the order they stand
// (those no longer in it last), lists them in rd, and returns, by block
// id, where each is to be marked. A passage is marked only if the article
// as loaded has its words where the store says: a re-import between the
// two reads leaves it unmarked rather than marking other words.
func markPassages(a *readingroom.Article, offset int, items []store.ListItem, rd *templates.ArticleReader, back string) map[string]*blockMarks {
	text := readingroom.NewArticleText(a.Blocks)
	marks := map[string]*blockMarks{}
	// Room for all, so the pointers taken below stay good.
	rd.Passages = make([]templates.ListEntry, 0, len(items))
	for _, it := range items {
		e := entry(it, back)
		e.Number = len(rd.Passages) + 1
		e.Back = back + "#note-" + itoa(it.ID)
		rd.Passages = append(rd.Passages, e)
		pe := &rd.Passages[len(rd.Passages)-1]
		// Positions are in the whole article's text; a holds one page of
		// it, which starts offset runes in. A passage on another page, or
		// across two, is listed but not marked.
		pos := readingroom.Position{Start: it.Found.Position.Start - offset, End: it.Found.Position.End - offset}
		if it.Found.Anchor == readingroom.AnchorOrphaned || pos.Start < 0 || text.Slice(pos) != it.Found.Text {
			continue
		}
		pe.MarkID = "passage-" + itoa(it.ID)
		spans := text.Spans(pos)
		for k, bs := range spans {
			id := a.Blocks[bs.Block].ID
			m := marks[id]
			if m == nil {
				m = &blockMarks{}
				marks[id] = m
			}
			m.spans = append(m.spans, bs.Span)
			m.owners = append(m.owners, pe)
			m.first = append(m.first, k == 0)
			if k == len(spans)-1 {
				m.refs = append(m.refs, templates.PassageRef{
					Number: pe.Number,
					Href:   "#note-" + itoa(it.ID),
					Label:  "Your passage " + strconv.Itoa(pe.Number) + ": its note and tags",
				})
			}
		}
	}
	return marks
}

// pieces cuts text at the marks (readingroom.Segments) into what the
// template shows.
func (m *blockMarks) pieces(text string) []templates.TextPiece {
	segs := readingroom.Segments(text, m.spans)
	out := make([]templates.TextPiece, 0, len(segs))
	anchored := make([]bool, len(m.spans))
	for _, seg := range segs {
		piece := templates.TextPiece{Text: seg.Text, Marked: seg.Marked()}
		var ids, notes []string
		for _, k := range seg.Marks {
			o := m.owners[k]
			ids = append(ids, itoa(o.ID))
			if o.Note != "" {
				notes = append(notes, excerpt(o.Note, describeLen))
			}
			if m.first[k] && !anchored[k] {
				anchored[k] = true
				piece.Anchors = append(piece.Anchors, o.MarkID)
			}
		}
		piece.Items = strings.Join(ids, " ")
		piece.Title = strings.Join(notes, " · ")
		out = append(out, piece)
	}
	return out
}
