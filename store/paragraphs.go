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
// a new article) into blocks and returns the pid of each block. Rows that
// carry on into the new version are updated in place, so the FTS triggers
// see an update; the rest are deleted and the new ones inserted.
func saveBlocks(ctx context.Context, tx *sql.Tx, articleID int64, stored []storedBlock, blocks []readingroom.Block) ([]string, error) {
	used, err := usedPIDs(ctx, tx, articleID)
	if err != nil {
		return nil, err
	}
	match := alignBlocks(stored, blocks)
	pids := assignPIDs(stored, blocks, match, used)

	kept := make([]bool, len(stored))
	for _, j := range match {
		if j >= 0 {
			kept[j] = true
		}
	}
	// Deletions first: a later issue turns these into tombstones.
	for j, s := range stored {
		if kept[j] {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM paragraphs WHERE id = ?`, s.id); err != nil {
			return nil, fmt.Errorf("delete block: %w", err)
		}
	}
	for i, b := range blocks {
		if j := match[i]; j >= 0 {
			s := stored[j]
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
			articleID, pids[i], i, b.Kind, b.Text, b.Number, b.Credit,
		); err != nil {
			return nil, fmt.Errorf("insert block: %w", err)
		}
	}
	return pids, nil
}

// alignBlocks decides which stored block each new block continues: match[i]
// is the index in stored of the block that blocks[i] carries on (keeping
// its pid), or -1 for a block that is new. Each stored block is matched at
// most once. For now a block carries on a stored one only when their texts
// are the same under readingroom.Normalize, taken in order; similarity
// alignment of edited paragraphs will slot in here.
func alignBlocks(stored []storedBlock, blocks []readingroom.Block) []int {
	waiting := make(map[string][]int, len(stored))
	for j, s := range stored {
		n := readingroom.Normalize(s.text)
		waiting[n] = append(waiting[n], j)
	}
	match := make([]int, len(blocks))
	for i, b := range blocks {
		n := readingroom.Normalize(b.Text)
		if q := waiting[n]; len(q) > 0 {
			match[i] = q[0]
			waiting[n] = q[1:]
		} else {
			match[i] = -1
		}
	}
	return match
}

// assignPIDs gives every block its pid: a matched block keeps its stored
// one; a new block gets readingroom.ParagraphID(text, occurrence), where
// occurrence counts the earlier blocks with the same normalised text, bumped
// past any pid the article has ever used (used, which it extends) so that an
// old permalink never comes to point at other text.
func assignPIDs(stored []storedBlock, blocks []readingroom.Block, match []int, used map[string]bool) []string {
	for _, j := range match {
		if j >= 0 {
			used[stored[j].pid] = true
		}
	}
	seen := make(map[string]int)
	pids := make([]string, len(blocks))
	for i, b := range blocks {
		n := readingroom.Normalize(b.Text)
		occurrence := seen[n]
		seen[n]++
		if j := match[i]; j >= 0 {
			pids[i] = stored[j].pid
			continue
		}
		pid := readingroom.ParagraphID(b.Text, occurrence)
		for used[pid] {
			occurrence++
			pid = readingroom.ParagraphID(b.Text, occurrence)
		}
		used[pid] = true
		pids[i] = pid
	}
	return pids
}
