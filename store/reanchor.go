package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/readingroom/readingroom"
)

// reanchorItems runs in the transaction that re-imports an article (see
// updateArticle), or that imports a new one items were waiting for
// (attachWaitingItems): it keeps the article's title and byline current
// in every item of it, of every reader, and finds every saved passage
// again in the new text (readingroom.ArticleText.Reanchor), after its
// paragraph's id has been followed through any aliases the re-import
// made. A passage that is no longer there is orphaned, keeping its last
// place as a hint; one found again returns to normal. Nothing is
// committed unless all of it is.
func reanchorItems(ctx context.Context, tx dbtx, articleID int64, a *readingroom.Article, ids []string) error {
	if _, err := tx.ExecContext(ctx, `
		UPDATE list_items SET article_title = ?, article_byline = ?
		WHERE article_id = ? AND (article_title IS NOT ? OR article_byline IS NOT ?)`,
		a.Title, a.Byline, articleID, a.Title, a.Byline); err != nil {
		return fmt.Errorf("reanchor: titles: %w", err)
	}
	type passage struct {
		id        int64
		paragraph string
		quote     readingroom.Quote
		found     readingroom.Found
		around    readingroom.Quote
	}
	passages, err := scanRows(ctx, tx, func(rows *sql.Rows) (passage, error) {
		var p passage
		err := rows.Scan(&p.id, &p.paragraph, &p.quote.Exact, &p.quote.Prefix, &p.quote.Suffix,
			&p.found.Anchor, &p.found.ParagraphID, &p.found.Position.Start, &p.found.Position.End, &p.found.Text,
			&p.around.Prefix, &p.around.Suffix)
		return p, err
	}, `SELECT id, paragraph_id, exact, prefix, suffix, anchor, anchor_pid, anchor_start, anchor_end, anchor_text,
			anchor_prefix, anchor_suffix
		FROM list_items WHERE article_id = ? AND kind = 'passage' ORDER BY id`, articleID)
	if err != nil {
		return fmt.Errorf("reanchor: load passages: %w", err)
	}
	if len(passages) == 0 {
		return nil
	}
	aliases, err := aliasTargets(ctx, tx, articleID)
	if err != nil {
		return fmt.Errorf("reanchor: %w", err)
	}
	blocks := make([]readingroom.Block, len(a.Blocks))
	for i, b := range a.Blocks {
		blocks[i] = readingroom.Block{ID: ids[i], Kind: b.Kind, Text: b.Text}
	}
	text := readingroom.NewArticleText(blocks)
	update, err := tx.PrepareContext(ctx, `
		UPDATE list_items SET paragraph_id = ?, anchor = ?, anchor_pid = ?, anchor_start = ?, anchor_end = ?,
			anchor_text = ?, anchor_prefix = ?, anchor_suffix = ?
		WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("reanchor: %w", err)
	}
	defer update.Close()
	for _, p := range passages {
		f := text.Reanchor(readingroom.Passage{
			ParagraphID: followAliases(aliases, p.paragraph),
			Quote:       p.quote,
			Position:    p.found.Position,
		})
		var around readingroom.Quote
		paragraph := p.paragraph
		if f.Anchor == readingroom.AnchorOrphaned {
			// Keep the last place as a hint for when the words come back.
			f.ParagraphID, f.Position, f.Text = p.found.ParagraphID, p.found.Position, ""
		} else {
			around = text.QuoteAt(f.Position)
			if paragraph == "" {
				// A passage restored while its article was missing was
				// never in a paragraph of it (so Reanchor finds its
				// words "moved"): where they are found is where it is
				// saved, as ImportItems places a passage.
				paragraph = f.ParagraphID
				if f.Anchor == readingroom.AnchorMoved {
					f.Anchor = readingroom.AnchorExact
				}
			}
		}
		if f == p.found && paragraph == p.paragraph && around.Prefix == p.around.Prefix && around.Suffix == p.around.Suffix {
			continue
		}
		if _, err := update.ExecContext(ctx, paragraph, f.Anchor, f.ParagraphID, f.Position.Start, f.Position.End, f.Text,
			around.Prefix, around.Suffix, p.id); err != nil {
			return fmt.Errorf("reanchor: item %d: %w", p.id, err)
		}
	}
	return nil
}

// attachWaitingItems runs in the transaction that inserts a new article:
// the items restored into readers' lists while no article had its slug
// (ImportItems, ItemArticleMissing) join it, and its passages are found in
// its text as a re-import finds them (reanchorItems).
//
// No reader ends up with two copies of an item: an item is the same as
// another by its slug (list_items_article_once for articles, existingItem
// for passages), not by its article, and a new article's slug was never
// any other article's (newSlug), so no item of that slug had an article
// before. Joining changes no item's slug, so each stays one of a kind.
func attachWaitingItems(ctx context.Context, tx dbtx, articleID int64, slug string, a *readingroom.Article, ids []string) error {
	// Asked first, by a read: an UPDATE opens a statement savepoint even
	// when it changes no row, and FTS5 writes out its pending terms at
	// every savepoint (see indexArticle).
	var waiting bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM list_items WHERE article_id IS NULL AND article_slug = ?)`, slug).Scan(&waiting)
	if err != nil || !waiting {
		return err
	}
	res, err := tx.ExecContext(ctx, `
		UPDATE list_items SET article_id = ?,
			anchor = CASE kind WHEN 'article' THEN 'exact' ELSE anchor END
		WHERE article_id IS NULL AND article_slug = ?`, articleID, slug)
	if err != nil {
		return fmt.Errorf("attach waiting items: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	return reanchorItems(ctx, tx, articleID, a, ids)
}

// aliasTargets loads the article's aliases: retired id -> the id it
// leads to.
func aliasTargets(ctx context.Context, tx dbtx, articleID int64) (map[string]string, error) {
	type alias struct{ pid, target string }
	rows, err := scanRows(ctx, tx, func(rows *sql.Rows) (alias, error) {
		var a alias
		err := rows.Scan(&a.pid, &a.target)
		return a, err
	}, `SELECT pid, target FROM paragraph_aliases WHERE article_id = ?`, articleID)
	if err != nil {
		return nil, fmt.Errorf("load aliases: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, a := range rows {
		out[a.pid] = a.target
	}
	return out, nil
}

// followAliases follows pid through aliases to the id it leads to now.
func followAliases(aliases map[string]string, pid string) string {
	for range maxAliasChain {
		to, ok := aliases[pid]
		if !ok {
			break
		}
		pid = to
	}
	return pid
}
