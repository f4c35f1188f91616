package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/readingroom/readingroom"
)

// ArticlePage is one page of an article: its head (title, byline, books
// and so on) and the blocks of that page, so that what a request holds is
// bounded by the size of a page (readingroom.PageStarts), not of the
// article.
type ArticlePage struct {
	// Article is the article with only this page's blocks, their ids and
	// aliases filled in.
	readingroom.Article
	Number, Pages int // this page, from 1, and how many there are
	// WordCount is the whole article's (readingroom.Article.WordCount).
	WordCount int
	// FirstParagraph is the text of the article's first paragraph,
	// wherever it is, for descriptions; "" when it has none.
	FirstParagraph string
	// TextOffset is where this page's blocks start in the whole
	// article's text (readingroom.NewArticleText), in runes: 0 on the
	// first page.
	TextOffset int
}

// ErrNoSuchPage is ArticlePage's answer for a page past the article's
// last.
var ErrNoSuchPage = readingroom.Errorf(readingroom.ENOTFOUND, "the article has no such page")

// ArticlePage returns page n (from 1) of the article at slug. An unknown
// slug is ENOTFOUND; a page past the last is ErrNoSuchPage.
func (db *DB) ArticlePage(ctx context.Context, slug string, n int) (*ArticlePage, error) {
	if n < 1 {
		return nil, readingroom.Errorf(readingroom.EINVALID, "no page %d", n)
	}
	return db.articlePage(ctx, slug, func(context.Context, *sql.Tx, int64) (int, error) { return n - 1, nil })
}

// ArticlePageOf returns the page of the article at slug that holds the
// live block pid; ENOTFOUND when the article has no such block now.
func (db *DB) ArticlePageOf(ctx context.Context, slug, pid string) (*ArticlePage, error) {
	return db.articlePage(ctx, slug, func(ctx context.Context, tx *sql.Tx, id int64) (int, error) {
		var index int
		err := tx.QueryRowContext(ctx, `
			SELECT (SELECT count(*) FROM paragraphs b WHERE b.article_id = p.article_id AND b.position < p.position)
			FROM paragraphs p WHERE p.article_id = ? AND p.pid = ?`, id, pid).Scan(&index)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, readingroom.Errorf(readingroom.ENOTFOUND, "no live paragraph %q in %q", pid, slug)
		}
		return -1 - index, err // the page holding block index
	})
}

// articlePage reads, in one read transaction, the page of the article at
// slug that which names: a page index from 0, or -1-i for the page holding
// block i.
func (db *DB) articlePage(ctx context.Context, slug string, which func(context.Context, *sql.Tx, int64) (int, error)) (*ArticlePage, error) {
	p, err := db.readArticlePage(ctx, slug, which)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, readingroom.Errorf(readingroom.ENOTFOUND, "no article at %q", slug)
	}
	if err != nil && readingroom.ErrorCode(err) == readingroom.EINTERNAL {
		return nil, fmt.Errorf("store: article %q page: %w", slug, err)
	}
	return p, err
}

func (db *DB) readArticlePage(ctx context.Context, slug string, which func(context.Context, *sql.Tx, int64) (int, error)) (*ArticlePage, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	var p ArticlePage
	a := &p.Article
	id, err := scanArticle(ctx, tx, tx.QueryRowContext(ctx, `
		SELECT `+articleColumns+`, word_count,
			coalesce((SELECT text FROM paragraphs WHERE article_id = articles.id AND kind = 'paragraph' ORDER BY position LIMIT 1), '')
		FROM articles WHERE slug = ?`, slug), a, &p.WordCount, &p.FirstParagraph)
	if err != nil {
		return nil, err
	}
	// The size of every block, in one row rather than a row each (ten
	// thousand steps through cgo took most of a page's time).
	var list string
	if err := tx.QueryRowContext(ctx, sizesQuery, id).Scan(&list); err != nil {
		return nil, fmt.Errorf("page sizes: %w", err)
	}
	sizes, err := parseSizes(list)
	if err != nil {
		return nil, fmt.Errorf("page sizes: %w", err)
	}
	starts := append(readingroom.PageStarts(sizes), len(sizes))
	p.Pages = len(starts) - 1
	page, err := which(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if page < 0 { // the page holding block -1-page
		block := -1 - page
		for page = 0; page+1 < p.Pages && starts[page+1] <= block; page++ {
		}
	}
	if page >= p.Pages {
		return nil, ErrNoSuchPage
	}
	p.Number = page + 1
	first, end := starts[page], starts[page+1]
	if first > 0 {
		// The blocks before, each with the blank line after it.
		if err := tx.QueryRowContext(ctx, `
			SELECT coalesce(sum(length(text)) + 2 * count(*), 0) FROM paragraphs
			WHERE article_id = ?1 AND position < (SELECT position FROM paragraphs WHERE article_id = ?1 ORDER BY position LIMIT 1 OFFSET ?2)`,
			id, first).Scan(&p.TextOffset); err != nil {
			return nil, fmt.Errorf("page offset: %w", err)
		}
	}
	blocks, err := scanRows(ctx, tx, scanStoredBlock, `
		SELECT id, pid, position, kind, text, number, credit
		FROM paragraphs WHERE article_id = ? ORDER BY position LIMIT ? OFFSET ?`, id, end-first, first)
	if err != nil {
		return nil, fmt.Errorf("load blocks: %w", err)
	}
	if a.Blocks, err = readerBlocks(ctx, tx, id, blocks); err != nil {
		return nil, err
	}
	return &p, nil
}

// sizesQuery lists the sizes of an article's blocks, in order. It reads
// the index paragraphs_sizes alone (migration 0040), whose expression it
// repeats.
const sizesQuery = `
	SELECT coalesce(group_concat(octet_length(text) + octet_length(number) + octet_length(credit), ',' ORDER BY position), '')
	FROM paragraphs WHERE article_id = ?`

// parseSizes reads a comma-separated list of whole numbers.
func parseSizes(list string) ([]int, error) {
	if list == "" {
		return nil, nil
	}
	sizes := make([]int, 0, strings.Count(list, ",")+1)
	for f := range strings.SplitSeq(list, ",") {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, err
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}
