package templates

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/readingroom/readingroom"
)

// ListPath is the reader's list; ListAPIPath the API that saves to it.
const (
	ListPath    = "/list"
	ListAPIPath = "/api/list"
)

// ListPage is a reader's list, one page of it, as filtered.
type ListPage struct {
	Page
	Entries []ListEntry
	Total   int // items the filters choose
	Number  int // this page, from 1
	Pages   int
	PrevURL string
	NextURL string
	Filter  ListFilter
	// Notes say what in the search was not understood.
	Notes []string
	// Empty is set when the reader has nothing in their list at all.
	Empty bool
}

// ListFilter is what the list's filters are set to, and the choices.
type ListFilter struct {
	State   string
	Kind    string
	Tag     string
	Article string
	Query   string
	Tags    []string // the reader's tags, for the choice
}

// Any reports whether any filter is set.
func (f ListFilter) Any() bool {
	return f.State != "" || f.Kind != "" || f.Tag != "" || f.Article != "" || f.Query != ""
}

// URL is the list with these filters, at page n.
func (f ListFilter) URL(n int) string {
	v := url.Values{}
	for k, x := range map[string]string{"state": f.State, "kind": f.Kind, "tag": f.Tag, "article": f.Article, "q": f.Query} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return ListPath
	}
	return ListPath + "?" + v.Encode()
}

// TagURL is the list of the items with tag.
func TagURL(tag string) string { return ListPath + "?tag=" + url.QueryEscape(tag) }

// ListEntry is one item of the list, as the list and the article page
// show it.
type ListEntry struct {
	ID           int64
	Number       int // on an article page, the passage's number there
	Kind         readingroom.ItemKind
	ArticleTitle string
	ArticleURL   string // empty when the article is gone
	// Quote is a passage's words as saved; Current the words now there,
	// when they differ (a fuzzy anchor).
	Quote   string
	Current string
	Anchor  readingroom.Anchor
	Missing bool // the article is no longer in the room
	// URL leads to the passage, marked, or to the article.
	URL         string
	Note        string
	Tags        []string
	State       readingroom.ItemState
	Saved       Moment
	ContinueURL string // where the reader stopped in the article; "" for none
	// MarkID is the id of the passage's first mark on the article page;
	// empty when it is not marked there.
	MarkID string
	// EditURL and DeleteURL take the forms; Back is where they return.
	EditURL   string
	DeleteURL string
	Back      string
}

// IsPassage reports whether the item is a passage.
func (e ListEntry) IsPassage() bool { return e.Kind == readingroom.ItemPassage }

// TagText is the tags as typed in the edit form: separated by commas.
func (e ListEntry) TagText() string { return strings.Join(e.Tags, ", ") }

// AnchorNote says, in a sentence, where a passage stands now; "" when it
// is where it was saved.
func (e ListEntry) AnchorNote() string {
	switch {
	case e.Missing:
		return "The article is no longer in this room."
	case e.Anchor == readingroom.AnchorOrphaned:
		return "These words are no longer in the article."
	case e.Anchor == readingroom.AnchorMoved:
		return "Found elsewhere in the article."
	case e.Anchor == readingroom.AnchorFuzzy:
		return "The article has changed here. It now reads:"
	}
	return ""
}

// StateName is a state as a word for readers.
func StateName(s readingroom.ItemState) string {
	switch s {
	case readingroom.StateRead:
		return "Read"
	case readingroom.StateArchived:
		return "Archived"
	}
	return "Unread"
}

// States are the states, for choices.
func States() []readingroom.ItemState { return readingroom.ItemStates }

// NoteLimit and the others are the limits the forms state.
const (
	NoteLimit = readingroom.MaxNoteLen
	TagLimit  = readingroom.MaxTags
)

// TagsPage is a reader's tags with how many items have each.
type TagsPage struct {
	Page
	Tags []TagCount
}

// TagCount is one tag and its items.
type TagCount struct {
	Tag   string
	Count int
}

// URL is the list of the tag's items.
func (t TagCount) URL() string { return TagURL(t.Tag) }

// ItemCount says how many items, in words.
func ItemCount(n int) string {
	if n == 1 {
		return "1 item"
	}
	return strconv.Itoa(n) + " items"
}

// ArticleReader is what an article page offers a signed-in reader.
type ArticleReader struct {
	Slug string
	// SavedURL is the article's items on the list once it is saved; empty
	// when it is not, and the page offers to save it.
	SavedURL    string
	ContinueURL string // where the reader stopped; empty for none
	Back        string // this page's path, for the forms to return to
	// PositionURL is where the page's script sends the paragraph reached.
	PositionURL string
	// PositionAction takes the "I stopped here" buttons.
	PositionAction string
	// Passages are the reader's passages of this article, numbered in the
	// order they stand.
	Passages []ListEntry
}

// TextPiece is a stretch of a block's text: plain, or within one or more
// of the reader's passages (a <mark>).
type TextPiece struct {
	Text   string
	Marked bool
	// Items are the passages that cover the stretch, as "12 15", and
	// Title their notes, for a pointer's tooltip.
	Items string
	Title string
	// Anchors are the ids of the passages that start here, each an
	// in-page target.
	Anchors []string
}

// PassageRef links a block to the note of a passage that ends in it.
type PassageRef struct {
	Number int
	Href   string
	Label  string
}

// ListImportPage restores a reader's list from a file of W3C annotations.
type ListImportPage struct {
	Page
	Report   *ListImportReport // nil before an upload
	Problem  string            // why the file could not be read; nothing was imported
	MaxItems int
	MaxMiB   int
}

// ListImportReport counts what became of the items of an imported list.
type ListImportReport struct {
	Restored, Moved, Fuzzy, Orphaned, ArticleMissing, AlreadyThere int
	// Missing names some of the articles not in this room.
	Missing []string
}

// Count adds one item with the outcome the store reported (restored,
// moved, fuzzy, orphaned, article_missing or already_there).
func (r *ListImportReport) Count(outcome string) {
	switch outcome {
	case "restored":
		r.Restored++
	case "moved":
		r.Moved++
	case "fuzzy":
		r.Fuzzy++
	case "orphaned":
		r.Orphaned++
	case "article_missing":
		r.ArticleMissing++
	case "already_there":
		r.AlreadyThere++
	}
}

// Added is how many items the import added to the list.
func (r ListImportReport) Added() int {
	return r.Restored + r.Moved + r.Fuzzy + r.Orphaned + r.ArticleMissing
}

// Summary is the report's first line.
func (r ListImportReport) Summary() string {
	s := "Added " + ItemCount(r.Added()) + " to your list"
	if r.AlreadyThere > 0 {
		s += "; " + ItemCount(r.AlreadyThere) + " " + were(r.AlreadyThere) + " there already"
	}
	return s + "."
}

// Lines say, one outcome a line, what became of the items added.
func (r ListImportReport) Lines() []string {
	var out []string
	add := func(n int, what string) {
		if n > 0 {
			out = append(out, ItemCount(n)+" "+what)
		}
	}
	add(r.Restored, "found just where "+pronoun(r.Restored)+" stood")
	add(r.Moved, "found elsewhere in "+their(r.Moved)+" article")
	add(r.Fuzzy, "found with changes: the article's words differ a little from the saved quote")
	add(r.Orphaned, "no longer in "+their(r.Orphaned)+" article, kept with "+their(r.Orphaned)+" quote and note")
	if r.ArticleMissing == 1 {
		add(1, "waiting: its article is not in this room yet, and joins it when an admin imports it")
	} else {
		add(r.ArticleMissing, "waiting: their articles are not in this room yet, and each joins its article when an admin imports it")
	}
	return out
}

func were(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

func pronoun(n int) string {
	if n == 1 {
		return "it"
	}
	return "they"
}

func their(n int) string {
	if n == 1 {
		return "its"
	}
	return "their"
}
