package templates

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/readingroom/readingroom"
)

// Consecutive list items are one list, numbered as printed when they were
// numbered; each item is addressable like a paragraph. Code keeps its line
// breaks in a <pre>, with its own id and pilcrow.
func TestArticleListsAndCode(t *testing.T) {
	blk := func(id string, kind readingroom.BlockKind, text, number string) Block {
		return Block{ID: id, Kind: kind, Text: text, Number: number, Permalink: "/a/s/p/" + id + "#p-" + id}
	}
	p := articlePage()
	marked := blk("bullet02", readingroom.KindListItem, "Second <b>bullet</b>", "")
	marked.Marked = true
	marked.Aliases = []string{"oldbulle"}
	p.Blocks = []Block{
		blk("paraone2", readingroom.KindParagraph, "First", ""),
		blk("bullet01", readingroom.KindListItem, "First bullet", ""),
		marked,
		blk("number03", readingroom.KindListItem, "Third", "3"),
		blk("number04", readingroom.KindListItem, "Fourth", "4"),
		blk("codecode", readingroom.KindCode, "func main() {\n\tfmt.Println(\"<hi>\")\n}", ""),
		blk("bullet05", readingroom.KindListItem, "After the code", ""),
	}
	out, doc := render(t, Article(p))
	body := one(t, doc, "body", byClass("article-body"))

	var shape []string
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			shape = append(shape, c.Data)
		}
	}
	if got := strings.Join(shape, " "); got != "p ul ol pre ul" {
		t.Errorf("body children %q, want %q", got, "p ul ol pre ul")
	}

	lists := find(body, func(n *html.Node) bool { return n.Data == "ul" || n.Data == "ol" })
	items := func(n *html.Node) []*html.Node {
		return find(n, byTag("li"))
	}
	if n := len(items(lists[0])); n != 2 {
		t.Errorf("first list has %d items, want 2", n)
	}
	ol := lists[1]
	if attr(ol, "start") != "3" {
		t.Errorf("ol start %q, want 3", attr(ol, "start"))
	}
	for i, li := range items(ol) {
		if want := []string{"3", "4"}[i]; attr(li, "value") != want {
			t.Errorf("item %d value %q, want %q", i, attr(li, "value"), want)
		}
	}
	for _, b := range p.Blocks {
		if b.Kind != readingroom.KindListItem {
			continue
		}
		li := one(t, doc, "item "+b.ID, byID("p-"+b.ID))
		if li.Data != "li" || !strings.HasPrefix(text(li), b.Text) {
			t.Errorf("item %s: <%s> %q", b.ID, li.Data, text(li))
		}
		a := one(t, li, "pilcrow of "+b.ID, byClass("pilcrow"))
		if attr(a, "href") != b.Permalink || attr(a, "aria-label") != "Link to this item" {
			t.Errorf("item %s pilcrow %q %q", b.ID, attr(a, "href"), attr(a, "aria-label"))
		}
	}
	li := one(t, doc, "marked item", byID("p-bullet02"))
	if attr(li, "aria-current") != "true" || !strings.Contains(attr(li, "class"), "marked") {
		t.Errorf("marked item attributes %v", li.Attr)
	}
	one(t, li, "alias anchor", byID("p-oldbulle"))
	if strings.Contains(out, "<b>bullet") {
		t.Error("list item text not escaped")
	}

	pre := one(t, doc, "code", byID("p-codecode"))
	if pre.Data != "pre" || !strings.Contains(attr(pre, "class"), "code") {
		t.Errorf("code block is <%s class=%q>", pre.Data, attr(pre, "class"))
	}
	code := one(t, pre, "code element", byTag("code"))
	if got := text(code); got != p.Blocks[5].Text {
		t.Errorf("code text %q, want %q", got, p.Blocks[5].Text)
	}
	if a := one(t, pre, "code pilcrow", byClass("pilcrow")); attr(a, "aria-label") != "Link to this code" {
		t.Errorf("code pilcrow label %q", attr(a, "aria-label"))
	}
}
