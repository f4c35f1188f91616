package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/readingroom/readingroom"
)

// Outcome says what SaveArticle did with an article.
type Outcome int

// The outcomes of SaveArticle. The zero value is no outcome (an error).
const (
	Created   Outcome = iota + 1 // the article was new
	Updated                      // a stored article changed
	Unchanged                    // the stored article was identical; nothing was written
)

func (o Outcome) String() string {
	switch o {
	case Created:
		return "new"
	case Updated:
		return "updated"
	case Unchanged:
		return "unchanged"
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// ArticleSummary is what the library listing shows of an article.
type ArticleSummary struct {
	Slug        string
	Title       string
	Standfirst  string
	Byline      string
	Published   time.Time // zero when the date is unknown
	Publication string
	IssueTitle  string
	WordCount   int
	// ParagraphCount counts the blocks of kind paragraph.
	ParagraphCount int
}

// SaveArticle stores a, found by a.Key(): a new article is inserted under a
// fresh slug; a stored one with the same fingerprint is left untouched
// (nothing at all is written); a changed one is updated in place, keeping
// its slug, its creation time and the ids of the paragraphs that survive.
// source records the file the article came from. Any ids already in
// a.Blocks are ignored: the store alone assigns them. On success a.Slug and
// every a.Blocks[i].ID are filled in; the slug is also returned.
func (db *DB) SaveArticle(ctx context.Context, a *readingroom.Article, source string) (Outcome, string, error) {
	return db.SaveArticleIn(ctx, a, source, nil)
}

// SaveArticleIn is SaveArticle for one article of an import whose articles
// have the keys in run. A stored article under one of those keys is never
// taken for a under an edited title: it is in the import under its own.
func (db *DB) SaveArticleIn(ctx context.Context, a *readingroom.Article, source string, run map[string]bool) (Outcome, string, error) {
	if err := validateArticle(a); err != nil {
		return 0, "", fmt.Errorf("store: save article: %w", err)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, "", fmt.Errorf("store: save article %q: %w", a.Title, err)
	}
	defer tx.Rollback()

	now := db.now().UTC().Format(time.RFC3339)
	var (
		out  Outcome
		slug string
		ids  []string
	)
	id, stored, err := findArticle(ctx, tx, a.Key())
	if errors.Is(err, sql.ErrNoRows) {
		// A new title may be an edited one: the same article, found by
		// its paragraphs.
		id, stored, err = findArticleByText(ctx, tx, a, run)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		out = Created
		slug, ids, err = insertArticle(ctx, tx, a, source, now)
	case err != nil:
		// reported below
	case stored.fingerprint == a.Fingerprint():
		out, slug = Unchanged, stored.slug
		ids, err = storedIDs(ctx, tx, id, len(a.Blocks))
	default:
		out, slug = Updated, stored.slug
		ids, err = updateArticle(ctx, tx, id, a, source, now)
	}
	if err != nil {
		return 0, "", fmt.Errorf("store: save article %q: %w", a.Title, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, "", fmt.Errorf("store: save article %q: %w", a.Title, err)
	}
	// Only now that the ids are stored does the caller's article get them.
	a.Slug = slug
	for i := range a.Blocks {
		a.Blocks[i].ID = ids[i]
	}
	return out, slug, nil
}

func validateArticle(a *readingroom.Article) error {
	if a == nil {
		return readingroom.Errorf(readingroom.EINVALID, "no article to save")
	}
	if a.Key() == "" {
		return readingroom.Errorf(readingroom.EINVALID, "an article needs a title")
	}
	for i, b := range a.Blocks {
		if !b.Kind.Valid() {
			return readingroom.Errorf(readingroom.EINVALID, "block %d of %q has unknown kind %q", i+1, a.Title, b.Kind)
		}
	}
	return nil
}

type storedArticle struct {
	slug        string
	fingerprint string
}

// findArticle looks an article up by key; sql.ErrNoRows when there is none.
func findArticle(ctx context.Context, tx *sql.Tx, key string) (int64, storedArticle, error) {
	var (
		id int64
		s  storedArticle
	)
	err := tx.QueryRowContext(ctx,
		`SELECT id, slug, fingerprint FROM articles WHERE key = ?`, key,
	).Scan(&id, &s.slug, &s.fingerprint)
	return id, s, err
}

// Thresholds for recognising an article whose title was edited.
const (
	textMatchMinWords      = 8  // paragraphs shorter than this are too common to tell
	textMatchMaxParagraphs = 64 // paragraphs looked up
	textMatchMinShared     = 3  // unchanged paragraphs needed
)

// findArticleByText finds the stored article that shares at least half of
// a's substantial paragraphs, unchanged, and at least half of its own
// paragraphs with a (and at least textMatchMinShared of them): the same
// article under an edited title. Articles whose key is in exclude are
// passed over. sql.ErrNoRows when there is none.
func findArticleByText(ctx context.Context, tx *sql.Tx, a *readingroom.Article, exclude map[string]bool) (int64, storedArticle, error) {
	var pids []any
	seen := map[string]bool{}
	for _, b := range a.Blocks {
		if b.Kind != readingroom.KindParagraph || len(strings.Fields(b.Text)) < textMatchMinWords {
			continue
		}
		if pid := readingroom.ParagraphID(b.Text, 0); !seen[pid] {
			seen[pid] = true
			pids = append(pids, pid)
		}
		if len(pids) == textMatchMaxParagraphs {
			break
		}
	}
	if len(pids) < textMatchMinShared {
		return 0, storedArticle{}, sql.ErrNoRows
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT p.article_id, count(*), a.key, a.slug, a.fingerprint,
			(SELECT count(*) FROM paragraphs q WHERE q.article_id = p.article_id AND q.kind = 'paragraph')
		FROM paragraphs p JOIN articles a ON a.id = p.article_id
		WHERE p.pid IN (?`+strings.Repeat(", ?", len(pids)-1)+`)
		GROUP BY p.article_id ORDER BY count(*) DESC, p.article_id LIMIT 8`, pids...)
	if err != nil {
		return 0, storedArticle{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id            int64
			shared, total int
			key           string
			s             storedArticle
		)
		if err := rows.Scan(&id, &shared, &key, &s.slug, &s.fingerprint, &total); err != nil {
			return 0, storedArticle{}, err
		}
		if exclude[key] {
			continue
		}
		if shared >= textMatchMinShared && 2*shared >= len(pids) && 2*shared >= total {
			return id, s, nil
		}
	}
	if err := rows.Err(); err != nil {
		return 0, storedArticle{}, err
	}
	return 0, storedArticle{}, sql.ErrNoRows
}

func insertArticle(ctx context.Context, tx *sql.Tx, a *readingroom.Article, source, now string) (string, []string, error) {
	slug, err := uniqueSlug(ctx, tx, readingroom.Slugify(a.Title))
	if err != nil {
		return "", nil, err
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO articles (slug, key, title, standfirst, byline, image_credit, published,
			publication, issue_title, word_count, fingerprint, source, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		slug, a.Key(), a.Title, a.Standfirst, a.Byline, a.ImageCredit, dateValue(a.Published),
		a.Publication, a.IssueTitle, a.WordCount(), a.Fingerprint(), source, now, now,
	)
	if err != nil {
		return "", nil, fmt.Errorf("insert: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", nil, err
	}
	if err := insertBooks(ctx, tx, id, a.Books); err != nil {
		return "", nil, err
	}
	ids, err := saveBlocks(ctx, tx, id, nil, a.Blocks, now)
	return slug, ids, err
}

func updateArticle(ctx context.Context, tx *sql.Tx, id int64, a *readingroom.Article, source, now string) ([]string, error) {
	// The slug and created_at are kept, so links keep working; the key
	// follows the title when the title was edited.
	_, err := tx.ExecContext(ctx, `
		UPDATE articles SET key = ?, title = ?, standfirst = ?, byline = ?, image_credit = ?,
			published = ?, publication = ?, issue_title = ?, word_count = ?,
			fingerprint = ?, source = ?, updated_at = ?
		WHERE id = ?`,
		a.Key(), a.Title, a.Standfirst, a.Byline, a.ImageCredit, dateValue(a.Published),
		a.Publication, a.IssueTitle, a.WordCount(), a.Fingerprint(), source, now, id,
	)
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	// Books have no identity worth keeping: replace them.
	if _, err := tx.ExecContext(ctx, `DELETE FROM books WHERE article_id = ?`, id); err != nil {
		return nil, fmt.Errorf("delete books: %w", err)
	}
	if err := insertBooks(ctx, tx, id, a.Books); err != nil {
		return nil, err
	}
	stored, err := loadStoredBlocks(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return saveBlocks(ctx, tx, id, stored, a.Blocks, now)
}

// uniqueSlug returns base, or base-2, base-3, ... whichever is free first.
// A deleted article's slug is never free.
func uniqueSlug(ctx context.Context, tx *sql.Tx, base string) (string, error) {
	slug := base
	for n := 2; ; n++ {
		var taken bool
		if err := tx.QueryRowContext(ctx,
			`SELECT EXISTS (SELECT 1 FROM articles WHERE slug = ?) OR EXISTS (SELECT 1 FROM deleted_articles WHERE slug = ?)`, slug, slug,
		).Scan(&taken); err != nil {
			return "", fmt.Errorf("check slug: %w", err)
		}
		if !taken {
			return slug, nil
		}
		slug = base + "-" + strconv.Itoa(n)
	}
}

func insertBooks(ctx context.Context, tx *sql.Tx, articleID int64, books []readingroom.Book) error {
	for i, b := range books {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO books (article_id, position, title, author, details) VALUES (?, ?, ?, ?, ?)`,
			articleID, i, b.Title, b.Author, b.Details,
		); err != nil {
			return fmt.Errorf("insert book: %w", err)
		}
	}
	return nil
}

// storedIDs returns the pids of an unchanged article's blocks, in order.
func storedIDs(ctx context.Context, tx *sql.Tx, articleID int64, want int) ([]string, error) {
	stored, err := loadStoredBlocks(ctx, tx, articleID)
	if err != nil {
		return nil, err
	}
	// Same fingerprint means same blocks; anything else is a damaged row.
	if len(stored) != want {
		return nil, fmt.Errorf("article %d has %d stored blocks for %d parsed ones with the same fingerprint", articleID, len(stored), want)
	}
	ids := make([]string, len(stored))
	for i, s := range stored {
		ids[i] = s.pid
	}
	return ids, nil
}

// dateValue stores a date as YYYY-MM-DD, and an unknown one as NULL.
func dateValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.DateOnly)
}

// parseDate reverses dateValue.
func parseDate(s sql.NullString) (time.Time, error) {
	if !s.Valid {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s.String)
}

// ListArticles returns a page of the library, newest first, then by title
// (ignoring case), undated articles last, and the number of articles in
// the whole library. A limit of zero or less means no limit.
func (db *DB) ListArticles(ctx context.Context, limit, offset int) ([]ArticleSummary, int, error) {
	if offset < 0 {
		return nil, 0, readingroom.Errorf(readingroom.EINVALID, "a page cannot start before the first article")
	}
	if limit <= 0 {
		limit = -1 // SQLite's "no limit"
	}
	// One read transaction, so the total and the page agree.
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("store: list articles: %w", err)
	}
	defer tx.Rollback()

	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles`).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: list articles: %w", err)
	}
	// Under DESC, SQLite puts NULL (undated) last; the ORDER BY matches the
	// articles_listing index, and id makes the order total.
	rows, err := tx.QueryContext(ctx, `
		SELECT a.slug, a.title, a.standfirst, a.byline, a.published, a.publication,
			a.issue_title, a.word_count,
			(SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id AND p.kind = 'paragraph')
		FROM articles a
		ORDER BY a.published DESC, a.title COLLATE NOCASE, a.id
		LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list articles: %w", err)
	}
	defer rows.Close()
	var list []ArticleSummary
	for rows.Next() {
		var (
			s         ArticleSummary
			published sql.NullString
		)
		if err := rows.Scan(&s.Slug, &s.Title, &s.Standfirst, &s.Byline, &published,
			&s.Publication, &s.IssueTitle, &s.WordCount, &s.ParagraphCount); err != nil {
			return nil, 0, fmt.Errorf("store: list articles: %w", err)
		}
		if s.Published, err = parseDate(published); err != nil {
			return nil, 0, fmt.Errorf("store: list articles: %s: %w", s.Slug, err)
		}
		list = append(list, s)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list articles: %w", err)
	}
	return list, total, nil
}

// Article returns the article at slug, whole: books and blocks in order,
// ids filled in. An unknown slug is ENOTFOUND.
func (db *DB) Article(ctx context.Context, slug string) (*readingroom.Article, error) {
	a, err := db.loadArticle(ctx, `slug = ?`, slug)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, readingroom.Errorf(readingroom.ENOTFOUND, "no article at %q", slug)
	}
	if err != nil {
		return nil, fmt.Errorf("store: article %q: %w", slug, err)
	}
	return a, nil
}

// ArticleByKey is Article for an article's key (readingroom.Article.Key).
func (db *DB) ArticleByKey(ctx context.Context, key string) (*readingroom.Article, error) {
	a, err := db.loadArticle(ctx, `key = ?`, key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, readingroom.Errorf(readingroom.ENOTFOUND, "no article with key %q", key)
	}
	if err != nil {
		return nil, fmt.Errorf("store: article by key %q: %w", key, err)
	}
	return a, nil
}

// loadArticle reads one article, found by where (a fixed condition on
// articles, never user input) and arg, in one read transaction.
func (db *DB) loadArticle(ctx context.Context, where string, arg any) (*readingroom.Article, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	var (
		id        int64
		a         readingroom.Article
		published sql.NullString
	)
	err = tx.QueryRowContext(ctx, `
		SELECT id, slug, title, standfirst, byline, image_credit, published, publication, issue_title
		FROM articles WHERE `+where, arg,
	).Scan(&id, &a.Slug, &a.Title, &a.Standfirst, &a.Byline, &a.ImageCredit, &published,
		&a.Publication, &a.IssueTitle)
	if err != nil {
		return nil, err
	}
	if a.Published, err = parseDate(published); err != nil {
		return nil, err
	}
	if a.Books, err = loadBooks(ctx, tx, id); err != nil {
		return nil, err
	}
	blocks, err := loadStoredBlocks(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	a.Blocks = make([]readingroom.Block, len(blocks))
	for i, b := range blocks {
		a.Blocks[i] = b.block()
	}
	if err := loadAliases(ctx, tx, id, a.Blocks); err != nil {
		return nil, err
	}
	return &a, nil
}

func loadBooks(ctx context.Context, tx *sql.Tx, articleID int64) ([]readingroom.Book, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT title, author, details FROM books WHERE article_id = ? ORDER BY position`, articleID)
	if err != nil {
		return nil, fmt.Errorf("load books: %w", err)
	}
	defer rows.Close()
	var books []readingroom.Book
	for rows.Next() {
		var b readingroom.Book
		if err := rows.Scan(&b.Title, &b.Author, &b.Details); err != nil {
			return nil, fmt.Errorf("load books: %w", err)
		}
		books = append(books, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load books: %w", err)
	}
	return books, nil
}
