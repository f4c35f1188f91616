package templates

import (
	"slices"
	"testing"
)

func TestListImportReportWords(t *testing.T) {
	var r ListImportReport
	for _, o := range []string{"restored", "moved", "moved", "fuzzy", "orphaned", "article_missing", "article_missing", "already_there", "no such outcome"} {
		r.Count(o)
	}
	if got, want := r.Summary(), "Added 7 items to your list; 1 item was there already."; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	want := []string{
		"1 item found just where it stood",
		"2 items found elsewhere in their article",
		"1 item found with changes: the article's words differ a little from the saved quote",
		"1 item no longer in its article, kept with its quote and note",
		"2 items waiting: their articles are not in this room yet, and each joins its article when an admin imports it",
	}
	if got := r.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines() =\n%q\nwant\n%q", got, want)
	}
	if got := (ListImportReport{}).Lines(); len(got) != 0 {
		t.Errorf("an empty report says %q", got)
	}
}
