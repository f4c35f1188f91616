package readingroom

import "time"

// An article's identity across files and re-imports is its title together
// with its date. Magazines reuse titles for recurring columns ("Diary",
// "Letters"), so a title alone does not make two copies one article:
//
//   - the same key (Article.Key) and the same date: the same article;
//   - the same key and different dates: different articles;
//   - the same key and a date missing on either side: the same article only
//     when the texts overlap (SameText);
//   - a different key: the same article only when its title was corrected,
//     which shows as overlapping texts (and compatible dates).
//
// Stored describes one stored article that might be the incoming one, and
// Match decides which, if any, it is.

// Stored is what Match needs to know of a stored article.
type Stored struct {
	Published   time.Time // zero when unknown
	Fingerprint string
	// Blocks is the stored body, for SameText; nil when the caller did not
	// load it, which Match takes as no overlap.
	Blocks []Block
	// Claimed says another article of the same import was already saved
	// as this one. An article that is the same as a claimed one is a
	// second copy of it in the import, not an update; one that merely
	// shares its title and date, with unrelated text, is another article.
	Claimed bool
}

// Match returns the index in stored of the article that a is, or -1 when
// a is a new article. stored holds the articles with a's key. In order of
// preference: a letter-for-letter copy; an article with a compatible date
// and an overlapping text (the most overlapping); an unclaimed article of
// the same date (an article rewritten beyond recognition is still that
// day's article under that title).
func Match(a *Article, stored []Stored) int {
	fp := a.Fingerprint()
	for i, s := range stored {
		if s.Fingerprint == fp && a.Published.Equal(s.Published) {
			return i
		}
	}
	best, bestShare := -1, 0.0
	for i, s := range stored {
		if !compatibleDates(a.Published, s.Published) {
			continue
		}
		if ok, share := overlap(a.Blocks, s.Blocks); ok && share > bestShare {
			best, bestShare = i, share
		}
	}
	if best >= 0 {
		return best
	}
	for i, s := range stored {
		if !a.Published.IsZero() && a.Published.Equal(s.Published) && !s.Claimed {
			return i
		}
	}
	return -1
}

// compatibleDates reports whether two articles' dates allow them to be one
// article: equal, or unknown on either side.
func compatibleDates(a, b time.Time) bool {
	return a.IsZero() || b.IsZero() || a.Equal(b)
}

// CompatibleDates is compatibleDates for the store's retitled-article rule.
func CompatibleDates(a, b time.Time) bool { return compatibleDates(a, b) }

// Evidence thresholds for SameText.
const (
	// overlapSample bounds the paragraphs compared on each side, so that
	// comparing two very long articles costs no more than two long ones.
	overlapSample = 64
	// sameTextShared is the most shared paragraphs SameText asks for.
	sameTextShared = 3
)

// SameText reports whether two bodies are versions of one article: at
// least half of the paragraphs of each are found in the other, unchanged
// or edited (a word corrected, a sentence added, as Align judges), and at
// least three of them (or, for a shorter article, half of it and at least
// one). Paragraphs and list items count; headings, captions and notes,
// which columns repeat from week to week, do not.
func SameText(a, b []Block) bool {
	ok, _ := overlap(a, b)
	return ok
}

// overlap is SameText with the share of the smaller body that was found.
func overlap(a, b []Block) (bool, float64) {
	pa, pb := evidence(a), evidence(b)
	if len(pa) == 0 || len(pb) == 0 {
		return false, 0
	}
	shared := sharedParagraphs(pa, pb)
	need := min(sameTextShared, (min(len(pa), len(pb))+1)/2)
	ok := shared >= max(need, 1) && 2*shared >= len(pa) && 2*shared >= len(pb)
	return ok, float64(shared) / float64(min(len(pa), len(pb)))
}

// evidence returns the normalised text of the body's paragraphs and list
// items, at most overlapSample of them.
func evidence(blocks []Block) []string {
	var out []string
	for _, b := range blocks {
		if b.Kind == KindParagraph || b.Kind == KindListItem {
			out = append(out, Normalize(b.Text))
			if len(out) == overlapSample {
				break
			}
		}
	}
	return out
}

// sharedParagraphs counts the paragraphs of a found in b: identical first,
// then, of what is left, pairs that Align would take for an edit.
func sharedParagraphs(a, b []string) int {
	left := make(map[string]int, len(b))
	for _, t := range b {
		left[t]++
	}
	var restA []string
	shared := 0
	for _, t := range a {
		if left[t] > 0 {
			left[t]--
			shared++
			continue
		}
		restA = append(restA, t)
	}
	var restB []wordSet
	for _, t := range b {
		if left[t] > 0 {
			left[t]--
			restB = append(restB, words(t))
		}
	}
	used := make([]bool, len(restB))
	for _, t := range restA {
		wa := words(t)
		best, bestScore := -1, minScore
		for j, wb := range restB {
			if used[j] {
				continue
			}
			if s := similarity(wa, wb); s >= bestScore {
				best, bestScore = j, s
			}
		}
		if best >= 0 {
			used[best] = true
			shared++
		}
	}
	return shared
}
