package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
	"github.com/readingroom/readingroom/web/browsertest"
)

// Every kind of page, signed out and signed in, light and dark, at phone
// and desktop widths, has no accessibility violation of serious or
// critical impact by axe-core's rules (WCAG 2.2 AA among them).
func TestBrowserAccessibility(t *testing.T) {
	ctx := browserContext(t)
	rm := newRoom(t, Config{}, true)
	save(t, rm.db, longArticle())
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	a := rm.article
	caption := a.Blocks[0] // the review opens with a caption
	if caption.Kind != readingroom.KindCaption {
		t.Fatalf("fixture: first block is a %s", caption.Kind)
	}
	signedOut := []string{
		"/",
		"/a/" + a.Slug,
		"/a/" + a.Slug + "/p/" + a.Blocks[1].ID,
		"/a/" + a.Slug + "/p/" + caption.ID,
		"/a/" + a.Slug + "/p/zzzzzzzz",
		"/a/the-dome-and-the-ledger",
		"/search",
		"/search?q=lamps",
		"/search?q=nothingatallmatchesthis",
		"/search/help",
		"/guide",
		"/signin",
		"/no/such/page",
	}
	signedIn := []string{
		"/",
		"/a/" + a.Slug, // with Ada's passages marked and their notes
		"/account",
		"/import",
		"/list",
		"/list?q=nothingatallmatchesthis",
		"/list/tags",
		"/list/import",
	}
	// Ada's list: the article, a passage with a note and tags, and a
	// passage since orphaned.
	for _, n := range []store.NewItem{
		{Slug: a.Slug, Tags: []string{"politics"}},
		{Slug: a.Slug, Quote: &readingroom.Quote{Exact: "with a tweet"}, Note: "A note,\non two lines.", Tags: []string{"twitter", "politics"}},
		{Slug: a.Slug, Paragraph: a.Blocks[5].ID, State: readingroom.StateArchived},
	} {
		if _, _, err := rm.db.SaveItem(t.Context(), rm.ada.ID, n); err != nil {
			t.Fatal(err)
		}
	}
	check := func(paths []string) {
		t.Helper()
		for _, size := range []struct {
			name   string
			w, h   int64
			mobile bool
		}{{"desktop", 1100, 800, false}, {"phone", 390, 844, true}} {
			opts := []chromedp.EmulateViewportOption{}
			if size.mobile {
				opts = append(opts, chromedp.EmulateMobile)
			}
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size.w, size.h, opts...)); err != nil {
				t.Fatal(err)
			}
			for _, scheme := range []string{"light", "dark"} {
				if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
				}); err != nil {
					t.Fatal(err)
				}
				for _, p := range paths {
					if err := chromedp.Do(ctx, chromedp.Navigate(rm.srv.URL+p), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
						t.Fatalf("%s: %v", p, err)
					}
					for _, v := range browsertest.Axe(ctx, t) {
						t.Errorf("%s, %s, %s: %s", p, size.name, scheme, v)
					}
				}
			}
		}
	}
	check(signedOut)

	if err := chromedp.Do(ctx,
		chromedp.Navigate(rm.srv.URL+"/signin"),
		chromedp.WaitVisible(chromedp.CSS(`#signin-name`)),
		chromedp.SendKeys(chromedp.CSS(`#signin-name`), "Ada"),
		chromedp.SendKeys(chromedp.CSS(`#signin-password`), adminPassword),
		chromedp.Submit(chromedp.CSS(`#signin-name`)),
		chromedp.WaitVisible(chromedp.CSS(`.site-account`)),
	); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	check(signedIn)
}

// The check fails when a page breaks a rule: a page given an image with
// no text alternative and text of too little contrast is caught.
func TestBrowserAccessibilityCatches(t *testing.T) {
	ctx := browserContext(t)
	f := newFixture(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	eval[any](ctx, t, `(() => {
		const p = document.createElement("p");
		p.textContent = "faint";
		p.style.color = "#eee"; p.style.background = "#fff";
		const i = document.createElement("img");
		i.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
		document.querySelector("main").append(p, i);
	})()`)
	var ids []string
	for _, v := range browsertest.Axe(ctx, t) {
		ids = append(ids, v.ID)
	}
	got := fmt.Sprint(ids)
	if !strings.Contains(got, "color-contrast") || !strings.Contains(got, "image-alt") {
		t.Errorf("axe found %v on a page with faint text and an image without alt", ids)
	}
}

// An article page costs at most four requests: the page, its stylesheet,
// its script and its icon.
func TestBrowserArticleRequests(t *testing.T) {
	ctx := browserContext(t)
	f := newFixture(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/a/"+f.review.Slug), chromedp.WaitReady(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(ctx, t, "the page to load", `document.readyState === "complete"`)
	resources := eval[[]string](ctx, t, `performance.getEntriesByType("resource").map(e => e.name)`)
	if n := 1 + len(resources); n > 4 {
		t.Errorf("an article page makes %d requests, over the budget of 4: %q", n, resources)
	}
}
