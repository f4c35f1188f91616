package store

import (
	"context"
	"database/sql"
	"fmt"
	"html"
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
	// Snippet is HTML: the paragraph's best passage, escaped, with the
	// matched words in <mark>.
	Snippet string
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

// Search runs q and returns the page'th page (from 1) of perPage articles,
// best first. An empty query is EINVALID.
func (db *DB) Search(ctx context.Context, q readingroom.Query, page, perPage int) (SearchResults, error) {
	if q.Empty() {
		return SearchResults{}, readingroom.Errorf(readingroom.EINVALID, "Type a word or a phrase to search for.")
	}
	if page < 1 || perPage < 1 {
		return SearchResults{}, readingroom.Errorf(readingroom.EINVALID, "no such page of results")
	}
	match := MatchExpr(q)
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return SearchResults{}, fmt.Errorf("store: search: %w", err)
	}
	defer tx.Rollback()

	var (
		filters []string
		args    = []any{match}
	)
	if q.Slug != "" {
		filters = append(filters, "a.slug = ?")
		args = append(args, q.Slug)
	}
	if q.YearFrom != 0 {
		filters = append(filters, "a.published >= ?")
		args = append(args, strconv.Itoa(q.YearFrom)+"-01-01")
	}
	if q.YearTo != 0 {
		filters = append(filters, "a.published <= ?")
		args = append(args, strconv.Itoa(q.YearTo)+"-12-31")
	}
	where := ""
	for _, f := range filters {
		where += " AND " + f
	}
	args = append(args, MaxCandidates, perPage, (page-1)*perPage)

	// Candidates: the newest matching paragraphs, scored. Articles: ranked
	// by their best paragraph. Hits: the best few paragraphs of the
	// articles on this page.
	rows, err := tx.QueryContext(ctx, `
		WITH cand AS (
			SELECT search_fts.rowid AS id, p.article_id AS article_id, p.pid AS pid, p.kind AS kind,
				-bm25(search_fts, `+weights()+`) AS score
			FROM search_fts
			JOIN paragraphs p ON p.id = search_fts.rowid
			JOIN articles a ON a.id = p.article_id
			WHERE search_fts MATCH ?`+where+`
			ORDER BY search_fts.rowid DESC
			LIMIT ?
		),
		ranked AS (
			SELECT article_id, max(score) AS best, count(*) AS matches
			FROM cand GROUP BY article_id
		),
		counted AS (
			SELECT article_id, best, matches, count(*) OVER () AS total, (SELECT count(*) FROM cand) AS ncand
			FROM ranked
		),
		page AS (
			SELECT * FROM counted ORDER BY best DESC, article_id DESC LIMIT ? OFFSET ?
		),
		hits AS (
			SELECT c.id, c.article_id, c.pid, c.kind, c.score,
				row_number() OVER (PARTITION BY c.article_id ORDER BY c.score DESC, c.id) AS n
			FROM cand c JOIN page USING (article_id)
		)
		SELECT pg.total, pg.ncand, pg.best, pg.matches, a.slug, a.title, a.byline, a.published, a.publication,
			h.id, h.pid, h.kind, h.score
		FROM page pg
		JOIN articles a ON a.id = pg.article_id
		JOIN hits h ON h.article_id = pg.article_id AND h.n <= `+strconv.Itoa(HitsPerArticle)+`
		ORDER BY pg.best DESC, pg.article_id DESC, h.n`, args...)
	if err != nil {
		return SearchResults{}, searchError(err)
	}
	defer rows.Close()

	var (
		res    SearchResults
		rowids []int64
		at     []*SearchHit
	)
	for rows.Next() {
		var (
			total, ncand, matches int
			best                  float64
			r                     SearchResult
			published             sql.NullString
			h                     SearchHit
			rowid                 int64
		)
		if err := rows.Scan(&total, &ncand, &best, &matches, &r.Slug, &r.Title, &r.Byline, &published, &r.Publication,
			&rowid, &h.PID, &h.Kind, &h.Score); err != nil {
			return SearchResults{}, fmt.Errorf("store: search: %w", err)
		}
		res.Total, res.Capped = total, ncand >= MaxCandidates
		if n := len(res.Results); n == 0 || res.Results[n-1].Slug != r.Slug {
			if r.Published, err = parseDate(published); err != nil {
				return SearchResults{}, fmt.Errorf("store: search: %w", err)
			}
			r.Score, r.Matches = best, matches
			res.Results = append(res.Results, r)
		}
		last := &res.Results[len(res.Results)-1]
		last.Hits = append(last.Hits, h)
		rowids = append(rowids, rowid)
	}
	if err := rows.Err(); err != nil {
		return SearchResults{}, searchError(err)
	}
	for i := range res.Results {
		for j := range res.Results[i].Hits {
			at = append(at, &res.Results[i].Hits[j])
		}
	}
	// Snippets only for the hits shown: snippet() is the costly part.
	for k, rowid := range rowids {
		var raw string
		err := tx.QueryRowContext(ctx, `
			SELECT snippet(search_fts, 0, ?, ?, '…', ?) FROM search_fts
			WHERE search_fts MATCH ? AND rowid = ?`,
			markOpen, markClose, snippetTokens, match, rowid,
		).Scan(&raw)
		if err != nil {
			return SearchResults{}, searchError(err)
		}
		at[k].Snippet = SnippetHTML(raw)
	}
	return res, nil
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

// SnippetHTML escapes a snippet and turns only the match markers into
// <mark> elements, so nothing in the text itself can become markup.
func SnippetHTML(raw string) string {
	s := html.EscapeString(raw)
	s = strings.ReplaceAll(s, markOpen, "<mark>")
	return strings.ReplaceAll(s, markClose, "</mark>")
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
