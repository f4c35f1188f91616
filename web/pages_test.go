package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/readingroom/readingroom"
)

// A long article is served a page at a time: no answer carries more than
// a page of it, the pages lead to one another, and a paragraph's link
// opens the page that holds it.
func TestLongArticleInPages(t *testing.T) {
	f := newFixture(t)
	long := &readingroom.Article{Title: "A long book", Standfirst: "It goes on."}
	words := strings.Repeat("and the book goes on a little further ", 60) // about 2.3 KB
	for i := range 1200 {
		long.Blocks = append(long.Blocks, readingroom.Block{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("Paragraph %d: %s", i, words)})
	}
	save(t, f.db, long) // about 2.8 MB of text
	path := "/a/" + long.Slug

	res, body := f.get(path)
	wantStatus(t, res, 200)
	doc := parse(t, body)
	where := find(doc, hasClass("pager-where"))
	if len(where) != 1 || !strings.HasPrefix(text(where[0]), "Page 1 of ") {
		t.Fatalf("page 1 has no pager saying so")
	}
	var pages int
	fmt.Sscanf(strings.TrimPrefix(text(where[0]), "Page 1 of "), "%d", &pages)
	if pages < 10 {
		t.Errorf("%d pages, want about 12", pages)
	}
	next := find(doc, func(n *html.Node) bool { return attr(n, "rel") == "next" && n.Data == "a" })
	if len(next) != 1 || attr(next[0], "href") != path+"?page=2" {
		t.Errorf("page 1's next link: %v", next)
	}

	seen := 0
	for n := 1; n <= pages; n++ {
		res, body := f.get(articlePagePath(long.Slug, n))
		wantStatus(t, res, 200)
		if len(body) > 2*readingroom.PageBytes {
			t.Errorf("page %d is %d bytes, more than a page should be", n, len(body))
		}
		doc := parse(t, body)
		canon := find(doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" })
		if len(canon) != 1 || attr(canon[0], "href") != f.srv.URL+articlePagePath(long.Slug, n) {
			t.Errorf("page %d: canonical %v", n, canon)
		}
		for _, b := range long.Blocks[seen:] {
			if !strings.Contains(body, `id="p-`+b.ID+`"`) {
				break
			}
			seen++
		}
		res, body = f.get(fmt.Sprintf("/api/articles/%s?page=%d", long.Slug, n))
		wantStatus(t, res, 200)
		if len(body) > 2*readingroom.PageBytes {
			t.Errorf("API page %d is %d bytes", n, len(body))
		}
		if v := decode(t, body); v["page"] != float64(n) || v["pages"] != float64(pages) {
			t.Errorf("API page %d: page %v of %v", n, v["page"], v["pages"])
		}
	}
	if seen != len(long.Blocks) {
		t.Errorf("the pages, in order, show %d of the %d blocks", seen, len(long.Blocks))
	}

	// A paragraph on the last page opens that page, marked.
	last := long.Blocks[len(long.Blocks)-1]
	res, body = f.get(paragraphPath(long.Slug, last.ID))
	wantStatus(t, res, 200)
	if !strings.Contains(body, fmt.Sprintf("Page %d of %d", pages, pages)) || !strings.Contains(body, `aria-current="true"`) {
		t.Error("the last paragraph's link does not open the last page with it marked")
	}
	res, body = f.get("/api/articles/" + long.Slug + "/p/" + last.ID)
	wantStatus(t, res, 200)
	if !strings.Contains(body, "Paragraph 1199:") {
		t.Errorf("the API's answer for the last paragraph: %s", body)
	}

	for q, want := range map[string]int{fmt.Sprint(pages + 1): 404, "0": 400, "x": 400, "%ZZ": 400} {
		res, _ := f.get(path + "?page=" + q)
		if res.StatusCode != want {
			t.Errorf("?page=%s: %d, want %d", q, res.StatusCode, want)
		}
	}
	// A short article has no pager.
	res, body = f.get("/a/" + f.review.Slug)
	wantStatus(t, res, 200)
	if strings.Contains(body, "pager-where") {
		t.Error("a one-page article shows a pager")
	}
}

// A reader's passage on the second page of a long article is marked
// there, where its paragraph is, and listed but not marked on the first.
func TestPassageOnALaterPage(t *testing.T) {
	rm := newRoom(t, Config{}, true)
	long := &readingroom.Article{Title: "A long book"}
	words := strings.Repeat("and the book goes on a little further ", 60)
	for i := range 300 {
		long.Blocks = append(long.Blocks, readingroom.Block{Kind: readingroom.KindParagraph, Text: fmt.Sprintf("Paragraph %d: %s", i, words)})
	}
	save(t, rm.db, long)
	p2, err := rm.db.ArticlePage(t.Context(), long.Slug, 2)
	if err != nil || p2.Pages < 2 {
		t.Fatalf("page 2: %+v, %v", p2, err)
	}
	target := p2.Blocks[3]
	rob := rm.tokenClient(rm.signIn("Rob", readerPassword))
	res, body := rm.sendJSON(rob, http.MethodPost, "/api/list", m{"article": long.Slug, "paragraph": target.ID,
		"quote": m{"exact": "goes on a little", "prefix": "and the book ", "suffix": " further"}})
	wantStatusBody(t, "save words", res, body, http.StatusCreated)
	id := fmt.Sprint(decode(t, body)["id"])

	c := rm.signIn("Rob", readerPassword)
	_, page1 := rm.call(c, http.MethodGet, "/a/"+long.Slug, nil, nil)
	_, page2 := rm.call(c, http.MethodGet, "/a/"+long.Slug+"?page=2", nil, nil)
	mark := `id="passage-` + id + `"`
	if !strings.Contains(page2, mark) {
		t.Error("the passage is not marked on its page")
	}
	if strings.Contains(page1, mark) {
		t.Error("the passage is marked on a page that does not hold it")
	}
	if !strings.Contains(page1, `id="note-`+id+`"`) {
		t.Error("the passage is not listed on the first page")
	}

	// Stopped on the second page: the first page's Continue link goes to
	// the paragraph's permalink, which opens the page that holds it.
	res, _ = rm.call(c, http.MethodPost, "/a/"+long.Slug+"/position", url.Values{"paragraph": {target.ID}}, rm.sameOrigin())
	want := "/a/" + long.Slug + "/p/" + target.ID + "#p-" + target.ID
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
		t.Fatalf("stopped here: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, page1 = rm.call(c, http.MethodGet, "/a/"+long.Slug, nil, nil)
	if cont := find(parse(t, page1), byClassName("continue")); len(cont) != 1 || attr(cont[0], "href") != want {
		t.Errorf("the first page's Continue link: %d links, want one to %s", len(cont), want)
	}
	res, held := rm.call(c, http.MethodGet, strings.TrimSuffix(want, "#p-"+target.ID), nil, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(held, `id="p-`+target.ID+`"`) {
		t.Errorf("the Continue link's page: %d, holds the paragraph: %v", res.StatusCode, strings.Contains(held, `id="p-`+target.ID+`"`))
	}
}
