package web

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/templates"
)

// Limits of a list import: store.MaxImportItems items, and a body in
// which that many items with notes of 6,000 characters fit.
const (
	maxListImportBytes = 32 << 20
	maxListImportItems = store.MaxImportItems
)

// apiImportList is POST /api/list/import: it takes back what
// /api/list/export.json gave (from this room or another) and restores it
// into the reader's list. It answers with what became of each item;
// items whose article is not in this room are kept and reported.
func (s *server) apiImportList(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxListImportBytes)
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		s.fail(w, r, bodyError(err))
		return
	}
	items, res, err := s.importList(r, raw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := apiListImportReport{Items: make([]apiImportedItem, len(res))}
	for i, x := range res {
		out.Items[i] = apiImportedItem{Index: i, Outcome: string(x.Outcome), ID: x.ID, Article: items[i].Slug}
		switch x.Outcome {
		case store.ItemRestored:
			out.Restored++
		case store.ItemMoved:
			out.Moved++
		case store.ItemFuzzy:
			out.Fuzzy++
		case store.ItemArticleMissing:
			out.ArticleMissing++
		case store.ItemOrphaned:
			out.Orphaned++
		case store.ItemAlreadyThere:
			out.AlreadyThere++
		}
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

// bodyError is the error for a list to import that could not be read:
// too large, or cut off.
func bodyError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return readingroom.Errorf(readingroom.ETOOLARGE, "A list to import can be at most %d MiB.", maxListImportBytes>>20)
	}
	return readingroom.Errorf(readingroom.EINVALID, "The list could not be read.")
}

// importList reads raw, a list exported as Web Annotations, and restores
// it into the signed-in reader's list: the items read, and what became of
// each.
func (s *server) importList(r *http.Request, raw []byte) ([]store.ImportedItem, []store.ImportResult, error) {
	anns, err := readAnnotations(raw)
	if err != nil {
		return nil, nil, err
	}
	items := make([]store.ImportedItem, len(anns))
	for i, a := range anns {
		if items[i], err = importedItem(a); err != nil {
			var e *readingroom.Error
			if errors.As(err, &e) {
				err = readingroom.FieldErrorf(e.Code, fmt.Sprintf("items[%d].%s", i, e.Field), "Item %d: %s", i+1, e.Message)
			}
			return nil, nil, err
		}
	}
	res, err := s.db.ImportItems(r.Context(), userFrom(r.Context()).ID, items)
	return items, res, err
}

// listImportPath is the page that restores a list from a file.
const listImportPath = listPath + "/import"

// listImportForm is GET /list/import: a form to restore a list exported
// as W3C annotations, from this room or another.
func (s *server) listImportForm(w http.ResponseWriter, r *http.Request) {
	s.renderListImport(w, r, http.StatusOK, nil, "")
}

// listImportUpload is POST /list/import: the form's file, restored into
// the reader's list, and the page says what became of its items. A file
// that cannot be read is refused whole with the reason, and the form
// shown again.
func (s *server) listImportUpload(w http.ResponseWriter, r *http.Request) {
	extendDeadlines(w)
	r.Body = http.MaxBytesReader(w, r.Body, maxListImportBytes+64<<10) // the file, and the form around it
	raw, err := readListFile(r)
	var items []store.ImportedItem
	var res []store.ImportResult
	if err == nil {
		items, res, err = s.importList(r, raw)
	}
	if err != nil {
		if statusOf(err) == http.StatusInternalServerError {
			s.fail(w, r, err)
			return
		}
		s.renderListImport(w, r, statusOf(err), nil, readingroom.ErrorMessage(err))
		return
	}
	report := &templates.ListImportReport{}
	for i, x := range res {
		report.Count(string(x.Outcome))
		if x.Outcome == store.ItemArticleMissing && len(report.Missing) < 20 {
			report.Missing = append(report.Missing, cmp.Or(items[i].Title, items[i].Slug))
		}
	}
	s.renderListImport(w, r, http.StatusOK, report, "")
}

// readListFile reads the one file of the list import form.
func readListFile(r *http.Request) ([]byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, readingroom.Errorf(readingroom.EINVALID, "Choose a file to import.")
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, readingroom.Errorf(readingroom.EINVALID, "Choose a file to import.")
		}
		if err != nil {
			return nil, bodyError(err)
		}
		if part.FormName() != "file" {
			continue
		}
		raw, err := io.ReadAll(part)
		if err != nil {
			return nil, bodyError(err)
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			return nil, readingroom.Errorf(readingroom.EINVALID, "The file is empty. Choose the list you exported (export.json).")
		}
		return raw, nil
	}
}

func (s *server) renderListImport(w http.ResponseWriter, r *http.Request, status int, report *templates.ListImportReport, problem string) {
	p := templates.ListImportPage{
		Page:     s.page(r, "Import a list", ""),
		Report:   report,
		Problem:  problem,
		MaxItems: maxListImportItems,
		MaxMiB:   maxListImportBytes >> 20,
	}
	p.NoIndex = true
	noStore(w)
	if err := s.render(w, r, status, templates.ListImport(p)); err != nil {
		s.fail(w, r, err)
	}
}

type apiListImportReport struct {
	// Restored, Moved, Fuzzy, ArticleMissing and Orphaned items were added
	// to the list (see store.ImportOutcome); AlreadyThere ones were in it.
	Restored       int               `json:"restored"`
	Moved          int               `json:"moved"`
	Fuzzy          int               `json:"fuzzy"`
	ArticleMissing int               `json:"article_missing"`
	Orphaned       int               `json:"orphaned"`
	AlreadyThere   int               `json:"already_there"`
	Items          []apiImportedItem `json:"items"`
}

type apiImportedItem struct {
	Index   int    `json:"index"`
	Outcome string `json:"outcome"`
	ID      int64  `json:"id"`
	Article string `json:"article"`
}

// annoIn is an annotation as the import reads it: the parts of the model
// the export writes, each in any of the shapes the model allows (one
// value or an array; a resource by address or as an object). Other
// properties, which other tools may add, are passed over.
type annoIn struct {
	Type       json.RawMessage `json:"type"`
	Motivation json.RawMessage `json:"motivation"`
	Created    string          `json:"created"`
	Body       json.RawMessage `json:"body"`
	BodyValue  *string         `json:"bodyValue"`
	Target     json.RawMessage `json:"target"`
}

// readAnnotations reads a collection (as the export writes it), a page,
// an array of annotations or one annotation.
func readAnnotations(raw []byte) ([]annoIn, error) {
	raw = bytes.TrimSpace(raw)
	bad := func(format string, args ...any) error {
		return readingroom.Errorf(readingroom.EINVALID, format, args...)
	}
	if len(raw) == 0 {
		return nil, bad("The body is empty: send the list as /api/list/export.json gives it.")
	}
	if !json.Valid(raw) {
		return nil, bad("The body is not valid JSON.")
	}
	var anns []annoIn
	if raw[0] == '[' {
		if err := json.Unmarshal(raw, &anns); err != nil {
			return nil, bad("Send an array of annotations, as objects.")
		}
	} else {
		var top struct {
			Type  json.RawMessage `json:"type"`
			First *struct {
				Items []annoIn `json:"items"`
			} `json:"first"`
			Items []annoIn `json:"items"`
		}
		if err := json.Unmarshal(raw, &top); err != nil {
			return nil, bad("Send the list as /api/list/export.json gives it: an AnnotationCollection.")
		}
		switch {
		case hasType(top.Type, "AnnotationCollection") && top.First != nil:
			anns = top.First.Items
		case hasType(top.Type, "AnnotationPage"):
			anns = top.Items
		case hasType(top.Type, "Annotation"):
			var one annoIn
			if err := json.Unmarshal(raw, &one); err != nil {
				return nil, bad("The annotation could not be read.")
			}
			anns = []annoIn{one}
		default:
			return nil, bad("Send an AnnotationCollection, an AnnotationPage or an Annotation of the W3C Web Annotation Data Model.")
		}
	}
	if len(anns) > maxListImportItems {
		return nil, readingroom.Errorf(readingroom.ETOOLARGE,
			"A list to import can have at most %d items; this one has %d. Import it in parts: what your list has already is left as it is.",
			maxListImportItems, len(anns))
	}
	return anns, nil
}

// hasType reports whether a "type" (a string or an array of them) is t.
func hasType(raw json.RawMessage, t string) bool {
	for _, s := range stringOrList(raw) {
		if s == t {
			return true
		}
	}
	return false
}

func stringOrList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

// objectOrList reads one JSON value, or each value of an array.
func objectOrList(raw json.RawMessage) []json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] == '[' {
		var many []json.RawMessage
		_ = json.Unmarshal(raw, &many)
		return many
	}
	return []json.RawMessage{raw}
}

// importedItem makes an item from an annotation. Its error names the
// field at fault, within the annotation.
func importedItem(a annoIn) (store.ImportedItem, error) {
	unprocessable := func(field, format string, args ...any) error {
		return readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, field, format, args...)
	}
	var it store.ImportedItem
	if !hasType(a.Type, "Annotation") {
		return it, unprocessable("type", "It is not an Annotation.")
	}
	if a.Created != "" {
		t, err := time.Parse(time.RFC3339, a.Created)
		if err != nil {
			return it, unprocessable("created", "The date %q is not an RFC 3339 date and time.", excerpt(a.Created, 40))
		}
		it.Created = t.UTC()
	}
	readBodies(a, &it)
	targets := objectOrList(a.Target)
	if len(targets) != 1 {
		return it, unprocessable("target", "An annotation to import has one target, an article of a reading room.")
	}
	source, title, selectors, err := readTarget(targets[0])
	if err != nil {
		return it, err
	}
	if it.Slug, err = slugOfURL(source); err != nil {
		return it, err
	}
	it.Title = title
	return it, readSelectors(selectors, &it)
}

// readBodies gives it the note, tags and state of a's bodies: each
// TextualBody is a tag (purpose tagging), the state (classifying, when it
// names one) or a part of the note; bodies by reference or of other kinds
// are not the room's and are passed over.
func readBodies(a annoIn, it *store.ImportedItem) {
	if a.BodyValue != nil {
		it.Note = *a.BodyValue
	}
	var notes []string
	for _, b := range objectOrList(a.Body) {
		var body struct {
			Type    json.RawMessage `json:"type"`
			Value   *string         `json:"value"`
			Purpose json.RawMessage `json:"purpose"`
		}
		if json.Unmarshal(b, &body) != nil || !hasType(body.Type, "TextualBody") || body.Value == nil {
			continue // a body by reference, or of another kind: not the room's
		}
		switch {
		case hasType(body.Purpose, "tagging"):
			it.Tags = append(it.Tags, *body.Value)
		case hasType(body.Purpose, "classifying") && readingroom.ItemState(*body.Value).Valid():
			it.State = readingroom.ItemState(*body.Value)
		default:
			notes = append(notes, *body.Value)
		}
	}
	if len(notes) > 0 {
		if it.Note != "" {
			notes = append([]string{it.Note}, notes...)
		}
		it.Note = strings.Join(notes, "\n\n")
	}
}

// readSelectors makes it a passage when a TextQuoteSelector names its
// words, with a TextPositionSelector as a hint; without one, it stays an
// article.
func readSelectors(selectors []json.RawMessage, it *store.ImportedItem) error {
	it.Kind = readingroom.ItemArticle
	for _, sel := range selectors {
		var s struct {
			Type   json.RawMessage `json:"type"`
			Exact  *string         `json:"exact"`
			Prefix string          `json:"prefix"`
			Suffix string          `json:"suffix"`
			Start  *int            `json:"start"`
			End    *int            `json:"end"`
		}
		if json.Unmarshal(sel, &s) != nil {
			return readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "target.selector", "A selector could not be read.")
		}
		switch {
		case hasType(s.Type, "TextQuoteSelector") && s.Exact != nil:
			it.Kind = readingroom.ItemPassage
			it.Quote = readingroom.Quote{Exact: *s.Exact, Prefix: s.Prefix, Suffix: s.Suffix}
		case hasType(s.Type, "TextPositionSelector") && s.Start != nil && s.End != nil:
			it.Position = &readingroom.Position{Start: *s.Start, End: *s.End}
		}
	}
	return nil
}

// readTarget reads a target: an address, a resource, or a Specific
// Resource with its source and selectors.
func readTarget(raw json.RawMessage) (source, title string, selectors []json.RawMessage, err error) {
	var addr string
	if json.Unmarshal(raw, &addr) == nil {
		return addr, "", nil, nil
	}
	var t struct {
		ID       string          `json:"id"`
		Title    string          `json:"dcterms:title"`
		Source   json.RawMessage `json:"source"`
		Selector json.RawMessage `json:"selector"`
	}
	if json.Unmarshal(raw, &t) != nil {
		return "", "", nil, readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "target", "The target could not be read.")
	}
	if len(t.Source) == 0 {
		return t.ID, t.Title, nil, nil
	}
	if json.Unmarshal(t.Source, &addr) == nil {
		return addr, t.Title, objectOrList(t.Selector), nil
	}
	var src struct {
		ID    string `json:"id"`
		Title string `json:"dcterms:title"`
	}
	if json.Unmarshal(t.Source, &src) != nil {
		return "", "", nil, readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "target.source", "The target's source could not be read.")
	}
	return src.ID, src.Title, objectOrList(t.Selector), nil
}

// slugOfURL finds the article's slug in the address of an article of a
// reading room, this one or another: .../a/{slug}, or a paragraph of it.
func slugOfURL(s string) (string, error) {
	u, err := url.Parse(s)
	i := -1
	if err == nil {
		i = strings.LastIndex(u.Path, "/a/")
	}
	if i < 0 {
		return "", readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "target.source", "%q is not the address of an article of a reading room.", excerpt(s, 60))
	}
	slug, _, _ := strings.Cut(u.Path[i+len("/a/"):], "/")
	if slug == "" {
		return "", readingroom.FieldErrorf(readingroom.EUNPROCESSABLE, "target.source", "%q names no article.", excerpt(s, 60))
	}
	return slug, nil
}
