package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/readingroom/readingroom"
)

// Search tuning.
const (
	// MaxCandidates bounds the ranking work of one search: the newest
	// MaxCandidates matching paragraphs are ranked, however many match, so
	// a very common word costs no more than a rare one as the library
	// grows.
	MaxCandidates = 5000
	// HitsPerArticle is how many paragraphs a result shows.
	HitsPerArticle = 3
	// Column weights for bm25: a word in the title counts most, then the
	// byline, then the paragraph itself.
	weightText, weightTitle, weightByline = 1.0, 10.0, 4.0
	snippetTokens                         = 28
	// Markers around matched words in snippets. Control characters never
	// occur in stored text (the parser drops them), so they cannot be
	// confused with content.
	markOpen, markClose = "\x02", "\x03"
)

// SearchHit is one matching paragraph.
type SearchHit struct {
	PID  string
	Kind readingroom.BlockKind
	// Snippet is the paragraph's best passage, with the matched words
	// marked.
	Snippet []readingroom.Segment
	Score   float64 // higher is better
}

// SearchResult is one article that matched, with its best paragraphs.
type SearchResult struct {
	Slug        string
	Title       string
	Byline      string
	Published   time.Time
	Publication string
	Score       float64 // the best paragraph's score
	Matches     int     // matching paragraphs among the candidates
	Hits        []SearchHit
}

// SearchResults is a page of results.
type SearchResults struct {
	Results []SearchResult
	// Total counts the matching articles; when Capped, only those among
	// the MaxCandidates newest matching paragraphs were counted.
	Total  int
	Capped bool
}

// CommonTermRows is where a word stops being informative for ranking:
// a term matching at least this many paragraphs is left out of the bm25
// ranking. bm25 weighs a term by how rare it is across the whole index,
// and to know that FTS5 reads the term's whole posting list, which for a
// very common word grows with the library. Such a word weighs next to
// nothing anyway; the rarer words of the query do the ranking.
const CommonTermRows = 10_000

// candidate is a matching paragraph considered for ranking.
type candidate struct {
	rowid     int64
	articleID int64
	pid       string
	kind      readingroom.BlockKind
	score     float64
}

// Search runs q and returns the page'th page (from 1) of perPage articles,
// best first. An empty query is EINVALID.
//
// The work is bounded so that a common word costs about what a rare one
// does, however large the library: the MaxCandidates newest matching
// paragraphs are found without scoring, only the query's informative terms
// are scored with bm25 over just those paragraphs, and snippets are made
// for the hits shown.
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

func (db *DB) search(ctx context.Context, q readingroom.Query, page, perPage int) (SearchResults, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return SearchResults{}, fmt.Errorf("store: search: %w", err)
	}
	defer tx.Rollback()

	match := MatchExpr(q)
	cands, capped, err := findCandidates(ctx, tx, q, match)
	if err != nil || len(cands) == 0 {
		return SearchResults{}, err
	}
	if err := scoreCandidates(ctx, tx, q, cands, capped); err != nil {
		return SearchResults{}, err
	}
	groups := groupByArticle(cands)
	res := SearchResults{Total: len(groups), Capped: capped}
	from := (page - 1) * perPage
	if from >= len(groups) {
		return res, nil
	}
	groups = groups[from:min(from+perPage, len(groups))]
	if err := pickHits(ctx, tx, q, groups); err != nil {
		return SearchResults{}, err
	}
	if res.Results, err = loadResults(ctx, tx, match, groups); err != nil {
		return SearchResults{}, err
	}
	return res, nil
}

// articleHits is one matching article: its candidates, best first once
// pickHits has run, and how many of them matched in their own text.
type articleHits struct {
	articleID int64
	best      float64
	hits      []*candidate
	matches   int
}

// groupByArticle groups candidates by article, best article first; an
// article ranks by its best paragraph and, among equals, the newer comes
// first (candidates come newest first, and the sort is stable).
func groupByArticle(cands []candidate) []*articleHits {
	byArticle := map[int64]*articleHits{}
	var groups []*articleHits
	for i := range cands {
		c := &cands[i]
		g := byArticle[c.articleID]
		if g == nil {
			g = &articleHits{articleID: c.articleID, best: c.score}
			byArticle[c.articleID] = g
			groups = append(groups, g)
		}
		g.best = max(g.best, c.score)
		g.hits = append(g.hits, c)
	}
	slices.SortStableFunc(groups, func(a, b *articleHits) int { return cmp.Compare(b.best, a.best) })
	return groups
}

// pickHits orders each article's paragraphs best first and keeps those
// whose own text matches; an article found by its title or byline alone
// keeps its best paragraph.
func pickHits(ctx context.Context, tx *sql.Tx, q readingroom.Query, groups []*articleHits) error {
	var shown []*candidate
	for _, g := range groups {
		shown = append(shown, g.hits...)
	}
	inText, err := matchesInText(ctx, tx, q, shown)
	if err != nil {
		return err
	}
	for _, g := range groups {
		slices.SortStableFunc(g.hits, func(a, b *candidate) int { return cmp.Compare(b.score, a.score) })
		if inText == nil {
			g.matches = len(g.hits)
			continue
		}
		var own []*candidate
		for _, c := range g.hits {
			if inText[c.rowid] {
				own = append(own, c)
			}
		}
		g.matches = len(own)
		if len(own) > 0 {
			g.hits = own
		} else {
			g.hits = g.hits[:1]
		}
	}
	return nil
}

// loadResults reads the articles of groups and the snippets of the hits
// shown, in one query each.
func loadResults(ctx context.Context, tx *sql.Tx, match string, groups []*articleHits) ([]SearchResult, error) {
	ids := make([]int64, len(groups))
	var shown []*candidate
	for i, g := range groups {
		ids[i] = g.articleID
		g.hits = g.hits[:min(HitsPerArticle, len(g.hits))]
		shown = append(shown, g.hits...)
	}
	articles, err := loadResultArticles(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	snips, err := snippets(ctx, tx, match, shown)
	if err != nil {
		return nil, err
	}
	out := make([]SearchResult, len(groups))
	for i, g := range groups {
		r, ok := articles[g.articleID]
		if !ok {
			return nil, fmt.Errorf("store: search: article %d of a hit is gone", g.articleID)
		}
		r.Score, r.Matches = g.best, g.matches
		for _, c := range g.hits {
			r.Hits = append(r.Hits, SearchHit{PID: c.pid, Kind: c.kind, Snippet: snips[c.rowid], Score: c.score})
		}
		out[i] = r
	}
	return out, nil
}

// findCandidates returns the newest matching paragraphs, at most
// MaxCandidates, and whether there were more. FTS5 walks the index in
// rowid order and stops at the limit; nothing is scored here.
func findCandidates(ctx context.Context, tx *sql.Tx, q readingroom.Query, match string) ([]candidate, bool, error) {
	query := `SELECT search_fts.rowid, p.article_id, p.pid, p.kind
		FROM search_fts JOIN paragraphs p ON p.id = search_fts.rowid`
	args := []any{match}
	var filters []string
	if q.Slug != "" {
		// One article: look up its few paragraphs by rowid instead of
		// walking every match in the library.
		filters = append(filters, `search_fts.rowid IN (SELECT id FROM paragraphs WHERE article_id = (SELECT id FROM articles WHERE slug = ?))`)
		args = append(args, q.Slug)
	}
	if q.YearFrom != 0 || q.YearTo != 0 {
		query += ` JOIN articles a ON a.id = p.article_id`
		if q.YearFrom != 0 {
			filters = append(filters, "a.published >= ?")
			args = append(args, strconv.Itoa(q.YearFrom)+"-01-01")
		}
		if q.YearTo != 0 {
			filters = append(filters, "a.published <= ?")
			args = append(args, strconv.Itoa(q.YearTo)+"-12-31")
		}
	}
	query += ` WHERE search_fts MATCH ?`
	for _, f := range filters {
		query += " AND " + f
	}
	query += ` ORDER BY search_fts.rowid DESC LIMIT ?`
	args = append(args, MaxCandidates+1)

	cands, err := scanRows(ctx, tx, func(rows *sql.Rows) (candidate, error) {
		var c candidate
		err := rows.Scan(&c.rowid, &c.articleID, &c.pid, &c.kind)
		return c, err
	}, query, args...)
	if err != nil {
		return nil, false, searchError(err)
	}
	if len(cands) > MaxCandidates {
		return cands[:MaxCandidates], true, nil
	}
	return cands, false, nil
}

// scoreCandidates gives each candidate its bm25 score (higher is better)
// for the query's informative terms, computed over the candidates' rowid
// range only. A candidate none of them matches keeps a score of 0.
func scoreCandidates(ctx context.Context, tx *sql.Tx, q readingroom.Query, cands []candidate, capped bool) error {
	// A query of one term with no filters, not capped, has already been
	// counted: its candidates are all its matches. (For a rare phrase of
	// common words, counting again would read both posting lists again.)
	single := len(q.Must) == 1 && len(q.Must[0]) == 1 && len(q.Not) == 0 && q.Slug == "" && q.YearFrom == 0 && q.YearTo == 0
	var informative []readingroom.Term
	for _, c := range q.Must {
		for _, t := range c {
			n := len(cands)
			if !single || capped {
				var err error
				n, err = countUpTo(ctx, tx, MatchExpr(readingroom.Query{Must: []readingroom.Clause{{t}}}), CommonTermRows)
				if err != nil {
					return err
				}
			}
			if n < CommonTermRows {
				informative = append(informative, t)
			}
		}
	}
	if len(informative) == 0 {
		return nil // every word is common: newest first
	}
	rank := MatchExpr(readingroom.Query{Must: []readingroom.Clause{informative}})
	lo, hi := cands[len(cands)-1].rowid, cands[0].rowid
	type scored struct {
		id    int64
		score float64
	}
	rows, err := scanRows(ctx, tx, func(rows *sql.Rows) (scored, error) {
		var x scored
		err := rows.Scan(&x.id, &x.score)
		return x, err
	}, `SELECT rowid, -bm25(search_fts, `+weights()+`) FROM search_fts
		WHERE search_fts MATCH ? AND rowid BETWEEN ? AND ?`, rank, lo, hi)
	if err != nil {
		return searchError(err)
	}
	score := make(map[int64]float64, len(rows))
	for _, x := range rows {
		score[x.id] = x.score
	}
	for i := range cands {
		cands[i].score = score[cands[i].rowid]
	}
	return nil
}

// matchesInText reports which of cands match one of the query's words in
// their own text, not only through the article's title or byline. It
// returns nil when the query has no word that is not tied to a field.
func matchesInText(ctx context.Context, tx *sql.Tx, q readingroom.Query, cands []*candidate) (map[int64]bool, error) {
	var words readingroom.Clause
	for _, c := range q.Must {
		for _, t := range c {
			if t.Field == readingroom.FieldAny {
				words = append(words, t)
			}
		}
	}
	if len(words) == 0 {
		return nil, nil
	}
	expr := "text : (" + MatchExpr(readingroom.Query{Must: []readingroom.Clause{words}}) + ")"
	in := map[int64]bool{}
	const chunk = 500
	for start := 0; start < len(cands); start += chunk {
		part := cands[start:min(start+chunk, len(cands))]
		args := []any{expr}
		for _, c := range part {
			args = append(args, c.rowid)
		}
		ids, err := scanRows(ctx, tx, func(rows *sql.Rows) (int64, error) {
			var id int64
			err := rows.Scan(&id)
			return id, err
		}, `SELECT rowid FROM search_fts WHERE search_fts MATCH ? AND rowid IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, searchError(err)
		}
		for _, id := range ids {
			in[id] = true
		}
	}
	return in, nil
}

// countUpTo counts the paragraphs matching expr, stopping at limit.
func countUpTo(ctx context.Context, tx *sql.Tx, expr string, limit int) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `
		SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT ?)`, expr, limit,
	).Scan(&n)
	if err != nil {
		return 0, searchError(err)
	}
	return n, nil
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

// snippets returns the best passage of each of cands' paragraphs for the
// query, by rowid.
func snippets(ctx context.Context, tx *sql.Tx, match string, cands []*candidate) (map[int64][]readingroom.Segment, error) {
	out := make(map[int64][]readingroom.Segment, len(cands))
	if len(cands) == 0 {
		return out, nil
	}
	args := []any{markOpen, markClose, snippetTokens, match}
	for _, c := range cands {
		args = append(args, c.rowid)
	}
	type row struct {
		id  int64
		raw string
	}
	rows, err := scanRows(ctx, tx, func(rows *sql.Rows) (row, error) {
		var x row
		err := rows.Scan(&x.id, &x.raw)
		return x, err
	}, `SELECT rowid, snippet(search_fts, 0, ?, ?, '…', ?) FROM search_fts
		WHERE search_fts MATCH ? AND rowid IN (`+placeholders(len(cands))+`)`, args...)
	if err != nil {
		return nil, searchError(err)
	}
	for _, x := range rows {
		out[x.id] = readingroom.MarkedSegments(x.raw, markOpen, markClose)
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

func weights() string {
	f := func(w float64) string { return strconv.FormatFloat(w, 'f', -1, 64) }
	return f(weightText) + ", " + f(weightTitle) + ", " + f(weightByline)
}

func searchError(err error) error {
	// MatchExpr builds only valid expressions; an FTS5 syntax error here is
	// a bug, reported as internal like any other database failure.
	return fmt.Errorf("store: search: %w", err)
}

// MatchExpr turns a parsed query into an FTS5 MATCH expression: every term
// quoted, only known columns, explicit AND, OR and NOT, and NOT only ever
// binary (after at least one required clause). q must not be empty.
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
