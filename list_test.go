package readingroom

import (
	"slices"
	"strings"
	"testing"
)

func TestCleanNote(t *testing.T) {
	for _, tc := range []struct {
		in, want, field string
	}{
		{"  first line\r\nsecond\rthird\n\n", "first line\nsecond\nthird", ""},
		{"cafe\u0301 <b>bold</b>", "café <b>bold</b>", ""}, // NFC; markup is just text
		{"tab\there", "tab\there", ""},
		{"bell\a", "", "note"},
		{strings.Repeat("é", MaxNoteLen), strings.Repeat("é", MaxNoteLen), ""},
		{strings.Repeat("x", MaxNoteLen+1), "", "note"},
		{"\xff", "", "note"},
	} {
		got, err := CleanNote(tc.in)
		if tc.field != "" {
			if ErrorCode(err) != EUNPROCESSABLE || ErrorField(err) != tc.field {
				t.Errorf("CleanNote(%.20q): %v, want an error in %s", tc.in, err, tc.field)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("CleanNote(%.20q) = %.20q, %v; want %.20q", tc.in, got, err, tc.want)
		}
	}
	_, err := CleanNote(strings.Repeat("x", 12_345))
	if msg := ErrorMessage(err); !strings.Contains(msg, "10,000") || !strings.Contains(msg, "12,345") {
		t.Errorf("message %q does not say the limit and the length", msg)
	}
}

func TestCleanTags(t *testing.T) {
	got, err := CleanTags([]string{"  History ", "history", "Straße", "STRASSE", "cafe\u0301", "two  words"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"History", "Straße", "café", "two words"}; !slices.Equal(got, want) {
		t.Errorf("CleanTags = %q, want %q", got, want)
	}
	if TagKey("HISTORY") != TagKey("history") || TagKey("Straße") != TagKey("strasse") {
		t.Error("TagKey is not case-insensitive")
	}
	many := make([]string, MaxTags+1)
	for i := range many {
		many[i] = strings.Repeat("t", i+1)
	}
	for _, bad := range [][]string{
		{""}, {"  "}, {strings.Repeat("x", MaxTagLen+1)}, {"a,b"}, {"nul\x00"}, {"\u202eevil"}, many,
	} {
		if _, err := CleanTags(bad); ErrorCode(err) != EUNPROCESSABLE || ErrorField(err) != "tags" {
			t.Errorf("CleanTags(%.30q): %v, want an error in tags", bad, err)
		}
	}
	if got := SplitTags(" a, ,b ,, c"); !slices.Equal(got, []string{" a", "b ", " c"}) {
		t.Errorf("SplitTags = %q", got)
	}
}

func TestCleanQuote(t *testing.T) {
	if _, err := CleanExact("  \n "); ErrorField(err) != "quote.exact" {
		t.Errorf("empty quote: %v", err)
	}
	if _, err := CleanExact(strings.Repeat("x", 100_000)); ErrorField(err) != "quote.exact" || !strings.Contains(ErrorMessage(err), "100,000") {
		t.Errorf("long quote: %v", err)
	}
	if _, err := CleanContext("quote.prefix", strings.Repeat("é", MaxContextLen)); err != nil {
		t.Errorf("prefix of %d characters: %v", MaxContextLen, err)
	}
	if _, err := CleanContext("quote.prefix", strings.Repeat("é", MaxContextLen+1)); ErrorField(err) != "quote.prefix" {
		t.Errorf("long prefix: %v", err)
	}
}
