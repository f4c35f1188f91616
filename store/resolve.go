package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/readingroom/readingroom"
)

// ParagraphState says what a paragraph id names now.
type ParagraphState int

// The states of a paragraph id the article has had.
const (
	ParagraphLive    ParagraphState = iota + 1 // a block of the article
	ParagraphAlias                             // retired; its text lives on in another block
	ParagraphDeleted                           // retired; its text is gone (a tombstone)
)

// ParagraphRef is what a paragraph id resolves to.
type ParagraphRef struct {
	State ParagraphState
	// ID is the live id: the block's own, or the one an alias leads to.
	ID string
	// Tombstone is set when State is ParagraphDeleted.
	Tombstone readingroom.Tombstone
}

// maxAliasChain bounds how many aliases Paragraph follows; each re-import
// adds at most one link, so real chains are short.
const maxAliasChain = 64

// Paragraph resolves an id that the article at slug has or once had: a
// live block, an alias (followed to the live block, or to the tombstone
// where the chain ends), or a tombstone. An id the article never had, or an
// unknown slug, is ENOTFOUND.
func (db *DB) Paragraph(ctx context.Context, slug, pid string) (ParagraphRef, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return ParagraphRef{}, fmt.Errorf("store: paragraph %q/%q: %w", slug, pid, err)
	}
	defer tx.Rollback()
	var articleID int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE slug = ?`, slug).Scan(&articleID)
	if errors.Is(err, sql.ErrNoRows) {
		return ParagraphRef{}, readingroom.Errorf(readingroom.ENOTFOUND, "no article at %q", slug)
	}
	if err != nil {
		return ParagraphRef{}, fmt.Errorf("store: paragraph %q/%q: %w", slug, pid, err)
	}
	ref, err := resolve(ctx, tx, articleID, pid)
	if err != nil && readingroom.ErrorCode(err) == readingroom.EINTERNAL {
		return ref, fmt.Errorf("store: paragraph %q/%q: %w", slug, pid, err)
	}
	return ref, err
}

func resolve(ctx context.Context, tx dbtx, articleID int64, pid string) (ParagraphRef, error) {
	state := ParagraphLive
	for range maxAliasChain {
		var live bool
		if err := tx.QueryRowContext(ctx,
			`SELECT EXISTS (SELECT 1 FROM paragraphs WHERE article_id = ? AND pid = ?)`, articleID, pid,
		).Scan(&live); err != nil {
			return ParagraphRef{}, err
		}
		if live {
			return ParagraphRef{State: state, ID: pid}, nil
		}
		var target string
		err := tx.QueryRowContext(ctx,
			`SELECT target FROM paragraph_aliases WHERE article_id = ? AND pid = ?`, articleID, pid,
		).Scan(&target)
		if err == nil {
			state, pid = ParagraphAlias, target
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return ParagraphRef{}, err
		}
		ts := readingroom.Tombstone{ID: pid}
		err = tx.QueryRowContext(ctx,
			`SELECT kind, text, neighbour FROM paragraph_tombstones WHERE article_id = ? AND pid = ?`, articleID, pid,
		).Scan(&ts.Kind, &ts.Text, &ts.Neighbour)
		if err == nil {
			return ParagraphRef{State: ParagraphDeleted, ID: pid, Tombstone: ts}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return ParagraphRef{}, err
		}
		return ParagraphRef{}, readingroom.Errorf(readingroom.ENOTFOUND, "no paragraph %q in this article", pid)
	}
	return ParagraphRef{}, fmt.Errorf("alias chain longer than %d at %q", maxAliasChain, pid)
}

// readerBlocks are stored blocks as a reader's page shows them, each with
// the aliases whose anchors it keeps.
func readerBlocks(ctx context.Context, tx dbtx, articleID int64, stored []storedBlock) ([]readingroom.Block, error) {
	blocks := make([]readingroom.Block, len(stored))
	for i, b := range stored {
		blocks[i] = b.block()
	}
	return blocks, loadAliases(ctx, tx, articleID, blocks)
}

// loadAliases fills in each block's Aliases: the retired ids whose chain of
// aliases ends at it.
func loadAliases(ctx context.Context, tx dbtx, articleID int64, blocks []readingroom.Block) error {
	type alias struct{ pid, target string }
	aliases, err := scanRows(ctx, tx, func(rows *sql.Rows) (alias, error) {
		var a alias
		err := rows.Scan(&a.pid, &a.target)
		return a, err
	}, `SELECT pid, target FROM paragraph_aliases WHERE article_id = ? ORDER BY created_at, pid`, articleID)
	if err != nil {
		return fmt.Errorf("load aliases: %w", err)
	}
	var order []string
	target := make(map[string]string, len(aliases))
	for _, a := range aliases {
		order = append(order, a.pid)
		target[a.pid] = a.target
	}
	live := make(map[string]int, len(blocks))
	for i, b := range blocks {
		live[b.ID] = i
	}
	for _, pid := range order {
		to := target[pid]
		for n := 0; n < maxAliasChain && target[to] != ""; n++ {
			to = target[to]
		}
		if i, ok := live[to]; ok {
			blocks[i].Aliases = append(blocks[i].Aliases, pid)
		}
	}
	return nil
}
