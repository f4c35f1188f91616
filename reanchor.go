package readingroom

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// ArticleText is an article's text as saved passages count it: the texts
// of its blocks (Block.Text, every kind, in order; not headings' numbers or
// captions' credits) joined by a blank line, "\n\n". Positions in it are
// counted in characters, that is Unicode code points, as the W3C Web
// Annotation Data Model counts them. (A page's script counts UTF-16 units;
// it sends quotes, never positions, and the room works out where they
// stand.)
//
// Finding words in the text ignores how white space is laid out: any run
// of spaces, tabs and line breaks, the blank line between two blocks
// included, matches any other, so a passage selected across two paragraphs
// is found however the page spaced them.
type ArticleText struct {
	runes  []rune
	blocks []textBlock
	// norm is the text with every run of white space made one space; orig
	// holds, for each rune of norm, the position of the rune it came from.
	norm []rune
	orig []int
	// normStr is norm as a string, for fast search, and normRune maps each
	// of its byte offsets to the index of its rune in norm.
	normStr  string
	normRune []int32
	// fold is norm lower-cased, rune for rune, for the fuzzy search.
	fold []rune
}

type textBlock struct {
	id         string
	start, end int // positions: [start, end)
}

// NewArticleText makes the text of an article whose body is blocks.
func NewArticleText(blocks []Block) *ArticleText {
	t := &ArticleText{blocks: make([]textBlock, len(blocks))}
	size := 2 * len(blocks)
	for _, b := range blocks {
		size += len(b.Text) // bytes: at least the runes
	}
	t.runes = make([]rune, 0, size)
	for i, b := range blocks {
		if i > 0 {
			t.runes = append(t.runes, '\n', '\n')
		}
		start := len(t.runes)
		for _, r := range b.Text {
			t.runes = append(t.runes, r)
		}
		t.blocks[i] = textBlock{id: b.ID, start: start, end: len(t.runes)}
	}
	t.norm, t.orig = collapseRunes(t.runes)
	t.fold = foldRunes(t.norm)
	t.normStr = string(t.norm)
	t.normRune = make([]int32, len(t.normStr)+1)
	n := int32(0)
	for i := range t.normStr {
		for j := i; j < len(t.normStr) && (j == i || t.normStr[j]&0xC0 == 0x80); j++ {
			t.normRune[j] = n
		}
		n++
	}
	t.normRune[len(t.normStr)] = n
	return t
}

// String is the whole text.
func (t *ArticleText) String() string { return string(t.runes) }

// Len is the length of the text in characters.
func (t *ArticleText) Len() int { return len(t.runes) }

// Slice returns the text at p, clamped to the text.
func (t *ArticleText) Slice(p Position) string {
	s, e := max(0, min(p.Start, len(t.runes))), max(0, min(p.End, len(t.runes)))
	if s >= e {
		return ""
	}
	return string(t.runes[s:e])
}

// Block returns the position of the whole block with the given id.
func (t *ArticleText) Block(id string) (Position, bool) {
	if i := t.blockIndex(id); i >= 0 {
		return Position{t.blocks[i].start, t.blocks[i].end}, true
	}
	return Position{}, false
}

func (t *ArticleText) blockIndex(id string) int {
	if id == "" {
		return -1
	}
	for i, b := range t.blocks {
		if b.id == id {
			return i
		}
	}
	return -1
}

// blockAt returns the index of the block that holds position pos, or of
// the block before the blank line it falls in.
func (t *ArticleText) blockAt(pos int) int {
	i, _ := slices.BinarySearchFunc(t.blocks, pos, func(b textBlock, p int) int {
		switch {
		case b.end <= p:
			return -1
		case b.start > p:
			return 1
		}
		return 0
	})
	return min(i, len(t.blocks)-1)
}

// ParagraphAt returns the id of the block where position pos stands.
func (t *ArticleText) ParagraphAt(pos int) string {
	if len(t.blocks) == 0 {
		return ""
	}
	return t.blocks[t.blockAt(pos)].id
}

// QuoteAt returns the W3C quote of the text at p: its exact words and up
// to MaxContextLen characters either side.
func (t *ArticleText) QuoteAt(p Position) Quote {
	return Quote{
		Exact:  t.Slice(p),
		Prefix: t.Slice(Position{p.Start - MaxContextLen, p.Start}),
		Suffix: t.Slice(Position{p.End, p.End + MaxContextLen}),
	}
}

// BlockSpan is the part of one block that a passage covers: the block's
// index and the bytes of its Text.
type BlockSpan struct {
	Block int
	Span  Span
}

// Spans cuts the passage at p into the parts each block holds, in order,
// as byte ranges of the blocks' texts (for Segments).
func (t *ArticleText) Spans(p Position) []BlockSpan {
	var out []BlockSpan
	for i, b := range t.blocks {
		s, e := max(p.Start, b.start), min(p.End, b.end)
		if s >= e {
			continue
		}
		text := t.runes[b.start:b.end]
		out = append(out, BlockSpan{Block: i, Span: Span{
			Start: runeBytes(text[:s-b.start]),
			End:   runeBytes(text[:e-b.start]),
		}})
	}
	return out
}

func runeBytes(rs []rune) int {
	n := 0
	for _, r := range rs {
		n += len(string(r))
	}
	return n
}

// Found is where a passage was found in an article's text.
type Found struct {
	Anchor Anchor
	// ParagraphID is the block the passage now starts in; "" when it is
	// orphaned.
	ParagraphID string
	// Position is where the words stand now; zero when orphaned.
	Position Position
	// Text is the words at Position: the quote itself, but for white space,
	// unless Anchor is AnchorFuzzy.
	Text string
}

// Locate finds the exact words of q in the text for a passage being saved:
// in the block with id paragraph, where they start, or else anywhere; of
// several places, the one whose surroundings best match q's prefix and
// suffix. It reports false when the words are nowhere in the text.
func (t *ArticleText) Locate(paragraph string, q Quote) (Found, bool) {
	f := t.reanchor(Passage{ParagraphID: paragraph, Quote: q, Position: Position{-1, -1}}, false)
	if f.Anchor != AnchorExact && f.Anchor != AnchorMoved {
		return Found{}, false
	}
	return f, true
}

// Passage is a saved passage as re-anchoring needs it.
type Passage struct {
	// ParagraphID is the block the passage started in when it was saved,
	// or the block that block's id now leads to (a merged paragraph);
	// an id the text does not have is passed over.
	ParagraphID string
	Quote       Quote
	// Position is where the passage stood last; it chooses, other things
	// equal, between places where its words stand. Negative for none.
	Position Position
}

// FuzzyEdits is how many edits (characters inserted, deleted or replaced)
// re-anchoring accepts between a quote of n characters and the words it
// finds for it in a re-imported article: one in five, at most
// MaxFuzzyEdits; and none for a quote shorter than MinFuzzyLen, whose
// near matches would be mostly chance. This is enough for a corrected word
// or two inside a quote, and little enough that a passage is never taken
// for other words.
func FuzzyEdits(n int) int {
	if n < MinFuzzyLen {
		return 0
	}
	return min(n/5, MaxFuzzyEdits)
}

// Bounds of the fuzzy search.
const (
	// DistinctiveLen is the length from which a quote stands for itself:
	// a shorter one found only outside its paragraph (or nearly found)
	// must also have MinContextAgree characters of its prefix or suffix
	// beside it there, or it is taken for other words that happen to be
	// the same ("the lamps" of another paragraph) and left orphaned.
	DistinctiveLen  = 32
	MinContextAgree = 8
	MinFuzzyLen     = 10
	MaxFuzzyEdits   = 32
	// maxFuzzyCandidates bounds the near matches compared for one passage.
	maxFuzzyCandidates = 64
)

// Reanchor finds a saved passage in the text, after the article was
// edited:
//
//  1. its exact words starting in its paragraph: AnchorExact;
//  2. its exact words anywhere else: AnchorMoved;
//  3. words within FuzzyEdits of them (case aside): AnchorFuzzy, with the
//     words found as Text;
//  4. otherwise AnchorOrphaned.
//
// A quote shorter than DistinctiveLen is taken for the same words outside
// its paragraph only where MinContextAgree characters of its context agree.
//
// Where the words stand more than once, the place whose surroundings best
// match the quote's prefix and suffix wins, then the one nearest the
// passage's last position. Exact words are compared with white space
// collapsed; fuzzy ones also ignoring case.
func (t *ArticleText) Reanchor(p Passage) Found {
	return t.reanchor(p, true)
}

// reanchor is Reanchor, or, for a passage being saved (reanchoring false),
// the exact steps only, and the quote's words wherever they are.
func (t *ArticleText) reanchor(p Passage, reanchoring bool) Found {
	q, _ := collapseRunes([]rune(strings.TrimSpace(p.Quote.Exact)))
	if len(q) == 0 || len(t.runes) == 0 {
		return Found{Anchor: AnchorOrphaned}
	}
	ctx := newContext(p.Quote)
	home := t.blockIndex(p.ParagraphID)
	var inHome, elsewhere []candidate
	needle := string(q)
	for from := 0; from <= len(t.normStr); {
		i := strings.Index(t.normStr[from:], needle)
		if i < 0 {
			break
		}
		i += from
		s := int(t.normRune[i])
		c := candidate{start: s, end: s + len(q)}
		c.score = ctx.score(t.fold, c.start, c.end)
		switch {
		case home >= 0 && t.blockAt(t.orig[s]) == home:
			inHome = append(inHome, c)
		case !reanchoring || len(q) >= DistinctiveLen || c.score >= MinContextAgree:
			elsewhere = append(elsewhere, c)
		}
		_, size := firstRune(t.normStr[i:])
		from = i + size
	}
	switch {
	case len(inHome) > 0:
		return t.found(AnchorExact, t.best(inHome, p.Position.Start))
	case len(elsewhere) > 0:
		return t.found(AnchorMoved, t.best(elsewhere, p.Position.Start))
	}
	if !reanchoring {
		return Found{Anchor: AnchorOrphaned}
	}
	if c, ok := t.fuzzy(foldRunes(q), home, ctx, p.Position.Start); ok {
		return t.found(AnchorFuzzy, c)
	}
	return Found{Anchor: AnchorOrphaned}
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// candidate is a place where a quote may stand: [start, end) in norm.
type candidate struct {
	start, end int
	dist       int // edits from the quote (fuzzy only)
	home       bool
	score      int // characters of context that agree
}

// best picks, of candidates, the one whose context agrees most, then the
// nearest to hint.
func (t *ArticleText) best(cs []candidate, hint int) candidate {
	return slices.MinFunc(cs, func(a, b candidate) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(t.distance(a, hint), t.distance(b, hint))
	})
}

func (t *ArticleText) distance(c candidate, hint int) int {
	if hint < 0 {
		return c.start // no hint: the first
	}
	d := t.orig[c.start] - hint
	if d < 0 {
		return -d
	}
	return d
}

func (t *ArticleText) found(a Anchor, c candidate) Found {
	pos := Position{Start: t.orig[c.start], End: t.orig[c.end-1] + 1}
	return Found{Anchor: a, ParagraphID: t.blocks[t.blockAt(pos.Start)].id, Position: pos, Text: t.Slice(pos)}
}

// fuzzy finds the place in the text nearest to the folded quote q, within
// FuzzyEdits(len(q)) edits: starting in block home first, then with the
// fewest edits, the best context and nearest hint.
func (t *ArticleText) fuzzy(q []rune, home int, ctx context, hint int) (candidate, bool) {
	k := FuzzyEdits(len(q))
	if k == 0 {
		return candidate{}, false
	}
	// Its own paragraph first (a word corrected there is the common
	// case), then, if nothing there will do, the whole text.
	if home >= 0 {
		lo := sort.SearchInts(t.orig, t.blocks[home].start)
		hi := min(len(t.fold), sort.SearchInts(t.orig, t.blocks[home].end)+len(q)+k)
		if c, ok := t.nearest(q, k, lo, hi, home, ctx, hint); ok && c.home {
			return c, true
		}
	}
	return t.nearest(q, k, 0, len(t.fold), home, ctx, hint)
}

// nearest is fuzzy over the matches that end within [lo, hi) of fold.
func (t *ArticleText) nearest(q []rune, k, lo, hi, home int, ctx context, hint int) (candidate, bool) {
	var cs []candidate
	for _, e := range approxEnds(q, t.fold[lo:hi], k) {
		e += lo
		s, d := bestStart(q, t.fold, e, k)
		if d > k || s >= e {
			continue
		}
		c := candidate{start: s, end: e, dist: d}
		// A match may begin on the space before its first word: start at
		// the word, as the quote does.
		for c.start < c.end && t.fold[c.start] == ' ' {
			c.start++
		}
		for c.end > c.start && t.fold[c.end-1] == ' ' {
			c.end--
		}
		if c.start == c.end {
			continue
		}
		if c.start != s || c.end != e {
			// A space trimmed may have matched one of the quote's.
			if c.dist = boundedDistance(q, t.fold[c.start:c.end], k); c.dist > k {
				continue
			}
		}
		c.score = ctx.score(t.fold, c.start, c.end)
		c.home = home >= 0 && t.blockAt(t.orig[c.start]) == home
		if !c.home && len(q) < DistinctiveLen && c.score < MinContextAgree {
			continue
		}
		cs = append(cs, c)
	}
	if len(cs) == 0 {
		return candidate{}, false
	}
	return slices.MinFunc(cs, func(a, b candidate) int {
		if a.home != b.home {
			if a.home {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.dist, b.dist); c != 0 {
			return c
		}
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(t.distance(a, hint), t.distance(b, hint))
	}), true
}

// approxEnds returns the ends (exclusive) of the places in text where p
// matches within k edits: of each run of neighbouring ends, the one with
// the fewest edits; at most maxFuzzyCandidates of them, the best. It is
// Sellers' dynamic programme with Ukkonen's cut-off: only the rows that
// can still end within k edits are computed, so a text that matches
// nothing costs about len(text)·k steps.
func approxEnds(p, text []rune, k int) []int {
	m := len(p)
	col := make([]int, m+1)
	for i := range col {
		col[i] = min(i, k+1)
	}
	last := min(k, m) // the last row whose value is at most k
	type end struct{ at, dist int }
	var ends []end
	run := end{at: -1}
	for j, c := range text {
		diag, up := 0, 0 // col[i-1] of the previous column; the new col[i-1]
		top := min(last+1, m)
		for i := 1; i <= top; i++ {
			old := col[i]
			if i == last+1 {
				old = k + 1 // beyond the cut-off: more than k
			}
			v := old + 1
			if d := diag; p[i-1] == c {
				v = min(v, d)
			} else {
				v = min(v, d+1)
			}
			v = min(v, up+1, k+1)
			diag, col[i], up = old, v, v
		}
		last = top
		for last > 0 && col[last] > k {
			last--
		}
		if last == m {
			// A match ends here: it extends the run of ends just before it
			// or starts a new one, and the run keeps its best end.
			if run.at < 0 || col[m] < run.dist {
				run = end{at: j + 1, dist: col[m]}
			}
			continue
		}
		if run.at >= 0 {
			ends = append(ends, run)
			run = end{at: -1}
		}
	}
	if run.at >= 0 {
		ends = append(ends, run)
	}
	slices.SortStableFunc(ends, func(a, b end) int { return cmp.Compare(a.dist, b.dist) })
	out := make([]int, 0, min(len(ends), maxFuzzyCandidates))
	for _, e := range ends[:min(len(ends), maxFuzzyCandidates)] {
		out = append(out, e.at)
	}
	return out
}

// bestStart finds where the match of p ending at e (exclusive) in text
// starts: the start with the fewest edits, then the one whose length is
// nearest p's. It runs the programme backwards from e, within a band of k
// either side of the diagonal.
func bestStart(p, text []rune, e, k int) (start, dist int) {
	m := len(p)
	n := min(e, m+k) // how far back the match may reach
	inf := k + 1
	prev := make([]int, n+2)
	cur := make([]int, n+2)
	for x := range prev {
		prev[x] = min(x, inf)
	}
	for i := 1; i <= m; i++ {
		lo, hi := max(1, i-k), min(n, i+k)
		if i <= k {
			cur[0] = i
		} else {
			cur[0] = inf
		}
		if lo-1 > 0 {
			cur[lo-1] = inf
		}
		for x := lo; x <= hi; x++ {
			v := min(prev[x]+1, cur[x-1]+1)
			if p[m-i] == text[e-x] {
				v = min(v, prev[x-1])
			} else {
				v = min(v, prev[x-1]+1)
			}
			cur[x] = min(v, inf)
		}
		if hi+1 <= n {
			cur[hi+1] = inf
		}
		prev, cur = cur, prev
	}
	best, bestX := inf, -1
	for x := max(0, m-k); x <= min(n, m+k); x++ {
		if d := prev[x]; d < best || d == best && bestX >= 0 && abs(x-m) < abs(bestX-m) {
			best, bestX = d, x
		}
	}
	if bestX < 0 {
		return e, inf
	}
	return e - bestX, best
}

// boundedDistance is the edit distance between a and b when it is at most
// k, and k+1 otherwise: the programme within a band k either side of the
// diagonal, so len(a)·(2k+1) steps.
func boundedDistance(a, b []rune, k int) int {
	if abs(len(a)-len(b)) > k {
		return k + 1
	}
	inf := k + 1
	prev := make([]int, len(b)+2)
	cur := make([]int, len(b)+2)
	for j := range prev {
		prev[j] = min(j, inf)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-k), min(len(b), i+k)
		cur[0] = min(i, inf)
		if lo-1 > 0 {
			cur[lo-1] = inf
		}
		for j := lo; j <= hi; j++ {
			v := min(prev[j]+1, cur[j-1]+1)
			if a[i-1] == b[j-1] {
				v = min(v, prev[j-1])
			} else {
				v = min(v, prev[j-1]+1)
			}
			cur[j] = min(v, inf)
		}
		if hi+1 <= len(b) {
			cur[hi+1] = inf
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// context is a quote's prefix and suffix, folded, to compare places by.
type context struct {
	prefix, suffix []rune
}

func newContext(q Quote) context {
	p, _ := collapseRunes([]rune(q.Prefix))
	s, _ := collapseRunes([]rune(q.Suffix))
	return context{prefix: foldRunes(p), suffix: foldRunes(s)}
}

// score counts the characters of context that agree with the text around
// [start, end) of fold: the end of the prefix before it, the start of the
// suffix after it. Space at the edges is not counted, so a quote cut at a
// blank line scores as one cut at a space.
func (c context) score(fold []rune, start, end int) int {
	n := 0
	p := trimSpaceRunes(c.prefix)
	before := trimSpaceRunes(fold[:start])
	for n < len(p) && n < len(before) && p[len(p)-1-n] == before[len(before)-1-n] {
		n++
	}
	m := 0
	s := trimSpaceRunes(c.suffix)
	after := trimSpaceRunes(fold[end:])
	for m < len(s) && m < len(after) && s[m] == after[m] {
		m++
	}
	return n + m
}

func trimSpaceRunes(rs []rune) []rune {
	for len(rs) > 0 && rs[0] == ' ' {
		rs = rs[1:]
	}
	for len(rs) > 0 && rs[len(rs)-1] == ' ' {
		rs = rs[:len(rs)-1]
	}
	return rs
}

// collapseRunes makes every run of white space in rs one space, and
// returns for each rune kept the index of the rune it came from.
func collapseRunes(rs []rune) ([]rune, []int) {
	out := make([]rune, 0, len(rs))
	orig := make([]int, 0, len(rs))
	space := false
	for i, r := range rs {
		if unicode.IsSpace(r) {
			if !space {
				out = append(out, ' ')
				orig = append(orig, i)
			}
			space = true
			continue
		}
		space = false
		out = append(out, r)
		orig = append(orig, i)
	}
	return out, orig
}

// foldRunes lower-cases rs rune for rune.
func foldRunes(rs []rune) []rune {
	out := make([]rune, len(rs))
	for i, r := range rs {
		out[i] = unicode.ToLower(r)
	}
	return out
}

// EditDistance is the Levenshtein distance between a and b, in
// characters: the fewest characters inserted, deleted or replaced to make
// one the other.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			v := min(prev[j]+1, cur[j-1]+1)
			if ra[i-1] == rb[j-1] {
				v = min(v, prev[j-1])
			} else {
				v = min(v, prev[j-1]+1)
			}
			cur[j] = v
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// SameWords reports whether a and b are the same words but for how white
// space is laid out, and how far apart they are otherwise (EditDistance
// of their collapsed, lower-cased forms): what Reanchor compares.
func SameWords(a, b string) (same bool, edits int) {
	ca, _ := collapseRunes([]rune(strings.TrimSpace(a)))
	cb, _ := collapseRunes([]rune(strings.TrimSpace(b)))
	if string(ca) == string(cb) {
		return true, 0
	}
	return false, EditDistance(string(foldRunes(ca)), string(foldRunes(cb)))
}
