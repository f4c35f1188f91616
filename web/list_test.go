package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/readingroom/readingroom/store"
)

func byClassName(class string) func(*html.Node) bool { return hasClass(class) }

// TestListWithoutScript does with plain forms what a reader does without
// JavaScript: save the article and a paragraph, see the paragraph marked
// with its note reachable, edit and delete from the article page, mark
// where they stopped and find the way back.
func TestListWithoutScript(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	rob := rm.signIn("Rob", readerPassword)
	a := rm.article
	page := articlePath(a.Slug)
	p := a.Blocks[3] // "Every day is election day in this White House."

	res, body := rm.call(rob, http.MethodGet, page, nil, nil)
	wantStatus(t, res, http.StatusOK)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("a signed-in reader's article page may be cached")
	}
	doc := parse(t, body)
	if art := find(doc, byClassName("article")); len(art) != 1 || attr(art[0], "data-position") != "/api/articles/"+a.Slug+"/position" || attr(art[0], "data-save") != "/api/list" {
		t.Error("the article does not tell its script where to save and to report the position")
	}
	forms := find(doc, byClassName("save-form"))
	if len(forms) != 1 || attr(forms[0], "action") != "/list" {
		t.Fatalf("the article offers %d save forms", len(forms))
	}
	// The block's buttons belong to a form outside the paragraph.
	tools := find(doc, byID("block-tools"))
	if len(tools) != 1 || tools[0].Parent.Data == "p" {
		t.Fatal("no block-tools form, or one inside a paragraph")
	}
	save := find(doc, func(n *html.Node) bool {
		return n.Data == "button" && attr(n, "form") == "block-tools" && attr(n, "value") == p.ID && attr(n, "formaction") == ""
	})
	if len(save) != 1 || closest(save[0], "p") == nil {
		t.Fatalf("paragraph %s has %d Save buttons inside it", p.ID, len(save))
	}

	// Save the article, then the paragraph, as the forms would.
	res, _ = rm.call(rob, http.MethodPost, "/list", url.Values{"article": {a.Slug}, "next": {page}}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
		t.Fatalf("save article: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	rm.call(rob, http.MethodPost, "/list", url.Values{"article": {a.Slug}, "next": {page}}, rm.sameOrigin())
	res, _ = rm.call(rob, http.MethodPost, "/list", url.Values{"article": {a.Slug}, "paragraph": {p.ID}}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"/p/"+p.ID+"#p-"+p.ID {
		t.Fatalf("save paragraph: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if n := rm.count("list_items"); n != 2 {
		t.Fatalf("%d items after saving the article twice and a paragraph, want 2", n)
	}
	var itemID int64
	rm.raw().QueryRow(`SELECT id FROM list_items WHERE kind = 'passage'`).Scan(&itemID)
	id := fmt.Sprint(itemID)

	// Give it a note, full of markup, from the article page's form.
	note := "<script>alert('x')</script>\nSecond line"
	res, _ = rm.call(rob, http.MethodPost, "/list/"+id, url.Values{"note": {note}, "tags": {"politics, Campaign"}, "state": {"read"}, "next": {page + "#note-" + id}}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"#note-"+id {
		t.Fatalf("edit: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}

	_, body = rm.call(rob, http.MethodGet, page, nil, nil)
	doc = parse(t, body)
	ids := map[string]bool{}
	for _, n := range find(doc, func(n *html.Node) bool { return attr(n, "id") != "" }) {
		if ids[attr(n, "id")] {
			t.Errorf("the id %q is used twice", attr(n, "id"))
		}
		ids[attr(n, "id")] = true
	}
	if len(find(doc, byClassName("saved"))) != 1 {
		t.Error("the saved article is not said to be saved")
	}
	marks := find(doc, byClassName("passage"))
	if len(marks) != 1 || marks[0].Data != "mark" || text(marks[0]) != p.Text || attr(marks[0], "data-items") != id {
		t.Fatalf("marks: %d", len(marks))
	}
	if !strings.Contains(attr(marks[0], "title"), "Second line") {
		t.Errorf("the mark's title %q does not show the note", attr(marks[0], "title"))
	}
	if anchor := find(doc, byID("passage-"+id)); len(anchor) != 1 || closest(anchor[0], "p") == nil || attr(closest(anchor[0], "p"), "id") != "p-"+p.ID {
		t.Error("no anchor for the passage in its paragraph")
	}
	ref := find(doc, func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#note-"+id })
	if len(ref) != 1 || attr(ref[0], "aria-label") == "" {
		t.Fatal("no labelled link from the passage to its note")
	}
	li := find(doc, byID("note-"+id))
	if len(li) != 1 {
		t.Fatal("no note for the passage after the article")
	}
	noteText := find(li[0], byClassName("item-note"))
	if len(noteText) != 1 || text(noteText[0]) != note {
		t.Errorf("the note reads %q", text(noteText[0]))
	}
	if len(find(li[0], byTag("script"))) != 0 {
		t.Error("the note's markup became a script element")
	}
	if back := find(li[0], func(n *html.Node) bool { return n.Data == "a" && attr(n, "href") == "#passage-"+id }); len(back) != 1 {
		t.Error("no link from the note back to the passage")
	}
	if len(find(li[0], func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == "/list/"+id })) != 1 ||
		len(find(li[0], func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == "/list/"+id+"/delete" })) != 1 {
		t.Error("the article page does not offer to edit and delete the passage")
	}

	// Other readers, and no one, see none of it.
	for who, c := range map[string]*http.Client{"Ada": rm.signIn("Ada", adminPassword), "no one": rm.client()} {
		_, body := rm.call(c, http.MethodGet, page, nil, nil)
		if strings.Contains(body, "passage-"+id) || strings.Contains(body, "Second line") || strings.Contains(body, `class="passage"`) {
			t.Errorf("%s sees Rob's passage", who)
		}
		if who == "no one" && (strings.Contains(body, "block-tools") || strings.Contains(body, "Save to your list")) {
			t.Error("no one signed in is offered to save")
		}
	}

	// Stopped here: the article, the library and the list offer to go on.
	stop := find(doc, func(n *html.Node) bool {
		return n.Data == "button" && attr(n, "value") == a.Blocks[5].ID && attr(n, "formaction") == page+"/position"
	})
	if len(stop) != 1 {
		t.Fatal("no Stopped-here button")
	}
	res, _ = rm.call(rob, http.MethodPost, page+"/position", url.Values{"article": {a.Slug}, "paragraph": {a.Blocks[5].ID}}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page+"/p/"+a.Blocks[5].ID+"#p-"+a.Blocks[5].ID {
		t.Fatalf("stopped here: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	want := page + "/p/" + a.Blocks[5].ID + "#p-" + a.Blocks[5].ID
	for _, path := range []string{page, "/", "/list"} {
		_, body := rm.call(rob, http.MethodGet, path, nil, nil)
		cont := find(parse(t, body), byClassName("continue"))
		if len(cont) != 1 || attr(cont[0], "href") != want || text(cont[0]) != "Continue where you stopped" {
			t.Errorf("%s: no link to continue at %s", path, want)
		}
	}

	// Delete from the article page.
	res, _ = rm.call(rob, http.MethodPost, "/list/"+id+"/delete", url.Values{"next": {page + "#note-" + id}}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
		t.Fatalf("delete: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := rm.call(rob, http.MethodGet, page, nil, nil); strings.Contains(body, `class="passage"`) {
		t.Error("the deleted passage is still marked")
	}
}

// closest is the nearest ancestor of n named tag, or nil.
func closest(n *html.Node, tag string) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == tag {
			return p
		}
	}
	return nil
}

func TestListPage(t *testing.T) {
	f := newListFixture(t, Config{})
	_, body := f.call(f.rob, http.MethodGet, "/list", nil, nil)
	doc := parse(t, body)
	entries := find(doc, byClassName("list-entry"))
	if len(entries) != 4 {
		t.Fatalf("%d entries, want 4", len(entries))
	}
	for _, want := range []string{
		"The article has changed here. It now reads:", "Every day is polling day in this White House.",
		"The article is no longer in this room.", "A piece soon gone",
	} {
		if !strings.Contains(text(doc), want) {
			t.Errorf("the list does not say %q", want)
		}
	}
	// A passage links to its words, marked by the browser.
	quote := find(doc, func(n *html.Node) bool {
		return n.Data == "a" && strings.Contains(attr(n, "href"), "#:~:text=these%20things%20do%2C-,with%20a%20tweet,-.")
	})
	if len(quote) != 1 || !strings.HasPrefix(attr(quote[0], "href"), paragraphPath(f.article.Slug, f.article.Blocks[1].ID)) {
		t.Error("the passage does not link to its paragraph with a text fragment")
	}
	if strings.Contains(body, "ada's own note") || len(find(doc, byTag("script"))) > 1 {
		t.Error("the list shows Ada's note, or a note's markup as a script")
	}
	for q, want := range map[string]int{
		"?kind=passage": 3, "?state=archived": 1, "?tag=POLITICS": 1, "?q=script": 1, "?q=tweet": 1,
		"?article=" + f.article.Slug: 3, "?q=nothing-matches-this": 0,
	} {
		_, body := f.call(f.rob, http.MethodGet, "/list"+q, nil, nil)
		if got := len(find(parse(t, body), byClassName("list-entry"))); got != want {
			t.Errorf("/list%s: %d entries, want %d", q, got, want)
		}
	}
	// A bad filter: the heading is a sentence, the field's message says
	// what to correct.
	for q, says := range map[string]string{"?state=lost": "The state must be unread, read or archived.", "?page=0": "The page must be a whole number from 1."} {
		res, body := f.call(f.rob, http.MethodGet, "/list"+q, nil, nil)
		if res.StatusCode != http.StatusBadRequest || goErrorText.MatchString(body) {
			t.Errorf("/list%s: %d", q, res.StatusCode)
		}
		doc := parse(t, body)
		if h1 := find(doc, byTag("h1")); len(h1) != 1 || text(h1[0]) != "Part of that address isn't right" || !strings.Contains(text(doc), says) {
			t.Errorf("/list%s: the page's heading is not a sentence, or it does not say %q", q, says)
		}
	}
	if res, _ := f.call(f.rob, http.MethodGet, "/list?page=9", nil, nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("/list?page=9: %d, want 404", res.StatusCode)
	}

	// Tags, with counts.
	_, body = f.call(f.rob, http.MethodGet, "/list/tags", nil, nil)
	tags := find(parse(t, body), byClassName("tag-counts"))
	if len(tags) != 1 || !strings.Contains(text(tags[0]), "Politics 1 item") || !strings.Contains(text(tags[0]), "twitter 1 item") {
		t.Errorf("tags page: %q", text(tags[0]))
	}

	// Paging, newest first.
	var more []store.ImportedItem
	for i := range 60 {
		more = append(more, store.ImportedItem{Slug: fmt.Sprint("elsewhere-", i), Kind: "article", Note: "bulk"})
	}
	if _, err := f.db.ImportItems(t.Context(), f.rm().rob.ID, more); err != nil {
		t.Fatal(err)
	}
	_, body = f.call(f.rob, http.MethodGet, "/list?kind=passage", nil, nil)
	if strings.Contains(body, `rel="next"`) {
		t.Error("a short list has a next page")
	}
	_, body = f.call(f.rob, http.MethodGet, "/list", nil, nil)
	next := find(parse(t, body), func(n *html.Node) bool { return n.Data == "a" && attr(n, "rel") == "next" })
	if len(next) != 1 || attr(next[0], "href") != "/list?page=2" {
		t.Fatal("a list of 64 items has no link to its second page")
	}
	_, body = f.call(f.rob, http.MethodGet, "/list?page=2", nil, nil)
	if n := len(find(parse(t, body), byClassName("list-entry"))); n != 14 {
		t.Errorf("the second page has %d entries, want 14", n)
	}
}

// TestSaveFromLibraryAndSearch: the library and search results offer a
// signed-in reader to save each article, and say which are saved.
func TestSaveFromLibraryAndSearch(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	rob := rm.signIn("Rob", readerPassword)
	for _, path := range []string{"/", "/search?q=tweet"} {
		_, body := rm.call(rob, http.MethodGet, path, nil, nil)
		forms := find(parse(t, body), byClassName("save-form"))
		if len(forms) != 1 {
			t.Fatalf("%s: %d save forms, want 1", path, len(forms))
		}
		if _, anon := rm.call(rm.client(), http.MethodGet, path, nil, nil); strings.Contains(anon, "save-form") {
			t.Errorf("%s offers no one signed in to save", path)
		}
	}
	res, _ := rm.call(rob, http.MethodPost, "/list", url.Values{"article": {rm.article.Slug}, "next": {"/search?q=tweet"}}, rm.sameOrigin())
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/search?q=tweet" {
		t.Fatalf("save from search: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	for _, path := range []string{"/", "/search?q=tweet"} {
		_, body := rm.call(rob, http.MethodGet, path, nil, nil)
		doc := parse(t, body)
		if len(find(doc, byClassName("save-form"))) != 0 || len(find(doc, byClassName("saved"))) != 1 {
			t.Errorf("%s does not say the article is saved", path)
		}
	}
	// A next that leads elsewhere is not followed.
	res, _ = rm.call(rob, http.MethodPost, "/list", url.Values{"article": {rm.article.Slug}, "next": {"https://evil.example/"}}, rm.sameOrigin())
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("save with a foreign next: to %q, want /", loc)
	}
}

func (f *listFixture) rm() *room { return f.room }

// TestListPagesIsolation: Rob's forms cannot touch Ada's items, and the
// answers are those for an item that does not exist.
func TestListPagesIsolation(t *testing.T) {
	f := newListFixture(t, Config{})
	var adaID int64
	f.raw().QueryRow(`SELECT i.id FROM list_items i JOIN users u ON u.id = i.user_id WHERE u.name = 'Ada'`).Scan(&adaID)
	before := f.snapshot()
	for _, path := range []string{"/list/%d", "/list/%d/delete"} {
		form := url.Values{"note": {"rob was here"}, "tags": {""}, "state": {"read"}}
		res, body := f.call(f.rob, http.MethodPost, fmt.Sprintf(path, adaID), form, f.sameOrigin())
		res2, body2 := f.call(f.rob, http.MethodPost, fmt.Sprintf(path, 999999), form, f.sameOrigin())
		if res.StatusCode != http.StatusNotFound || res2.StatusCode != http.StatusNotFound || body != body2 {
			t.Errorf("POST %s as Rob: %d, and for a missing item %d; the pages differ: %v", path, res.StatusCode, res2.StatusCode, body != body2)
		}
	}
	if f.snapshot() != before {
		t.Error("Rob changed Ada's items")
	}
	for _, path := range []string{"/list", "/list/tags", "/list/export.md", "/list/export.json", "/a/" + f.article.Slug} {
		if _, body := f.call(f.rob, http.MethodGet, path, nil, nil); strings.Contains(body, "ada's own note") {
			t.Errorf("Rob's %s shows Ada's note", path)
		}
	}
}
