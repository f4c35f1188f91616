package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserSearch searches as a person does: types in the header's
// box, presses Enter, clicks the first snippet and expects to land on
// that paragraph, in view and marked.
func TestBrowserSearch(t *testing.T) {
	ctx := browserContext(t)
	db := openStore(t)
	lanterns(t, db, 3) // something else in the library
	a := longArticle()
	save(t, db, a)
	srv, _ := serve(t, db, Config{})
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	war := a.Blocks[30]

	t.Run("type, press Enter, click a snippet", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Navigate(srv.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS(`#site-search-q`)),
			chromedp.SendKeys(chromedp.CSS(`#site-search-q`), "sirens"+kb.Enter),
			chromedp.WaitVisible(chromedp.CSS(`.result .hit-link`)),
		); err != nil {
			t.Fatal(err)
		}
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if u, _ := url.Parse(loc); u.Path != "/search" || u.Query().Get("q") != "sirens" {
			t.Fatalf("the form went to %s", loc)
		}
		if got := eval[string](ctx, t, `document.querySelector('.result .hit-link mark').textContent`); got != "sirens" {
			t.Errorf("first snippet marks %q, want sirens", got)
		}
		if got := eval[string](ctx, t, `document.getElementById('site-search-q').value`); got != "sirens" {
			t.Errorf("search box holds %q after the search", got)
		}

		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`.result .hit-link`)),
			chromedp.WaitVisible(chromedp.CSS(`article.article`)),
		); err != nil {
			t.Fatal(err)
		}
		loc, err = chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if want := srv.URL + "/a/" + a.Slug + "/p/" + war.ID + "#p-" + war.ID; loc != want {
			t.Errorf("landed on %s, want %s", loc, want)
		}
		waitFor(ctx, t, "the matched paragraph in view", inView("p-"+war.ID, "sirens"))
		if got := eval[string](ctx, t, `document.querySelector('[aria-current="true"]')?.id ?? ""`); got != "p-"+war.ID {
			t.Errorf("marked %q, want p-%s", got, war.ID)
		}
	})

	t.Run("nothing spills sideways on a phone", func(t *testing.T) {
		paths := []string{
			"/search?q=sirens",
			"/search?q=" + url.QueryEscape(strings.Repeat("unbreakablewordwithoutanyspaces", 40)),
			"/search?q=" + url.QueryEscape("sirens -"+strings.Repeat("x", 300)),
			"/search",
			"/search/help",
		}
		for _, p := range paths {
			if err := chromedp.Do(ctx,
				chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch),
				chromedp.Navigate(srv.URL+p),
				chromedp.WaitVisible(chromedp.CSS(`main`)),
			); err != nil {
				t.Fatal(err)
			}
			if eval[bool](ctx, t, `document.documentElement.scrollWidth > innerWidth`) {
				t.Errorf("%.60s scrolls sideways at phone width", p)
			}
		}
	})
}
