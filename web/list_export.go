package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// A reader's list leaves the room in open formats: Markdown to read, the
// W3C Web Annotation Data Model to take elsewhere (and back, with
// /api/list/import), and an Atom feed at a secret address for a feed
// reader.

// allItems is every item of the reader's list, newest first.
func (s *server) allItems(r *http.Request, userID int64) ([]store.ListItem, error) {
	items, _, err := s.db.List(r.Context(), userID, store.ListFilter{})
	return items, err
}

// articleGroup is one article's items, for the Markdown export.
type articleGroup struct {
	article store.ItemArticle
	saved   *store.ListItem // the article itself, if saved
	items   []store.ListItem
}

// groupByArticle groups items by article: articles in the order their
// newest item comes, passages in the order they stand in the article (the
// orphaned last).
func groupByArticle(items []store.ListItem) []*articleGroup {
	var groups []*articleGroup
	by := map[string]*articleGroup{}
	for _, it := range items {
		g := by[it.Article.Slug]
		if g == nil {
			g = &articleGroup{article: it.Article}
			by[it.Article.Slug] = g
			groups = append(groups, g)
		}
		if it.Kind == readingroom.ItemArticle {
			g.saved = &it
			continue
		}
		g.items = append(g.items, it)
	}
	for _, g := range groups {
		slices.SortStableFunc(g.items, func(a, b store.ListItem) int {
			ao, bo := a.Found.Anchor == readingroom.AnchorOrphaned, b.Found.Anchor == readingroom.AnchorOrphaned
			if ao != bo {
				if ao {
					return 1
				}
				return -1
			}
			return cmp.Compare(a.Found.Position.Start, b.Found.Position.Start)
		})
	}
	return groups
}

// exportMarkdown is /list/export.md and /api/list/export.md.
func (s *server) exportMarkdown(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	items, err := s.allItems(r, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body := listMarkdown(s.baseURL(r), u.Name, time.Now(), items)
	download(w, "text/markdown; charset=utf-8", "reading-list.md", []byte(body))
}

// download answers with body as a file to save under name.
func download(w http.ResponseWriter, ctype, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	noStore(w)
	_, _ = w.Write(body)
}

// listMarkdown writes a reader's list as Markdown: one section per
// article, each passage a block quote followed by its note, tags, state
// and permalink. Everything from the room or the reader is escaped, so a
// note is text, never markup.
func listMarkdown(base, owner string, now time.Time, items []store.ListItem) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "# Reading list of %s\n\n", mdEscape(owner))
	fmt.Fprintf(&sb, "Exported from %s on %s: %s.\n", base, now.UTC().Format("2 January 2006"), itemCount(len(items)))
	for _, g := range groupByArticle(items) {
		sb.WriteString("\n## ")
		if g.article.Missing {
			sb.WriteString(mdEscape(g.article.Title) + " (no longer in this room)\n")
		} else {
			fmt.Fprintf(&sb, "[%s](%s)\n", mdEscape(g.article.Title), base+articlePath(g.article.Slug))
		}
		if g.saved != nil {
			// As for a passage: the reader's note, then the facts.
			mdNote(&sb, g.saved.Note)
			sb.WriteString("\n")
			mdFacts(&sb, base, *g.saved, "Saved")
		}
		for _, it := range g.items {
			sb.WriteString("\n")
			mdQuote(&sb, it.Quote.Exact)
			switch it.Found.Anchor {
			case readingroom.AnchorOrphaned:
				if !it.Article.Missing {
					sb.WriteString("\n*No longer in the article.*\n")
				}
			case readingroom.AnchorFuzzy:
				sb.WriteString("\nThe article now reads:\n\n")
				mdQuote(&sb, it.Found.Text)
			}
			mdNote(&sb, it.Note)
			sb.WriteString("\n")
			mdFacts(&sb, base, it, "Passage")
		}
	}
	return sb.String()
}

func itemCount(n int) string {
	if n == 1 {
		return "1 item"
	}
	return strconv.Itoa(n) + " items"
}

// mdFacts writes an item's line of facts: what, when, state, tags, link.
func mdFacts(sb *strings.Builder, base string, it store.ListItem, what string) {
	facts := []string{what + " " + it.Created.UTC().Format("2 January 2006"), string(it.State)}
	if len(it.Tags) > 0 {
		tags := make([]string, len(it.Tags))
		for i, t := range it.Tags {
			tags[i] = mdEscape(t)
		}
		facts = append(facts, "tags: "+strings.Join(tags, ", "))
	}
	if it.Kind == readingroom.ItemPassage && it.Found.Anchor != readingroom.AnchorOrphaned {
		facts = append(facts, "[permalink]("+mdURL(itemURL(base, it))+")")
	}
	sb.WriteString("*" + strings.Join(facts, " · ") + "*\n")
}

func mdQuote(sb *strings.Builder, text string) {
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if line = strings.TrimSpace(line); line == "" {
			sb.WriteString(">\n")
			continue
		}
		sb.WriteString("> " + mdEscape(line) + "\n")
	}
}

func mdNote(sb *strings.Builder, note string) {
	if note == "" {
		return
	}
	sb.WriteString("\n")
	for i, para := range strings.Split(note, "\n\n") {
		if i > 0 {
			sb.WriteString("\n")
		}
		// A single line break in a note is kept: two spaces end the line.
		lines := strings.Split(strings.TrimSpace(para), "\n")
		for j, line := range lines {
			sb.WriteString(mdEscape(line))
			if j < len(lines)-1 {
				sb.WriteString("  ")
			}
			sb.WriteString("\n")
		}
	}
}

// mdEscape escapes what Markdown would read as markup: inline markers
// anywhere, and block markers at the start of a line.
func mdEscape(s string) string {
	var sb strings.Builder
	for i, r := range s {
		if strings.ContainsRune("\\`*_[]<>|", r) {
			sb.WriteByte('\\')
		} else if i == 0 && strings.ContainsRune("#+-=>~", r) {
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	out := sb.String()
	// "1. " at the start of a line would begin a numbered list.
	if j := strings.IndexFunc(out, func(r rune) bool { return r < '0' || r > '9' }); j > 0 && strings.HasPrefix(out[j:], ". ") {
		out = out[:j] + "\\" + out[j:]
	}
	return out
}

// mdURL makes a URL safe inside a Markdown link's parentheses.
func mdURL(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(u)
}

// The W3C Web Annotation Data Model, as JSON-LD.

// AnnoContext is the JSON-LD context of the model.
const AnnoContext = "http://www.w3.org/ns/anno.jsonld"

type annoCollection struct {
	Context string   `json:"@context"`
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Label   string   `json:"label"`
	Total   int      `json:"total"`
	First   annoPage `json:"first"`
}

type annoPage struct {
	ID         string       `json:"id"`
	Type       string       `json:"type"`
	StartIndex int          `json:"startIndex"`
	Items      []annotation `json:"items"`
}

type annotation struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	Motivation string         `json:"motivation"`
	Created    string         `json:"created"`
	Modified   string         `json:"modified"`
	Body       []annoBody     `json:"body"`
	Target     annoTargetJSON `json:"target"`
}

type annoBody struct {
	Type    string `json:"type"`
	Value   string `json:"value"`
	Format  string `json:"format,omitempty"`
	Purpose string `json:"purpose"`
}

// annoResource is the article: an External Web Resource, with its title
// (dcterms:title, a term the model's context defines the prefix of).
type annoResource struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Format string `json:"format"`
	Title  string `json:"dcterms:title"`
}

// annoTargetJSON is a target: the article itself (a bookmark) or a
// Specific Resource, the article with selectors (a passage).
type annoTargetJSON struct {
	*annoResource
	*annoSpecific
}

type annoSpecific struct {
	Type     string         `json:"type"`
	Source   annoResource   `json:"source"`
	Selector []annoSelector `json:"selector"`
}

type annoSelector struct {
	Type   string `json:"type"`
	Exact  string `json:"exact,omitempty"`
	Prefix string `json:"prefix,omitempty"`
	Suffix string `json:"suffix,omitempty"`
	Start  *int   `json:"start,omitempty"`
	End    *int   `json:"end,omitempty"`
}

func (t annoTargetJSON) MarshalJSON() ([]byte, error) {
	if t.annoSpecific != nil {
		return json.Marshal(t.annoSpecific)
	}
	return json.Marshal(t.annoResource)
}

// annotationsOf writes a reader's list as an AnnotationCollection: one
// annotation per item. A passage targets its article with a
// TextQuoteSelector (as saved) and a TextPositionSelector (where it
// stands; none when that is not known: orphaned, or its article
// missing), and is "highlighting", or "commenting" when it has a note; an
// article is a "bookmarking" of it. The note is a TextualBody (plain
// text, purpose commenting), each tag one (purpose tagging), and the
// reading state one (purpose classifying: unread, read or archived).
func annotationsOf(base, owner string, items []store.ListItem) annoCollection {
	c := annoCollection{
		Context: AnnoContext,
		ID:      base + "/list/export.json",
		Type:    "AnnotationCollection",
		Label:   "Reading list of " + owner,
		Total:   len(items),
		First:   annoPage{ID: base + "/list/export.json#page-1", Type: "AnnotationPage", Items: make([]annotation, 0, len(items))},
	}
	for _, it := range items {
		a := annotation{
			ID:       base + "/api/list/" + itoa(it.ID),
			Type:     "Annotation",
			Created:  it.Created.UTC().Format(time.RFC3339),
			Modified: it.Updated.UTC().Format(time.RFC3339),
			Body:     []annoBody{},
		}
		if it.Note != "" {
			a.Body = append(a.Body, annoBody{Type: "TextualBody", Value: it.Note, Format: "text/plain", Purpose: "commenting"})
		}
		for _, t := range it.Tags {
			a.Body = append(a.Body, annoBody{Type: "TextualBody", Value: t, Purpose: "tagging"})
		}
		a.Body = append(a.Body, annoBody{Type: "TextualBody", Value: string(it.State), Purpose: "classifying"})
		source := annoResource{ID: base + articlePath(it.Article.Slug), Type: "Text", Format: "text/html", Title: it.Article.Title}
		if it.Kind == readingroom.ItemArticle {
			a.Motivation = "bookmarking"
			a.Target = annoTargetJSON{annoResource: &source}
		} else {
			a.Motivation = "highlighting"
			if it.Note != "" {
				a.Motivation = "commenting"
			}
			sels := []annoSelector{{Type: "TextQuoteSelector", Exact: it.Quote.Exact, Prefix: it.Quote.Prefix, Suffix: it.Quote.Suffix}}
			// Where an orphaned passage, or one whose article is missing,
			// stands is not known: it gets no position.
			if it.Found.Anchor != readingroom.AnchorOrphaned && !it.Article.Missing {
				start, end := it.Found.Position.Start, it.Found.Position.End
				sels = append(sels, annoSelector{Type: "TextPositionSelector", Start: &start, End: &end})
			}
			a.Target = annoTargetJSON{annoSpecific: &annoSpecific{Type: "SpecificResource", Source: source, Selector: sels}}
		}
		c.First.Items = append(c.First.Items, a)
	}
	return c
}

// exportAnnotations is /list/export.json and /api/list/export.json.
func (s *server) exportAnnotations(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	items, err := s.allItems(r, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := json.MarshalIndent(annotationsOf(s.baseURL(r), u.Name, items), "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	download(w, `application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`, "reading-list.jsonld", append(body, '\n'))
}

// The list as an Atom feed (RFC 4287).

const atomNS = "http://www.w3.org/2005/Atom"

// feedEntries is how many items, the newest, the feed holds.
const feedEntries = 50

type atomFeed struct {
	XMLName   xml.Name    `xml:"feed"`
	NS        string      `xml:"xmlns,attr"`
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Links     []atomLink  `xml:"link"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Content    atomContent    `xml:"content"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// tagURI makes a tag: URI (RFC 4151), the permanent id of the feed or an
// entry, from the room's host and the day the reader's account began.
func tagURI(base string, since time.Time, specific string) string {
	host := base
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "tag:" + host + "," + since.UTC().Format(time.DateOnly) + ":" + specific
}

// listFeed writes a reader's newest items as an Atom feed.
func listFeed(ctx context.Context, base, self string, owner *readingroom.User, items []store.ListItem) (atomFeed, error) {
	f := atomFeed{
		NS:        atomNS,
		ID:        tagURI(base, owner.Created, "reading-list/"+itoa(owner.ID)),
		Title:     "Reading list of " + owner.Name,
		Updated:   owner.Created.UTC().Format(time.RFC3339),
		Author:    atomPerson{Name: owner.Name},
		Links:     []atomLink{{Rel: "self", Type: "application/atom+xml", Href: self}, {Rel: "alternate", Type: "text/html", Href: base + listPath}},
		Generator: "Reading Room",
	}
	for _, it := range items[:min(len(items), feedEntries)] {
		if u := it.Updated.UTC().Format(time.RFC3339); u > f.Updated {
			f.Updated = u
		}
		e := atomEntry{
			ID:        tagURI(base, owner.Created, "reading-list/"+itoa(owner.ID)+"/item/"+itoa(it.ID)),
			Title:     it.Article.Title,
			Updated:   it.Updated.UTC().Format(time.RFC3339),
			Published: it.Created.UTC().Format(time.RFC3339),
		}
		if u := itemURL(base, it); u != "" {
			e.Links = []atomLink{{Rel: "alternate", Type: "text/html", Href: u}}
		}
		for _, t := range it.Tags {
			e.Categories = append(e.Categories, atomCategory{Term: t})
		}
		if it.Kind == readingroom.ItemPassage {
			e.Title = "“" + excerpt(it.Quote.Exact, 80) + "” — " + it.Article.Title
		}
		var content strings.Builder
		if err := templates.FeedContent(templates.FeedEntry{
			Passage: it.Kind == readingroom.ItemPassage, Quote: it.Quote.Exact, Anchor: it.Found.Anchor, Now: it.Found.Text,
			ArticleMissing: it.Article.Missing, Note: it.Note, State: it.State,
		}).Render(ctx, &content); err != nil {
			return atomFeed{}, err
		}
		e.Content = atomContent{Type: "html", Body: content.String()}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

// feed is /list/feed/{secret}.atom. It needs no session: the secret is
// the key, and one the reader replaced, or never had, is a 404.
func (s *server) feed(w http.ResponseWriter, r *http.Request) {
	secret := chi.URLParam(r, "secret")
	owner, err := s.db.FeedOwner(r.Context(), secret)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, _, err := s.db.List(r.Context(), owner.ID, store.ListFilter{Limit: feedEntries})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := s.baseURL(r)
	feed, err := listFeed(r.Context(), base, base+feedPath(secret), owner, items)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		s.fail(w, r, err)
		return
	}
	buf.WriteByte('\n')
	h := w.Header()
	h.Set("Content-Type", "application/atom+xml; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("X-Robots-Tag", "noindex")
	noStore(w)
	_, _ = w.Write(buf.Bytes())
}

// feedPath is the path of the feed with secret.
func feedPath(secret string) string { return feedPrefix + url.PathEscape(secret) + ".atom" }

// feedPrefix starts every feed's address; what follows it is a secret.
const feedPrefix = "/list/feed/"
