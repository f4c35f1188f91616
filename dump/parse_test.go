package dump

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump/dumptest"
)

func mustParse(t *testing.T, name, text string) []readingroom.Article {
	t.Helper()
	arts, warnings, err := Parse(name, []byte(text))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	if len(warnings) > 0 {
		t.Fatalf("Parse(%s) warnings: %v", name, warnings)
	}
	return arts
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func blockTexts(a readingroom.Article, kind readingroom.BlockKind) []string {
	var out []string
	for _, b := range a.Blocks {
		if b.Kind == kind {
			out = append(out, b.Text)
		}
	}
	return out
}

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// cleanText reports whether a block's text is as the parser must leave
// it: not empty, and without stray white space. Code keeps its line breaks
// and indentation, but no blank lines at either end nor trailing space.
func cleanText(b readingroom.Block) bool {
	if b.Kind != readingroom.KindCode {
		return b.Text != "" && b.Text == readingroom.CleanSpace(b.Text)
	}
	if strings.TrimSpace(b.Text) == "" || strings.ContainsAny(b.Text, "\r\v\f\x00") {
		return false
	}
	lines := strings.Split(b.Text, "\n")
	for _, l := range lines {
		if l != strings.TrimRightFunc(l, unicode.IsSpace) {
			return false
		}
	}
	return lines[0] != "" && lines[len(lines)-1] != ""
}

// checkClean asserts what must hold of every parsed article, whatever the
// input: no markers, credits or publication lines left in the text, no
// stray white space, at least one paragraph.
func checkClean(t *testing.T, a readingroom.Article) {
	t.Helper()
	if a.Title == "" || a.Title != readingroom.CleanSpace(a.Title) {
		t.Errorf("title %q is empty or not clean", a.Title)
	}
	if !hasText(&a) {
		t.Errorf("%q has no text", a.Title)
	}
	for _, b := range a.Blocks {
		if !b.Kind.Valid() {
			t.Errorf("%q: block kind %q", a.Title, b.Kind)
		}
		if !cleanText(b) {
			t.Errorf("%q: block text %q is empty or not clean", a.Title, b.Text)
		}
		if reMarker.MatchString(b.Text) || strings.Contains(strings.ToLower(b.Text), "show hide image") {
			t.Errorf("%q: block holds the marker: %q", a.Title, b.Text)
		}
		if _, ok := parsePublication(b.Text); ok {
			t.Errorf("%q: block holds the publication line: %q", a.Title, b.Text)
		}
		if b.Kind == readingroom.KindParagraph && (reCreditLine.MatchString(b.Text) || isAllCapsCredit(b.Text)) {
			t.Errorf("%q: paragraph is a credit line: %q", a.Title, b.Text)
		}
	}
}

// TestSeeds is the acceptance test on the real dumps in ../shared/seeds.
func TestSeeds(t *testing.T) {
	files := dumptest.RequireSeeds(t)
	byKey := map[string]readingroom.Article{}
	var order []string
	for _, f := range files {
		arts, warnings, err := Parse(f, readFile(t, f))
		if err != nil || len(warnings) > 0 {
			t.Fatalf("%s: err %v, warnings %v", f, err, warnings)
		}
		for _, a := range arts {
			checkClean(t, a)
			if prev, ok := byKey[a.Key()]; ok {
				if prev.Fingerprint() != a.Fingerprint() {
					t.Errorf("two copies of %q parse differently", a.Title)
				}
				continue
			}
			byKey[a.Key()] = a
			order = append(order, a.Title)
		}
	}
	want := []string{
		"More on Ralph Miliband: A KGB Connection?",
		"William Boyd on Kim Philby: how did a privileged young Englishman become a national traitor?",
		"Losing Momentum: how Jeremy Corbyn’s support group ran out of steam",
		"Spies like us",
	}
	if strings.Join(order, "\n") != strings.Join(want, "\n") {
		t.Fatalf("articles:\n%s\nwant:\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
	get := func(title string) readingroom.Article { return byKey[readingroom.Normalize(title)] }

	miliband := get(want[0])
	if miliband.Byline != "From a correspondent" || miliband.Standfirst != "" {
		t.Errorf("Miliband byline %q standfirst %q", miliband.Byline, miliband.Standfirst)
	}

	philby := get(want[1])
	if got := blockTexts(philby, readingroom.KindCaption); len(got) != 1 || got[0] != "Comrade Kim: Philby in Moscow in 1968, five years after defecting to the USSR." {
		t.Errorf("Philby captions %q", got)
	}
	if philby.Blocks[0].Kind != readingroom.KindCaption || philby.Blocks[0].Credit != "Rex Features" {
		t.Errorf("Philby lead caption %+v", philby.Blocks[0])
	}
	if len(philby.Books) != 1 || philby.Books[0] != (readingroom.Book{Title: "A Spy Among Friends: Kim Philby and the Great Betrayal", Author: "Ben Macintyre", Details: "Bloomsbury, 352pp, £20"}) {
		t.Errorf("Philby books %+v", philby.Books)
	}
	if got := blockTexts(philby, readingroom.KindAuthorNote); len(got) != 1 || !strings.HasPrefix(got[0], "William Boyd’s latest novel") {
		t.Errorf("Philby author note %q", got)
	}
	if !philby.Published.IsZero() {
		t.Errorf("Philby published %v, want unknown", philby.Published)
	}
	var all strings.Builder
	for _, a := range byKey {
		all.WriteString(a.Standfirst + "\n")
		for _, b := range a.Blocks {
			all.WriteString(b.Text + "\n")
		}
	}
	if n := strings.Count(all.String(), "Comrade Kim: Philby in Moscow"); n != 1 {
		t.Errorf("the Philby caption appears %d times, want once", n)
	}
	for _, bad := range []string{"Show Hide image", "Photograph:", "Photo: Rex", "GETTY IMAGES", "first appeared"} {
		if strings.Contains(all.String(), bad) {
			t.Errorf("article text contains %q", bad)
		}
	}
	if p := blockTexts(philby, readingroom.KindParagraph); !strings.Contains(strings.Join(p, "\n"), "writing about espionage is that you are almost licensed") {
		t.Error("hard-wrapped Philby paragraph not joined")
	}

	momentum := get(want[2])
	if !momentum.Published.Equal(date("2017-03-23")) || momentum.Publication != "New Statesman" || momentum.IssueTitle != "Trump's permanent revolution" {
		t.Errorf("Momentum publication %v %q %q", momentum.Published, momentum.Publication, momentum.IssueTitle)
	}
	if got := strings.Join(blockTexts(momentum, readingroom.KindHeading), "|"); got != "The Bus|The Conference|The HQ|The Fallout" {
		t.Errorf("Momentum sections %q", got)
	}
	if got := blockTexts(momentum, readingroom.KindCorrection); len(got) != 1 || !strings.HasPrefix(got[0], "This article originally named Luke Akehurst") {
		t.Errorf("Momentum correction %q", got)
	}
	if momentum.ImageCredit != "RAY TANGT/ANADOLU AGENCY/GETTY IMAGES" {
		t.Errorf("Momentum credit %q", momentum.ImageCredit)
	}

	spies := get(want[3])
	if !spies.Published.Equal(date("2013-05-27")) || spies.ImageCredit != "Hulton Archive/Getty Images" {
		t.Errorf("Spies published %v credit %q", spies.Published, spies.ImageCredit)
	}
	if got := blockTexts(spies, readingroom.KindAuthorNote); len(got) != 1 || !strings.HasPrefix(got[0], "Hugh Purcell’s most recent book") {
		t.Errorf("Spies author note %q", got)
	}
}

func TestParseMagazine(t *testing.T) {
	arts := mustParse(t, "magazine.txt", string(readFile(t, "testdata/dumps/magazine.txt")))
	if len(arts) != 2 {
		t.Fatalf("got %d articles, want 2", len(arts))
	}
	for _, a := range arts {
		checkClean(t, a)
	}
	a := arts[0]
	if a.Title != "The quiet room: why libraries still matter" || a.Byline != "By Jane Marlow" {
		t.Errorf("title %q byline %q", a.Title, a.Byline)
	}
	if a.ImageCredit != "Ada Lovelace Picture Library" {
		t.Errorf("image credit %q", a.ImageCredit)
	}
	if want := (readingroom.Block{Kind: readingroom.KindCaption, Text: "Comrade Books: a reader in the old reading room, 1931.", Credit: "Archive Press"}); !reflect.DeepEqual(a.Blocks[0], want) {
		t.Errorf("first block %+v, want %+v", a.Blocks[0], want)
	}
	if n := len(blockTexts(a, readingroom.KindCaption)); n != 1 {
		t.Errorf("%d captions, want 1", n)
	}
	if len(a.Books) != 1 || a.Books[0] != (readingroom.Book{Title: "The Lost Art of Reading", Author: "Miriam Hale", Details: "Northgate Press, 288pp, £16.99"}) {
		t.Errorf("books %+v", a.Books)
	}
	paras := blockTexts(a, readingroom.KindParagraph)
	wantParas := []string{
		"Libraries are the last public rooms where nobody asks you to buy anything. They are warm, they are quiet, and they are open to everyone who walks in.",
		"The reading room at Northgate opened in 1889 with four hundred seats and a dome of glass. It was built for the working people of the town, who came after their shifts to read the papers.",
		"Its librarian kept a ledger of every question asked at the desk: more than a million of them by 1950.",
		"Today the seats are full of students, pensioners and people who have nowhere else to go. “It’s the only place I can think,” one of them told me. Her fellow-readers nodded.",
	}
	if strings.Join(paras, "\n") != strings.Join(wantParas, "\n") {
		t.Errorf("paragraphs:\n%s\nwant:\n%s", strings.Join(paras, "\n"), strings.Join(wantParas, "\n"))
	}
	var headings []string
	for _, b := range a.Blocks {
		if b.Kind == readingroom.KindHeading {
			headings = append(headings, b.Number+" "+b.Text)
		}
	}
	if got := strings.Join(headings, "|"); got != "1 The Room|2 The Readers" {
		t.Errorf("headings %q", got)
	}
	if got := blockTexts(a, readingroom.KindAuthorNote); len(got) != 1 || !strings.HasPrefix(got[0], "Miriam Hale’s new book") {
		t.Errorf("author note %q", got)
	}
	if got := blockTexts(a, readingroom.KindCorrection); len(got) != 1 || !strings.HasPrefix(got[0], "An earlier version") {
		t.Errorf("correction %q", got)
	}
	if !a.Published.Equal(date("2019-10-03")) || a.Publication != "Northgate Review" || a.IssueTitle != "The Quiet Issue" {
		t.Errorf("publication %v %q %q", a.Published, a.Publication, a.IssueTitle)
	}

	b := arts[1]
	if b.Title != "Notes from a small press" || b.Byline != "From our correspondent" || b.ImageCredit != "WALTER STONE/NORTHGATE ARCHIVE" {
		t.Errorf("second article %q %q %q", b.Title, b.Byline, b.ImageCredit)
	}
	if !b.Published.Equal(date("2021-05-12")) || b.IssueTitle != "Small Wonders" {
		t.Errorf("second article date %v issue %q", b.Published, b.IssueTitle)
	}
	if n := len(blockTexts(b, readingroom.KindParagraph)); n != 2 {
		t.Errorf("second article has %d paragraphs, want 2", n)
	}
}

// The same article with other spacing, wrapping, a BOM and CRLF line ends
// is the same article, letter for letter.
func TestRepeatedArticleIsIdentical(t *testing.T) {
	first := mustParse(t, "magazine.txt", string(readFile(t, "testdata/dumps/magazine.txt")))[0]
	again := mustParse(t, "repeat.txt", string(readFile(t, "testdata/dumps/repeat.txt")))
	if len(again) != 1 {
		t.Fatalf("got %d articles, want 1", len(again))
	}
	if again[0].Key() != first.Key() || again[0].Fingerprint() != first.Fingerprint() {
		t.Errorf("repeat differs:\n%+v\n%+v", again[0], first)
	}
}

func TestParseEncodings(t *testing.T) {
	a := mustParse(t, "windows1252.txt", string(readFile(t, "testdata/dumps/windows1252.txt")))[0]
	if a.Title != "Café society in the € zone" {
		t.Errorf("title %q", a.Title)
	}
	if a.Standfirst != "A standfirst in Windows-1252 with “curly quotes” and a – dash." {
		t.Errorf("standfirst %q", a.Standfirst)
	}
	if got := blockTexts(a, readingroom.KindParagraph); len(got) != 1 || got[0] != "The body of the article has £ signs, naïve words and it’s fine." {
		t.Errorf("paragraphs %q", got)
	}
	p := mustParse(t, "plain.txt", string(readFile(t, "testdata/dumps/plain.txt")))[0]
	if p.Title != "A single article without markers" || !strings.Contains(strings.Join(blockTexts(p, readingroom.KindParagraph), " "), "€5 at the café") {
		t.Errorf("plain: %+v", p)
	}
}

func TestParseMarkdown(t *testing.T) {
	a := mustParse(t, "note.md", string(readFile(t, "testdata/dumps/note.md")))[0]
	checkClean(t, a)
	if a.Title != "Reading slowly, in Markdown" || a.Byline != "Sam Reader" || a.Publication != "The Room Journal" || !a.Published.Equal(date("2020-02-14")) {
		t.Errorf("front matter: %q %q %q %v", a.Title, a.Byline, a.Publication, a.Published)
	}
	if a.Standfirst != "A note that arrives as Markdown, with a link and bold words." {
		t.Errorf("standfirst %q", a.Standfirst)
	}
	if got := strings.Join(blockTexts(a, readingroom.KindHeading), "|"); got != "First part|Second part" {
		t.Errorf("headings %q", got)
	}
	// A code span is read as its code, without the backticks.
	want := []string{"The first part says that code stays as it is and that 5 * 3 = 15.", "A quoted passage is still a paragraph.", "The end."}
	if got := blockTexts(a, readingroom.KindParagraph); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("paragraphs %q", got)
	}
	// Without front matter, the first "# " heading is the title.
	b := mustParse(t, "x.md", "Intro line before.\n\n# The Title\n\nBody text here.\n\n![A cat on a mat](cat.jpg \"Photo: Jo\")\n")[0]
	if b.Title != "The Title" {
		t.Errorf("title %q", b.Title)
	}
	if got := blockTexts(b, readingroom.KindCaption); len(got) != 1 || got[0] != "A cat on a mat" {
		t.Errorf("image caption %q", got)
	}
	if got := b.Blocks[len(b.Blocks)-1].Credit; got != "Jo" {
		t.Errorf("image credit %q, want %q", got, "Jo")
	}
	// What stood before the title stays, after it.
	if got := blockTexts(b, readingroom.KindParagraph); b.Standfirst != "Intro line before." || strings.Join(got, "|") != "Body text here." {
		t.Errorf("standfirst %q, paragraphs %q", b.Standfirst, got)
	}
}

func TestParseRules(t *testing.T) {
	tests := []struct {
		name  string
		input string
		check func(t *testing.T, arts []readingroom.Article)
	}{
		{"byline then paragraphs", "Title\n\nBy Ann Lee\n\nFirst para.\n\nSecond para.\n", func(t *testing.T, arts []readingroom.Article) {
			a := arts[0]
			if a.Byline != "By Ann Lee" || a.Standfirst != "" || len(a.Paragraphs()) != 2 {
				t.Errorf("%+v", a)
			}
		}},
		{"standfirst then byline", "Title\n\nA standfirst sentence.\n\nBy Ann Lee\n\nBody.\n", func(t *testing.T, arts []readingroom.Article) {
			a := arts[0]
			if a.Standfirst != "A standfirst sentence." || a.Byline != "By Ann Lee" || len(a.Paragraphs()) != 1 {
				t.Errorf("%+v", a)
			}
		}},
		{"a sentence starting From is no byline", "Title\n\nFrom the start, it went wrong.\n\nBody.\n", func(t *testing.T, arts []readingroom.Article) {
			if a := arts[0]; a.Byline != "" || a.Standfirst != "From the start, it went wrong." {
				t.Errorf("%+v", a)
			}
		}},
		{"numbered sentence is no heading", "Title\n\nStand.\n\n1. This is a sentence, not a heading.\n\nBody.\n", func(t *testing.T, arts []readingroom.Article) {
			if n := len(blockTexts(arts[0], readingroom.KindHeading)); n != 0 {
				t.Errorf("%d headings", n)
			}
		}},
		{"roman numeral heading", "Title\n\nStand.\n\nII. The Middle\n\nBody.\n", func(t *testing.T, arts []readingroom.Article) {
			if b := arts[0].Blocks[0]; b.Kind != readingroom.KindHeading || b.Number != "II" || b.Text != "The Middle" {
				t.Errorf("%+v", b)
			}
		}},
		{"credit line after blank lines before marker", "Show Hide image\n\nOne\n\nText one.\n\nPhotograph: Someone Else\n\n\nShow Hide image\n\nTwo\n\nText two.\n", func(t *testing.T, arts []readingroom.Article) {
			if len(arts) != 2 || arts[1].ImageCredit != "Someone Else" || len(arts[0].Blocks) != 1 {
				t.Errorf("%+v", arts)
			}
		}},
		{"articles run together split at the publication line", "One\n\nText one.\n\nThis article first appeared in the 1 May 2020 issue of the Review, May\n\nPHOTO AGENCY\n\nTwo\n\nText two.\n\nThis article first appeared in the 8 May 2020 issue of the Review, June\n", func(t *testing.T, arts []readingroom.Article) {
			if len(arts) != 2 || arts[1].Title != "Two" || arts[1].ImageCredit != "PHOTO AGENCY" || !arts[1].Published.Equal(date("2020-05-08")) {
				t.Errorf("%+v", arts)
			}
		}},
		{"notes after the publication line stay", "One\n\nStand.\n\nText one.\n\nThis article first appeared in the 1 May 2020 issue of the Review\n\nCorrection: A fix.\n", func(t *testing.T, arts []readingroom.Article) {
			if len(arts) != 1 || len(blockTexts(arts[0], readingroom.KindCorrection)) != 1 || arts[0].Publication != "Review" {
				t.Errorf("%+v", arts)
			}
		}},
		{"caption given twice without credit", "Title\n\nStand.\n\nA reader at the desk, 1931.\n\nA reader at the\ndesk, 1931.\n\nBody text.\n", func(t *testing.T, arts []readingroom.Article) {
			a := arts[0]
			if got := blockTexts(a, readingroom.KindCaption); len(got) != 1 || got[0] != "A reader at the desk, 1931." || len(a.Paragraphs()) != 1 {
				t.Errorf("%+v", a.Blocks)
			}
		}},
		{"identical paragraphs both kept", "Title\n\nStand.\n\nYes.\n\nNo.\n\nYes.\n", func(t *testing.T, arts []readingroom.Article) {
			if got := blockTexts(arts[0], readingroom.KindParagraph); strings.Join(got, "|") != "Yes.|No.|Yes." {
				t.Errorf("%q", got)
			}
		}},
		{"lone credit after caption", "Title\n\nStand.\n\nA caption of a photo, 1999.\nPhoto: Ann\n\nBody.\n\nPhotograph: Lone Credit\n\nMore body.\n", func(t *testing.T, arts []readingroom.Article) {
			a := arts[0]
			if len(a.Paragraphs()) != 2 || a.Blocks[0].Credit != "Ann" {
				t.Errorf("%+v", a.Blocks)
			}
		}},
		{"photograph in a sentence is text", "Title\n\nStand.\n\nHe looked at the photograph: it was fake.\n", func(t *testing.T, arts []readingroom.Article) {
			if got := blockTexts(arts[0], readingroom.KindParagraph); len(got) != 1 {
				t.Errorf("%+v", arts[0].Blocks)
			}
		}},
		{"two books in one block", "Title\n\nStand.\n\nFirst Book\nAnn Author\nPress, 200pp, £10\nSecond Book by Bob Writer\nOther Press, 100pp, £5\n\nBody.\n", func(t *testing.T, arts []readingroom.Article) {
			want := []readingroom.Book{{Title: "First Book", Author: "Ann Author", Details: "Press, 200pp, £10"}, {Title: "Second Book", Author: "Bob Writer", Details: "Other Press, 100pp, £5"}}
			if got := arts[0].Books; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
				t.Errorf("%+v", got)
			}
		}},
		{"hard-wrapped prose with a price is no book", "Title\n\nStand.\n\nThe ticket cost £20 and\nwas worth it.\n", func(t *testing.T, arts []readingroom.Article) {
			if len(arts[0].Books) != 0 || len(arts[0].Paragraphs()) != 1 {
				t.Errorf("%+v", arts[0])
			}
		}},
		{"title hard-wrapped over two lines", "A long title that\nwraps\n\nStand.\n\nBody.\n", func(t *testing.T, arts []readingroom.Article) {
			if arts[0].Title != "A long title that wraps" {
				t.Errorf("%q", arts[0].Title)
			}
		}},
		{"title and one paragraph", "Title\n\nOnly paragraph.\n", func(t *testing.T, arts []readingroom.Article) {
			if a := arts[0]; a.Standfirst != "" || len(a.Paragraphs()) != 1 {
				t.Errorf("%+v", a)
			}
		}},
		{"author note is the closing line only", "Title\n\nStand.\n\nJane Doe’s latest book is good, she said.\n\nThe end came.\n\nJane Doe is the author of “Rooms” (Press, £9)\n", func(t *testing.T, arts []readingroom.Article) {
			if got := blockTexts(arts[0], readingroom.KindAuthorNote); len(got) != 1 || !strings.HasPrefix(got[0], "Jane Doe is the author") {
				t.Errorf("%q", got)
			}
		}},
		{"mojibake repaired", "CafÃ© culture\n\nItâ€™s a â€œtestâ€\u009d.\n", func(t *testing.T, arts []readingroom.Article) {
			if a := arts[0]; a.Title != "Café culture" || a.Paragraphs()[0].Text != "It’s a “test”." {
				t.Errorf("%q %q", a.Title, a.Paragraphs()[0].Text)
			}
		}},
		{"byline run on into book details", "Show Hide image\nThe review\nReviewed by Sam Writer\nThe Sea Inside\nAnn Author\nFaber, 320pp, £14.99\n\nTwo novels about the sea.\n", func(t *testing.T, arts []readingroom.Article) {
			a := arts[0]
			if a.Title != "The review" || a.Byline != "Reviewed by Sam Writer" || len(a.Books) != 1 || a.Books[0] != (readingroom.Book{Title: "The Sea Inside", Author: "Ann Author", Details: "Faber, 320pp, £14.99"}) {
				t.Errorf("%+v", a)
			}
		}},
		{"dated correction", "Title\n\nStand.\n\nBody.\n\nCorrection, 12 June: A name was misspelt.\n", func(t *testing.T, arts []readingroom.Article) {
			if got := blockTexts(arts[0], readingroom.KindCorrection); len(got) != 1 || got[0] != "A name was misspelt." {
				t.Errorf("%q", got)
			}
		}},
		{"author note saying who the author is", "Title\n\nStand.\n\nBody one.\n\nBody two.\n\nAnna Lee is a culture writer at the Review\n", func(t *testing.T, arts []readingroom.Article) {
			if got := blockTexts(arts[0], readingroom.KindAuthorNote); len(got) != 1 {
				t.Errorf("%+v", arts[0].Blocks)
			}
		}},
		{"a title in capitals is a title", "Show Hide image\n\nSPIES LIKE US\n\nA standfirst.\n\nBody.\n", func(t *testing.T, arts []readingroom.Article) {
			if a := arts[0]; a.Title != "SPIES LIKE US" || a.ImageCredit != "" || a.Standfirst != "A standfirst." {
				t.Errorf("%+v", a)
			}
		}},
		{"an invisible character between a letter and its accent", "Cafe\u200b\u0301\n\nBody.\n", func(t *testing.T, arts []readingroom.Article) {
			if a := arts[0]; a.Title != "Café" {
				t.Errorf("title %q, want %q", a.Title, "Café")
			}
		}},
		{"zero-width and soft hyphen are not content", "Ti\u200btle\n\nSoft\u00adhyphen and\u00a0\u00a0spaces.\n", func(t *testing.T, arts []readingroom.Article) {
			if a := arts[0]; a.Title != "Title" || a.Paragraphs()[0].Text != "Softhyphen and spaces." {
				t.Errorf("%q %q", a.Title, a.Paragraphs()[0].Text)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts := mustParse(t, "x.txt", tt.input)
			for _, a := range arts {
				checkClean(t, a)
			}
			tt.check(t, arts)
		})
	}
}

func TestParsePublicationLine(t *testing.T) {
	tests := []struct {
		line             string
		date, pub, issue string
	}{
		{"This article first appeared in the 23 March 2017 issue of the New Statesman, Trump's permanent revolution", "2017-03-23", "New Statesman", "Trump's permanent revolution"},
		{"This article first appeared in the 27 May 2013 issue of the New Statesman, You were the future once", "2013-05-27", "New Statesman", "You were the future once"},
		{"This article appears in the 3rd October 2019 issue of Prospect.", "2019-10-03", "Prospect", ""},
		{"This article first appeared in the March 23, 2017 issue of the Review, Spring, revisited.", "2017-03-23", "Review", "Spring, revisited"},
		{"This piece was first published in the 12-18 May 2021 edition of The Week, Small", "2021-05-12", "Week", "Small"},
		{"This article first appeared in the Spring 2017 issue of Granta, Home", "", "Granta", "Home"},
		{"This article appears in the 5th-11th May 2018 issue of the New Statesman, The Library Crisis", "2018-05-05", "New Statesman", "The Library Crisis"},
	}
	for _, tt := range tests {
		p, ok := parsePublication(tt.line)
		if !ok {
			t.Errorf("%q: not a publication line", tt.line)
			continue
		}
		got := ""
		if !p.date.IsZero() {
			got = p.date.Format(time.DateOnly)
		}
		if got != tt.date || p.publication != tt.pub || p.issue != tt.issue {
			t.Errorf("%q: got %q %q %q, want %q %q %q", tt.line, got, p.publication, p.issue, tt.date, tt.pub, tt.issue)
		}
	}
	if _, ok := parsePublication("This article is about the issue of the day."); ok {
		t.Error("a sentence about an issue taken for the publication line")
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ file, reason string }{
		{"empty.txt", "the file is empty"},
		{"blank.txt", "nothing but white space"},
		{"nul.dat", "binary"},
		{"controls.txt", "binary"},
		{"image.png", "PNG image"},
		{"paper.pdf", "PDF document"},
		{"page.html", "HTML page"},
		{"data.json", "JSON"},
		{"title_only.txt", "has a title but no text"},
		{"marker_only.txt", "no title and no text"},
		{"no_title.txt", "does not start with a title"},
	}
	files, _ := filepath.Glob("testdata/rejected/*")
	if len(files) != len(tests) {
		t.Errorf("%d files in testdata/rejected, %d cases: test every one", len(files), len(tests))
	}
	for _, tt := range tests {
		arts, _, err := Parse(tt.file, readFile(t, filepath.Join("testdata/rejected", tt.file)))
		if err == nil {
			t.Errorf("%s: accepted %d articles, want rejection", tt.file, len(arts))
			continue
		}
		if readingroom.ErrorCode(err) != readingroom.EINVALID || !strings.Contains(readingroom.ErrorMessage(err), tt.reason) {
			t.Errorf("%s: error %v, want EINVALID with %q", tt.file, err, tt.reason)
		}
	}
}

// A file with one unreadable article imports the rest and says what it
// skipped.
func TestParsePartial(t *testing.T) {
	arts, warnings, err := Parse("x.txt", []byte("Show Hide image\n\nGood one\n\nText.\n\nShow Hide image\n\nJust a title\n"))
	if err != nil || len(arts) != 1 || len(warnings) != 1 || !strings.Contains(warnings[0], "Just a title") {
		t.Errorf("got %d articles, warnings %q, err %v", len(arts), warnings, err)
	}
}

// The same article saved with composed letters (NFC) and with decomposed
// ones (NFD, a letter and a combining accent) is the same article: the
// reader hands on NFC text, so titles, keys and fingerprints agree.
func TestParseNormalFormsAgree(t *testing.T) {
	const text = "Café Noël in Brașov\n\nA standfirst about Ångström and Łódź.\n\nBy Zoë Brontë\n\nThe naïve façade of the Ğüneş hotel.\n\nMore prose, résumé and all.\n"
	const md = "---\ntitle: Café Noël in Brașov\nauthors: [Zoë Brontë, Søren Ørsted]\n---\n\nThe naïve *façade* of the Ğüneş hotel.\n\n- résumé\n- Ångström\n"
	for _, tt := range []struct{ name, text string }{{"x.txt", text}, {"x.md", md}} {
		nfd := norm.NFD.String(tt.text)
		if nfd == tt.text {
			t.Fatalf("%s: the NFD copy is no different", tt.name)
		}
		composed := mustParse(t, tt.name, tt.text)
		decomposed := mustParse(t, tt.name, nfd)
		if len(composed) != 1 || len(decomposed) != 1 {
			t.Fatalf("%s: %d and %d articles, want 1 each", tt.name, len(composed), len(decomposed))
		}
		a, b := composed[0], decomposed[0]
		if !reflect.DeepEqual(b, a) || b.Fingerprint() != a.Fingerprint() || b.Key() != a.Key() {
			t.Errorf("%s: the NFD copy parses differently:\n%+v\n%+v", tt.name, b, a)
		}
		if b.Title != "Café Noël in Brașov" {
			t.Errorf("%s: title %q, want the NFC form", tt.name, b.Title)
		}
	}
}

// A Markdown file is read with a real parser: lists stay lists, a Setext
// heading is a heading, code keeps its lines and loses its fences, raw
// HTML never comes through, and front-matter lists are read.
func TestParseMarkdownFeatures(t *testing.T) {
	arts := mustParse(t, "features.md", string(readFile(t, "testdata/dumps/features.md")))
	if len(arts) != 1 {
		t.Fatalf("got %d articles, want 1", len(arts))
	}
	a := arts[0]
	checkClean(t, a)
	if a.Title != "Reading lists: what a Markdown file can hold" {
		t.Errorf("title %q", a.Title)
	}
	if a.Byline != "Ann Lee, Bob Marsh and Cy Twombly" {
		t.Errorf("byline %q, want the authors joined", a.Byline)
	}
	if a.Standfirst != "Lists, code and a heading underlined, read as a reader sees them." {
		t.Errorf("standfirst %q", a.Standfirst)
	}
	if !a.Published.Equal(date("2024-03-09")) || a.Publication != "The Room Journal" {
		t.Errorf("published %v in %q", a.Published, a.Publication)
	}
	want := []readingroom.Block{
		{Kind: readingroom.KindParagraph, Text: "A first paragraph, with an inline bold tag and emphasis that wraps over two lines."},
		{Kind: readingroom.KindHeading, Text: "Things to bring"},
		{Kind: readingroom.KindListItem, Text: "A pencil"},
		{Kind: readingroom.KindListItem, Text: "A notebook, with ruled pages"},
		{Kind: readingroom.KindListItem, Text: "Nested: a spare page"},
		{Kind: readingroom.KindListItem, Text: "Nested: an eraser"},
		{Kind: readingroom.KindListItem, Text: "A quiet mind"},
		{Kind: readingroom.KindListItem, Text: "Sit down.", Number: "3"},
		{Kind: readingroom.KindListItem, Text: "Open the book.", Number: "4"},
		{Kind: readingroom.KindListItem, Text: "Read the first line twice.", Number: "5"},
		{Kind: readingroom.KindCode, Text: "func main() {\n\tfmt.Println(\"hello\")\n\tfmt.Println(\"a line of code longer than any phone is wide, which scrolls inside its own box\")\n}"},
		{Kind: readingroom.KindCode, Text: "indented code\n  keeps its indentation"},
		{Kind: readingroom.KindParagraph, Text: "Text inside HTML stays as text."},
		{Kind: readingroom.KindParagraph, Text: "A quoted passage becomes a paragraph."},
		{Kind: readingroom.KindAuthorNote, Text: "Anna Lee is a historian and the author of “Quiet Rooms” (Northgate, £12)."},
	}
	if !reflect.DeepEqual(a.Blocks, want) {
		t.Errorf("blocks:\n%s\nwant:\n%s", dumpBlocks(a.Blocks), dumpBlocks(want))
	}
	for _, b := range a.Blocks {
		if strings.ContainsAny(b.Text, "<>") || strings.Contains(b.Text, "alert") || strings.Contains(b.Text, "```") {
			t.Errorf("markup came through: %q", b.Text)
		}
	}
}

func dumpBlocks(bs []readingroom.Block) string {
	var sb strings.Builder
	for _, b := range bs {
		fmt.Fprintf(&sb, "  %s %q %q %q\n", b.Kind, b.Number, b.Text, b.Credit)
	}
	return sb.String()
}

func TestParseMarkdownRules(t *testing.T) {
	tests := []struct {
		name, input string
		check       func(t *testing.T, a readingroom.Article)
	}{
		{"one author", "---\nauthor: Jane Doe\n---\n# T\n\nBody.\n", func(t *testing.T, a readingroom.Article) {
			if a.Byline != "Jane Doe" {
				t.Errorf("byline %q", a.Byline)
			}
		}},
		{"two authors", "---\nauthors:\n  - Jane Doe\n  - John Roe\n---\n# T\n\nBody.\n", func(t *testing.T, a readingroom.Article) {
			if a.Byline != "Jane Doe and John Roe" {
				t.Errorf("byline %q", a.Byline)
			}
		}},
		{"a byline wins over authors", "---\nByline: By our correspondents\nauthors: [A, B]\n---\n# T\n\nBody.\n", func(t *testing.T, a readingroom.Article) {
			if a.Byline != "By our correspondents" {
				t.Errorf("byline %q", a.Byline)
			}
		}},
		{"a heading repeating the front-matter title goes", "---\ntitle: The Title\ndescription: What it is about.\n---\n# The title\n\nBody.\n\n# Part two\n\nMore.\n", func(t *testing.T, a readingroom.Article) {
			if a.Title != "The Title" || a.Standfirst != "What it is about." || strings.Join(blockTexts(a, readingroom.KindHeading), "|") != "Part two" {
				t.Errorf("title %q standfirst %q blocks %s", a.Title, a.Standfirst, dumpBlocks(a.Blocks))
			}
		}},
		{"without a # heading the first heading is the title", "## Only a section\n\nStand.\n\nBody.\n", func(t *testing.T, a readingroom.Article) {
			if a.Title != "Only a section" || a.Standfirst != "Stand." {
				t.Errorf("title %q standfirst %q", a.Title, a.Standfirst)
			}
		}},
		{"numbered heading", "# T\n\nStand.\n\n## 2. The Middle\n\nBody.\n", func(t *testing.T, a readingroom.Article) {
			if b := a.Blocks[0]; b.Kind != readingroom.KindHeading || b.Number != "2" || b.Text != "The Middle" {
				t.Errorf("%+v", b)
			}
		}},
		{"escapes and entities", "# Fish &amp; chips\n\nStand.\n\n\\*Not emphasis\\*, 5 &lt; 6 &#169; &copy; \\<b>.\n", func(t *testing.T, a readingroom.Article) {
			if got := a.Paragraphs()[0].Text; a.Title != "Fish & chips" || got != "*Not emphasis*, 5 < 6 © © <b>." {
				t.Errorf("title %q text %q", a.Title, got)
			}
		}},
		{"an accent spelt as an entity is composed", "# Cafe&#769;\n\nBody.\n", func(t *testing.T, a readingroom.Article) {
			if a.Title != "Café" {
				t.Errorf("title %q, want %q", a.Title, "Café")
			}
		}},
		{"inline script and comments go, their neighbours stay", "# T\n\nStand.\n\nBefore <script>alert(1)</script>after <!-- note --> end<br>next line.\n", func(t *testing.T, a readingroom.Article) {
			if got := a.Paragraphs()[0].Text; got != "Before after end next line." {
				t.Errorf("%q", got)
			}
		}},
		{"an HTML block keeps its text, not its script or style", "# T\n\nStand.\n\n<div>\n<style>p{}</style>\n<p>One</p><p>Two &amp; three</p>\n<script>x()</script>\n</div>\n\nEnd.\n", func(t *testing.T, a readingroom.Article) {
			if got := strings.Join(blockTexts(a, readingroom.KindParagraph), "|"); got != "One|Two & three|End." {
				t.Errorf("%q", got)
			}
		}},
		{"an image among words is a caption after them", "# T\n\nStand.\n\nSee ![A map of the town](map.png \"Illustration: Ann Lee\") here.\n", func(t *testing.T, a readingroom.Article) {
			want := []readingroom.Block{{Kind: readingroom.KindParagraph, Text: "See here."}, {Kind: readingroom.KindCaption, Text: "A map of the town", Credit: "Ann Lee"}}
			if !reflect.DeepEqual(a.Blocks, want) {
				t.Errorf("%s", dumpBlocks(a.Blocks))
			}
		}},
		{"a title and a list is an article", "# Shopping\n\n1) eggs\n2) milk\n", func(t *testing.T, a readingroom.Article) {
			want := []readingroom.Block{{Kind: readingroom.KindListItem, Text: "eggs", Number: "1"}, {Kind: readingroom.KindListItem, Text: "milk", Number: "2"}}
			if !reflect.DeepEqual(a.Blocks, want) {
				t.Errorf("%s", dumpBlocks(a.Blocks))
			}
		}},
		{"a loose item's paragraphs are one item; an empty item goes", "# T\n\nStand.\n\n- First para\n\n  second para.\n-\n- Last\n", func(t *testing.T, a readingroom.Article) {
			if got := strings.Join(blockTexts(a, readingroom.KindListItem), "|"); got != "First para second para.|Last" {
				t.Errorf("%q", got)
			}
		}},
		{"a list starting at zero", "# T\n\nStand.\n\n0. nought\n1. one\n", func(t *testing.T, a readingroom.Article) {
			if a.Blocks[0].Number != "0" || a.Blocks[1].Number != "1" {
				t.Errorf("%s", dumpBlocks(a.Blocks))
			}
		}},
		{"a file that opens with code takes its first line for the title", "```\nfirst\n\n  second\n```\n", func(t *testing.T, a readingroom.Article) {
			want := []readingroom.Block{{Kind: readingroom.KindCode, Text: "  second"}}
			if a.Title != "first" || !reflect.DeepEqual(a.Blocks, want) {
				t.Errorf("title %q blocks %s", a.Title, dumpBlocks(a.Blocks))
			}
		}},
		{"thematic breaks go", "# T\n\nStand.\n\nOne.\n\n* * *\n\nTwo.\n", func(t *testing.T, a readingroom.Article) {
			if got := strings.Join(blockTexts(a, readingroom.KindParagraph), "|"); got != "One.|Two." || len(a.Blocks) != 2 {
				t.Errorf("%s", dumpBlocks(a.Blocks))
			}
		}},
		{"a fence without a language, and an unclosed one", "# T\n\nStand.\n\n```\n\n  a\n\n```\n\n~~~\nb  \n", func(t *testing.T, a readingroom.Article) {
			if got := strings.Join(blockTexts(a, readingroom.KindCode), "|"); got != "  a|b" {
				t.Errorf("%q", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts := mustParse(t, "x.md", tt.input)
			if len(arts) != 1 {
				t.Fatalf("%d articles", len(arts))
			}
			checkClean(t, arts[0])
			tt.check(t, arts[0])
		})
	}
}

// Front matter that is not YAML is read as text, with a warning: nothing
// in it is lost.
func TestParseMarkdownBadFrontMatter(t *testing.T) {
	arts, warnings, err := Parse("x.md", []byte("---\ntitle: [unclosed\n---\n# T\n\nBody.\n"))
	if err != nil || len(arts) != 1 {
		t.Fatalf("%d articles, err %v", len(arts), err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "front matter in lines 1 to 3") || !strings.Contains(warnings[0], "read as text") || !strings.Contains(warnings[0], "line 2:") {
		t.Errorf("warnings %q", warnings)
	}
	if a := arts[0]; a.Title != "T" || !strings.Contains(dumpBlocks(a.Blocks), "title: [unclosed") {
		t.Errorf("title %q blocks %s", a.Title, dumpBlocks(a.Blocks))
	}
}
