package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/web/browsertest"
)

// press types one key into the page.
func press(ctx context.Context, t *testing.T, key string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(key)); err != nil {
		t.Fatalf("press %q: %v", key, err)
	}
}

// The keyboard paths a reader takes: / to search, j and k through the
// paragraphs (the current one shown and focused), c and Enter to copy its
// link, ? for the list of keys, which Escape closes; and keys typed into
// the search box stay there.
func TestBrowserKeyboard(t *testing.T) {
	ctx, srv, a := longArticleInBrowser(t, 60*time.Second)
	// Writing to the clipboard needs the permission a click would give.
	browsertest.GrantClipboard(ctx, t, srv.URL)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/a/"+a.Slug), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	current := func() string {
		return eval[string](ctx, t, `(document.querySelector('.block.current') || {}).id || ""`)
	}

	press(ctx, t, "j")
	first := current()
	if first != "p-"+a.Blocks[0].ID {
		t.Fatalf("j marked %q, want the first block in view, p-%s", first, a.Blocks[0].ID)
	}
	if got := eval[string](ctx, t, `document.activeElement.id`); got != first {
		t.Errorf("focus on %q, want the current block", got)
	}
	press(ctx, t, "j")
	press(ctx, t, "j")
	if got := current(); got != "p-"+a.Blocks[2].ID {
		t.Errorf("after j j j: %q, want the third block", got)
	}
	press(ctx, t, "k")
	second := "p-" + a.Blocks[1].ID
	if got := current(); got != second {
		t.Errorf("after k: %q, want the second block", got)
	}
	if n := eval[int](ctx, t, `document.querySelectorAll('.block.current').length`); n != 1 {
		t.Errorf("%d blocks marked current", n)
	}
	if !eval[bool](ctx, t, `getComputedStyle(document.querySelector('.block.current')).outlineStyle !== 'none'`) {
		t.Error("the current block is not shown")
	}

	press(ctx, t, "c")
	waitFor(ctx, t, "the copied link announced", `[...document.querySelectorAll('[role=status]')].some(e => e.textContent === "Link copied")`)
	if got, want := clipboard(ctx, t), srv.URL+"/a/"+a.Slug+"/p/"+a.Blocks[1].ID; got != want {
		t.Errorf("c copied %q, want %q", got, want)
	}
	eval[any](ctx, t, `navigator.clipboard.writeText("")`)
	press(ctx, t, kb.Enter)
	waitFor(ctx, t, "Enter to copy the link too", `navigator.clipboard.readText().then(s => s.endsWith("/p/`+a.Blocks[1].ID+`"))`)

	press(ctx, t, "?")
	waitFor(ctx, t, "the list of keys", `document.querySelector('dialog.keys-help')?.open === true`)
	if got := eval[string](ctx, t, `document.querySelector('dialog.keys-help').textContent`); !strings.Contains(got, "Copy the current paragraph") {
		t.Errorf("the list of keys says %q", got)
	}
	press(ctx, t, kb.Escape)
	waitFor(ctx, t, "the list to close", `document.querySelector('dialog.keys-help').open === false`)

	press(ctx, t, "/")
	waitFor(ctx, t, "/ to focus the search box", `document.activeElement.id === "site-search-q"`)
	// (The test's synthetic key sends the slash's character on its own,
	// which a real keyboard's prevented key does not: clear it.)
	eval[any](ctx, t, `document.activeElement.value = ""`)
	for _, k := range []string{"j", "k", "c", "?"} {
		press(ctx, t, k)
	}
	if got := eval[string](ctx, t, `document.activeElement.value`); got != "jkc?" {
		t.Errorf("keys typed into the search box gave %q", got)
	}
	if eval[bool](ctx, t, `document.querySelector('dialog.keys-help').open`) {
		t.Error("? typed into the search box opened the list of keys")
	}
}

// A reader picks a theme and a text size; the choice holds on the next
// page. Without the script the choice is not offered, and the system's
// colours apply.
func TestBrowserDisplaySettings(t *testing.T) {
	ctx := browserContext(t)
	f := newFixture(t)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx,
		colorSchemeAction("light"),
		chromedp.Navigate(f.srv.URL+"/a/"+f.review.Slug),
		chromedp.WaitVisible(chromedp.CSS(`#display-theme`)),
	); err != nil {
		t.Fatal(err)
	}
	bg := func() string { return eval[string](ctx, t, `getComputedStyle(document.body).backgroundColor`) }
	size := func() float64 {
		return eval[float64](ctx, t, `parseFloat(getComputedStyle(document.body).fontSize)`)
	}
	light, normal := bg(), size()
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`#display-theme`), "dark"),
		chromedp.SetValue(chromedp.CSS(`#display-size`), "largest"),
	); err != nil {
		t.Fatal(err)
	}
	eval[any](ctx, t, `for (const id of ["display-theme", "display-size"]) document.getElementById(id).dispatchEvent(new Event("change"))`)
	if bg() == light {
		t.Error("choosing dark left the page light")
	}
	if size() < normal*1.25 {
		t.Errorf("the largest text is %vpx, the standard %vpx", size(), normal)
	}
	// The next page keeps the choice.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	if bg() == light || eval[string](ctx, t, `document.getElementById("display-theme").value`) != "dark" {
		t.Error("the theme was not remembered")
	}
	// Back to the system's setting.
	eval[any](ctx, t, `(() => { const s = document.getElementById("display-theme"); s.value = ""; s.dispatchEvent(new Event("change")); })()`)
	if bg() != light {
		t.Error("choosing System did not follow the system (light)")
	}

	// Without the script: no controls, and the system (dark here) decides.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, colorSchemeAction("dark"), chromedp.Navigate(f.srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
		t.Fatal(err)
	}
	if eval[bool](ctx, t, `!document.querySelector('.display').hidden && getComputedStyle(document.querySelector('.display')).display !== 'none'`) {
		t.Error("without the script, the display settings are offered")
	}
	if bg() == light {
		t.Error("without the script, a dark system shows the light theme")
	}
}

// A long article offers an outline of its sections, whose links jump to
// them, and a reading-progress bar laid over the page.
func TestBrowserOutlineAndProgress(t *testing.T) {
	ctx := browserContext(t)
	db := openStore(t)
	a := longArticle()
	var blocks []readingroom.Block
	for i, b := range a.Blocks {
		if i%10 == 5 {
			blocks = append(blocks, readingroom.Block{Kind: readingroom.KindHeading, Text: "Part " + string(rune('A'+i/10)), Number: string(rune('1' + i/10))})
		}
		blocks = append(blocks, b)
	}
	a.Blocks = blocks
	save(t, db, a)
	srv, _ := serve(t, db, Config{})
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/a/"+a.Slug), chromedp.WaitVisible(chromedp.CSS(`.outline`))); err != nil {
		t.Fatal(err)
	}
	links := eval[[]string](ctx, t, `[...document.querySelectorAll('.outline a')].map(a => a.textContent)`)
	if len(links) < 3 || links[0] != "1. Part A" {
		t.Fatalf("outline %q", links)
	}
	top := eval[float64](ctx, t, `document.querySelector('.article-title').getBoundingClientRect().top`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.outline li:nth-child(3) a`))); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, "the third section at the top", `(() => { const h = document.querySelectorAll('.section-heading')[2].getBoundingClientRect(); return h.top >= 0 && h.top < innerHeight / 3; })()`)
	// The bar grows as the page scrolls, and the text does not move for it.
	if !eval[bool](ctx, t, `getComputedStyle(document.querySelector('.progress')).position === 'fixed'`) {
		t.Error("the progress bar is not laid over the page")
	}
	waitFor(ctx, t, "the progress bar to grow", `(() => { const m = getComputedStyle(document.querySelector('.progress')).transform; return m !== "none" && !m.startsWith("matrix(0,"); })()`)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/a/"+a.Slug), chromedp.WaitVisible(chromedp.CSS(`.outline`))); err != nil {
		t.Fatal(err)
	}
	if got := eval[float64](ctx, t, `document.querySelector('.article-title').getBoundingClientRect().top`); got != top {
		t.Errorf("the title moved from %v to %v", top, got)
	}
}

func colorSchemeAction(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}
