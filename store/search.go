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
	// total counts the articles that match q, up to countLimit (MaxCount+1
	// when nothing is ranked); -1 when the pass that ranks them is to
	// count them (count, ranked).
	total int
	// counts are the articles that hold each clause of q.Must, counted up
	// to limit+1.
	counts []int
	// limit is CommonArticles.
	limit int
	// articleID is the article of in:slug; 0 when there is none, -1 when
	// no article has that slug.
	articleID int64
	// insts are rr_instances of the query's expression for the articles
	// shown, when the pass that ranked them read them (page); nil when
	// hits must ask the index for them (instances).
	insts map[int64][]int32
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
	if err := s.count(ctx); err != nil {
		return SearchResults{}, err
	}
	shown, total, err := s.page(ctx, (page-1)*perPage, perPage)
	if err != nil {
		return SearchResults{}, err
	}
	res := SearchResults{Total: min(total, MaxCount), Capped: total > MaxCount}
	if len(shown) == 0 {
		return res, nil
	}
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

// countLimit is where count stops counting the articles that match a
// query: past both CommonArticles and MaxCount.
func (s *searcher) countLimit() int { return max(s.limit, MaxCount) + 1 }

// count counts, in one statement, the articles that hold each clause of
// q.Must, up to CommonArticles+1, and, when every clause is more common
// than that (nothing will be ranked), the articles that match the query
// and its filters, up to MaxCount+1. When a clause is rarer, the pass that
// ranks the matches (page) counts them as it goes, and total is -1 until
// then. A query of one clause and nothing else is its clause, counted
// once, up to countLimit.
func (s *searcher) count(ctx context.Context) error {
	from, args := s.filterSQL(MatchExpr(s.q))
	s.counts = make([]int, len(s.q.Must))
	q := s.q
	if len(q.Must) == 1 && len(q.Not) == 0 && q.YearFrom == 0 && q.YearTo == 0 && q.Slug == "" {
		err := s.tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1`+from+` LIMIT ?)`, append(args, s.countLimit())...).Scan(&s.total)
		if err != nil {
			return searchError(err)
		}
		s.counts[0] = min(s.total, s.limit+1)
		return nil
	}
	var (
		names, counts, common []string
		countArgs, commonArgs []any
		dests                 []any
	)
	for i, c := range s.q.Must {
		names = append(names, fmt.Sprintf("c%d", i))
		counts = append(counts, `(SELECT count(*) FROM (SELECT 1 FROM article_fts WHERE article_fts MATCH ? LIMIT ?))`)
		countArgs = append(countArgs, MatchExpr(readingroom.Query{Must: []readingroom.Clause{c}}), s.limit+1)
		common = append(common, names[i]+` > ?`)
		commonArgs = append(commonArgs, s.limit)
		dests = append(dests, &s.counts[i])
	}
	// MATERIALIZED: each clause is counted once, not once for each use.
	// SQLite evaluates only the branch of a CASE that it takes. With
	// every clause common, nothing is ranked, and the total is only
	// shown: it is counted up to MaxCount+1, which says "more than".
	args = append(args, MaxCount+1)
	err := s.tx.QueryRowContext(ctx, `WITH c(`+strings.Join(names, ", ")+`) AS MATERIALIZED (SELECT `+strings.Join(counts, ", ")+`)
		SELECT `+strings.Join(names, ", ")+`, CASE WHEN `+strings.Join(common, " AND ")+`
			THEN (SELECT count(*) FROM (SELECT 1`+from+` LIMIT ?)) ELSE -1 END FROM c`,
		slices.Concat(countArgs, commonArgs, args)...).Scan(append(dests, &s.total)...)
	if err != nil {
		return searchError(err)
	}
	return nil
}

// clauseCommon reports whether clause i is in more than CommonArticles
// articles, so that the articles it matches are not bounded by it.
func (s *searcher) clauseCommon(i int) bool {
	return s.counts[i] > s.limit
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

// scoreSQL is the SQL of the articles' scores for rankExpr, higher first,
// and its arguments. count has counted the articles of each rare clause,
// exactly, so when each clause is one phrase of the whole text (its count
// is then the phrase's), rr_bm25 (fts5aux.c) takes them and scores as
// bm25() does, without reading each phrase's whole list again to count
// them itself.
func (s *searcher) scoreSQL() (string, []any) {
	var dfs []any
	for i, c := range s.q.Must {
		if s.clauseCommon(i) {
			continue
		}
		if len(c) != 1 || c[0].Field != readingroom.FieldAny {
			return `-bm25(article_fts, ` + articleWeights + `)`, nil
		}
		dfs = append(dfs, s.counts[i])
	}
	return `-rr_bm25(article_fts, ` + articleWeights + `, ` + placeholders(len(dfs)) + `)`, dfs
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

// page returns the matching articles from the from'th (from 0), at most
// n of them, best first, and how many articles match, counted exactly up
// to MaxCount+1 at least. Only the first MaxCount are listed.
//
// When a clause of the query is rare (in at most CommonArticles articles),
// every match holds it, so the matches are few: they are all found and
// scored with bm25 for the rare clauses only. Otherwise nothing is ranked:
// the most recently imported come first. SQLite sorts, or rr_top keeps
// the best; only the page's rows reach Go.
func (s *searcher) page(ctx context.Context, from, n int) ([]scored, int, error) {
	full := MatchExpr(s.q)
	rank := s.rankExpr()
	if rank != full && rank != "" {
		ranked, err := s.rankAndNarrow(ctx, rank, full)
		if err != nil {
			return nil, 0, err
		}
		total := len(ranked)
		if from >= min(total, MaxCount) {
			return nil, total, nil
		}
		return ranked[from:min(from+n, total, MaxCount)], total, nil
	}
	if rank != "" {
		return s.ranked(ctx, full, from, n)
	}
	total := s.total
	n = min(n, min(total, MaxCount)-from)
	if n <= 0 {
		return nil, total, nil
	}
	sqlFrom, args := s.filterSQL(full)
	ids, err := scanRows(ctx, s.tx, scanInt64, `SELECT article_fts.rowid`+sqlFrom+
		` ORDER BY article_fts.rowid DESC LIMIT ? OFFSET ?`, append(args, n, from)...)
	if err != nil {
		return nil, 0, searchError(err)
	}
	out := make([]scored, len(ids))
	for i, id := range ids {
		out[i] = scored{id: id}
	}
	return out, total, nil
}

// ranked returns the page of the query's matches (every clause of it
// rare enough to rank by) from the from'th, n of them at most, best
// first, and counts them all, in one pass over the matches: rr_top
// (fts5aux.c) keeps the best and counts the rest. The blocks to show
// need where the words stand in the articles shown, so the pass returns
// rr_instances with each (FTS5 has decoded them for bm25 already), and
// nothing walks the lists again for the page.
func (s *searcher) ranked(ctx context.Context, full string, from, n int) ([]scored, int, error) {
	k := max(0, min(from+n, MaxCount))
	score, scoreArgs := s.scoreSQL()
	sqlFrom, args := s.filterSQL(full)
	insts := "NULL"
	if len(s.wordClauses()) > 0 {
		insts = "rr_instances(article_fts)"
	}
	var b []byte
	// The subquery is read as it runs (a co-routine), not flattened into
	// the aggregate (its LIMIT forbids that): in an aggregate's arguments
	// FTS5 cannot tell its auxiliary functions' table apart.
	err := s.tx.QueryRowContext(ctx, `SELECT rr_top(?, id, score, insts) FROM
		(SELECT article_fts.rowid AS id, `+score+` AS score, `+insts+` AS insts`+sqlFrom+` LIMIT -1)`,
		slices.Concat([]any{k}, scoreArgs, args)...).Scan(&b)
	if err != nil {
		return nil, 0, searchError(err)
	}
	total, rows, ok := readTop(b)
	if !ok {
		return nil, 0, fmt.Errorf("store: search: rr_top answered %d bytes not laid out as it lays them", len(b))
	}
	s.total = total
	if from >= len(rows) {
		return nil, total, nil
	}
	rows = rows[from:]
	shown := make([]scored, len(rows))
	if insts != "NULL" {
		s.insts = make(map[int64][]int32, len(rows))
	}
	for i, x := range rows {
		shown[i] = scored{id: x.id, score: x.score}
		if s.insts != nil {
			s.insts[x.id] = int32s(x.data)
		}
	}
	return shown, total, nil
}

// rankAndNarrow returns every article that matches full, scored by the
// rare clauses (rank) alone, best first.
func (s *searcher) rankAndNarrow(ctx context.Context, rank, full string) ([]scored, error) {
	// The scores of the rare clauses' articles.
	from, args := s.filterSQL(rank)
	score, scoreArgs := s.scoreSQL()
	ranked, err := scanRows(ctx, s.tx, scanScored, `SELECT article_fts.rowid, `+score+from, append(scoreArgs, args...)...)
	if err != nil {
		return nil, searchError(err)
	}
	if len(ranked) > 0 {
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

func scanScored(rows *sql.Rows) (scored, error) {
	var x scored
	err := rows.Scan(&x.id, &x.score)
	return x, err
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
	hits, err := s.hits(ctx, ids, articles)
	if err != nil {
		return nil, err
	}
	out := make([]SearchResult, len(shown))
	for i, x := range shown {
		a, ok := articles[x.id]
		if !ok {
			return nil, fmt.Errorf("store: search: article %d of a match is gone", x.id)
		}
		r, h := a.SearchResult, hits[x.id]
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

// hit is a block that holds words of the query, while its article's best
// are picked.
type hit struct {
	SearchHit
	article  int64
	position int
	words    uint64 // bit i: the block holds clause i of wordClauses
	marks    []mark
}

// hits picks the best blocks of each article of ids. The index says where
// the query's words stand in each article shown (rr_instances, fts5aux.c:
// token offsets read from the index, not the text), and the article's row
// where the breaks between its blocks stand (articles.breaks, rr_breaks
// of the body as it was indexed), which also gives each block's length in
// tokens; the blocks holding the most of the query's
// words come first, then those where they weigh most, then in order. Only
// the blocks shown are read and cut into tokens (rr_tokens), to mark the
// words as highlight() would. An article whose blocks hold none of its
// words (it matched by its title, byline, standfirst or books) shows its
// standfirst, marked, when that holds one, or else its first paragraph.
func (s *searcher) hits(ctx context.Context, ids []int64, articles map[int64]resultArticle) (map[int64]articleHits, error) {
	out := make(map[int64]articleHits, len(ids))
	clauses := s.wordClauses()
	standfirsts := map[int64][]mark{}
	if len(clauses) > 0 {
		words := s.insts
		if words == nil {
			var err error
			if words, err = s.instances(ctx, ids); err != nil {
				return nil, err
			}
		}
		phraseWords := s.phraseWords()
		w := weigher{clauses: clauses, limit: s.limit}
		shown := HitsPerArticle
		if s.q.Slug != "" {
			shown = HitsInArticle
		}
		var picked []*hit
		found := map[int64][]hit{}
		for _, id := range ids {
			inst, ok := readInstances(words[id], len(phraseWords))
			if !ok {
				continue // not the expression asked: mark nothing
			}
			if m := inst.marks(phraseWords, standfirstColumn, nil); len(m) > 0 {
				standfirsts[id] = m
			}
			b := readBlocks(articles[id].breaks)
			if n := articles[id].blocks; n == 0 || len(b.starts) != n {
				// A block whose text holds the break itself would put
				// every later one out of place: show none rather than
				// the wrong ones.
				continue
			}
			var hs []hit
			for _, m := range inst.marks(phraseWords, bodyColumn, b.starts) {
				if n := len(hs); n == 0 || hs[n-1].position != m.block {
					hs = append(hs, hit{article: id, position: m.block})
				}
				h := &hs[len(hs)-1]
				h.marks = append(h.marks, m)
				h.words |= m.words
			}
			if len(hs) == 0 {
				continue
			}
			for i := range hs {
				hs[i].Score = w.weigh(hs[i].marks, b.tokens(hs[i].position))
			}
			slices.SortFunc(hs, func(a, b hit) int {
				if c := cmp.Compare(bits.OnesCount64(b.words), bits.OnesCount64(a.words)); c != 0 {
					return c
				}
				if c := cmp.Compare(b.Score, a.Score); c != 0 {
					return c
				}
				return cmp.Compare(a.position, b.position)
			})
			out[id] = articleHits{matches: len(hs)}
			hs = hs[:min(shown, len(hs))]
			found[id] = hs
			for i := range hs {
				picked = append(picked, &hs[i])
			}
		}
		if err := s.markHits(ctx, picked); err != nil {
			return nil, err
		}
		for id, hs := range found {
			ah := out[id]
			for _, h := range hs {
				h.Score += float64(bits.OnesCount64(h.words))
				ah.hits = append(ah.hits, h.SearchHit)
			}
			out[id] = ah
		}
	}
	var needStandfirst, needFirst []int64
	for _, id := range ids {
		if out[id].matches == 0 {
			if len(standfirsts[id]) > 0 {
				needStandfirst = append(needStandfirst, id)
			} else {
				needFirst = append(needFirst, id)
			}
		}
	}
	marked, err := s.markStandfirsts(ctx, needStandfirst, standfirsts)
	if err != nil {
		return nil, err
	}
	for id, snippet := range marked {
		out[id] = articleHits{hits: []SearchHit{{Snippet: snippet}}}
	}
	first, err := firstParagraphs(ctx, s.tx, needFirst)
	if err != nil {
		return nil, err
	}
	for id, h := range first {
		out[id] = articleHits{hits: []SearchHit{h}}
	}
	return out, nil
}

// phraseWords are the clauses of wordClauses that each phrase of the
// query's expression (MatchExpr) is, in order: FTS5 numbers the phrases as
// they stand. A phrase of no word clause (title:, author:, -word) is 0.
func (s *searcher) phraseWords() []uint64 {
	var out []uint64
	n := 0
	for _, c := range s.q.Must {
		word := -1
		for _, t := range c {
			if t.Field == readingroom.FieldAny && n < 63 {
				word = n
			}
		}
		for _, t := range c {
			if t.Field == readingroom.FieldAny && word >= 0 {
				out = append(out, 1<<word)
			} else {
				out = append(out, 0)
			}
		}
		if word >= 0 {
			n++
		}
	}
	for range s.q.Not {
		out = append(out, 0)
	}
	return out
}

// instances returns rr_instances of the query's expression for each
// article of ids, found in one pass over its matches between the first and
// last of ids (in order of recency, a page's articles are next to each
// other).
func (s *searcher) instances(ctx context.Context, ids []int64) (map[int64][]int32, error) {
	scan := func(rows *sql.Rows) (instRow, error) {
		var (
			x instRow
			b []byte
		)
		err := rows.Scan(&x.id, &b)
		x.insts = int32s(b)
		return x, err
	}
	args := append([]any{MatchExpr(s.q), slices.Min(ids), slices.Max(ids)}, anys(ids)...)
	rows, err := scanRows(ctx, s.tx, scan, `SELECT rowid, rr_instances(article_fts) FROM article_fts
		WHERE article_fts MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, searchError(err)
	}
	words := make(map[int64][]int32, len(ids))
	for _, x := range rows {
		words[x.id] = x.insts
	}
	return words, nil
}

type instRow struct {
	id    int64
	insts []int32
}

// markHits reads the blocks picked, cuts their text into tokens and makes
// each one's snippet, its marks where the index found the words.
func (s *searcher) markHits(ctx context.Context, picked []*hit) error {
	if len(picked) == 0 {
		return nil
	}
	type key struct {
		article  int64
		position int
	}
	type row struct {
		key
		pid  string
		kind readingroom.BlockKind
		t    tokenized
	}
	args := make([]any, 0, 3*len(picked))
	for _, h := range picked {
		// Only the tokens up to the last mark: the rest are not marked.
		last := 0
		for _, m := range h.marks {
			last = max(last, m.to)
		}
		args = append(args, h.article, h.position, last)
	}
	rows, err := scanRows(ctx, s.tx, func(rows *sql.Rows) (row, error) {
		var (
			x row
			b []byte
		)
		err := rows.Scan(&x.article, &x.position, &x.pid, &x.kind, &x.t.text, &b)
		x.t.toks = int32s(b)
		return x, err
	}, `SELECT p.article_id, p.position, p.pid, p.kind, p.text, rr_tokens(p.text, v.column3)
		FROM (VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(picked)), ", ")+`) AS v
		JOIN paragraphs p ON p.article_id = v.column1 AND p.position = v.column2`, args...)
	if err != nil {
		return searchError(err)
	}
	byKey := make(map[key]row, len(rows))
	for _, x := range rows {
		byKey[x.key] = x
	}
	for _, h := range picked {
		x, ok := byKey[key{h.article, h.position}]
		if !ok {
			return fmt.Errorf("store: search: block %d of article %d, a hit, is gone", h.position, h.article)
		}
		h.PID, h.Kind = x.pid, x.kind
		h.Snippet = x.t.excerpt(h.marks)
	}
	return nil
}

// markStandfirsts makes the snippets of the standfirsts of the articles
// with ids, which hold words of the query (marks).
func (s *searcher) markStandfirsts(ctx context.Context, ids []int64, marks map[int64][]mark) (map[int64][]readingroom.Segment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	type row struct {
		id int64
		t  tokenized
	}
	rows, err := scanRows(ctx, s.tx, func(rows *sql.Rows) (row, error) {
		var (
			x row
			b []byte
		)
		err := rows.Scan(&x.id, &x.t.text, &b)
		x.t.toks = int32s(b)
		return x, err
	}, `SELECT id, standfirst, rr_tokens(standfirst) FROM articles WHERE id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, searchError(err)
	}
	out := make(map[int64][]readingroom.Segment, len(ids))
	for _, x := range rows {
		out[x.id] = x.t.excerpt(marks[x.id])
	}
	return out, nil
}

// The columns of article_fts that search marks.
const (
	bodyColumn       = 0
	standfirstColumn = 3
)

// instance is where a phrase of the query stands in an article: its
// column and token offset in the column.
type instance struct{ phrase, col, off int }

// instances are rr_instances' answer for one article.
type instances struct {
	sizes []int // each phrase's size in tokens
	list  []instance
}

// readInstances reads rr_instances' integers (fts5aux.c), for an
// expression of phrases phrases.
func readInstances(v []int32, phrases int) (instances, bool) {
	if len(v) < 1 || int(v[0]) != phrases || len(v) < 1+phrases || (len(v)-1-phrases)%3 != 0 {
		return instances{}, false
	}
	var in instances
	for _, n := range v[1 : 1+phrases] {
		in.sizes = append(in.sizes, int(n))
	}
	for rest := v[1+phrases:]; len(rest) >= 3; rest = rest[3:] {
		in.list = append(in.list, instance{phrase: int(rest[0]), col: int(rest[1]), off: int(rest[2])})
	}
	slices.SortFunc(in.list, func(a, b instance) int {
		if c := cmp.Compare(a.col, b.col); c != 0 {
			return c
		}
		if c := cmp.Compare(a.off, b.off); c != 0 {
			return c
		}
		return cmp.Compare(a.phrase, b.phrase)
	})
	return in, true
}

// blocks are where an article's blocks stand in its body, in tokens.
type blocks struct {
	starts []int // block i starts at token starts[i] of the body
	size   int   // the body's tokens
}

// readBlocks reads articles.breaks, rr_breaks' integers (fts5aux.c): the
// body's size in tokens, then the offset of each break. Without them (v is
// nil) the size is unknown and only the first block's start is known.
func readBlocks(v []int32) blocks {
	b := blocks{starts: []int{0}, size: -1}
	if len(v) == 0 {
		return b
	}
	b.size = int(v[0])
	for _, off := range v[1:] {
		b.starts = append(b.starts, int(off)+1)
	}
	return b
}

// tokens returns the length of block i in tokens, or -1 when unknown.
func (b blocks) tokens(i int) int {
	switch {
	case b.size < 0:
		return -1
	case i+1 < len(b.starts):
		return b.starts[i+1] - 1 - b.starts[i]
	default:
		return b.size - b.starts[i]
	}
}

// mark is a stretch of words of the query that a snippet marks: tokens
// from to to (inclusive) of a block, or of the standfirst.
type mark struct {
	block    int
	from, to int
	words    uint64 // the clauses it holds
}

// marks are the marks of column col, as highlight() would make them:
// overlapping instances are one mark. phraseWords gives each word
// phrase's clauses; a phrase beyond them (the break) is no word. With
// starts (each block's first token), the offsets are cut into blocks.
func (in instances) marks(phraseWords []uint64, col int, starts []int) []mark {
	var (
		out  []mark
		open bool
		cur  mark
		end  int // the last token of cur, in the column
	)
	for _, x := range in.list {
		if x.col != col || x.phrase >= len(phraseWords) || in.sizes[x.phrase] < 1 {
			continue
		}
		last := x.off + in.sizes[x.phrase] - 1
		if open && x.off <= end {
			end = max(end, last)
			cur.words |= phraseWords[x.phrase]
			continue
		}
		if open {
			out = append(out, cur.within(starts, end))
		}
		open, end = true, last
		cur = mark{from: x.off, words: phraseWords[x.phrase]}
	}
	if open {
		out = append(out, cur.within(starts, end))
	}
	return out
}

// within sets m's block and makes its offsets the block's, given the
// column offset of its last token.
func (m mark) within(starts []int, end int) mark {
	m.to = end
	if starts == nil {
		return m
	}
	i, found := slices.BinarySearch(starts, m.from)
	if !found {
		i--
	}
	m.block = i
	m.from -= starts[i]
	m.to -= starts[i]
	return m
}

// tokenized is a text and the byte offsets of its tokens, start and end.
type tokenized struct {
	text string
	toks []int32
}

// excerpt is the snippet of t with the marks' tokens marked.
func (t tokenized) excerpt(marks []mark) []readingroom.Segment {
	var spans []readingroom.Span
	n := len(t.toks) / 2
	for _, m := range marks {
		if m.from < 0 || m.to >= n || m.from > m.to {
			continue // not this text's tokens: mark nothing wrong
		}
		spans = append(spans, readingroom.Span{Start: int(t.toks[2*m.from]), End: int(t.toks[2*m.to+1])})
	}
	return readingroom.ExcerptText(t.text, spans, snippetTokens)
}

// weigher scores a block for the query's clauses.
type weigher struct {
	clauses []wordClause
	limit   int
}

// weigh returns a bm25-like score of a block of size tokens (-1 when
// unknown) with marks: each clause's marks, saturating, weighted by how
// rare the clause is, the block's length considered. The score is below 1,
// so that it orders blocks holding as many clauses.
func (w *weigher) weigh(marks []mark, size int) float64 {
	var tf [64]int
	for _, m := range marks {
		for k := range w.clauses {
			if m.words&(1<<k) != 0 {
				tf[k]++
			}
		}
	}
	const k1, b, avgTokens = 1.2, 0.75, 70.0
	length := float64(size)
	if size < 0 {
		length = avgTokens
	}
	var score float64
	for i, c := range w.clauses {
		if tf[i] == 0 {
			continue
		}
		idf := math.Log(1 + float64(w.limit+1)/(float64(c.articles)+0.5))
		f := float64(tf[i])
		score += idf * f * (k1 + 1) / (f + k1*(1-b+b*length/avgTokens))
	}
	return score / (1 + score)
}

// firstParagraphs are the hits articles show when they matched by their
// title or byline alone: each one's first paragraph (its first block when
// it has no paragraph), unmarked. An article of a title alone has none.
func firstParagraphs(ctx context.Context, tx *sql.Tx, ids []int64) (map[int64]SearchHit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	type row struct {
		id   int64
		h    SearchHit
		text string
	}
	rows, err := scanRows(ctx, tx, func(rows *sql.Rows) (row, error) {
		var x row
		err := rows.Scan(&x.id, &x.h.PID, &x.h.Kind, &x.text)
		return x, err
	}, `SELECT article_id, pid, kind, text FROM paragraphs WHERE id IN (
			SELECT coalesce(
				(SELECT p.id FROM paragraphs p WHERE p.article_id = a.id AND p.kind = 'paragraph' ORDER BY p.position LIMIT 1),
				(SELECT p.id FROM paragraphs p WHERE p.article_id = a.id ORDER BY p.position LIMIT 1))
			FROM articles a WHERE a.id IN (`+placeholders(len(ids))+`))`, anys(ids)...)
	if err != nil {
		return nil, searchError(err)
	}
	out := make(map[int64]SearchHit, len(rows))
	for _, x := range rows {
		x.h.Snippet = readingroom.Excerpt([]readingroom.Segment{{Text: x.text}}, snippetTokens)
		out[x.id] = x.h
	}
	return out, nil
}

// wordClause is a clause of the query as it applies to a block: its
// alternatives that are not tied to the title or byline, and how many
// articles hold the clause.
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
		w := wordClause{articles: s.counts[i]}
		for _, t := range c {
			if t.Field == readingroom.FieldAny {
				w.terms = append(w.terms, t)
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

// resultArticle is an article shown and how many blocks it has.
type resultArticle struct {
	SearchResult
	blocks int
	// breaks is articles.breaks: the body's length in tokens and where its
	// blocks break (readBlocks).
	breaks []int32
}

// loadResultArticles reads the articles with ids, by id.
func loadResultArticles(ctx context.Context, tx *sql.Tx, ids []int64) (map[int64]resultArticle, error) {
	type row struct {
		id int64
		r  resultArticle
	}
	rows, err := scanRows(ctx, tx, func(rows *sql.Rows) (row, error) {
		var (
			x         row
			published sql.NullString
			breaks    []byte
		)
		if err := rows.Scan(&x.id, &x.r.Slug, &x.r.Title, &x.r.Byline, &published, &x.r.Publication, &x.r.blocks, &breaks); err != nil {
			return x, err
		}
		x.r.breaks = int32s(breaks)
		var err error
		x.r.Published, err = parseDate(published)
		return x, err
	}, `SELECT id, slug, title, byline, published, publication,
			(SELECT count(*) FROM paragraphs p WHERE p.article_id = articles.id), breaks
		FROM articles WHERE id IN (`+placeholders(len(ids))+`)`, anys(ids)...)
	if err != nil {
		return nil, searchError(err)
	}
	out := make(map[int64]resultArticle, len(rows))
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
