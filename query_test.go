package readingroom

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in, want string // want: Query.String()
	}{
		{"bus conference", "bus conference"},
		{`"dual allegiance" vallance`, `"dual allegiance" vallance`},
		{"defect*", "defect*"},
		{`philby -maclean -"secret service"`, `philby -maclean -"secret service"`},
		{"philby OR maclean burgess", "philby OR maclean burgess"},
		{"philby or maclean", "philby or maclean"},
		{"title:momentum author:correspondent", "title:momentum author:correspondent"},
		{"spies in:Spies-Like-Us", "spies in:spies-like-us"},
		{"year:2017 corbyn", "corbyn year:2017"},
		{"year:2017..2010 x", "x year:2010..2017"},
		{"year:..2015 x", "x year:..2015"},
		{"year:abc x", "x"},
		{"Pál Ignotus", "pál ignotus"},
		{"e-mail", `"e mail"`},
		{"C++", "c"},
		{"foo:bar", `"foo bar"`},
		{`"unclosed phrase`, `"unclosed phrase"`},
		{`“curly quotes”`, `"curly quotes"`},
		{"*", ""},
		{"-", ""},
		{"AND", "and"},
		{"OR", "or"},
		{"a OR", "a or"},
		{"OR a", "or a"},
		{"a AND b", "a b"},
		{"( ) [ ] { }", ""},
		{"'; DROP TABLE articles; --", "drop table articles"},
		{"\x00\x01bus\x7f", "bus"},
		{`title:"the bus"`, `title:"the bus"`},
		{"-title:bus x", "x -title:bus"},
		{"a*", "a"},
		{"\u0301 philby", "philby"},
		{"a OR b OR c OR d OR e OR f OR g OR h OR i OR j", "a OR b OR c OR d OR e OR f OR g OR h"},
	}
	for _, tt := range tests {
		if got := ParseQuery(tt.in).String(); got != tt.want {
			t.Errorf("ParseQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseQueryNotes(t *testing.T) {
	q := ParseQuery(strings.Repeat("word ", 3000))
	if len(q.Notes) == 0 || len(q.Must) > MaxQueryTerms {
		t.Errorf("long query: %d clauses, notes %q", len(q.Must), q.Notes)
	}
	if q := ParseQuery("x year:soon"); len(q.Notes) != 1 || !strings.Contains(q.Notes[0], "year:soon") {
		t.Errorf("notes %q", q.Notes)
	}
	// OR alternatives count towards the limit on terms.
	var chain []string
	for i := range 40 {
		chain = append(chain, fmt.Sprintf("w%d*", i))
	}
	if q := ParseQuery(strings.Join(chain, " OR ") + " " + strings.Join(chain, " ")); len(q.Must[0]) != MaxAlternatives || len(q.Must) != MaxQueryTerms-MaxAlternatives+1 {
		t.Errorf("OR chain: %d alternatives, %d clauses", len(q.Must[0]), len(q.Must))
	}
	if q := ParseQuery(`"the the the the the the the the the the the the the the the"`); len(q.Must[0][0].Words) != MaxPhraseWords || len(q.Notes) != 1 {
		t.Errorf("long phrase: %+v", q)
	}
	if q := ParseQuery("-only -negative"); !q.Empty() || len(q.Not) != 2 {
		t.Errorf("%+v", q)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{`a "b c" -d e* OR f title:g author:h in:i year:2010..2017`, `"`, "-", "*", "OR OR", "year:..", "in:", `-"`, "title:", "ÄÖ:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := ParseQuery(s)
		terms := len(q.Not)
		for _, c := range q.Must {
			terms += len(c)
			if len(c) > MaxAlternatives {
				t.Fatalf("%d alternatives", len(c))
			}
		}
		if terms > MaxQueryTerms {
			t.Fatalf("%d terms", terms)
		}
		check := func(term Term) {
			if len(term.Words) == 0 || len(term.Words) > MaxPhraseWords || term.Kind != TermPhrase && len(term.Words) != 1 {
				t.Fatalf("bad term %+v", term)
			}
			if term.Kind == TermPrefix && utf8.RuneCountInString(term.Words[0]) < MinPrefixLen {
				t.Fatalf("prefix too short: %+v", term)
			}
			for _, w := range term.Words {
				if w == "" || !utf8.ValidString(w) || strings.ContainsAny(w, "\" *:-") {
					t.Fatalf("bad word %q", w)
				}
			}
		}
		for _, c := range q.Must {
			if len(c) == 0 {
				t.Fatal("empty clause")
			}
			for _, term := range c {
				check(term)
			}
		}
		for _, term := range q.Not {
			check(term)
		}
		// The normalised query reads back as itself.
		if again := ParseQuery(q.String()); again.String() != q.String() {
			t.Fatalf("%q -> %q -> %q", s, q.String(), again.String())
		}
	})
}

// A query typed decomposed (NFD) is the query typed composed.
func TestParseQueryComposes(t *testing.T) {
	composed := ParseQuery(`"Pál Ignotus" café`)
	decomposed := ParseQuery(norm.NFD.String(`"Pál Ignotus" café`))
	if composed.String() != decomposed.String() {
		t.Errorf("NFD query %q, NFC query %q", decomposed.String(), composed.String())
	}
}

// BenchmarkParseQuery parses queries of each construct, reporting
// allocations.
//
//	go test -run=NONE -bench=ParseQuery -benchmem .
func BenchmarkParseQuery(b *testing.B) {
	for _, q := range []string{
		"philby",
		`"dual allegiance" defect* -moscow`,
		`philby OR maclean title:spies author:boyd in:spies-like-us year:2010..2017`,
	} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ParseQuery(q)
			}
		})
	}
}
