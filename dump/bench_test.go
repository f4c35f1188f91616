package dump

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkParse reads the test dumps, and a dump of fifty plain articles
// like the ones readingroom bench makes, reporting allocations.
//
//	go test -tags sqlite_fts5 -run=NONE -bench=Parse -benchmem ./dump/
func BenchmarkParse(b *testing.B) {
	files, err := filepath.Glob("testdata/dumps/*")
	if err != nil || len(files) == 0 {
		b.Fatal("no test dumps", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(f), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := Parse(f, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	var sb strings.Builder
	para := strings.Repeat("The reading room kept its lamps lit until late in the evening, and the readers stayed. ", 6)
	for i := range 50 {
		sb.WriteString("Photograph: Archive\nShow Hide image\n\nA title for article " + strings.Repeat("x", i%7+1) + "\n\nA standfirst that says what the article is about.\n\nBy Jane Doe\n\n")
		for range 12 {
			sb.WriteString(para + "\n\n")
		}
		sb.WriteString("This article first appeared in the 3 March 2017 issue of the Bench Review, Spring\n\n")
	}
	data := []byte(sb.String())
	b.Run("fifty-articles", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			arts, _, err := Parse("fifty.txt", data)
			if err != nil || len(arts) != 50 {
				b.Fatal(len(arts), err)
			}
		}
	})
}
