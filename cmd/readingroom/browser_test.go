package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump/dumptest"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/web"
	"github.com/readingroom/readingroom/web/browsertest"
)

func browser(t *testing.T) context.Context { return browsertest.New(t) }

// room serves a reading room with the test dumps imported.
func room(t *testing.T) *httptest.Server {
	t.Helper()
	srv, _ := roomDB(t)
	return srv
}

// roomDB is room, and its database: the built-in guide (which leaves the
// library once the dumps are in), the test dumps and the seeds.
func roomDB(t *testing.T) (*httptest.Server, *store.DB) {
	t.Helper()
	db := openDB(t, filepath.Join(t.TempDir(), "room.db"))
	if err := loadDefaultLibrary(context.Background(), db, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	imp := newImporter(db)
	paths := []string{"../../dump/testdata/dumps"}
	if len(dumptest.Seeds(t)) > 0 {
		paths = append(paths, dumptest.SeedsDir())
	}
	if sum := imp.importPaths(context.Background(), paths); sum.Stopped != nil {
		t.Fatalf("import stopped: %+v", *sum.Stopped)
	}
	h, err := web.New(web.Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, db
}

// TestBrowserLibraryToParagraph walks the path a reader takes: the library,
// an article, then a paragraph's own link, reached with the keyboard.
func TestBrowserLibraryToParagraph(t *testing.T) {
	ctx := browser(t)
	srv := room(t)

	const title = "The quiet room: why libraries still matter"
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`ol.entries`)),
		chromedp.Click(`//a[normalize-space(.)="`+title+`"]`),
		chromedp.WaitVisible(chromedp.CSS(`h1`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	h1 := eval[string](ctx, t, `document.querySelector('h1').textContent.trim()`)
	path := eval[string](ctx, t, `location.pathname`)
	if h1 != title || path != "/a/the-quiet-room-why-libraries-still-matter" {
		t.Fatalf("after clicking the title: h1 %q at %q", h1, path)
	}

	// Tab through the page until the link of the paragraph about the
	// ledger has the focus, then follow it with Enter.
	pid := eval[string](ctx, t, `[...document.querySelectorAll('.article-body p[id]')].find(p => p.textContent.includes("Its librarian kept a ledger")).id.slice(2)`)
	focused := false
	for range 80 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		if eval[bool](ctx, t, `document.activeElement.matches('a') && document.activeElement.closest('[id="p-`+pid+`"]') !== null`) {
			focused = true
			break
		}
	}
	if !focused {
		t.Fatalf("the link of paragraph %s is not reachable with Tab", pid)
	}
	href := eval[string](ctx, t, `document.activeElement.getAttribute('href')`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`[aria-current="true"]`))); err != nil {
		t.Fatal(err)
	}
	path = eval[string](ctx, t, `location.pathname`)
	current := eval[string](ctx, t, `document.querySelector('[aria-current="true"]').id`)
	inView := eval[bool](ctx, t, `(() => { const r = document.getElementById('p-`+pid+`').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`)
	want := "/a/the-quiet-room-why-libraries-still-matter/p/" + pid
	if !strings.HasPrefix(href, want) || path != want {
		t.Errorf("paragraph link %q led to %q, want %q", href, path, want)
	}
	if current != "p-"+pid || !inView {
		t.Errorf("marked %q (want p-%s), in view %v", current, pid, inView)
	}
}

// markdownArticle is the test dump features.md: lists, code, a heading.
const markdownArticle = "/a/reading-lists-what-a-markdown-file-can-hold"

// TestBrowserMarkdownLists follows the link of a list item: the page opens
// with that item marked, in its list.
func TestBrowserMarkdownLists(t *testing.T) {
	ctx := browser(t)
	srv := room(t)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+markdownArticle),
		chromedp.WaitVisible(chromedp.CSS(`ol.list`)),
	); err != nil {
		t.Fatal(err)
	}
	shape := eval[string](ctx, t, `[...document.querySelectorAll('.article-body > ul, .article-body > ol')].map(l => l.tagName + ':' + l.querySelectorAll('li[id]').length).join(' ')`)
	if shape != "UL:5 OL:3" {
		t.Errorf("lists %q, want %q", shape, "UL:5 OL:3")
	}
	href := eval[string](ctx, t, `[...document.querySelectorAll('ol.list li')].find(li => li.textContent.includes('Open the book')).querySelector('a.pilcrow').getAttribute('href')`)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+href),
		chromedp.WaitVisible(chromedp.CSS(`li[aria-current="true"]`)),
	); err != nil {
		t.Fatal(err)
	}
	marked := eval[string](ctx, t, `document.querySelector('[aria-current="true"]').textContent`)
	value := eval[string](ctx, t, `document.querySelector('[aria-current="true"]').getAttribute('value')`)
	if !strings.Contains(marked, "Open the book.") || value != "4" {
		t.Errorf("marked item %q value %q, want the fourth, 'Open the book.'", marked, value)
	}
}

func eval[T any](ctx context.Context, t *testing.T, script string) T {
	t.Helper()
	return browsertest.Eval[T](ctx, t, script)
}

// colorScheme emulates the system's light or dark preference.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// TestBrowserScreenshots renders every kind of page at phone and desktop
// widths, in light and dark, and checks that nothing overflows the page
// sideways. With READINGROOM_SCREENSHOTS=DIR it saves the pictures there;
// docs/screenshots holds them all, made by
//
//	READINGROOM_SCREENSHOTS=$PWD/docs/screenshots go test -tags sqlite_fts5 -run TestBrowserScreenshots ./cmd/readingroom
func TestBrowserScreenshots(t *testing.T) {
	ctx := browser(t)
	srv, db := roomDB(t)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	dir := os.Getenv("READINGROOM_SCREENSHOTS")
	quiet, err := db.Article(ctx, "the-quiet-room-why-libraries-still-matter")
	if err != nil {
		t.Fatal(err)
	}
	type page struct{ name, path string }
	pages := []page{
		{"library", "/"},
		{"article", "/a/" + quiet.Slug},
		{"paragraph", "/a/" + quiet.Slug + "/p/" + quiet.Paragraphs()[1].ID},
		{"search", "/search?q=reading+room"},
		{"search-help", "/search/help"},
		{"guide", "/guide"},
		{"article-markdown", markdownArticle},
		{"signin", "/signin"},
		{"not-found", "/a/" + quiet.Slug + "/p/zzzzzzzz"},
	}
	if len(dumptest.Seeds(t)) > 0 {
		pages = append(pages, page{"article-sections", "/a/losing-momentum-how-jeremy-corbyns-support-group-ran-out-of-steam"})
	}
	// Then, signed in as an admin, the pages of an account and of a
	// reading list, with an article and two passages saved.
	signedIn := []page{
		{"account", "/account"}, {"import", "/import"},
		{"article-marked", "/a/" + quiet.Slug}, {"list", "/list"}, {"list-tags", "/list/tags"}, {"list-import", "/list/import"},
	}
	if _, err := db.CreateUser(ctx, "Ada", "a long enough password", readingroom.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	sizes := []struct {
		name          string
		width, height int64
		mobile        bool
	}{
		{"phone", 390, 844, true},
		{"desktop", 1280, 900, false},
	}
	shoot := func(pages []page) {
		for _, scheme := range []string{"light", "dark"} {
			for _, size := range sizes {
				for _, page := range pages {
					opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
					if size.mobile {
						opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
					}
					err := chromedp.Do(ctx,
						chromedp.EmulateViewport(size.width, size.height, opts...),
						colorScheme(scheme),
						chromedp.Navigate(srv.URL+page.path),
						chromedp.WaitVisible(chromedp.CSS(`main`)),
					)
					if err != nil {
						t.Fatal(err)
					}
					if eval[bool](ctx, t, `document.documentElement.scrollWidth > innerWidth`) {
						t.Errorf("%s at %s width scrolls sideways", page.name, size.name)
					}
					if page.path == markdownArticle && size.mobile && !eval[bool](ctx, t, `(() => { const c = document.querySelector('pre.code'); return c.scrollWidth > c.clientWidth && getComputedStyle(c).overflowX === 'auto'; })()`) {
						t.Errorf("the long line of code does not scroll inside its box at %s width", size.name)
					}
					png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
					if err != nil {
						t.Fatal(err)
					}
					if dir != "" {
						name := filepath.Join(dir, page.name+"-"+size.name+"-"+scheme+".png")
						if err := os.WriteFile(name, png, 0o644); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
		}
	}
	shoot(pages)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/signin"),
		chromedp.WaitVisible(chromedp.CSS(`#signin-name`)),
		chromedp.SendKeys(chromedp.CSS(`#signin-name`), "Ada"),
		chromedp.SendKeys(chromedp.CSS(`#signin-password`), "a long enough password"),
		chromedp.Submit(chromedp.CSS(`#signin-name`)),
		chromedp.WaitVisible(chromedp.CSS(`.site-account`)),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	saved, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(async () => {
		const post = (item) => fetch("/api/list", {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(item)});
		const rs = await Promise.all([
			post({article: `+strconv.Quote(quiet.Slug)+`, tags: ["libraries"]}),
			post({article: `+strconv.Quote(quiet.Slug)+`, quote: {exact: "four hundred seats"}, note: "Larger than the room at Euston.", tags: ["libraries", "numbers"]}),
			post({article: `+strconv.Quote(quiet.Slug)+`, paragraph: `+strconv.Quote(quiet.Paragraphs()[0].ID)+`, note: "Still true."}),
		]);
		return rs.every(r => r.ok);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || !saved {
		t.Fatalf("could not save to the list: %v", err)
	}
	shoot(signedIn)
}
