package readingroom

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// PrevBlock is a block as stored before a re-import: its permanent id and
// its last text.
type PrevBlock struct {
	ID   string
	Kind BlockKind
	Text string
}

// Tombstone is a paragraph whose text is gone from its article. Its link
// keeps working: it shows the text as it was and points to Neighbour, the
// id of the nearest paragraph that survived ("" when none did).
type Tombstone struct {
	ID        string
	Kind      BlockKind
	Text      string
	Neighbour string
}

// Alignment is how a new version of an article's blocks continues the
// stored one.
type Alignment struct {
	// IDs holds the id of each new block, in order: the id of the stored
	// block it continues, or a fresh one.
	IDs []string
	// Aliases maps the id of a stored block whose text now lives inside
	// another block (two paragraphs merged) to that block's id.
	Aliases map[string]string
	// Tombstones are the stored blocks whose text is gone.
	Tombstones []Tombstone
	// Revived lists the tombstoned ids that came back: a block whose text
	// is exactly that of a deleted paragraph takes its id again.
	Revived []string
}

// Similarity thresholds. A block continues a stored one when their words
// overlap enough: minScore on the Dice coefficient, or the smaller one
// almost wholly inside the larger (a sentence added, a paragraph split).
const (
	minScore         = 0.5
	minContainWords  = 6   // words the smaller block needs for containment to count
	containWeight    = 0.9 // containment counts a little below a near-identical text
	minMergeContain  = 0.8 // share of a vanished block's words found in a block that absorbed it
	minMergeWords    = 3
	maxPairsExamined = 200_000 // beyond this, only blocks near the same place are compared
	openingBonus     = 0.01    // for a block that starts with the same words as the stored one
	openingWords     = 3
)

// Align matches blocks, the new version of an article, to prev, the stored
// version, so that every paragraph keeps its id through re-imports:
//
//   - an unchanged block keeps its id wherever it moved;
//   - a block whose text is exactly that of one of the article's
//     tombstones, retired (a deleted paragraph restored, or two copies of a
//     file imported in turn), takes the tombstone's id back, and its old
//     links show it again;
//   - an edited block (a word corrected, a sentence added) keeps the id of
//     the stored block it is most like, nearest in place breaking ties;
//   - of a split paragraph, the part most like it keeps its id; of merged
//     paragraphs, the merged block keeps the best match's id and the others
//     become aliases of it;
//   - a stored block matched by nothing becomes a tombstone;
//   - a new block gets ParagraphID(text, n), n bumped past every id in used
//     (all the ids the article ever had) and in prev, so that no old id is
//     ever given to other text.
//
// Every id in prev ends up in exactly one of IDs, Aliases and Tombstones.
// Align does not modify its arguments.
func Align(prev, retired []PrevBlock, blocks []Block, used map[string]bool) Alignment {
	a := newAligner(prev, blocks)
	a.matchIdentical()
	revive := a.reviveRetired(retired)
	a.matchSimilar(revive)
	al := a.assignIDs(retired, revive, used)
	a.retireUnmatched(&al)
	return al
}

// aligner holds the state of one Align: both versions, normalised once
// (normalising is the costliest step), and the match found so far.
type aligner struct {
	prev     []PrevBlock
	blocks   []Block
	normPrev []string
	normNew  []string
	match    []int  // for each new block, its index in prev, or -1
	taken    []bool // for each stored block, whether a new block continues it
	// Word sets, made when first needed.
	newWords, oldWords []wordSet
}

func newAligner(prev []PrevBlock, blocks []Block) *aligner {
	a := &aligner{
		prev:     prev,
		blocks:   blocks,
		normPrev: make([]string, len(prev)),
		normNew:  make([]string, len(blocks)),
		match:    make([]int, len(blocks)),
		taken:    make([]bool, len(prev)),
		newWords: make([]wordSet, len(blocks)),
		oldWords: make([]wordSet, len(prev)),
	}
	for j, p := range prev {
		a.normPrev[j] = Normalize(p.Text)
	}
	for i, b := range blocks {
		a.normNew[i] = Normalize(b.Text)
		a.match[i] = -1
	}
	return a
}

// matchIdentical is phase 1: identical text, in order.
func (a *aligner) matchIdentical() {
	waiting := make(map[string][]int, len(a.prev))
	for j, n := range a.normPrev {
		waiting[n] = append(waiting[n], j)
	}
	for i, n := range a.normNew {
		if q := waiting[n]; len(q) > 0 {
			a.match[i], a.taken[q[0]] = q[0], true
			waiting[n] = q[1:]
		}
	}
}

// reviveRetired is phase 2: an unmatched block whose text is exactly a
// tombstone's comes back under its id. It returns the index in retired of
// each revived block, by the block's index.
func (a *aligner) reviveRetired(retired []PrevBlock) map[int]int {
	revive := map[int]int{}
	if len(retired) == 0 {
		return revive
	}
	gone := make(map[string][]int, len(retired))
	for k, r := range retired {
		n := Normalize(r.Text)
		gone[n] = append(gone[n], k)
	}
	for i, n := range a.normNew {
		if q := gone[n]; a.match[i] < 0 && len(q) > 0 {
			revive[i] = q[0]
			gone[n] = q[1:]
		}
	}
	return revive
}

// matchSimilar is phase 3: of the blocks still free on both sides, the
// best-scoring pairs first.
func (a *aligner) matchSimilar(revive map[int]int) {
	var freeNew, freeOld []int
	for j := range a.prev {
		if !a.taken[j] {
			freeOld = append(freeOld, j)
			a.oldWords[j] = words(a.normPrev[j])
		}
	}
	if len(freeOld) == 0 {
		return // nothing to match with (a new article): spare the word sets
	}
	for i := range a.blocks {
		if _, revived := revive[i]; a.match[i] < 0 && !revived {
			freeNew = append(freeNew, i)
			a.newWords[i] = words(a.normNew[i])
		}
	}
	window := len(a.prev) + len(a.blocks) // compare everything...
	if len(freeNew)*len(freeOld) > maxPairsExamined {
		window = maxPairsExamined / max(len(freeNew), 1) / 2 // ...unless that is too much
	}
	type pair struct {
		i, j  int
		score float64
		dist  float64
	}
	var pairs []pair
	for _, i := range freeNew {
		pi := relPos(i, len(a.blocks))
		for _, j := range freeOld {
			if abs(int(pi*float64(len(a.prev)))-j) > window {
				continue
			}
			if s := similarity(a.newWords[i], a.oldWords[j]); s >= minScore {
				// Of two equally good matches (the halves of a split), the
				// one that opens as the stored block did carries it on.
				if sameStart(a.normNew[i], a.normPrev[j]) {
					s += openingBonus
				}
				d := pi - relPos(j, len(a.prev))
				pairs = append(pairs, pair{i, j, s, d * d})
			}
		}
	}
	slices.SortFunc(pairs, func(x, y pair) int {
		if c := cmp.Compare(y.score, x.score); c != 0 {
			return c
		}
		if c := cmp.Compare(x.dist, y.dist); c != 0 {
			return c
		}
		if c := cmp.Compare(x.i, y.i); c != 0 {
			return c
		}
		return cmp.Compare(x.j, y.j)
	})
	for _, p := range pairs {
		if a.match[p.i] < 0 && !a.taken[p.j] {
			a.match[p.i], a.taken[p.j] = p.j, true
		}
	}
}

// assignIDs is phase 4: kept ids, revived ids, then fresh ones that no id
// the article has had can be.
func (a *aligner) assignIDs(retired []PrevBlock, revive map[int]int, used map[string]bool) Alignment {
	al := Alignment{IDs: make([]string, len(a.blocks)), Aliases: map[string]string{}}
	reserved := make(map[string]bool, len(used)+len(a.prev))
	for id := range used {
		reserved[id] = true
	}
	for _, p := range a.prev {
		reserved[p.ID] = true
	}
	for i, j := range a.match {
		if j >= 0 {
			al.IDs[i] = a.prev[j].ID
		}
	}
	for i, k := range revive {
		al.IDs[i] = retired[k].ID
		al.Revived = append(al.Revived, retired[k].ID)
	}
	slices.Sort(al.Revived)
	occurrence := map[string]int{}
	for i := range a.blocks {
		n := a.normNew[i]
		k := occurrence[n]
		occurrence[n]++
		if al.IDs[i] != "" {
			continue
		}
		id := normalizedID(n, k)
		for reserved[id] {
			k++
			id = normalizedID(n, k)
		}
		reserved[id] = true
		al.IDs[i] = id
	}
	return al
}

// retireUnmatched is phase 5: a stored block nothing continues was merged
// into a block (an alias) or deleted (a tombstone, pointing to its nearest
// surviving neighbour).
func (a *aligner) retireUnmatched(al *Alignment) {
	survivor := make(map[int]string, len(a.prev)) // index in prev -> id it lives on as
	for i, j := range a.match {
		if j >= 0 {
			survivor[j] = al.IDs[i]
		}
	}
	// Word counts of the stored blocks that carried on, to measure growth.
	prevWords := make([]int, len(a.prev))
	for i, j := range a.match {
		if j >= 0 {
			if a.newWords[i].n > 0 {
				prevWords[j] = words(a.normPrev[j]).n
			} else {
				prevWords[j] = -1 // identical text: no growth
			}
		}
	}
	var gone []int
	for j := range a.prev {
		if a.taken[j] {
			continue
		}
		if i := absorbedBy(a.oldWords[j], prevWords, a.normNew, a.newWords, a.match); i >= 0 {
			al.Aliases[a.prev[j].ID] = al.IDs[i]
			survivor[j] = al.IDs[i]
			continue
		}
		gone = append(gone, j)
	}
	for _, j := range gone {
		al.Tombstones = append(al.Tombstones, Tombstone{
			ID:        a.prev[j].ID,
			Kind:      a.prev[j].Kind,
			Text:      a.prev[j].Text,
			Neighbour: nearest(j, len(a.prev), survivor),
		})
	}
}

// absorbedBy returns the index of the block that took in a vanished
// block (a merge), or -1: a block holding most of its words that has grown
// by about its size over the stored block it continues. Growth tells a
// merge from a mere likeness between two paragraphs.
func absorbedBy(w wordSet, prevWords []int, normNew []string, newWords []wordSet, match []int) int {
	if w.n < minMergeWords {
		return -1
	}
	best, bestShare := -1, 0.0
	for i := range normNew {
		if j := match[i]; j >= 0 {
			if prevWords[j] < 0 {
				continue // unchanged text took nothing in
			}
		}
		nw := newWords[i]
		if nw.n == 0 {
			nw = words(normNew[i])
			newWords[i] = nw
		}
		share := float64(w.common(nw)) / float64(w.n)
		if share < minMergeContain || share <= bestShare {
			continue
		}
		if j := match[i]; j >= 0 && float64(nw.n-prevWords[j]) < minMergeContain*float64(w.n) {
			continue
		}
		best, bestShare = i, share
	}
	return best
}

// nearest finds the id of the closest stored block before j that survives,
// or else after it.
func nearest(j, n int, survivor map[int]string) string {
	for k := j - 1; k >= 0; k-- {
		if id, ok := survivor[k]; ok {
			return id
		}
	}
	for k := j + 1; k < n; k++ {
		if id, ok := survivor[k]; ok {
			return id
		}
	}
	return ""
}

func relPos(i, n int) float64 {
	if n <= 1 {
		return 0
	}
	return float64(i) / float64(n-1)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// wordSet is a multiset of a text's words, for similarity.
type wordSet struct {
	counts map[string]int
	n      int
}

// words counts the words of a normalised text.
func words(norm string) wordSet {
	ws := wordSet{counts: map[string]int{}}
	for _, w := range strings.FieldsFunc(norm, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		ws.counts[w]++
		ws.n++
	}
	return ws
}

func (a wordSet) common(b wordSet) int {
	if len(b.counts) < len(a.counts) {
		a, b = b, a
	}
	c := 0
	for w, n := range a.counts {
		c += min(n, b.counts[w])
	}
	return c
}

// similarity scores two texts from 0 to 1: the Dice coefficient of their
// words, or, when the smaller is long enough, how much of it the larger
// contains (slightly discounted).
func similarity(a, b wordSet) float64 {
	if a.n == 0 || b.n == 0 {
		return 0
	}
	c := float64(a.common(b))
	s := 2 * c / float64(a.n+b.n)
	if small := min(a.n, b.n); small >= minContainWords {
		s = max(s, containWeight*c/float64(small))
	}
	return s
}

// sameStart reports whether two normalised texts open with the same few
// words.
func sameStart(a, b string) bool {
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) < openingWords || len(wb) < openingWords {
		return false
	}
	return slices.Equal(wa[:openingWords], wb[:openingWords])
}
