package templates

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"github.com/readingroom/readingroom"
)

// BenchmarkRender renders an article of 40 paragraphs and a page of 20
// search results, reporting allocations.
//
//	go test -run=NONE -bench=Render -benchmem ./templates/
func BenchmarkRender(b *testing.B) {
	article := articlePage()
	para := strings.Repeat("The reading room kept its lamps lit until late, and the readers stayed on. ", 6)
	for i := range 40 {
		id := fmt.Sprintf("p%07d", i)
		article.Blocks = append(article.Blocks, Block{ID: id, Kind: readingroom.KindParagraph, Text: para, Permalink: "/a/s/p/" + id + "#p-" + id})
	}
	search := SearchPage{Page: page, Query: "lamps", Total: 1000, Capped: true, Number: 1, Pages: 50, Start: 1}
	for i := range 20 {
		r := SearchResult{URL: fmt.Sprintf("/a/lamps-%d", i), Title: "Lamps and lanterns", Byline: "By Ann", Matches: 5}
		for k := range 3 {
			r.Hits = append(r.Hits, SearchHit{URL: fmt.Sprintf("/a/lamps-%d/p/p%07d#p-p%07d", i, k, k),
				Snippet: readingroom.MarkedSegments("…the reading room kept its \x02lamps\x03 lit until late, and the readers stayed on…", "\x02", "\x03"),
				Kind:    readingroom.KindParagraph})
		}
		search.Results = append(search.Results, r)
	}
	for _, tt := range []struct {
		name string
		c    templ.Component
	}{
		{"article-40-paragraphs", Article(article)},
		{"search-20-results", Search(search)},
	} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := tt.c.Render(context.Background(), io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
