package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
)

// The reading list's JSON API. Every route is the signed-in reader's own
// (a session or a token); another reader's item is answered exactly as an
// item that does not exist.

const listPerPage = 50

// apiItemArticle names an item's article; URL is null when the article is
// no longer in the room.
type apiItemArticle struct {
	Slug    string  `json:"slug"`
	Title   string  `json:"title"`
	URL     *string `json:"url"`
	Missing bool    `json:"missing"`
}

type apiQuote struct {
	Exact  string `json:"exact"`
	Prefix string `json:"prefix"`
	Suffix string `json:"suffix"`
}

type apiPosition struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// apiItem is one item of a reader's list.
type apiItem struct {
	ID      int64          `json:"id"`
	Kind    string         `json:"kind"`
	Article apiItemArticle `json:"article"`
	// ParagraphID is the paragraph the passage now starts in; null for an
	// article and for a passage no longer in its article.
	ParagraphID *string `json:"paragraph_id"`
	// Quote is the passage as saved; null for an article.
	Quote *apiQuote `json:"quote"`
	// Position is where the passage now stands in the article's text, in
	// characters; null when it is not there.
	Position *apiPosition `json:"position"`
	// CurrentText is the words now there when the anchor is fuzzy.
	CurrentText *string  `json:"current_text,omitempty"`
	Note        string   `json:"note"`
	Tags        []string `json:"tags"`
	State       string   `json:"state"`
	Anchor      string   `json:"anchor"`
	// URL is the article's address, or for a passage its paragraph's
	// permalink with a text fragment that marks the words; null when the
	// article is no longer in the room.
	URL     *string `json:"url"`
	Created string  `json:"created"`
	Updated string  `json:"updated"`
}

type apiListPage struct {
	Items   []apiItem `json:"items"`
	Total   int       `json:"total"`
	Page    int       `json:"page"`
	PerPage int       `json:"per_page"`
	// Notes say what in q was not understood, as the search page does.
	Notes []string `json:"notes"`
}

// itemURL is where an item leads: the passage marked in its paragraph,
// the article, or nowhere ("") when the article is gone.
func itemURL(base string, it store.ListItem) string {
	if it.Article.Missing {
		return ""
	}
	if it.Kind != readingroom.ItemPassage || it.Found.Anchor == readingroom.AnchorOrphaned {
		return base + articlePath(it.Article.Slug)
	}
	return base + paragraphPath(it.Article.Slug, it.Found.ParagraphID) +
		"#:~:text=" + textDirective(it.Found.Text, it.Around.Prefix, it.Around.Suffix)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func newAPIItem(base string, it store.ListItem) apiItem {
	out := apiItem{
		ID:   it.ID,
		Kind: string(it.Kind),
		Article: apiItemArticle{
			Slug:    it.Article.Slug,
			Title:   it.Article.Title,
			Missing: it.Article.Missing,
		},
		Note:    it.Note,
		Tags:    it.Tags,
		State:   string(it.State),
		Anchor:  string(it.Found.Anchor),
		URL:     optional(itemURL(base, it)),
		Created: it.Created.UTC().Format(time.RFC3339),
		Updated: it.Updated.UTC().Format(time.RFC3339),
	}
	if out.Tags == nil {
		out.Tags = []string{}
	}
	if !it.Article.Missing {
		out.Article.URL = optional(base + articlePath(it.Article.Slug))
	}
	if it.Kind == readingroom.ItemPassage {
		out.Quote = &apiQuote{Exact: it.Quote.Exact, Prefix: it.Quote.Prefix, Suffix: it.Quote.Suffix}
		if it.Found.Anchor != readingroom.AnchorOrphaned {
			out.ParagraphID = optional(it.Found.ParagraphID)
			out.Position = &apiPosition{Start: it.Found.Position.Start, End: it.Found.Position.End}
		}
		if it.Found.Anchor == readingroom.AnchorFuzzy {
			out.CurrentText = optional(it.Found.Text)
		}
	}
	return out
}

// listFilter reads the filters of /list and /api/list from a query
// string. Its error names the parameter that is wrong.
func listFilter(q url.Values) (store.ListFilter, readingroom.Query, int, error) {
	f := store.ListFilter{
		State: readingroom.ItemState(q.Get("state")),
		Kind:  readingroom.ItemKind(q.Get("kind")),
		Tag:   q.Get("tag"),
		Slug:  q.Get("article"),
	}
	if f.State != "" && !f.State.Valid() {
		return f, readingroom.Query{}, 0, readingroom.FieldErrorf(readingroom.EINVALID, "state", "The state must be unread, read or archived.")
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return f, readingroom.Query{}, 0, readingroom.FieldErrorf(readingroom.EINVALID, "kind", "The kind must be article or passage.")
	}
	page, ok := pageNumber(q.Get("page"), 1)
	if !ok {
		return f, readingroom.Query{}, 0, readingroom.FieldErrorf(readingroom.EINVALID, "page", "The page must be a whole number from 1.")
	}
	query := readingroom.ParseQuery(q.Get("q"))
	f.Query = query
	f.Limit, f.Offset = listPerPage, (page-1)*listPerPage
	return f, query, page, nil
}

// apiList is GET /api/list: a page of the reader's items, newest first.
func (s *server) apiList(w http.ResponseWriter, r *http.Request) {
	f, q, page, err := listFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, total, err := s.db.List(r.Context(), userFrom(r.Context()).ID, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := s.baseURL(r)
	out := apiListPage{Items: make([]apiItem, 0, len(items)), Total: total, Page: page, PerPage: listPerPage, Notes: q.Notes}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	for _, it := range items {
		out.Items = append(out.Items, newAPIItem(base, it))
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

// apiNewItem is the body of POST /api/list.
type apiNewItem struct {
	Article   string    `json:"article"`
	Paragraph string    `json:"paragraph"`
	Quote     *apiQuote `json:"quote"`
	Note      string    `json:"note"`
	Tags      []string  `json:"tags"`
	State     string    `json:"state"`
}

// apiSaveItem is POST /api/list: 201 and the new item, or 200 and the
// item already there.
func (s *server) apiSaveItem(w http.ResponseWriter, r *http.Request) {
	var in apiNewItem
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Article == "" {
		s.fail(w, r, readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "article", "Name the article to save, by its slug."))
		return
	}
	n := store.NewItem{Slug: in.Article, Paragraph: in.Paragraph, Note: in.Note, Tags: in.Tags, State: readingroom.ItemState(in.State)}
	if in.Quote != nil {
		n.Quote = &readingroom.Quote{Exact: in.Quote.Exact, Prefix: in.Quote.Prefix, Suffix: in.Quote.Suffix}
	}
	it, created, err := s.db.SaveItem(r.Context(), userFrom(r.Context()).ID, n)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", "/api/list/"+itoa(it.ID))
	}
	s.writeJSON(w, r, status, newAPIItem(s.baseURL(r), it))
}

// apiGetItem is GET /api/list/{id}.
func (s *server) apiGetItem(w http.ResponseWriter, r *http.Request) {
	id, err := itemParam(r)
	if err == nil {
		var it store.ListItem
		if it, err = s.db.Item(r.Context(), userFrom(r.Context()).ID, id); err == nil {
			s.writeJSON(w, r, http.StatusOK, newAPIItem(s.baseURL(r), it))
			return
		}
	}
	s.fail(w, r, err)
}

// apiItemPatch is the body of PATCH /api/list/{id}: what to change.
type apiItemPatch struct {
	Note  *string   `json:"note"`
	Tags  *[]string `json:"tags"`
	State *string   `json:"state"`
}

// apiPatchItem is PATCH /api/list/{id}: 200 and the item.
func (s *server) apiPatchItem(w http.ResponseWriter, r *http.Request) {
	id, err := itemParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in apiItemPatch
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	u := store.ItemUpdate{Note: in.Note, Tags: in.Tags}
	if in.State != nil {
		st := readingroom.ItemState(*in.State)
		u.State = &st
	}
	it, err := s.db.UpdateItem(r.Context(), userFrom(r.Context()).ID, id, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newAPIItem(s.baseURL(r), it))
}

// apiDeleteItem is DELETE /api/list/{id}: 204.
func (s *server) apiDeleteItem(w http.ResponseWriter, r *http.Request) {
	id, err := itemParam(r)
	if err == nil {
		err = s.db.DeleteItem(r.Context(), userFrom(r.Context()).ID, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	noStore(w)
	w.WriteHeader(http.StatusNoContent)
}

// apiPositionBody is the body of PUT /api/articles/{slug}/position.
type apiPositionBody struct {
	Paragraph string `json:"paragraph"`
}

// apiSetPosition records the paragraph the reader reached: 204.
func (s *server) apiSetPosition(w http.ResponseWriter, r *http.Request) {
	var in apiPositionBody
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	a := articleFrom(r.Context())
	if _, err := s.db.SetPosition(r.Context(), userFrom(r.Context()).ID, a.Slug, in.Paragraph); err != nil {
		s.fail(w, r, err)
		return
	}
	noStore(w)
	w.WriteHeader(http.StatusNoContent)
}

// itemParam reads the route's {id}: anything but a positive whole number
// is the same 404 as an item that is not the reader's.
func itemParam(r *http.Request) (int64, error) {
	id, err := idParam(r)
	if err != nil {
		return 0, readingroom.Errorf(readingroom.ENOTFOUND, "There is no such item in your list.")
	}
	return id, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
