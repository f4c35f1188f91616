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

func loadStoredBlocks(ctx context.Context, tx *sql.Tx, articleID int64) ([]storedBlock, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, pid, position, kind, text, number, credit
		FROM paragraphs WHERE article_id = ? ORDER BY position`, articleID)
	if err != nil {
		return nil, fmt.Errorf("load blocks: %w", err)
	}
	defer rows.Close()
	var blocks []storedBlock
	for rows.Next() {
		var s storedBlock
		if err := rows.Scan(&s.id, &s.pid, &s.position, &s.kind, &s.text, &s.number, &s.credit); err != nil {
			return nil, fmt.Errorf("load blocks: %w", err)
		}
		blocks = append(blocks, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load blocks: %w", err)
	}
	return blocks, nil
}

// usedPIDs returns every pid the article has ever had, deleted ones too.
func usedPIDs(ctx context.Context, tx *sql.Tx, articleID int64) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT pid FROM paragraph_ids WHERE article_id = ?`, articleID)
	if err != nil {
		return nil, fmt.Errorf("load paragraph ids: %w", err)
	}
	defer rows.Close()
	used := make(map[string]bool)
	for rows.Next() {
		var pid string
		if err := rows.Scan(&pid); err != nil {
			return nil, fmt.Errorf("load paragraph ids: %w", err)
		}
		used[pid] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load paragraph ids: %w", err)
	}
	return used, nil
}

// saveBlocks makes the article's stored blocks (stored, in order; none for
// a new article) into blocks and returns the pid of each block, as
// readingroom.Align decides them. Rows that carry on into the new version
// are updated in place, so the FTS triggers see an update; the rest are
// deleted, leaving an alias or a tombstone behind, and the new ones are
// inserted.
func saveBlocks(ctx context.Context, tx *sql.Tx, articleID int64, stored []storedBlock, blocks []readingroom.Block, now string) ([]string, error) {
	used, err := usedPIDs(ctx, tx, articleID)
	if err != nil {
		return nil, err
	}
	prev := make([]readingroom.PrevBlock, len(stored))
	byPID := make(map[string]storedBlock, len(stored))
	for j, s := range stored {
		prev[j] = readingroom.PrevBlock{ID: s.pid, Kind: s.kind, Text: s.text}
		byPID[s.pid] = s
	}
	retired, err := loadTombstones(ctx, tx, articleID)
	if err != nil {
		return nil, err
	}
	al := readingroom.AlignRetired(prev, retired, blocks, used)
	for _, pid := range al.Revived {
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM paragraph_tombstones WHERE article_id = ? AND pid = ?`, articleID, pid,
		); err != nil {
			return nil, fmt.Errorf("revive block: %w", err)
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
			return nil, fmt.Errorf("delete block: %w", err)
		}
	}
	for old, target := range al.Aliases {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO paragraph_aliases (article_id, pid, target, created_at) VALUES (?, ?, ?, ?)`,
			articleID, old, target, now,
		); err != nil {
			return nil, fmt.Errorf("insert alias: %w", err)
		}
	}
	for _, ts := range al.Tombstones {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO paragraph_tombstones (article_id, pid, kind, text, neighbour, deleted_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			articleID, ts.ID, ts.Kind, ts.Text, ts.Neighbour, now,
		); err != nil {
			return nil, fmt.Errorf("insert tombstone: %w", err)
		}
	}
	for i, b := range blocks {
		pid := al.IDs[i]
		if s, ok := byPID[pid]; ok {
			if s.position == i && s.kind == b.Kind && s.text == b.Text && s.number == b.Number && s.credit == b.Credit {
				continue // nothing to write
			}
			if _, err := tx.ExecContext(ctx, `
				UPDATE paragraphs SET position = ?, kind = ?, text = ?, number = ?, credit = ?
				WHERE id = ?`,
				i, b.Kind, b.Text, b.Number, b.Credit, s.id,
			); err != nil {
				return nil, fmt.Errorf("update block: %w", err)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO paragraphs (article_id, pid, position, kind, text, number, credit)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
			articleID, pid, i, b.Kind, b.Text, b.Number, b.Credit,
		); err != nil {
			return nil, fmt.Errorf("insert block: %w", err)
		}
	}
	return al.IDs, nil
}

// loadTombstones returns the article's deleted blocks, oldest first.
func loadTombstones(ctx context.Context, tx *sql.Tx, articleID int64) ([]readingroom.PrevBlock, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT pid, kind, text FROM paragraph_tombstones WHERE article_id = ? ORDER BY deleted_at, pid`, articleID)
	if err != nil {
		return nil, fmt.Errorf("load tombstones: %w", err)
	}
	defer rows.Close()
	var out []readingroom.PrevBlock
	for rows.Next() {
		var p readingroom.PrevBlock
		if err := rows.Scan(&p.ID, &p.Kind, &p.Text); err != nil {
			return nil, fmt.Errorf("load tombstones: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load tombstones: %w", err)
	}
	return out, nil
}
