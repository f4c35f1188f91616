package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/readingroom/readingroom"
)

// storedBlock is a row of paragraphs.
type storedBlock struct {
	id       int64
	pid      string
	position int
	kind     readingroom.BlockKind
	text     string
	number   string
	credit   string
}

func (s storedBlock) block() readingroom.Block {
	return readingroom.Block{ID: s.pid, Kind: s.kind, Text: s.text, Number: s.number, Credit: s.credit}
}

func scanStoredBlock(rows *sql.Rows) (storedBlock, error) {
	var s storedBlock
	err := rows.Scan(&s.id, &s.pid, &s.position, &s.kind, &s.text, &s.number, &s.credit)
	return s, err
}

func loadStoredBlocks(ctx context.Context, tx dbtx, articleID int64) ([]storedBlock, error) {
	blocks, err := scanRows(ctx, tx, scanStoredBlock, `SELECT id, pid, position, kind, text, number, credit
		FROM paragraphs WHERE article_id = ? ORDER BY position`, articleID)
	if err != nil {
		return nil, fmt.Errorf("load blocks: %w", err)
	}
	return blocks, nil
}

// usedPIDs returns every pid the article has ever had: those of its
// stored blocks (all of them, as loadStoredBlocks reads them) and the
// retired ones in the registry (migration 0080).
func usedPIDs(ctx context.Context, tx dbtx, articleID int64, stored []storedBlock) (map[string]bool, error) {
	pids, err := scanRows(ctx, tx, func(rows *sql.Rows) (string, error) {
		var pid string
		err := rows.Scan(&pid)
		return pid, err
	}, `SELECT pid FROM paragraph_ids WHERE article_id = ?`, articleID)
	if err != nil {
		return nil, fmt.Errorf("load paragraph ids: %w", err)
	}
	used := make(map[string]bool, len(stored)+len(pids))
	for _, s := range stored {
		used[s.pid] = true
	}
	for _, pid := range pids {
		used[pid] = true
	}
	return used, nil
}

// saveBlocks makes the article's stored blocks (stored, in order; none for
// a fresh, just inserted article) into blocks and returns the pid of each block, as
// readingroom.Align decides them: the ids that no longer name a block are
// retired first, then the blocks are written.
func saveBlocks(ctx context.Context, tx dbtx, articleID int64, fresh bool, stored []storedBlock, blocks []readingroom.Block, now string) ([]string, error) {
	var (
		used    map[string]bool
		retired []readingroom.PrevBlock
		err     error
	)
	// A fresh article has used no ids and retired none: the rows of a
	// deleted article whose id it took went with that one.
	if !fresh {
		if used, err = usedPIDs(ctx, tx, articleID, stored); err != nil {
			return nil, err
		}
		if retired, err = loadTombstones(ctx, tx, articleID); err != nil {
			return nil, err
		}
	}
	prev := make([]readingroom.PrevBlock, len(stored))
	for j, s := range stored {
		prev[j] = readingroom.PrevBlock{ID: s.pid, Kind: s.kind, Text: s.text}
	}
	al := readingroom.Align(prev, retired, blocks, used)
	if err := retireBlocks(ctx, tx, articleID, stored, al, now); err != nil {
		return nil, err
	}
	if err := writeBlocks(ctx, tx, articleID, stored, blocks, al.IDs); err != nil {
		return nil, err
	}
	return al.IDs, nil
}

// retireBlocks carries out the retiring half of an alignment: revived
// tombstones are lifted (their ids are live again, so they leave the
// registry of retired ids), stored rows that no new block continues are
// deleted (a trigger registers their ids), and their ids become aliases
// or tombstones.
func retireBlocks(ctx context.Context, tx dbtx, articleID int64, stored []storedBlock, al readingroom.Alignment, now string) error {
	for _, pid := range al.Revived {
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM paragraph_tombstones WHERE article_id = ? AND pid = ?`, articleID, pid,
		); err != nil {
			return fmt.Errorf("revive block: %w", err)
		}
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM paragraph_ids WHERE article_id = ? AND pid = ?`, articleID, pid,
		); err != nil {
			return fmt.Errorf("revive block: %w", err)
		}
	}
	kept := make(map[string]bool, len(al.IDs))
	for _, pid := range al.IDs {
		kept[pid] = true
	}
	for _, s := range stored {
		if kept[s.pid] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM paragraphs WHERE id = ?`, s.id); err != nil {
			return fmt.Errorf("delete block: %w", err)
		}
	}
	for old, target := range al.Aliases {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO paragraph_aliases (article_id, pid, target, created_at) VALUES (?, ?, ?, ?)`,
			articleID, old, target, now,
		); err != nil {
			return fmt.Errorf("insert alias: %w", err)
		}
	}
	for _, ts := range al.Tombstones {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO paragraph_tombstones (article_id, pid, kind, text, neighbour, deleted_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			articleID, ts.ID, ts.Kind, ts.Text, ts.Neighbour, now,
		); err != nil {
			return fmt.Errorf("insert tombstone: %w", err)
		}
	}
	return nil
}

// writeBlocks writes blocks under ids: a block that continues a stored row
// updates it in place (so the FTS triggers see an update), and only when
// something changed; a new one is inserted.
func writeBlocks(ctx context.Context, tx dbtx, articleID int64, stored []storedBlock, blocks []readingroom.Block, ids []string) error {
	byPID := make(map[string]storedBlock, len(stored))
	for _, s := range stored {
		byPID[s.pid] = s
	}
	for i, b := range blocks {
		pid := ids[i]
		if s, ok := byPID[pid]; ok {
			if s.position == i && s.kind == b.Kind && s.text == b.Text && s.number == b.Number && s.credit == b.Credit {
				continue // nothing to write
			}
			if _, err := tx.ExecContext(ctx, `
				UPDATE paragraphs SET position = ?, kind = ?, text = ?, number = ?, credit = ?
				WHERE id = ?`,
				i, b.Kind, b.Text, b.Number, b.Credit, s.id,
			); err != nil {
				return fmt.Errorf("update block: %w", err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO paragraphs (article_id, pid, position, kind, text, number, credit)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			articleID, pid, i, b.Kind, b.Text, b.Number, b.Credit,
		); err != nil {
			return fmt.Errorf("insert block: %w", err)
		}
	}
	return nil
}

// loadTombstones returns the article's deleted blocks, oldest first.
func loadTombstones(ctx context.Context, tx dbtx, articleID int64) ([]readingroom.PrevBlock, error) {
	out, err := scanRows(ctx, tx, func(rows *sql.Rows) (readingroom.PrevBlock, error) {
		var p readingroom.PrevBlock
		err := rows.Scan(&p.ID, &p.Kind, &p.Text)
		return p, err
	}, `SELECT pid, kind, text FROM paragraph_tombstones WHERE article_id = ? ORDER BY deleted_at, pid`, articleID)
	if err != nil {
		return nil, fmt.Errorf("load tombstones: %w", err)
	}
	return out, nil
}
