package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/readingroom/readingroom"
)

// ListItem is one item of a reader's list: an article, or a passage of
// one, with the reader's note, tags and state.
type ListItem struct {
	ID      int64
	Kind    readingroom.ItemKind
	Article ItemArticle
	// SavedParagraph is the paragraph a passage started in when it was
	// saved; "" for an article.
	SavedParagraph string
	// Quote is a passage's W3C TextQuoteSelector as saved.
	Quote readingroom.Quote
	// Found is where a passage was last found: its anchor, the paragraph it
	// now starts in, its position and the words there. An article's anchor
	// is exact while the article is in the room. When the anchor is
	// orphaned, ParagraphID and Text are empty and Position is where the
	// passage last stood.
	Found readingroom.Found
	// Around is the text around the passage where it was last found: its
	// prefix and suffix now (Exact is Found.Text).
	Around  readingroom.Quote
	Note    string
	Tags    []string
	State   readingroom.ItemState
	Created time.Time
	Updated time.Time
}

// ItemArticle is the article an item belongs to, as the item remembers it.
type ItemArticle struct {
	Slug  string
	Title string
	// Missing says the article is not in the room: deleted by an admin,
	// or never imported here (an item restored from another room's list).
	Missing bool
}

const itemColumns = `i.id, i.kind, i.article_id IS NULL, i.article_slug, i.article_title, i.state, i.note, i.tags,
	i.paragraph_id, i.exact, i.prefix, i.suffix, i.anchor, i.anchor_pid, i.anchor_start, i.anchor_end,
	i.anchor_text, i.anchor_prefix, i.anchor_suffix, i.created_at, i.updated_at`

func scanItem(rows interface{ Scan(...any) error }) (ListItem, error) {
	var (
		it               ListItem
		tags             string
		created, updated string
	)
	err := rows.Scan(&it.ID, &it.Kind, &it.Article.Missing, &it.Article.Slug, &it.Article.Title, &it.State,
		&it.Note, &tags, &it.SavedParagraph, &it.Quote.Exact, &it.Quote.Prefix, &it.Quote.Suffix,
		&it.Found.Anchor, &it.Found.ParagraphID, &it.Found.Position.Start, &it.Found.Position.End,
		&it.Found.Text, &it.Around.Prefix, &it.Around.Suffix, &created, &updated)
	if err != nil {
		return it, err
	}
	it.Tags = splitTagColumn(tags)
	if it.Created, err = parseTime(created); err != nil {
		return it, fmt.Errorf("item %d: created_at: %w", it.ID, err)
	}
	if it.Updated, err = parseTime(updated); err != nil {
		return it, fmt.Errorf("item %d: updated_at: %w", it.ID, err)
	}
	if it.Article.Missing {
		it.Found.Anchor = readingroom.AnchorOrphaned
	}
	if it.Found.Anchor == readingroom.AnchorOrphaned {
		it.Found.ParagraphID, it.Found.Text = "", ""
		it.Around = readingroom.Quote{}
	}
	it.Around.Exact = it.Found.Text
	return it, nil
}

// tagColumn is how list_items.tags holds an item's tags: one per line,
// which no tag contains.
func tagColumn(tags []string) string { return strings.Join(tags, "\n") }

func splitTagColumn(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// errNoItem is the one answer for an item that is not the reader's, be it
// someone else's or none at all.
func errNoItem() error {
	return readingroom.Errorf(readingroom.ENOTFOUND, "There is no such item in your list.")
}

// NewItem is what a reader asks to save: an article (no Paragraph, no
// Quote), a whole paragraph (Paragraph alone), or some words of the
// article (Quote, and the Paragraph they start in if known).
type NewItem struct {
	Slug      string
	Paragraph string
	Quote     *readingroom.Quote
	Note      string
	Tags      []string
	State     readingroom.ItemState // "" is unread
}

// cleanItemFields checks a note, tags and state as every item must have
// them.
func cleanItemFields(note string, tags []string, state readingroom.ItemState) (string, []string, readingroom.ItemState, error) {
	note, err := readingroom.CleanNote(note)
	if err != nil {
		return "", nil, "", err
	}
	if tags, err = readingroom.CleanTags(tags); err != nil {
		return "", nil, "", err
	}
	if state == "" {
		state = readingroom.StateUnread
	}
	if !state.Valid() {
		return "", nil, "", readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "state", "The state must be unread, read or archived.")
	}
	return note, tags, state, nil
}

// SaveItem saves an item to the reader's list. It returns the item and
// whether it is new: saving again an article or a passage already in the
// list changes nothing and returns the item as it is. A passage is found
// in the article's text as it is now (readingroom.ArticleText.Locate):
// words that are not in the article, an unknown article or paragraph, and
// a field that breaks the rules are EUNPROCESSABLE, naming the field.
func (db *DB) SaveItem(ctx context.Context, userID int64, n NewItem) (ListItem, bool, error) {
	note, tags, state, err := cleanItemFields(n.Note, n.Tags, n.State)
	if err != nil {
		return ListItem{}, false, err
	}
	var quote readingroom.Quote
	if n.Quote != nil {
		if quote.Exact, err = readingroom.CleanExact(n.Quote.Exact); err != nil {
			return ListItem{}, false, err
		}
		if quote.Prefix, err = readingroom.CleanContext("quote.prefix", n.Quote.Prefix); err != nil {
			return ListItem{}, false, err
		}
		if quote.Suffix, err = readingroom.CleanContext("quote.suffix", n.Quote.Suffix); err != nil {
			return ListItem{}, false, err
		}
	}
	if n.Paragraph != "" && !readingroom.ValidParagraphID(n.Paragraph) {
		return ListItem{}, false, errNoParagraph(n.Paragraph)
	}

	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return ListItem{}, false, fmt.Errorf("store: save item: %w", err)
	}
	defer tx.Rollback()
	art, err := articleForItem(ctx, tx, n.Slug)
	if err != nil {
		return ListItem{}, false, err
	}
	row := itemRow{
		userID: userID, art: art, note: note, tags: tags, state: state,
		kind: readingroom.ItemArticle, anchor: readingroom.Found{Anchor: readingroom.AnchorExact},
	}
	if n.Paragraph != "" || n.Quote != nil {
		row.kind = readingroom.ItemPassage
		if err := locatePassage(ctx, tx, art.id, n.Paragraph, n.Quote, quote, &row); err != nil {
			return ListItem{}, false, err
		}
	}
	if id, err := existingItem(ctx, tx, userID, row); err != nil || id != 0 {
		if err != nil {
			return ListItem{}, false, fmt.Errorf("store: save item: %w", err)
		}
		it, err := loadItem(ctx, tx, userID, id)
		return it, false, err
	}
	id, err := insertItem(ctx, tx, row, db.now())
	if err != nil {
		return ListItem{}, false, fmt.Errorf("store: save item: %w", err)
	}
	it, err := loadItem(ctx, tx, userID, id)
	if err != nil {
		return ListItem{}, false, err
	}
	if err := tx.Commit(); err != nil {
		return ListItem{}, false, fmt.Errorf("store: save item: %w", err)
	}
	return it, true, nil
}

func errNoParagraph(pid string) error {
	return readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "paragraph", "The article has no paragraph %q.", pid)
}

// itemArticle is the article an item is being saved to.
type itemArticle struct {
	id                  int64
	slug, title, byline string
}

func articleForItem(ctx context.Context, tx *sql.Tx, slug string) (itemArticle, error) {
	a := itemArticle{slug: slug}
	err := tx.QueryRowContext(ctx, `SELECT id, title, byline FROM articles WHERE slug = ?`, slug).Scan(&a.id, &a.title, &a.byline)
	if errors.Is(err, sql.ErrNoRows) {
		return a, readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "article", "There is no article %q in this room.", slug)
	}
	if err != nil {
		return a, fmt.Errorf("store: save item: %w", err)
	}
	return a, nil
}

// itemRow is a new row of list_items.
type itemRow struct {
	userID    int64
	art       itemArticle
	kind      readingroom.ItemKind
	note      string
	tags      []string
	state     readingroom.ItemState
	paragraph string // where saved
	quote     readingroom.Quote
	anchor    readingroom.Found
	around    readingroom.Quote // the text around anchor
	created   time.Time         // zero: now
}

// locatePassage finds the passage a reader is saving in the article's
// text and fills in row's paragraph, quote and anchor: the whole block
// paragraph when q is nil, else the words of quote, starting in
// paragraph if they do there.
func locatePassage(ctx context.Context, tx *sql.Tx, articleID int64, paragraph string, q *readingroom.Quote, quote readingroom.Quote, row *itemRow) error {
	blocks, err := loadBlocks(ctx, tx, articleID)
	if err != nil {
		return fmt.Errorf("store: save item: %w", err)
	}
	if paragraph != "" {
		ref, err := resolve(ctx, tx, articleID, paragraph)
		if readingroom.ErrorCode(err) == readingroom.ENOTFOUND || err == nil && ref.State == ParagraphDeleted {
			return errNoParagraph(paragraph)
		}
		if err != nil {
			return fmt.Errorf("store: save item: %w", err)
		}
		paragraph = ref.ID
	}
	text := readingroom.NewArticleText(blocks)
	var pos readingroom.Position
	if q == nil {
		var ok bool
		if pos, ok = text.Block(paragraph); !ok {
			return errNoParagraph(paragraph)
		}
	} else {
		f, ok := text.Locate(paragraph, quote)
		if !ok {
			return readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "quote.exact", "Those words are not in the article.")
		}
		pos = f.Position
	}
	row.quote = text.QuoteAt(pos)
	row.paragraph = text.ParagraphAt(pos.Start)
	row.anchor = readingroom.Found{Anchor: readingroom.AnchorExact, ParagraphID: row.paragraph, Position: pos, Text: row.quote.Exact}
	row.around = row.quote
	return nil
}

// existingItem returns the id of the reader's item that row would be a
// second copy of: the same article, or the same passage (the same words
// with the same context) of it; 0 when there is none.
func existingItem(ctx context.Context, tx *sql.Tx, userID int64, row itemRow) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `
		SELECT id FROM list_items
		WHERE user_id = ? AND article_slug = ? AND kind = ? AND exact = ? AND prefix = ? AND suffix = ?
		ORDER BY id LIMIT 1`,
		userID, row.art.slug, row.kind, row.quote.Exact, row.quote.Prefix, row.quote.Suffix,
	).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func insertItem(ctx context.Context, tx *sql.Tx, row itemRow, now time.Time) (int64, error) {
	var articleID any
	if row.art.id != 0 {
		articleID = row.art.id
	}
	created := now
	if !row.created.IsZero() {
		created = row.created
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO list_items (user_id, article_id, article_slug, article_title, article_byline, kind, state,
			note, tags, paragraph_id, exact, prefix, suffix, anchor, anchor_pid, anchor_start, anchor_end,
			anchor_text, anchor_prefix, anchor_suffix, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		row.userID, articleID, row.art.slug, row.art.title, row.art.byline, row.kind, row.state,
		row.note, tagColumn(row.tags), row.paragraph, row.quote.Exact, row.quote.Prefix, row.quote.Suffix,
		row.anchor.Anchor, row.anchor.ParagraphID, row.anchor.Position.Start, row.anchor.Position.End,
		row.anchor.Text, row.around.Prefix, row.around.Suffix, formatTime(created), formatTime(now))
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	return id, writeTags(ctx, tx, row.userID, id, row.tags)
}

// writeTags makes the item's rows of list_tags tags.
func writeTags(ctx context.Context, tx *sql.Tx, userID, itemID int64, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM list_tags WHERE item_id = ?`, itemID); err != nil {
		return fmt.Errorf("delete tags: %w", err)
	}
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO list_tags (item_id, user_id, key, tag) VALUES (?, ?, ?, ?)`,
			itemID, userID, readingroom.TagKey(t), t); err != nil {
			return fmt.Errorf("insert tag: %w", err)
		}
	}
	return nil
}

func loadItem(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, userID, id int64) (ListItem, error) {
	it, err := scanItem(q.QueryRowContext(ctx,
		`SELECT `+itemColumns+` FROM list_items i WHERE i.id = ? AND i.user_id = ?`, id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return ListItem{}, errNoItem()
	}
	if err != nil {
		return ListItem{}, fmt.Errorf("store: item %d: %w", id, err)
	}
	return it, nil
}

// Item returns the reader's item with id. Another reader's item is
// ENOTFOUND, exactly as an item that does not exist.
func (db *DB) Item(ctx context.Context, userID, id int64) (ListItem, error) {
	return loadItem(ctx, db.r, userID, id)
}

// ItemUpdate is what a reader may change of an item; nil fields are left
// as they are.
type ItemUpdate struct {
	Note  *string
	Tags  *[]string
	State *readingroom.ItemState
}

// UpdateItem changes the reader's item with id and returns it. Its
// updated time moves only when its note, tags or state change.
func (db *DB) UpdateItem(ctx context.Context, userID, id int64, u ItemUpdate) (ListItem, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return ListItem{}, fmt.Errorf("store: update item: %w", err)
	}
	defer tx.Rollback()
	it, err := loadItem(ctx, tx, userID, id)
	if err != nil {
		return ListItem{}, err
	}
	note, tags, state := it.Note, it.Tags, it.State
	if u.Note != nil {
		note = *u.Note
	}
	if u.Tags != nil {
		tags = *u.Tags
	}
	if u.State != nil {
		state = *u.State
		if state == "" {
			return ListItem{}, readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "state", "The state must be unread, read or archived.")
		}
	}
	if note, tags, state, err = cleanItemFields(note, tags, state); err != nil {
		return ListItem{}, err
	}
	if note == it.Note && slices.Equal(tags, it.Tags) && state == it.State {
		// Nothing changes (an empty update, or the values it has): the
		// item is not touched, and its updated time stays.
		return it, nil
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE list_items SET note = ?, tags = ?, state = ?, updated_at = ? WHERE id = ? AND user_id = ?`,
		note, tagColumn(tags), state, formatTime(db.now()), id, userID); err != nil {
		return ListItem{}, fmt.Errorf("store: update item: %w", err)
	}
	if u.Tags != nil {
		if err := writeTags(ctx, tx, userID, id, tags); err != nil {
			return ListItem{}, fmt.Errorf("store: update item: %w", err)
		}
	}
	if it, err = loadItem(ctx, tx, userID, id); err != nil {
		return ListItem{}, err
	}
	if err := tx.Commit(); err != nil {
		return ListItem{}, fmt.Errorf("store: update item: %w", err)
	}
	return it, nil
}

// DeleteItem removes the reader's item with id.
func (db *DB) DeleteItem(ctx context.Context, userID, id int64) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM list_items WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("store: delete item: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return fmt.Errorf("store: delete item: %w", err)
		}
		return errNoItem()
	}
	return nil
}

// ListFilter chooses items of a reader's list. Zero fields choose
// everything.
type ListFilter struct {
	State readingroom.ItemState
	Tag   string
	Kind  readingroom.ItemKind
	Slug  string
	// Query searches the items' quotes, notes, tags and their articles'
	// titles and bylines, in the library's query language; in: and year:
	// filter by article.
	Query readingroom.Query
	// Limit and Offset page the items, newest first; a Limit of zero or
	// less means all.
	Limit, Offset int
}

// List returns the reader's items that f chooses, newest first, and how
// many it chooses in all.
func (db *DB) List(ctx context.Context, userID int64, f ListFilter) ([]ListItem, int, error) {
	where := []string{"i.user_id = ?"}
	args := []any{userID}
	join := ""
	if f.State != "" {
		where, args = append(where, "i.state = ?"), append(args, f.State)
	}
	if f.Kind != "" {
		where, args = append(where, "i.kind = ?"), append(args, f.Kind)
	}
	if f.Slug != "" {
		where, args = append(where, "i.article_slug = ?"), append(args, f.Slug)
	}
	if f.Tag != "" {
		where = append(where, "i.id IN (SELECT item_id FROM list_tags WHERE user_id = ? AND key = ?)")
		args = append(args, userID, readingroom.TagKey(f.Tag))
	}
	q := f.Query
	if !q.Empty() {
		where = append(where, "i.id IN (SELECT rowid FROM list_fts WHERE list_fts MATCH ?)")
		args = append(args, MatchExpr(q))
	}
	if q.Slug != "" {
		where, args = append(where, "i.article_slug = ?"), append(args, q.Slug)
	}
	if q.YearFrom != 0 || q.YearTo != 0 {
		join = " JOIN articles a ON a.id = i.article_id"
		if q.YearFrom != 0 {
			where, args = append(where, "a.published >= ?"), append(args, strconv.Itoa(q.YearFrom)+"-01-01")
		}
		if q.YearTo != 0 {
			where, args = append(where, "a.published <= ?"), append(args, strconv.Itoa(q.YearTo)+"-12-31")
		}
	}
	cond := " FROM list_items i" + join + " WHERE " + strings.Join(where, " AND ")

	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, 0, fmt.Errorf("store: list: %w", err)
	}
	defer tx.Rollback()
	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*)`+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: list: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	items, err := scanRows(ctx, tx, func(rows *sql.Rows) (ListItem, error) { return scanItem(rows) },
		`SELECT `+itemColumns+cond+` ORDER BY i.id DESC LIMIT ? OFFSET ?`, append(args, limit, max(0, f.Offset))...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list: %w", err)
	}
	return items, total, nil
}

// TagCount is one of a reader's tags and how many of their items have it.
type TagCount struct {
	Tag   string
	Count int
}

// Tags returns the reader's tags, the most used first, then by name.
func (db *DB) Tags(ctx context.Context, userID int64) ([]TagCount, error) {
	tags, err := scanRows(ctx, db.r, func(rows *sql.Rows) (TagCount, error) {
		var t TagCount
		err := rows.Scan(&t.Tag, &t.Count)
		return t, err
	}, `SELECT tag, items FROM list_tag_counts WHERE user_id = ? ORDER BY items DESC, key`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: tags: %w", err)
	}
	return tags, nil
}

// Passages returns the reader's passages of the article at slug, in the
// order they stand in it.
func (db *DB) Passages(ctx context.Context, userID int64, slug string) ([]ListItem, error) {
	items, err := scanRows(ctx, db.r, func(rows *sql.Rows) (ListItem, error) { return scanItem(rows) },
		`SELECT `+itemColumns+` FROM list_items i
		WHERE i.user_id = ? AND i.article_slug = ? AND i.kind = 'passage'
		ORDER BY i.anchor = 'orphaned', i.anchor_start, i.anchor_end, i.id`, userID, slug)
	if err != nil {
		return nil, fmt.Errorf("store: passages of %q: %w", slug, err)
	}
	return items, nil
}

// SavedArticles returns, of the articles at slugs, those the reader has
// saved, with the id of the item that saved each.
func (db *DB) SavedArticles(ctx context.Context, userID int64, slugs []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(slugs) == 0 {
		return out, nil
	}
	type saved struct {
		slug string
		id   int64
	}
	rows, err := scanRows(ctx, db.r, func(rows *sql.Rows) (saved, error) {
		var s saved
		err := rows.Scan(&s.slug, &s.id)
		return s, err
	}, `SELECT article_slug, id FROM list_items WHERE user_id = ? AND kind = 'article' AND article_slug IN (`+
		placeholders(len(slugs))+`)`, append([]any{userID}, anys(slugs)...)...)
	if err != nil {
		return nil, fmt.Errorf("store: saved articles: %w", err)
	}
	for _, s := range rows {
		out[s.slug] = s.id
	}
	return out, nil
}
