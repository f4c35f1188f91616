// Package templates renders the reading room's pages. Each page has a view
// model built by its handler; the components only lay out what they are
// given and never query anything.
package templates

import (
	"strconv"
	"strings"
	"time"

	"github.com/readingroom/readingroom"
)

// SiteName is shown in the header and at the end of every <title>.
const SiteName = "Reading Room"

// Page is what the shared layout needs from every page.
type Page struct {
	// Title is the page's own title; the layout adds the site name. Empty
	// means the site name alone.
	Title       string
	Description string
	CSSPath     string // hashed URL of the stylesheet
	IconPath    string // hashed URL of the favicon
	ScriptPath  string // hashed URL of the script, loaded with defer; empty for none
	Canonical   string // URL of the canonical page, if it differs or matters
	// Preview is what a shared link to the page shows; nil for no preview
	// tags.
	Preview *Preview
	// SearchQuery prefills the header's search box: the query a search
	// page shows results for.
	SearchQuery string
	// NoIndex asks search engines not to index the page (search results:
	// endless, and nothing an article page doesn't say better).
	NoIndex bool
	// User is who is signed in, nil for no one: the header shows their
	// name and a Sign out button, or a Sign in link.
	User *readingroom.User
	// SignInURL is the header's Sign in link, which comes back to this
	// page; empty for no link (on the sign-in page itself).
	SignInURL string
	// Path is the page's own path and query, for forms that come back to
	// it.
	Path string
}

// Preview is the Open Graph and Twitter card description of a page, which
// chat apps and social sites show when a link to it is shared. Every URL in
// it is absolute: the preview is read by a server elsewhere.
type Preview struct {
	Title       string
	Description string
	URL         string // the shared page's own URL
	Type        string // og:type, such as "article"
	Published   string // YYYY-MM-DD; empty when unknown
	Image       string // the card image
	ImageAlt    string
	ImageWidth  int
	ImageHeight int
}

// FullTitle is the text of the <title> element.
func (p Page) FullTitle() string {
	if p.Title == "" {
		return SiteName
	}
	return p.Title + " — " + SiteName
}

// Date is a calendar date ready to show: Text for people, ISO for the
// datetime attribute. The zero Date stands for an unknown date.
type Date struct {
	ISO  string // "2017-03-23"
	Text string // "23 March 2017"
}

// NewDate formats t; the zero time gives the zero Date.
func NewDate(t time.Time) Date {
	if t.IsZero() {
		return Date{}
	}
	return Date{ISO: t.Format(time.DateOnly), Text: t.Format("2 January 2006")}
}

// Known reports whether the date is set.
func (d Date) Known() bool { return d.ISO != "" }

// ReadingTime says how long words take to read, as "6 min read".
func ReadingTime(words int) string {
	return strconv.Itoa(readingroom.ReadingMinutes(words)) + " min read"
}

// Colophon is the closing line naming where an article first appeared,
// such as "First appeared in the 23 March 2017 issue of New Statesman,
// Trump's permanent revolution". It is empty when nothing is known.
func Colophon(d Date, publication, issueTitle string) string {
	s := "First appeared in"
	switch {
	case d.Known() && publication != "":
		s += " the " + d.Text + " issue of " + publication
	case d.Known():
		s += " the " + d.Text + " issue"
	case publication != "":
		s += " " + publication
	case issueTitle != "":
		s += " the issue"
	default:
		return ""
	}
	if issueTitle != "" {
		s += ", " + issueTitle
	}
	return s
}

// LibraryPage is the list of articles, newest first, one page of it.
type LibraryPage struct {
	Page
	Entries []LibraryEntry
	Total   int    // articles in the whole library
	Number  int    // this page's number, from 1
	Pages   int    // how many pages there are
	PrevURL string // newer articles; empty on the first page
	NextURL string // older articles; empty on the last page
	// SetupURL is the page that makes the first account, shown only while
	// the room has none; empty otherwise.
	SetupURL string
	// Guide says the list is the built-in guide, not the library.
	Guide bool
}

// GuidePath is the page that lists the built-in guide's articles, linked
// from every page's footer.
const GuidePath = "/guide"

// LibraryEntry is one article in the library list.
type LibraryEntry struct {
	URL  string
	Slug string
	// Reader is set when someone is signed in: the entry offers to save
	// the article (or says it is saved) and to continue it.
	Reader      bool
	Saved       bool
	ContinueURL string
	Title       string
	Standfirst  string
	Byline      string
	Date        Date
	Publication string
	ReadingTime string
}

// ArticlePage is one article, possibly with one of its blocks marked as
// the one a permalink pointed at.
type ArticlePage struct {
	Page
	Title       string
	Standfirst  string
	Byline      string
	Date        Date
	Publication string
	ReadingTime string
	// Lead is the lead image's caption, shown apart before the body; nil
	// when the article has none.
	Lead     *Block
	Books    []readingroom.Book
	Blocks   []Block // the body, without Lead
	Colophon string
	// URL is the article's absolute URL and Slug its slug; the script
	// builds shareable links from them.
	URL string
	// Removed is the block a permalink named that is no longer in the
	// article, shown in a notice at the top; nil otherwise.
	Removed *Removed
	// DeleteURL is the page that deletes the article, offered to admins
	// only; empty for everyone else.
	DeleteURL string
	// Reader is what the page offers a signed-in reader: saving, marks
	// of their passages, where they stopped. Nil for no one.
	Reader *ArticleReader
	// Outline links to the article's sections; empty for an article with
	// too few to need it.
	Outline []Link
	// Shared is the block a paragraph link points at, quoted at the top of
	// the page for a reader without the script (the script scrolls to the
	// block itself); nil on the article's own page.
	Shared *Block
	// Pager leads to the article's other pages; nil when it has one page.
	Pager *ArticlePager
}

// ArticlePager says which page of a long article is shown, and leads to
// the pages before and after it.
type ArticlePager struct {
	Number, Pages    int
	PrevURL, NextURL string // empty on the first and on the last page
}

// SharedLabel introduces the quoted block: "A paragraph from".
func (p ArticlePage) SharedLabel() string {
	if p.Shared == nil {
		return ""
	}
	return "A " + KindNoun(p.Shared.Kind) + " from"
}

// Removed is a block gone from its article, as it last read.
type Removed struct {
	Kind readingroom.BlockKind
	Text string
	// NeighbourURL is the permalink of the nearest block that remains;
	// empty when none does.
	NeighbourURL string
}

// Notice is the sentence that opens the removed-block notice.
func (r Removed) Notice() string {
	return "This " + KindNoun(r.Kind) + " has been removed from the article."
}

// KindNoun names a kind of block in a sentence: "paragraph", "caption".
func KindNoun(k readingroom.BlockKind) string {
	switch k {
	case readingroom.KindHeading:
		return "section heading"
	case readingroom.KindCaption:
		return "caption"
	case readingroom.KindAuthorNote:
		return "note"
	case readingroom.KindCorrection:
		return "correction"
	case readingroom.KindListItem:
		return "list item"
	case readingroom.KindCode:
		return "block of code"
	}
	return "paragraph"
}

// Block is one addressable block of an article body.
type Block struct {
	ID        string
	Kind      readingroom.BlockKind
	Text      string
	Number    string // a heading's or an ordered list item's printed number
	Credit    string // a caption's photo credit
	Permalink string // the block's own URL, ending in its fragment
	// URL is the block's permalink in full, for the footnotes of a
	// printed article.
	URL    string
	Marked bool // the block the page's URL points at
	// Aliases are retired ids that now live on in this block (paragraphs
	// merged into it); each is an in-page anchor too.
	Aliases []string
	// Pieces is the text cut at the signed-in reader's passages; nil when
	// none touches the block, and the text is shown as it is.
	Pieces []TextPiece
	// Refs link to the notes of the passages that end in the block.
	Refs []PassageRef
	// StopAction is set for a signed-in reader: the block offers to save
	// it, and to mark where they stopped, posting there.
	StopAction string
}

// BlockGroup is a block as the body shows it: one block on its own, or a
// run of list items shown as one list.
type BlockGroup struct {
	Blocks  []Block
	List    bool
	Ordered bool // the items are numbered
}

// groupBlocks gathers consecutive list items into lists. A numbered item
// after unnumbered ones, or the other way round, starts a new list.
func groupBlocks(bs []Block) []BlockGroup {
	var gs []BlockGroup
	for _, b := range bs {
		if b.Kind != readingroom.KindListItem {
			gs = append(gs, BlockGroup{Blocks: []Block{b}})
			continue
		}
		ordered := b.Number != ""
		if n := len(gs); n > 0 && gs[n-1].List && gs[n-1].Ordered == ordered {
			gs[n-1].Blocks = append(gs[n-1].Blocks, b)
			continue
		}
		gs = append(gs, BlockGroup{Blocks: []Block{b}, List: true, Ordered: ordered})
	}
	return gs
}

// Anchor is the value of the block's id attribute, the target of its
// permalink's fragment.
func (b Block) Anchor() string { return "p-" + b.ID }

// AliasAnchors are the id attributes that keep the block's retired ids
// working as fragments.
func (b Block) AliasAnchors() []string {
	anchors := make([]string, len(b.Aliases))
	for i, a := range b.Aliases {
		anchors[i] = "p-" + a
	}
	return anchors
}

// LinkLabel is the accessible name of the block's permalink.
func (b Block) LinkLabel() string {
	switch b.Kind {
	case readingroom.KindHeading:
		return "Link to this section"
	case readingroom.KindCaption:
		return "Link to this caption"
	case readingroom.KindAuthorNote:
		return "Link to this note"
	case readingroom.KindCorrection:
		return "Link to this correction"
	case readingroom.KindListItem:
		return "Link to this item"
	case readingroom.KindCode:
		return "Link to this code"
	}
	return "Link to this paragraph"
}

// class is the block's class attribute.
func (b Block) class(base string) string {
	if b.Marked {
		return base + " block marked"
	}
	return base + " block"
}

// ErrorPage explains, kindly, why the page asked for isn't here.
type ErrorPage struct {
	Page
	Status  int
	Heading string
	Message string
	// Article, when set, is the article a missing paragraph's link named:
	// the page links to it and offers a search in it.
	Article *ArticleRef
}

// ArticleRef names an article: its title and path.
type ArticleRef struct {
	Title string
	URL   string
	Slug  string
}

// SearchIn is the query that searches only this article.
func (a ArticleRef) SearchIn() string { return "in:" + a.Slug + " " }

// creditLine says whose a picture is: "Photograph: Jane Bown". A credit
// that already says what it credits ("Photo: ...", "Illustration by ...")
// is left as it is.
func creditLine(credit string) string {
	lower := strings.ToLower(credit)
	for _, p := range []string{"photo", "picture", "image", "illustration", "artwork", "drawing", "credit", "©", "copyright"} {
		if strings.HasPrefix(lower, p) {
			return credit
		}
	}
	return "Photograph: " + credit
}
