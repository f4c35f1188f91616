package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/readingroom/readingroom"
)

// Search tuning.
const (
	// MaxCount is where counting stops: a search counts the matching
	// articles exactly up to MaxCount and lists at most MaxCount of them;
	// beyond that it says only that more match.
	MaxCount = 1000
	// CommonArticles is where a word stops being worth ranking by: a term
	// found in more articles than this is too common to say which article
	// is about it (bm25 gives a word in half the articles no weight at
	// all), and scoring it would mean reading its whole posting list, which
	// grows with the library. The query's rarer words rank; a query of only
	// such words lists the most recently imported articles first.
	CommonArticles = 2000
	// HitsPerArticle is how many paragraphs a result shows; a search in
	// one article (in:slug) shows up to HitsInArticle, which is every
	// matching paragraph of all but the longest articles.
	HitsPerArticle = 3
	HitsInArticle  = 200
	snippetTokens  = 28
	// Markers around matched words in snippets. Control characters never
	// occur in stored text (the parser drops them), so they cannot be
	// confused with content.
	markOpen, markClose = "\x02", "\x03"
)

// articleWeights are the bm25 weights of article_fts's columns (body,
// title, byline, standfirst, books): a word in the title counts most.
const articleWeights = "1.0, 10.0, 4.0, 3.0, 2.0"

// SearchHit is one block of a matching article, shown as a snippet.
type SearchHit struct {
	// PID is the block's id; empty when the hit is the article's
	// standfirst, which has no permalink of its own.
	PID  string
	Kind readingroom.BlockKind // empty for the standfirst
	// Snippet is the block's best passage, with the matched words marked.
	Snippet []readingroom.Segment
	// Score orders an article's hits, higher first: the number of the
	// query's words the block holds, plus a fraction that grows with its
	// bm25 score for the query's ranked words.
	Score float64
}

// SearchResult is one article that matched, with its best paragraphs.
type SearchResult struct {
	Slug        string
	Title       string
	Byline      string
	Published   time.Time
	Publication string
	Score       float64 // the article's bm25 score; 0 when nothing was ranked
	// Matches counts the article's blocks that hold a word of the query.
	Matches int
	Hits    []SearchHit
}

// SearchResults is a page of results.
type SearchResults struct {
	Results []SearchResult
	// Total counts the matching articles, up to MaxCount; Capped says
	// that more than MaxCount match (only the first MaxCount are listed).
	Total  int
	Capped bool
}

// Search runs q and returns the page'th page (from 1) of perPage articles,
// best first. An empty query is EINVALID.
//
// An article matches when it holds every word of the query somewhere
// (title, byline, standfirst, book details, any block), a phrase within one
// block; -word leaves out articles that hold the word. The article-level
// index finds, ranks and counts the articles; the paragraph-level one then
// picks and marks the best paragraphs of the articles on the page only.
// The work is bounded however large the library: a term in more than
// CommonArticles articles is not scored, and counting stops past MaxCount.
func (db *DB) Search(ctx context.Context, q readingroom.Query, page, perPage int) (SearchResults, error) {
	if q.Empty() {
		return SearchResults{}, readingroom.Errorf(readingroom.EINVALID, "store: search: empty query")
	}
	if page < 1 || perPage < 1 {
		return SearchResults{}, readingroom.Errorf(readingroom.EINVALID, "store: search: no page %d of %d", page, perPage)
	}
	// A search that cannot finish in SearchTimeout is stopped (go-sqlite3
	// interrupts the statement when the context ends) and the reader is
	// told to narrow it.
	ctx, cancel := context.WithTimeout(ctx, db.searchTimeout)
	defer cancel()
	select {
	case db.searches <- struct{}{}:
		defer func() { <-db.searches }()
	case <-ctx.Done():
		return SearchResults{}, searchStopped(ctx)
	}
	res, err := db.search(ctx, q, page, perPage)
	if err != nil && ctx.Err() != nil {
		return SearchResults{}, searchStopped(ctx)
	}
	return res, err
}

// SearchTimeout bounds one search (DB.searchTimeout, which tests shorten).
const SearchTimeout = 3 * time.Second

// ErrTooBroad is the error of a search stopped at SearchTimeout: it
// matches too much to finish quickly. Its code is EINVALID, since the
// query, not the room, is at fault; callers tell it apart with errors.Is.
var ErrTooBroad = readingroom.Errorf(readingroom.EINVALID, "store: search: too broad to finish in time")

func searchStopped(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ErrTooBroad
	}
	return fmt.Errorf("store: search: %w", ctx.Err())
}

// searcher is one search under way, in one read transaction.
type searcher struct {
	tx *sql.Tx
	q  readingroom.Query
	// counts are the articles that hold each term of q.Must (clause by
	// clause, alternative by alternative), counted up to limit+1.
	counts [][]int
	// limit is CommonArticles.
	limit int
	// articleID is the article of in:slug; 0 when there is none, -1 when
	// no article has that slug.
	articleID int64
}

// scored is a matching article and its score.
type scored struct {
	id    int64
	score float64
}

func (db *DB) search(ctx context.Context, q readingroom.Query, page, perPage int) (SearchResults, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return SearchResults{}, fmt.Errorf("store: search: %w", err)
	}
	defer tx.Rollback()

	s := &searcher{tx: tx, q: q, limit: db.commonArticles}
	if err := s.resolveSlug(ctx); err != nil || s.articleID < 0 {
		return SearchResults{}, err
	}
	if err := s.countTerms(ctx); err != nil {
		return SearchResults{}, err
	}
	matches, err := s.matches(ctx)
	if err != nil {
		return SearchResults{}, err
	}
	res := SearchResults{Total: min(len(matches), MaxCount), Capped: len(matches) > MaxCount}
	from := (page - 1) * perPage
	if from >= res.Total {
		return res, nil
	}
	shown := matches[from:min(from+perPage, res.Total)]
	if res.Results, err = s.results(ctx, shown); err != nil {
		return SearchResults{}, err
	}
	return res, nil
}

// resolveSlug finds the article of in:slug.
func (s *searcher) resolveSlug(ctx context.Context) error {
	if s.q.Slug == "" {
		return nil
	}
	err := s.tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE slug = ?`, s.q.Slug).Scan(&s.articleID)
	if errors.Is(err, sql.ErrNoRows) {
		s.articleID = -1
		return nil
	}
	if err != nil {
		return searchError(err)
	}
	return nil
}

// countTerms finds which of the query's terms are common, counting each
// one's articles only up to CommonArticles+1.
func (s *searcher) countTerms(ctx context.Context) error {
	s.counts = make([][]int, len(s.q.Must))
	for i, c := range s.q.Must {
		s.counts[i] = make([]int, len(c))
		for k, t := range c {
			var n int
			err := s.tx.QueryRowContext(ctx, `
				SELECT count(*) FROM (SELECT 1 FROM article_fts WHERE article_fts MATCH ? LIMIT ?)`,
				termExpr(t), s.limit+1,
			).Scan(&n)
			if err != nil {
				return searchError(err)
			}
			s.counts[i][k] = n
		}
	}
	return nil
}

// clauseCommon reports whether clause i has a common alternative, so that
// the articles it matches are not bounded by CommonArticles.
func (s *searcher) clauseCommon(i int) bool {
	return slices.Max(s.counts[i]) > s.limit
}

// rankExpr is the article-level expression of the query's clauses whose
// terms are all rare enough to rank by, or "" when there is none.
func (s *searcher) rankExpr() string {
	var rank readingroom.Query
	for i, c := range s.q.Must {
		if !s.clauseCommon(i) {
			rank.Must = append(rank.Must, c)
		}
	}
	if rank.Empty() {
		return ""
	}
	return MatchExpr(rank)
}

// filterSQL is the FROM and WHERE of a query on article_fts with the
// query's filters, for the MATCH expression given as the first argument.
func (s *searcher) filterSQL(expr string) (string, []any) {
	query := ` FROM article_fts`
	var where []string
	args := []any{expr}
	if s.q.YearFrom != 0 || s.q.YearTo != 0 {
		query += ` JOIN articles a ON a.id = article_fts.rowid`
		if s.q.YearFrom != 0 {
			where = append(where, "a.published >= ?")
			args = append(args, strconv.Itoa(s.q.YearFrom)+"-01-01")
		}
		if s.q.YearTo != 0 {
			where = append(where, "a.published <= ?")
			args = append(args, strconv.Itoa(s.q.YearTo)+"-12-31")
		}
	}
	query += ` WHERE article_fts MATCH ?`
	if s.articleID > 0 {
		query += ` AND article_fts.rowid = ?`
		args = append(args, s.articleID)
	}
	for _, w := range where {
		query += " AND " + w
	}
	return query, args
}

// matches returns the matching articles, best first, and at most
// MaxCount+1 of them when nothing ranks them.
//
// When a clause of the query is rare (its terms in at most CommonArticles
// articles), every match holds it, so the matches are few: they are all
// found and scored with bm25 for the rare clauses only. Otherwise nothing
// is ranked: the most recently imported come first, and FTS5 stops after
// MaxCount+1.
func (s *searcher) matches(ctx context.Context) ([]scored, error) {
	full := MatchExpr(s.q)
	rank := s.rankExpr()
	if rank == "" {
		from, args := s.filterSQL(full)
		ids, err := scanRows(ctx, s.tx, scanInt64, `SELECT article_fts.rowid`+from+
			` ORDER BY article_fts.rowid DESC LIMIT ?`, append(args, MaxCount+1)...)
		if err != nil {
			return nil, searchError(err)
		}
		out := make([]scored, len(ids))
		for i, id := range ids {
			out[i] = scored{id: id}
		}
		return out, nil
	}
	// The scores of the rare clauses' articles; when they are the whole
	// query, these are the matches.
	from, args := s.filterSQL(rank)
	ranked, err := scanRows(ctx, s.tx, func(rows *sql.Rows) (scored, error) {
		var x scored
		err := rows.Scan(&x.id, &x.score)
		return x, err
	}, `SELECT article_fts.rowid, -bm25(article_fts, `+articleWeights+`)`+from, args...)
	if err != nil {
		return nil, searchError(err)
	}
	if rank != full && len(ranked) > 0 {
		// The common clauses and exclusions narrow them down. FTS5 walks
		// the rare terms' short lists and skips through the long ones.
		from, args := s.filterSQL(full)
		ids, err := scanRows(ctx, s.tx, scanInt64, `SELECT article_fts.rowid`+from, args...)
		if err != nil {
			return nil, searchError(err)
		}
		keep := make(map[int64]bool, len(ids))
		for _, id := range ids {
			keep[id] = true
		}
		ranked = slices.DeleteFunc(ranked, func(x scored) bool { return !keep[x.id] })
	}
	slices.SortFunc(ranked, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	return ranked, nil
}

func scanInt64(rows *sql.Rows) (int64, error) {
	var v int64
	err := rows.Scan(&v)
	return v, err
}

// results reads the articles shown and picks each one's best blocks.
func (s *searcher) results(ctx context.Context, shown []scored) ([]SearchResult, error) {
	ids := make([]int64, len(shown))
	for i, x := range shown {
		ids[i] = x.id
	}
	articles, err := loadResultArticles(ctx, s.tx, ids)
	if err != nil {
		return nil, err
	}
	hits, err := s.hits(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]SearchResult, len(shown))
	for i, x := range shown {
		r, ok := articles[x.id]
		if !ok {
			return nil, fmt.Errorf("store: search: article %d of a match is gone", x.id)
		}
		h := hits[x.id]
		r.Score, r.Matches, r.Hits = x.score, h.matches, h.hits
		out[i] = r
	}
	return out, nil
}

// articleHits are an article's best blocks, and how many blocks hold a
// word of the query.
type articleHits struct {
	hits    []SearchHit
	matches int
}

// blockRef is a stored block of an article shown, in order.
type blockRef struct {
	pid  string
	kind readingroom.BlockKind
}

// hit is a block that holds words of the query, while its article's best
// are picked.
type hit struct {
	SearchHit
	position int
	words    uint64 // bit i: the block holds clause i of wordClauses
	text     string // with the marks
}

// hits picks the best blocks of each article of ids: the index marks the
// query's words in the article's text (highlight, on the articles shown
// only), the text is cut back into its blocks at the block breaks, and the
// blocks holding the most of the query's words come first, then those where
// they weigh most, then in order. An article whose blocks hold none of its
// words (it matched by its title, byline, standfirst or books) shows its
// standfirst, marked, when that holds one, or else its first paragraph.
func (s *searcher) hits(ctx context.Context, ids []int64) (map[int64]articleHits, error) {
	out := make(map[int64]articleHits, len(ids))
	blocks, err := loadBlockRefs(ctx, s.tx, ids)
	if err != nil {
		return nil, err
	}
	clauses := s.wordClauses()
	w := newWeigher(clauses, s.limit)
	standfirsts := map[int64][]readingroom.Segment{}
	if len(clauses) > 0 {
		type row struct {
			id               int64
			body, standfirst string
		}
		args := append([]any{markOpen, markClose, markOpen, markClose, s.wordsExpr()}, anys(ids)...)
		rows, err := scanRows(ctx, s.tx, func(rows *sql.Rows) (row, error) {
			var x row
			err := rows.Scan(&x.id, &x.body, &x.standfirst)
			return x, err
		}, `SELECT rowid, highlight(article_fts, 0, ?, ?), highlight(article_fts, 3, ?, ?)
			FROM article_fts WHERE article_fts MATCH ? AND rowid IN (`+placeholders(len(ids))+`)`, args...)
		if err != nil {
			return nil, searchError(err)
		}
		for _, x := range rows {
			if strings.Contains(x.standfirst, markOpen) {
				standfirsts[x.id] = readingroom.MarkedSegments(x.standfirst, markOpen, markClose)
			}
			refs := blocks[x.id]
			parts := strings.Split(x.body, blockBreak)
			if len(refs) == 0 || len(parts) != len(refs) {
				// A block whose text holds the break itself would put
				// every later one out of place: show none rather than
				// the wrong ones.
				continue
			}
			var found []hit
			for i, p := range parts {
				if !strings.Contains(p, markOpen) {
					continue
				}
				h := hit{SearchHit: SearchHit{PID: refs[i].pid, Kind: refs[i].kind}, position: i, text: p}
				h.words, h.Score = w.weigh(p)
				found = append(found, h)
			}
			slices.SortFunc(found, func(a, b hit) int {
				if c := cmp.Compare(bits.OnesCount64(b.words), bits.OnesCount64(a.words)); c != 0 {
					return c
				}
				if c := cmp.Compare(b.Score, a.Score); c != 0 {
					return c
				}
				return cmp.Compare(a.position, b.position)
			})
			ah := articleHits{matches: len(found)}
			shown := HitsPerArticle
			if s.q.Slug != "" {
				shown = HitsInArticle
			}
			for _, h := range found[:min(shown, len(found))] {
				h.Snippet = readingroom.Excerpt(readingroom.MarkedSegments(h.text, markOpen, markClose), snippetTokens)
				h.Score += float64(bits.OnesCount64(h.words))
				ah.hits = append(ah.hits, h.SearchHit)
			}
			out[x.id] = ah
		}
	}
	for _, id := range ids {
		if out[id].matches > 0 {
			continue
		}
		if segs, ok := standfirsts[id]; ok {
			out[id] = articleHits{hits: []SearchHit{{Snippet: readingroom.Excerpt(segs, snippetTokens)}}}
			continue
		}
		h, ok, err := firstParagraph(ctx, s.tx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out[id] = articleHits{hits: []SearchHit{h}}
		}
	}
	return out, nil
}

// weigher tells which of the query's clauses a block's marked words are,
// and scores the block for them.
type weigher struct {
	clauses []wordClause
	limit   int
	// held caches which clauses a marked stretch of text is: the same
	// words are marked again and again.
	held map[string]uint64
}

func newWeigher(clauses []wordClause, limit int) *weigher {
	return &weigher{clauses: clauses, limit: limit, held: map[string]uint64{}}
}

// heldBy returns the clauses marked is an instance of (bit 63 when the
// comparison finds none: the index matched it to some word all the same).
func (w *weigher) heldBy(marked string) uint64 {
	if len(w.clauses) == 1 {
		return 1
	}
	if b, ok := w.held[marked]; ok {
		return b
	}
	var b uint64
	for i, c := range w.clauses {
		for _, t := range c.terms {
			if t.Holds(marked) {
				b |= 1 << i
				break
			}
		}
	}
	if b == 0 {
		b = 1 << 63
	}
	w.held[marked] = b
	return b
}

// weigh reads a block's text with its marks and returns the clauses it
// holds and a bm25-like score for them: each clause's marks, saturating,
// weighted by how rare the clause is, the block's length considered. The
// score is below 1, so that it orders blocks holding as many clauses.
func (w *weigher) weigh(text string) (uint64, float64) {
	var (
		words uint64
		tf    [64]int
	)
	for rest := text; ; {
		i := strings.Index(rest, markOpen)
		if i < 0 {
			break
		}
		rest = rest[i+len(markOpen):]
		j := strings.Index(rest, markClose)
		if j < 0 {
			j = len(rest)
		}
		b := w.heldBy(rest[:j])
		words |= b
		for k := range w.clauses {
			if b&(1<<k) != 0 {
				tf[k]++
			}
		}
		rest = rest[j:]
	}
	const k1, b, avgBytes = 1.2, 0.75, 400.0
	var score float64
	for i, c := range w.clauses {
		if tf[i] == 0 {
			continue
		}
		idf := math.Log(1 + float64(w.limit+1)/(float64(c.articles)+0.5))
		f := float64(tf[i])
		score += idf * f * (k1 + 1) / (f + k1*(1-b+b*float64(len(text))/avgBytes))
	}
	return words, score / (1 + score)
}

// loadBlockRefs reads the pid and kind of every block of the articles with
// ids, in order.
func loadBlockRefs(ctx context.Context, tx *sql.Tx, ids []int64) (map[int64][]blockRef, error) {
	type row struct {
		articleID int64
		ref       blockRef
	}
	rows, err := scanRows(ctx, tx, func(rows *sql.Rows) (row, error) {
		var x row
		err := rows.Scan(&x.articleID, &x.ref.pid, &x.ref.kind)
		return x, err
	}, `SELECT article_id, pid, kind FROM paragraphs WHERE article_id IN (`+placeholders(len(ids))+`)
		ORDER BY article_id, position`, anys(ids)...)
	if err != nil {
		return nil, searchError(err)
	}
	out := make(map[int64][]blockRef, len(ids))
	for _, x := range rows {
		out[x.articleID] = append(out[x.articleID], x.ref)
	}
	return out, nil
}

// firstParagraph is the hit an article shows when it matched by its title
// or byline alone: its first paragraph (its first block when it has no
// paragraph), unmarked.
func firstParagraph(ctx context.Context, tx *sql.Tx, id int64) (SearchHit, bool, error) {
	var (
		h    SearchHit
		text string
	)
	err := tx.QueryRowContext(ctx, `
		SELECT pid, kind, text FROM paragraphs WHERE article_id = ?
		ORDER BY kind != 'paragraph', position LIMIT 1`, id).Scan(&h.PID, &h.Kind, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return SearchHit{}, false, nil // an article of a title alone
	}
	if err != nil {
		return SearchHit{}, false, searchError(err)
	}
	h.Snippet = readingroom.Excerpt([]readingroom.Segment{{Text: text}}, snippetTokens)
	return h, true, nil
}

// wordClause is a clause of the query as it applies to a block: its
// alternatives that are not tied to the title or byline, and how many
// articles hold them (the sum of the alternatives' counts).
type wordClause struct {
	terms    readingroom.Clause
	articles int
}

// wordClauses are the query's clauses as they apply to a block. A clause
// of only title: or author: terms says nothing about blocks and is left
// out. At most 63 are told apart.
func (s *searcher) wordClauses() []wordClause {
	var out []wordClause
	for i, c := range s.q.Must {
		var w wordClause
		for k, t := range c {
			if t.Field == readingroom.FieldAny {
				w.terms = append(w.terms, t)
				w.articles += s.counts[i][k]
			}
		}
		if len(w.terms) > 0 && len(out) < 63 {
			out = append(out, w)
		}
	}
	return out
}

// wordsExpr is the expression that marks every word of the query a block
// can hold.
func (s *searcher) wordsExpr() string {
	var words readingroom.Clause
	for _, c := range s.wordClauses() {
		words = append(words, c.terms...)
	}
	return MatchExpr(readingroom.Query{Must: []readingroom.Clause{words}})
}

// loadResultArticles reads the articles with ids, by id.
func loadResultArticles(ctx context.Context, tx *sql.Tx, ids []int64) (map[int64]SearchResult, error) {
	type row struct {
		id int64
		r  SearchResult
	}
	rows, err := scanRows(ctx, tx, func(rows *sql.Rows) (row, error) {
		var (
			x         row
			published sql.NullString
		)
		if err := rows.Scan(&x.id, &x.r.Slug, &x.r.Title, &x.r.Byline, &published, &x.r.Publication); err != nil {
			return x, err
		}
		var err error
		x.r.Published, err = parseDate(published)
		return x, err
	}, `SELECT id, slug, title, byline, published, publication FROM articles WHERE id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, searchError(err)
	}
	out := make(map[int64]SearchResult, len(rows))
	for _, x := range rows {
		out[x.id] = x.r
	}
	return out, nil
}

// placeholders is "?, ?, ..." for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func searchError(err error) error {
	// MatchExpr builds only valid expressions; an FTS5 syntax error here is
	// a bug, reported as internal like any other database failure.
	return fmt.Errorf("store: search: %w", err)
}

// MatchExpr turns a parsed query into an FTS5 MATCH expression for
// article_fts: every term quoted, only known columns, explicit AND, OR and
// NOT, and NOT only ever binary (after at least one required clause). q
// must not be empty. A term of any field matches in any column; so does a
// query on the bare benchmark table, which has one.
func MatchExpr(q readingroom.Query) string {
	var sb strings.Builder
	for i, c := range q.Must {
		if i > 0 {
			sb.WriteString(" AND ")
		}
		if len(c) > 1 {
			sb.WriteString("(")
		}
		for k, t := range c {
			if k > 0 {
				sb.WriteString(" OR ")
			}
			writeTerm(&sb, t)
		}
		if len(c) > 1 {
			sb.WriteString(")")
		}
	}
	for _, t := range q.Not {
		sb.WriteString(" NOT ")
		writeTerm(&sb, t)
	}
	return sb.String()
}

// termExpr is the expression of one term.
func termExpr(t readingroom.Term) string {
	var sb strings.Builder
	writeTerm(&sb, t)
	return sb.String()
}

func writeTerm(sb *strings.Builder, t readingroom.Term) {
	switch t.Field {
	case readingroom.FieldTitle:
		sb.WriteString("title : ")
	case readingroom.FieldAuthor:
		sb.WriteString("byline : ")
	}
	sb.WriteString(`"`)
	sb.WriteString(strings.ReplaceAll(strings.Join(t.Words, " "), `"`, `""`))
	sb.WriteString(`"`)
	if t.Kind == readingroom.TermPrefix {
		sb.WriteString("*")
	}
}
