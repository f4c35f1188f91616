package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/readingroom/readingroom"
)

// ImportedItem is an item of a reading list exported from a room, this one
// or another, to be restored into a reader's list.
type ImportedItem struct {
	Slug  string
	Title string // the article's title, kept for an article not in this room
	Kind  readingroom.ItemKind
	// Quote is a passage's TextQuoteSelector; Position, if not nil, its
	// TextPositionSelector, a hint for where the words stand.
	Quote    readingroom.Quote
	Position *readingroom.Position
	Note     string
	Tags     []string
	State    readingroom.ItemState
	Created  time.Time // zero: now
}

// ImportOutcome says what became of one imported item.
type ImportOutcome string

// The outcomes of importing an item.
const (
	// ItemRestored: in the list, found in its article as it was saved.
	ItemRestored ImportOutcome = "restored"
	// ItemArticleMissing: in the list, but its article is not in this
	// room; it is shown as such until it is deleted.
	ItemArticleMissing ImportOutcome = "article_missing"
	// ItemOrphaned: a passage in the list whose words are no longer in its
	// article.
	ItemOrphaned ImportOutcome = "orphaned"
	// ItemAlreadyThere: the list had it already; nothing was added.
	ItemAlreadyThere ImportOutcome = "already_there"
)

// ImportResult is what became of one imported item: its outcome and the
// item in the list (the one already there, for ItemAlreadyThere).
type ImportResult struct {
	Outcome ImportOutcome
	ID      int64
}

// ImportItems restores items into the reader's list, in one transaction.
// Every item is checked first, as SaveItem checks one; any that breaks a
// rule is EUNPROCESSABLE, its Field naming the item ("items[3].note"),
// and nothing is imported. Then each item is added, unless the list has
// it already: an item whose article is not in the room is kept, with its
// slug and title, as article missing; a passage is found in its article
// as a re-import finds it (readingroom.ArticleText.Reanchor), and kept as
// orphaned when its words are not there. Nothing is dropped without being
// reported.
func (db *DB) ImportItems(ctx context.Context, userID int64, items []ImportedItem) ([]ImportResult, error) {
	for i := range items {
		if err := cleanImported(&items[i]); err != nil {
			var e *readingroom.Error
			if errors.As(err, &e) {
				return nil, readingroom.FieldErrorf(e.Code, fmt.Sprintf("items[%d].%s", i, e.Field), "Item %d: %s", i+1, e.Message)
			}
			return nil, err
		}
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("store: import list: %w", err)
	}
	defer tx.Rollback()
	texts := map[int64]*readingroom.ArticleText{}
	out := make([]ImportResult, len(items))
	now := db.now()
	for i, it := range items {
		res, err := importItem(ctx, tx, userID, it, texts, now)
		if err != nil {
			return nil, fmt.Errorf("store: import list: item %d: %w", i+1, err)
		}
		out[i] = res
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store: import list: %w", err)
	}
	return out, nil
}

// cleanImported checks an imported item as SaveItem would a new one.
func cleanImported(it *ImportedItem) error {
	var err error
	if it.Note, it.Tags, it.State, err = cleanItemFields(it.Note, it.Tags, it.State); err != nil {
		return err
	}
	if it.Slug == "" {
		return readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "article", "The item names no article.")
	}
	if it.Title == "" {
		it.Title = it.Slug
	}
	switch it.Kind {
	case readingroom.ItemArticle:
		it.Quote = readingroom.Quote{}
	case readingroom.ItemPassage:
		if it.Quote.Exact, err = readingroom.CleanExact(it.Quote.Exact); err != nil {
			return err
		}
		if it.Quote.Prefix, err = readingroom.CleanContext("quote.prefix", it.Quote.Prefix); err != nil {
			return err
		}
		if it.Quote.Suffix, err = readingroom.CleanContext("quote.suffix", it.Quote.Suffix); err != nil {
			return err
		}
	default:
		return readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "kind", "An item is an article or a passage.")
	}
	return nil
}

func importItem(ctx context.Context, tx *sql.Tx, userID int64, it ImportedItem, texts map[int64]*readingroom.ArticleText, now time.Time) (ImportResult, error) {
	row := itemRow{
		userID: userID, kind: it.Kind, note: it.Note, tags: it.Tags, state: it.State,
		quote: it.Quote, created: it.Created, art: itemArticle{slug: it.Slug, title: it.Title},
		anchor: readingroom.Found{Anchor: readingroom.AnchorExact},
	}
	outcome := ItemRestored
	err := tx.QueryRowContext(ctx, `SELECT id, title, byline FROM articles WHERE slug = ?`, it.Slug).
		Scan(&row.art.id, &row.art.title, &row.art.byline)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		outcome = ItemArticleMissing
		row.anchor.Anchor = readingroom.AnchorOrphaned
	case err != nil:
		return ImportResult{}, err
	case it.Kind == readingroom.ItemPassage:
		text := texts[row.art.id]
		if text == nil {
			blocks, err := loadBlocks(ctx, tx, row.art.id)
			if err != nil {
				return ImportResult{}, err
			}
			text = readingroom.NewArticleText(blocks)
			texts[row.art.id] = text
		}
		hint := readingroom.Position{Start: -1, End: -1}
		if it.Position != nil {
			hint = *it.Position
		}
		f := text.Reanchor(readingroom.Passage{Quote: it.Quote, Position: hint})
		switch f.Anchor {
		case readingroom.AnchorOrphaned:
			outcome = ItemOrphaned
			if it.Position != nil {
				f.Position = *it.Position
			}
		case readingroom.AnchorMoved:
			// No paragraph came with it: where its words are is where it
			// was saved.
			f.Anchor = readingroom.AnchorExact
		}
		row.anchor = f
		row.paragraph = f.ParagraphID
		if f.Anchor != readingroom.AnchorOrphaned {
			row.around = text.QuoteAt(f.Position)
		}
	}
	id, err := existingItem(ctx, tx, userID, row)
	if err != nil {
		return ImportResult{}, err
	}
	if id != 0 {
		return ImportResult{Outcome: ItemAlreadyThere, ID: id}, nil
	}
	if id, err = insertItem(ctx, tx, row, now); err != nil {
		return ImportResult{}, err
	}
	return ImportResult{Outcome: outcome, ID: id}, nil
}
