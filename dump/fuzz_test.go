package dump

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/readingroom/readingroom"
)

// FuzzParseDump feeds arbitrary bytes to the parser. Whatever comes in, it
// must not panic; it either refuses the file with an EINVALID
// *readingroom.Error or returns clean articles in NFC, the same ones every
// time.
func FuzzParseDump(f *testing.F) {
	for _, pattern := range []string{"testdata/dumps/*", "testdata/rejected/*", "../../shared/seeds/*"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(filepath.Base(file), data)
			}
		}
	}
	f.Add("x.md", []byte("---\ntitle: T\n---\n# H\n\n![a](b)\n\n## S\n\ntext *em* [l](u)\n"))
	f.Add("y.md", []byte("---\nauthors: [A, B]\n---\nT\n===\n\n- a\n  1. b\n\n```\nc\n```\n\n<script>x</script>\n\n<b>d</b> &amp; e\\*\n"))
	f.Add("x.txt", []byte("A\n\nB\n\nThis article first appeared in the 1 May 2020 issue of X, Y\n\nC\n\nD\n"))
	f.Fuzz(checkParse)
}

// FuzzParseMarkdown is FuzzParseDump for Markdown files alone, so that the
// fuzzer spends its time on the Markdown reader (goldmark, front matter,
// lists, code, raw HTML).
func FuzzParseMarkdown(f *testing.F) {
	files, _ := filepath.Glob("testdata/dumps/*.md")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("---\ntitle: T\ndate: 2020-01-02\nauthors: [A, B]\n---\n# H\n\n- a\n  - b\n\n1. c\n\n    code\n\n> quote\n\n<div>x</div>\n"))
	f.Add([]byte("T\n===\n\ntext <b>bold</b> ![alt](src \"credit\")\n\nS\n---\n\n```go\nx\n```\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, "fuzz.md", data) })
}

// checkParse parses data as the file name and fails t unless the result
// is a clear refusal or clean articles, the same every time.
func checkParse(t *testing.T, name string, data []byte) {
	arts, warnings, err := Parse(name, data)
	if err != nil {
		if readingroom.ErrorCode(err) != readingroom.EINVALID || readingroom.ErrorMessage(err) == "" {
			t.Fatalf("error %v is not a clear EINVALID", err)
		}
		if len(arts) != 0 {
			t.Fatalf("error with %d articles", len(arts))
		}
		return
	}
	if len(arts) == 0 {
		t.Fatal("no error and no articles")
	}
	for _, a := range arts {
		if a.Title == "" || a.Title != readingroom.CleanSpace(a.Title) || !utf8.ValidString(a.Title) || !norm.NFC.IsNormalString(a.Title) {
			t.Fatalf("bad title %q", a.Title)
		}
		if err := readingroom.CheckLimits(&a); err != nil {
			t.Fatalf("article beyond the limits: %v", err)
		}
		if !hasText(&a) {
			t.Fatalf("article %q without text", a.Title)
		}
		for _, b := range a.Blocks {
			if !b.Kind.Valid() || !cleanText(b) || !utf8.ValidString(b.Text) || !norm.NFC.IsNormalString(b.Text) {
				t.Fatalf("bad block %+v", b)
			}
			if strings.Contains(strings.ToLower(b.Text), "show hide image") && reMarker.MatchString(b.Text) {
				t.Fatalf("marker in block %q", b.Text)
			}
		}
		if readingroom.Slugify(a.Title) == "" {
			t.Fatalf("empty slug for %q", a.Title)
		}
	}
	again, warnings2, _ := Parse(name, data)
	if len(again) != len(arts) || len(warnings2) != len(warnings) {
		t.Fatal("parse is not deterministic")
	}
	for i := range arts {
		if arts[i].Fingerprint() != again[i].Fingerprint() {
			t.Fatal("parse is not deterministic")
		}
	}
}
