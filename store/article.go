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

// Outcome says what saving an article did.
type Outcome int

// The outcomes of saving an article. The zero value is no outcome (an
// error).
const (
	Created   Outcome = iota + 1 // the article was new
	Updated                      // a stored article changed
	Unchanged                    // the stored article was identical; nothing was written
	// Duplicate: a second, identical copy of an article the same import
	// has already saved; nothing was written.
	Duplicate
	// OtherVersion: another version of an article the same import has
	// already saved (the same article, with other text); the first one
	// saved is kept, so that importing the same files again gives the same
	// articles, and nothing was written.
	OtherVersion
)

func (o Outcome) String() string {
	switch o {
	case Created:
		return "new"
	case Updated:
		return "updated"
	case Unchanged:
		return "unchanged"
	case Duplicate:
		return "duplicate"
	case OtherVersion:
		return "other version"
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

// SaveArticle stores a as an import of that one article (see ImportRun):
// a new article is inserted under a fresh slug; a stored one with the same
// fingerprint is left untouched (nothing at all is written); a changed one
// is updated in place, keeping its slug, its creation time and the ids of
// the paragraphs that survive. source records the file the article came
// from. Any ids already in a.Blocks are ignored: the store alone assigns
// them. On success a.Slug and every a.Blocks[i].ID are filled in; the slug
// is also returned.
func (db *DB) SaveArticle(ctx context.Context, a *readingroom.Article, source string) (Outcome, string, error) {
	run := db.NewImport()
	out, slug, err := run.Save(ctx, a, source)
	if err != nil {
		return 0, "", err
	}
	if err := run.Finish(ctx); err != nil {
		return 0, "", err
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
	return readingroom.CheckLimits(a)
}

func insertArticle(ctx context.Context, tx dbtx, a *readingroom.Article, fp, source, now string) (int64, string, []string, error) {
	slug, err := newSlug(ctx, tx, a)
	if err != nil {
		return 0, "", nil, err
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO articles (slug, key, title, standfirst, byline, image_credit, published,
			publication, issue_title, word_count, fingerprint, source, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		slug, a.Key(), a.Title, a.Standfirst, a.Byline, a.ImageCredit, dateValue(a.Published),
		a.Publication, a.IssueTitle, a.WordCount(), fp, source, now, now,
	)
	if err != nil {
		return 0, "", nil, fmt.Errorf("insert: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, "", nil, err
	}
	if err := insertBooks(ctx, tx, id, a.Books); err != nil {
		return 0, "", nil, err
	}
	ids, err := saveBlocks(ctx, tx, id, true, nil, a.Blocks, now)
	if err != nil {
		return 0, "", nil, err
	}
	return id, slug, ids, indexArticle(ctx, tx, id, a)
}

func updateArticle(ctx context.Context, tx dbtx, id int64, a *readingroom.Article, fp, source, now string) ([]string, error) {
	// The index is given the old text before it changes.
	if err := unindexArticle(ctx, tx, id); err != nil {
		return nil, err
	}
	// The slug and created_at are kept, so links keep working; the key
	// follows the title when the title was edited.
	_, err := tx.ExecContext(ctx, `
		UPDATE articles SET key = ?, title = ?, standfirst = ?, byline = ?, image_credit = ?,
			published = ?, publication = ?, issue_title = ?, word_count = ?,
			fingerprint = ?, source = ?, updated_at = ?
		WHERE id = ?`,
		a.Key(), a.Title, a.Standfirst, a.Byline, a.ImageCredit, dateValue(a.Published),
		a.Publication, a.IssueTitle, a.WordCount(), fp, source, now, id,
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
	ids, err := saveBlocks(ctx, tx, id, false, stored, a.Blocks, now)
	if err != nil {
		return nil, err
	}
	// Every reader's saved passages follow the edit, in this transaction.
	if err := reanchorItems(ctx, tx, id, a, ids); err != nil {
		return nil, err
	}
	return ids, indexArticle(ctx, tx, id, a)
}

// newSlug chooses a new article's slug: its title's, or, when an article
// with the same title took that (a column, say), the title's with the date
// ("diary-2019-12-14"), and failing that a number.
func newSlug(ctx context.Context, tx dbtx, a *readingroom.Article) (string, error) {
	base := readingroom.Slugify(a.Title)
	if !a.Published.IsZero() {
		taken, err := slugTaken(ctx, tx, base)
		if err != nil || !taken {
			return base, err
		}
		base += "-" + a.Published.Format(time.DateOnly)
	}
	return uniqueSlug(ctx, tx, base)
}

// slugTaken reports whether slug is an article's, or was a deleted one's:
// a deleted article's slug is never given to another.
func slugTaken(ctx context.Context, tx dbtx, slug string) (bool, error) {
	var taken bool
	if err := tx.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM articles WHERE slug = ?) OR EXISTS (SELECT 1 FROM deleted_articles WHERE slug = ?)`, slug, slug,
	).Scan(&taken); err != nil {
		return false, fmt.Errorf("check slug: %w", err)
	}
	return taken, nil
}

// uniqueSlug returns base, or base-2, base-3, ... whichever is free first.
func uniqueSlug(ctx context.Context, tx dbtx, base string) (string, error) {
	slug := base
	for n := 2; ; n++ {
		taken, err := slugTaken(ctx, tx, slug)
		if err != nil || !taken {
			return slug, err
		}
		slug = base + "-" + strconv.Itoa(n)
	}
}

func insertBooks(ctx context.Context, tx dbtx, articleID int64, books []readingroom.Book) error {
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

// storedIDs returns the pids of an unchanged article's blocks, in order:
// all an unchanged article needs, read from the index on (article_id,
// position) and the rows' pids, without their text.
func storedIDs(ctx context.Context, tx dbtx, articleID int64, want int) ([]string, error) {
	ids, err := scanRows(ctx, tx, func(rows *sql.Rows) (string, error) {
		var pid string
		err := rows.Scan(&pid)
		return pid, err
	}, `SELECT pid FROM paragraphs WHERE article_id = ? ORDER BY position`, articleID)
	if err != nil {
		return nil, fmt.Errorf("load paragraph ids: %w", err)
	}
	// Same fingerprint means same blocks; anything else is a damaged row.
	if len(ids) != want {
		return nil, fmt.Errorf("article %d has %d stored blocks for %d parsed ones with the same fingerprint", articleID, len(ids), want)
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

// listed is the condition on articles a that the library lists: the
// reader's own, or the guide while there are none.
const listed = `(NOT a.guide OR NOT EXISTS (SELECT 1 FROM articles o WHERE NOT o.guide))`

// MarkGuide marks the articles at slugs as the built-in guide.
func (db *DB) MarkGuide(ctx context.Context, slugs []string) error {
	for _, slug := range slugs {
		if _, err := db.w.ExecContext(ctx, `UPDATE articles SET guide = 1 WHERE slug = ?`, slug); err != nil {
			return fmt.Errorf("store: mark guide: %w", err)
		}
	}
	return nil
}

// Guide lists the built-in guide's articles, as the library would.
func (db *DB) Guide(ctx context.Context) ([]ArticleSummary, error) {
	list, err := scanRows(ctx, db.r, scanSummary, summarySelect+` WHERE a.guide ORDER BY a.published DESC, a.title COLLATE NOCASE, a.id`)
	if err != nil {
		return nil, fmt.Errorf("store: guide: %w", err)
	}
	return list, nil
}

// summarySelect reads ArticleSummary rows (scanSummary) from articles a.
const summarySelect = `
	SELECT a.slug, a.title, a.standfirst, a.byline, a.published, a.publication,
		a.issue_title, a.word_count,
		(SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id AND p.kind = 'paragraph')
	FROM articles a`

func scanSummary(rows *sql.Rows) (ArticleSummary, error) {
	var (
		s         ArticleSummary
		published sql.NullString
	)
	if err := rows.Scan(&s.Slug, &s.Title, &s.Standfirst, &s.Byline, &published,
		&s.Publication, &s.IssueTitle, &s.WordCount, &s.ParagraphCount); err != nil {
		return s, err
	}
	var err error
	s.Published, err = parseDate(published)
	return s, err
}

// ArticleFilter selects articles by what a search's filters say: the
// article at a slug, and a range of years (0 for an open end).
type ArticleFilter struct {
	Slug             string
	YearFrom, YearTo int
}

// FilterArticles returns a page of the articles f selects, newest first as
// the library is, and how many it selects. A year range leaves out the
// guide as the library does; a slug names one article, whatever it is.
func (db *DB) FilterArticles(ctx context.Context, f ArticleFilter, limit, offset int) ([]ArticleSummary, int, error) {
	if offset < 0 || limit < 1 {
		return nil, 0, readingroom.Errorf(readingroom.EINVALID, "no such page of articles")
	}
	where, args := []string{listed}, []any{}
	if f.Slug != "" {
		where, args = []string{"a.slug = ?"}, []any{f.Slug}
	}
	if f.YearFrom != 0 {
		where = append(where, "a.published >= ?")
		args = append(args, strconv.Itoa(f.YearFrom)+"-01-01")
	}
	if f.YearTo != 0 {
		where = append(where, "a.published <= ?")
		args = append(args, strconv.Itoa(f.YearTo)+"-12-31")
	}
	cond := strings.Join(where, " AND ")
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("store: filter articles: %w", err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles a WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: filter articles: %w", err)
	}
	list, err := scanRows(ctx, tx, scanSummary, summarySelect+`
		WHERE `+cond+`
		ORDER BY a.published DESC, a.title COLLATE NOCASE, a.id
		LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: filter articles: %w", err)
	}
	return list, total, nil
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
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM articles a WHERE `+listed).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: list articles: %w", err)
	}
	// Under DESC, SQLite puts NULL (undated) last; the ORDER BY matches the
	// articles_listing index, and id makes the order total.
	list, err := scanRows(ctx, tx, scanSummary, summarySelect+`
		WHERE `+listed+`
		ORDER BY a.published DESC, a.title COLLATE NOCASE, a.id
		LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
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

// loadArticle reads one article, found by where (a fixed condition on
// articles, never user input) and arg, in one read transaction.
func (db *DB) loadArticle(ctx context.Context, where string, arg any) (*readingroom.Article, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	var a readingroom.Article
	id, err := scanArticle(ctx, tx, tx.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE `+where, arg), &a)
	if err != nil {
		return nil, err
	}
	blocks, err := loadStoredBlocks(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if a.Blocks, err = readerBlocks(ctx, tx, id, blocks); err != nil {
		return nil, err
	}
	return &a, nil
}

// articleColumns are the columns of articles that scanArticle reads, in
// its order; a query may select more after them.
const articleColumns = `id, slug, title, standfirst, byline, image_credit, published, publication, issue_title`

// scanArticle reads the row of an article, selected as articleColumns and
// then extra, into a, with its books; it returns the article's row id.
func scanArticle(ctx context.Context, tx dbtx, row *sql.Row, a *readingroom.Article, extra ...any) (int64, error) {
	var (
		id        int64
		published sql.NullString
	)
	dest := append([]any{&id, &a.Slug, &a.Title, &a.Standfirst, &a.Byline, &a.ImageCredit, &published, &a.Publication, &a.IssueTitle}, extra...)
	if err := row.Scan(dest...); err != nil {
		return 0, err
	}
	var err error
	if a.Published, err = parseDate(published); err != nil {
		return 0, err
	}
	if a.Books, err = loadBooks(ctx, tx, id); err != nil {
		return 0, err
	}
	return id, nil
}

func loadBooks(ctx context.Context, tx dbtx, articleID int64) ([]readingroom.Book, error) {
	books, err := scanRows(ctx, tx, func(rows *sql.Rows) (readingroom.Book, error) {
		var b readingroom.Book
		err := rows.Scan(&b.Title, &b.Author, &b.Details)
		return b, err
	}, `SELECT title, author, details FROM books WHERE article_id = ? ORDER BY position`, articleID)
	if err != nil {
		return nil, fmt.Errorf("load books: %w", err)
	}
	return books, nil
}

// ArticleStamp is what tells one version of an article from another: its
// fingerprint (any change to what it shows changes it) and when it was
// last written.
type ArticleStamp struct {
	Fingerprint string
	Updated     time.Time
}

// Stamp returns the stamp of the article at slug, with one look-up: what
// a cache of its pages needs to know whether a page is still good. An
// unknown slug is ENOTFOUND.
func (db *DB) Stamp(ctx context.Context, slug string) (ArticleStamp, error) {
	var (
		st      ArticleStamp
		updated string
	)
	err := db.look.QueryRowContext(ctx, `SELECT fingerprint, updated_at FROM articles WHERE slug = ?`, slug).Scan(&st.Fingerprint, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return ArticleStamp{}, readingroom.Errorf(readingroom.ENOTFOUND, "no article at %q", slug)
	}
	if err != nil {
		return ArticleStamp{}, fmt.Errorf("store: stamp %q: %w", slug, err)
	}
	if st.Updated, err = time.Parse(time.RFC3339, updated); err != nil {
		return ArticleStamp{}, fmt.Errorf("store: stamp %q: %w", slug, err)
	}
	return st, nil
}
