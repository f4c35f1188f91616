package dump

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// An author note closes an article by naming its writer and saying who
// they are or what they wrote: "William Boyd’s latest novel is “Solo”
// (Jonathan Cape, £18.99)", "Jane Doe is a historian at ...", "The author
// is professor of ...". It opens with a person, a personal name or "the
// author" / "the writer", and goes on with one of the things a note says.
// An ordinary closing sentence of the same shape ("The bank is the lender
// of last resort.") is not about a person, and stays a paragraph.
func isAuthorNote(s string) bool {
	if len(strings.Fields(s)) > 80 {
		return false
	}
	m := reNoteSubject.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	subject, link, rest := m[1], m[2], s[len(m[0]):]
	if !isWriter(subject) && !isPersonalName(subject) {
		return false
	}
	switch link = strings.ToLower(strings.TrimSpace(link)); {
	case strings.HasPrefix(link, "'") || strings.HasPrefix(link, "’"):
		return reNoteWork.MatchString(rest)
	case link == "is" || link == "was":
		return isRole(rest)
	default: // writes, has written, teaches, edits...
		return reNoteDoes.MatchString(rest)
	}
}

var (
	// The subject and what links it to the rest: a possessive ("Jane
	// Doe’s", "James’") or a verb.
	reNoteSubject = regexp.MustCompile(`^(\S.{0,60}?)(['’]s? |\s+(?:is|was|writes|wrote|has written|has also written|teaches|taught|edits|edited|presents|reviews)\s+)`)

	// What a possessive note goes on with: one of their works.
	reNoteWork = regexp.MustCompile(`^(?:(?:latest|most recent|new|newest|forthcoming|next|recent|debut|first|previous|last|other|many|several|acclaimed|bestselling|award-winning) )*(?:book|novel|collection|memoir|biography|study|history|album|film|play|work|title|essay|poem|poetry|stories|story|anthology|report|podcast|series|documentary|translation|exhibition|show|column)s?\b|^[“"‘'*_]`)

	// What a note with a verb other than "is" goes on with.
	reNoteDoes = regexp.MustCompile(`^(?:for|about|on|regularly|widely|extensively|frequently|often|fiction|novels|books|poetry|plays|essays|history|the .{0,40}column|a (?:weekly|fortnightly|monthly|regular|daily) |several|many|numerous|two|three|four|five|six|seven|eight|nine|ten|\d)|^.{0,60}\bat (?:the )?\p{Lu}`)

	// Who a note says its subject is: a role within the clause.
	reNoteRole = regexp.MustCompile(`(?i)\b(?:author|co-author|writer|journalist|editor|novelist|historian|correspondent|columnist|critic|reviewer|professor|poet|broadcaster|lecturer|reader in|reporter|essayist|biographer|academic|fellow|researcher|scholar|economist|philosopher|translator|playwright|commentator|contributor|curator|scientist|teacher|presenter|producer|director of|founder|chair of|member of parliament|MP|PhD|student)s?\b`)
)

// isRole reports whether the rest of a sentence "Jane Doe is ..." says
// who she is: a role in the same clause. "The author of" must go on with
// a work ("The author of “Rooms”", "of several books"), not "its own
// misfortune".
func isRole(rest string) bool {
	clause := rest
	if i := strings.IndexAny(clause, ".;"); i >= 0 && !isAbbreviation(clause, i) {
		clause = clause[:i]
	}
	if len(clause) > 120 {
		clause = clause[:120]
	}
	loc := reNoteRole.FindStringIndex(clause)
	if loc == nil {
		return false
	}
	after := strings.TrimSpace(clause[loc[1]:])
	if word := strings.ToLower(clause[loc[0]:loc[1]]); (word == "author" || word == "co-author") && strings.HasPrefix(after, "of ") {
		return reWorkFollows.MatchString(after[3:])
	}
	return true
}

// reWorkFollows is what "the author of" goes on with in a note.
var reWorkFollows = regexp.MustCompile(`^(?:[“"‘'*_\p{Lu}\d]|(?:a|an|the|several|many|numerous|two|three|four|five|six|seven|eight|nine|ten|over|more|books|novels)\b)`)

// isAbbreviation reports whether the full stop at i ends an abbreviation
// or an initial ("Dr.", "J.") rather than the clause.
func isAbbreviation(s string, i int) bool {
	if s[i] != '.' {
		return false
	}
	j := strings.LastIndexByte(s[:i], ' ') + 1
	w := s[j:i]
	return utf8.RuneCountInString(w) <= 2 || w == "Prof" || w == "Univ" || w == "Dept"
}

// isWriter reports whether subject is "the author" or "the writer".
func isWriter(subject string) bool {
	switch strings.ToLower(subject) {
	case "the author", "the writer", "this author", "this writer", "the reviewer":
		return true
	}
	return false
}

// isPersonalName reports whether s reads as a person's name: two to five
// words, each capitalised ("Jane Doe", "J.K. Rowling", "Jan-Werner
// Müller", "Dr Sarah O’Neill") or a particle inside a name ("Pieter de
// Vries"), not opening with a determiner or pronoun ("The Treaty", "This
// Year") nor ending with a word that names an organisation or a place
// ("Bank", "Party", "Valley").
func isPersonalName(s string) bool {
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 5 {
		return false
	}
	if notNameFirst[strings.ToLower(words[0])] || notNameLast[strings.ToLower(words[len(words)-1])] {
		return false
	}
	for i, w := range words {
		if nameParticles[w] && i > 0 && i < len(words)-1 {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		for _, r := range w {
			if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) && !strings.ContainsRune(".-'’", r) {
				return false
			}
		}
	}
	return true
}

// nameParticles are the lower-case words inside personal names.
var nameParticles = map[string]bool{
	"de": true, "da": true, "di": true, "del": true, "della": true, "der": true, "den": true,
	"van": true, "von": true, "le": true, "la": true, "du": true, "dos": true, "das": true,
	"bin": true, "ibn": true, "al": true, "el": true, "y": true, "ter": true, "ten": true, "zu": true,
}

// notNameFirst are capitalised words that open a sentence's subject but
// never a personal name.
var notNameFirst = map[string]bool{
	"the": true, "this": true, "that": true, "these": true, "those": true, "a": true, "an": true,
	"it": true, "its": true, "our": true, "their": true, "his": true, "her": true, "my": true,
	"your": true, "each": true, "every": true, "no": true, "some": true, "such": true, "what": true,
	"there": true, "here": true, "one": true, "all": true, "both": true, "in": true, "on": true,
	"at": true, "for": true, "if": true, "when": true, "but": true, "and": true, "so": true,
	"today": true, "now": true, "last": true, "next": true, "new": true,
}

// notNameLast are words that end the names of organisations, places and
// things, not people.
var notNameLast = map[string]bool{
	"bank": true, "party": true, "union": true, "treaty": true, "government": true, "council": true,
	"committee": true, "company": true, "university": true, "college": true, "school": true,
	"times": true, "review": true, "press": true, "books": true, "street": true, "road": true,
	"city": true, "museum": true, "library": true, "foundation": true, "institute": true,
	"society": true, "ministry": true, "office": true, "court": true, "house": true, "church": true,
	"club": true, "group": true, "association": true, "agency": true, "service": true, "army": true,
	"corporation": true, "commission": true, "parliament": true, "republic": true, "kingdom": true,
	"states": true, "valley": true, "county": true, "state": true, "empire": true, "war": true,
	"act": true, "bill": true, "movement": true, "project": true, "prize": true, "award": true,
	"festival": true, "fund": true, "trust": true, "board": true, "department": true, "centre": true,
	"center": true, "hall": true, "theatre": true, "magazine": true, "newspaper": true, "network": true,
	"inc": true, "ltd": true, "plc": true, "europe": true, "america": true, "britain": true,
	"england": true, "london": true, "york": true, "china": true, "russia": true, "india": true,
}
