// Package htmltest parses rendered pages and finds elements in them, for
// the tests of the templates and web packages. It is imported by tests
// only.
package htmltest

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Parse parses a page, failing t if it cannot.
func Parse(t testing.TB, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc
}

// Find returns every element below n for which match is true, in document
// order.
func Find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			out = append(out, d)
		}
	}
	return out
}

// One returns the one element below n for which match is true, failing t
// (naming what) when there is none or more than one.
func One(t testing.TB, n *html.Node, what string, match func(*html.Node) bool) *html.Node {
	t.Helper()
	got := Find(n, match)
	if len(got) != 1 {
		t.Fatalf("%s: found %d elements, want 1", what, len(got))
	}
	return got[0]
}

// Attr returns the value of n's attribute key, or "".
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// HasAttr reports whether n has the attribute key, even empty.
func HasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// Text is the text below n, as it stands in the document.
func Text(n *html.Node) string {
	var sb strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			sb.WriteString(d.Data)
		}
	}
	return sb.String()
}

// ByTag matches elements named tag.
func ByTag(tag string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == tag }
}

// ByID matches the element with the id.
func ByID(id string) func(*html.Node) bool {
	return func(n *html.Node) bool { return Attr(n, "id") == id }
}

// ByClass matches elements that have class among their classes.
func ByClass(class string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		for _, c := range strings.Fields(Attr(n, "class")) {
			if c == class {
				return true
			}
		}
		return false
	}
}
