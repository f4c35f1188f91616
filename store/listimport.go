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
	// ItemRestored: in the list, found in its article as it was saved (a
	// passage: its exact words, where the export said they stood, if it
	// said).
	ItemRestored ImportOutcome = "restored"
	// ItemMoved: a passage in the list, its exact words found elsewhere in
	// its article than where the export said they stood.
	ItemMoved ImportOutcome = "moved"
	// ItemFuzzy: a passage in the list, found in its article with changes
	// (readingroom.AnchorFuzzy): the words there now differ from its quote.
	ItemFuzzy ImportOutcome = "fuzzy"
	// ItemArticleMissing: in the list, but its article is not in this
	// room; it is shown as such until it is deleted, or until an article
	// with its slug is imported, which it then joins (attachWaitingItems).
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

// Limits of a list import.
const (
	// MaxImportItems is the most items one ImportItems takes.
	MaxImportItems = 5000
	// importBatchItems is how many items one write transaction of an
	// import adds: other writers (a reader saving a passage, an article
	// import, a sign-in) wait at most for one batch, not for the import.
	importBatchItems = 200
	// importTextBudget bounds the article text (in bytes) an import keeps
	// read for the passages still to come.
	importTextBudget = 32 << 20
)

// ImportItems restores items into the reader's list. Every item is
// checked first, as SaveItem checks one; any that breaks a rule is
// EUNPROCESSABLE, its Field naming the item ("items[3].note"), and more
// than MaxImportItems items are ETOOLARGE: then nothing is imported.
//
// Then each item is added, unless the list has it already: an item whose
// article is not in the room is kept, with its slug and title, as article
// missing; a passage is found in its article as a re-import finds it
// (readingroom.ArticleText.Reanchor), and kept as orphaned when its words
// are not there. Nothing is dropped without being reported.
//
// The items are placed in their articles' texts outside any write
// transaction, and added importBatchItems at a time, each batch its own
// transaction, so that other writers wait for a batch at most. An
// article that changed between the two is read again in the batch. When
// ctx ends or the database fails between batches, the batches committed
// stay in the list, the results returned are theirs, and importing the
// same items again adds only the rest (the others are already there).
func (db *DB) ImportItems(ctx context.Context, userID int64, items []ImportedItem) ([]ImportResult, error) {
	if len(items) > MaxImportItems {
		return nil, readingroom.Errorf(readingroom.ETOOLARGE, "A list to import can have at most %d items; this one has %d.", MaxImportItems, len(items))
	}
	for i := range items {
		if err := cleanImported(&items[i]); err != nil {
			var e *readingroom.Error
			if errors.As(err, &e) {
				return nil, readingroom.FieldErrorf(e.Code, fmt.Sprintf("items[%d].%s", i, e.Field), "Item %d: %s", i+1, e.Message)
			}
			return nil, err
		}
	}
	texts := &textCache{}
	out := make([]ImportResult, 0, len(items))
	for start := 0; start < len(items); start += importBatchItems {
		if err := ctx.Err(); err != nil {
			return out, fmt.Errorf("store: import list: stopped after %d of %d items: %w", start, len(items), err)
		}
		batch := items[start:min(start+importBatchItems, len(items))]
		placed, err := db.placeImported(ctx, batch, texts)
		if err != nil {
			return out, fmt.Errorf("store: import list: %w", err)
		}
		if db.importHook != nil {
			db.importHook(importPlaced, start)
		}
		res, err := db.addImported(ctx, userID, start, batch, placed, texts)
		if err != nil {
			return out, fmt.Errorf("store: import list: %w", err)
		}
		out = append(out, res...)
		if db.importHook != nil {
			db.importHook(importCommitted, len(out))
		}
	}
	return out, nil
}

// importStep is a point in ImportItems's work that tests may hook.
type importStep int

const (
	importPlaced    importStep = iota // a batch is placed, not yet added
	importCommitted                   // a batch is committed
)

// placedItem is an imported item placed in its article: the row to add,
// its outcome, and the article it was placed in as it was then (its
// fingerprint; "" when the article was missing), which is checked when
// the row is added.
type placedItem struct {
	row         itemRow
	outcome     ImportOutcome
	fingerprint string
}

// placeImported places a batch of items in their articles, reading in
// one read-only transaction of the readers' pool: no writer waits for it.
func (db *DB) placeImported(ctx context.Context, batch []ImportedItem, texts *textCache) ([]placedItem, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	placed := make([]placedItem, len(batch))
	for i, it := range batch {
		if placed[i], err = placeItem(ctx, tx, it, texts); err != nil {
			return nil, err
		}
	}
	return placed, nil
}

// addImported adds a batch of placed items to the reader's list in one
// transaction. first is the index of the batch's first item, for errors.
func (db *DB) addImported(ctx context.Context, userID int64, first int, batch []ImportedItem, placed []placedItem, texts *textCache) ([]ImportResult, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.now()
	out := make([]ImportResult, len(batch))
	for i, p := range placed {
		// The article may have come, gone or changed since the item was
		// placed: then it is placed again, here.
		var id int64
		var fp string
		err := tx.QueryRowContext(ctx, `SELECT id, fingerprint FROM articles WHERE slug = ?`, batch[i].Slug).Scan(&id, &fp)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("item %d: %w", first+i+1, err)
		}
		if id != p.row.art.id || fp != p.fingerprint {
			if p, err = placeItem(ctx, tx, batch[i], texts); err != nil {
				return nil, fmt.Errorf("item %d: %w", first+i+1, err)
			}
		}
		if out[i], err = addItem(ctx, tx, userID, p, now); err != nil {
			return nil, fmt.Errorf("item %d: %w", first+i+1, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return out, nil
}

// textCache keeps the texts of the articles an import has read, by
// article id, within importTextBudget.
type textCache struct {
	texts map[int64]cachedText
	size  int
}

type cachedText struct {
	fingerprint string
	text        *readingroom.ArticleText
}

// text returns the text of the article with id and fingerprint fp,
// reading it through q unless it is kept already.
func (c *textCache) text(ctx context.Context, q dbtx, id int64, fp string) (*readingroom.ArticleText, error) {
	if t, ok := c.texts[id]; ok && t.fingerprint == fp {
		return t.text, nil
	}
	blocks, err := loadBlocks(ctx, q, id)
	if err != nil {
		return nil, err
	}
	size := 0
	for _, b := range blocks {
		size += len(b.Text)
	}
	if c.texts == nil || c.size+size > importTextBudget {
		c.texts, c.size = map[int64]cachedText{}, 0
	}
	t := readingroom.NewArticleText(blocks)
	c.texts[id] = cachedText{fingerprint: fp, text: t}
	c.size += size
	return t, nil
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

// placeItem finds an imported item's article, through q, and the
// passage in its text.
func placeItem(ctx context.Context, q dbtx, it ImportedItem, texts *textCache) (placedItem, error) {
	p := placedItem{outcome: ItemRestored, row: itemRow{
		kind: it.Kind, note: it.Note, tags: it.Tags, state: it.State,
		quote: it.Quote, created: it.Created, art: itemArticle{slug: it.Slug, title: it.Title},
		anchor: readingroom.Found{Anchor: readingroom.AnchorExact},
	}}
	row := &p.row
	err := q.QueryRowContext(ctx, `SELECT id, title, byline, fingerprint FROM articles WHERE slug = ?`, it.Slug).
		Scan(&row.art.id, &row.art.title, &row.art.byline, &p.fingerprint)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		p.outcome = ItemArticleMissing
		row.anchor.Anchor = readingroom.AnchorOrphaned
		if it.Position != nil {
			// A hint for when the article comes (attachWaitingItems).
			row.anchor.Position = *it.Position
		}
		return p, nil
	case err != nil:
		return p, err
	case it.Kind != readingroom.ItemPassage:
		return p, nil
	}
	text, err := texts.text(ctx, q, row.art.id, p.fingerprint)
	if err != nil {
		return p, err
	}
	hint := readingroom.Position{Start: -1, End: -1}
	if it.Position != nil {
		hint = *it.Position
	}
	f := text.Reanchor(readingroom.Passage{Quote: it.Quote, Position: hint})
	switch f.Anchor {
	case readingroom.AnchorOrphaned:
		p.outcome = ItemOrphaned
		if it.Position != nil {
			f.Position = *it.Position
		}
	case readingroom.AnchorFuzzy:
		p.outcome = ItemFuzzy
	default:
		// No paragraph came with it, so Reanchor finds its exact words
		// "moved": where they are is where it is saved here. They moved
		// if the export said they stood elsewhere.
		if it.Position != nil && f.Position != *it.Position {
			p.outcome = ItemMoved
		}
		f.Anchor = readingroom.AnchorExact
	}
	row.anchor = f
	row.paragraph = f.ParagraphID
	if f.Anchor != readingroom.AnchorOrphaned {
		row.around = text.QuoteAt(f.Position)
	}
	return p, nil
}

// addItem adds a placed item to the reader's list, unless the list has
// it already.
func addItem(ctx context.Context, tx *sql.Tx, userID int64, p placedItem, now time.Time) (ImportResult, error) {
	p.row.userID = userID
	id, err := existingItem(ctx, tx, userID, p.row)
	if err != nil {
		return ImportResult{}, err
	}
	if id != 0 {
		return ImportResult{Outcome: ItemAlreadyThere, ID: id}, nil
	}
	if id, err = insertItem(ctx, tx, p.row, now); err != nil {
		return ImportResult{}, err
	}
	return ImportResult{Outcome: p.outcome, ID: id}, nil
}
