package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
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

func browserContext(t *testing.T) context.Context { return browsertest.New(t) }

// longArticleInBrowser serves a room holding longArticle, and gives a
// browser whose actions give up after timeout.
func longArticleInBrowser(t *testing.T, timeout time.Duration) (context.Context, *httptest.Server, *readingroom.Article) {
	t.Helper()
	ctx := browserContext(t)
	db := openStore(t)
	a := longArticle()
	save(t, db, a)
	srv, _ := serve(t, db, Config{})
	ctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancel)
	return ctx, srv, a
}

func eval[T any](ctx context.Context, t *testing.T, script string) T {
	t.Helper()
	return browsertest.Eval[T](ctx, t, script)
}

// clipboard reads the clipboard's text.
func clipboard(ctx context.Context, t *testing.T) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("read the clipboard: %v", err)
	}
	return v
}

// waitFor waits until a script is true in the page.
func waitFor(ctx context.Context, t *testing.T, what, script string) {
	t.Helper()
	browsertest.WaitFor(ctx, t, what, script)
}

// longArticle is an article long enough that its later paragraphs start
// out of sight; one phrase ("green-shaded lamps") occurs twice.
func longArticle() *readingroom.Article {
	a := &readingroom.Article{
		Title:      "The dome & the [ledger]",
		Standfirst: "A history of the city's reading room.",
	}
	for i := range 30 {
		a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindParagraph,
			Text: fmt.Sprintf("Filler paragraph number %d tells of shelves, ladders, catalogues and the patient work of keeping them in order for readers who came and went over the years.", i+1)})
	}
	a.Blocks = append(a.Blocks,
		readingroom.Block{Kind: readingroom.KindParagraph, Text: "In the war the dome was painted black, and readers worked by the light of green-shaded lamps until the sirens sounded."},
		readingroom.Block{Kind: readingroom.KindParagraph, Text: "The lamps are still there: ask at the desk for green-shaded lamps and someone will show you the store."},
		readingroom.Block{Kind: readingroom.KindParagraph, Text: pLong + " Some had brought sandwiches, some their children, and a few nothing but a question they had carried for years."},
	)
	for i := range 10 {
		a.Blocks = append(a.Blocks, readingroom.Block{Kind: readingroom.KindParagraph,
			Text: fmt.Sprintf("Closing paragraph %d is here only so that the page goes on below the passages the test reads.", i+1)})
	}
	return a
}

// inView is a script saying whether the first occurrence of text inside
// the element with the given id is wholly in the viewport.
func inView(id, text string) string {
	return `(() => {
		const el = document.getElementById(` + strconv.Quote(id) + `);
		const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		while (w.nextNode()) {
			const i = w.currentNode.data.indexOf(` + strconv.Quote(text) + `);
			if (i < 0) continue;
			const r = document.createRange();
			r.setStart(w.currentNode, i);
			r.setEnd(w.currentNode, i + ` + strconv.Itoa(len([]rune(text))) + `);
			const b = r.getBoundingClientRect();
			return b.height > 0 && b.top >= 0 && b.bottom <= innerHeight;
		}
		return false;
	})()`
}

// selectText selects, in the block with the given id, from the start of
// from to the end of to (substrings of its text), then lets the page
// know as a mouse would.
func selectText(ctx context.Context, t *testing.T, id, from, to string) {
	t.Helper()
	ok := eval[bool](ctx, t, `(() => {
		const el = document.getElementById(`+strconv.Quote(id)+`);
		const node = [...el.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.data.includes(`+strconv.Quote(from)+`));
		if (!node) return false;
		const start = node.data.indexOf(`+strconv.Quote(from)+`);
		const end = node.data.indexOf(`+strconv.Quote(to)+`, start) + `+strconv.Itoa(len(to))+`;
		const r = document.createRange();
		r.setStart(node, start);
		r.setEnd(node, end);
		node.parentElement.scrollIntoView({block: "center"});
		const sel = getSelection();
		sel.removeAllRanges();
		sel.addRange(r);
		document.dispatchEvent(new PointerEvent("pointerup", {bubbles: true}));
		return true;
	})()`)
	if !ok {
		t.Fatalf("no text %q in #%s", from, id)
	}
}

func TestBrowserPermalinks(t *testing.T) {
	ctx, srv, a := longArticleInBrowser(t, 90*time.Second)

	// Writing to the clipboard needs the permission a click would give.
	browsertest.GrantClipboard(ctx, t, srv.URL)

	war, lamps, long := a.Blocks[30], a.Blocks[31], a.Blocks[32]
	articleURL := srv.URL + "/a/" + a.Slug
	warURL := articleURL + "/p/" + war.ID

	t.Run("permalink scrolls to its block", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(warURL), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		waitFor(ctx, t, "the marked block in view", inView("p-"+war.ID, "In the war"))
		if got := eval[string](ctx, t, `document.querySelector('.block.marked').id`); got != "p-"+war.ID {
			t.Errorf("marked %q, want p-%s", got, war.ID)
		}
	})

	t.Run("text fragment link shows the passage", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(articleURL)); err != nil {
			t.Fatal(err)
		}
		sentence := "readers worked by the light of green%2Dshaded lamps until the sirens sounded"
		if err := chromedp.Do(ctx, chromedp.Navigate(warURL+"#:~:text="+sentence), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		waitFor(ctx, t, "the passage in view", inView("p-"+war.ID, "readers worked by the light of green-shaded lamps until the sirens sounded"))
		if got := eval[string](ctx, t, `document.querySelector('[aria-current="true"]').id`); got != "p-"+war.ID {
			t.Errorf("marked %q, want p-%s", got, war.ID)
		}
	})

	t.Run("copy link to a passage", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(articleURL), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		if !eval[bool](ctx, t, `document.querySelector('.share-bar') === null || document.querySelector('.share-bar').hidden`) {
			t.Fatal("share bar showing before anything is selected")
		}
		// Part words at each end: the quote widens to whole words.
		selectText(ctx, t, "p-"+war.ID, "ome was", "painted bla")
		waitFor(ctx, t, "the share bar", `document.querySelector('.share-bar')?.hidden === false`)
		want := warURL + "#:~:text=dome%20was%20painted%20black"
		if got := eval[string](ctx, t, `document.querySelector('.share-bar').dataset.link`); got != want {
			t.Errorf("data-link\n got %s\nwant %s", got, want)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.share-bar button:first-child`))); err != nil {
			t.Fatal(err)
		}
		waitFor(ctx, t, "the live region", `document.querySelector('[role=status]').textContent === "Link copied"`)
		if got := clipboard(ctx, t); got != want {
			t.Errorf("clipboard %q, want %q", got, want)
		}

		// The link does what it says: it opens on the passage.
		if err := chromedp.Do(ctx, chromedp.Navigate(want), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		waitFor(ctx, t, "the copied passage in view", inView("p-"+war.ID, "dome was painted black"))
	})

	t.Run("repeated phrase gets a prefix and suffix", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(articleURL), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		selectText(ctx, t, "p-"+lamps.ID, "green-shaded", "lamps")
		waitFor(ctx, t, "the share bar", `document.querySelector('.share-bar')?.hidden === false`)
		want := articleURL + "/p/" + lamps.ID + "#:~:text=the%20desk%20for-,green%2Dshaded%20lamps,-and%20someone%20will"
		if got := eval[string](ctx, t, `document.querySelector('.share-bar').dataset.link`); got != want {
			t.Errorf("data-link\n got %s\nwant %s", got, want)
		}
		// Copy as quote: Markdown, with the title's brackets escaped.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.share-bar button:nth-child(2)`))); err != nil {
			t.Fatal(err)
		}
		waitFor(ctx, t, "the live region", `document.querySelector('[role=status]').textContent === "Quote copied"`)
		wantQuote := "> “green-shaded lamps”\n>\n> — [The dome & the \\[ledger\\]](" + articleURL + "/p/" + lamps.ID + ")"
		if got := clipboard(ctx, t); got != wantQuote {
			t.Errorf("quote\n got %q\nwant %q", got, wantQuote)
		}
	})

	t.Run("long passage links by its first and last words", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(articleURL), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		selectText(ctx, t, "p-"+long.ID, "The reading room", "for years.")
		waitFor(ctx, t, "the share bar", `document.querySelector('.share-bar')?.hidden === false`)
		want := articleURL + "/p/" + long.ID + "#:~:text=The%20reading%20room%20opened%20in,they%20had%20carried%20for%20years."
		link := eval[string](ctx, t, `document.querySelector('.share-bar').dataset.link`)
		if link != want {
			t.Errorf("data-link\n got %s\nwant %s", link, want)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(articleURL), chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		waitFor(ctx, t, "the long passage in view", inView("p-"+long.ID, "The reading room opened"))
	})

	t.Run("without a clipboard the link is offered to copy by hand", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(articleURL), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		eval[bool](ctx, t, `navigator.clipboard.writeText = () => Promise.reject(new Error("denied")); true`)
		selectText(ctx, t, "p-"+war.ID, "dome", "black")
		waitFor(ctx, t, "the share bar", `document.querySelector('.share-bar')?.hidden === false`)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.share-bar button:first-child`))); err != nil {
			t.Fatal(err)
		}
		waitFor(ctx, t, "the fallback field", `document.activeElement.matches('.share-bar input.share-fallback[readonly]')`)
		want := warURL + "#:~:text=dome%20was%20painted%20black"
		if got := eval[string](ctx, t, `document.activeElement.value`); got != want {
			t.Errorf("fallback field holds %q, want %q", got, want)
		}
		if !eval[bool](ctx, t, `document.activeElement.selectionStart === 0 && document.activeElement.selectionEnd === document.activeElement.value.length`) {
			t.Error("fallback field's text is not selected")
		}
		waitFor(ctx, t, "the live region", `document.querySelector('[role=status]').textContent.includes("copy it with your keyboard")`)
	})

	t.Run("keyboard: Tab reaches the bar, Escape dismisses it", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(articleURL), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		// A selection as a person makes it: a double click on "dome", then
		// Shift+Ctrl+Right three times to take in "was painted black".
		xy := eval[[]float64](ctx, t, `(() => {
			const el = document.getElementById("p-`+war.ID+`");
			el.scrollIntoView({block: "center"});
			const node = [...el.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.data.includes("dome"));
			const r = document.createRange();
			const i = node.data.indexOf("dome");
			r.setStart(node, i);
			r.setEnd(node, i + 4);
			const b = r.getBoundingClientRect();
			return [b.left + b.width / 2, b.top + b.height / 2];
		})()`)
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(xy[0], xy[1], chromedp.ClickCount(2))); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowRight, chromedp.KeyModifiers(chromedp.ModifierShift, chromedp.ModifierCtrl))); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(ctx, t, "the share bar", `document.querySelector('.share-bar')?.hidden === false && document.querySelector('.share-bar').dataset.link.endsWith("dome%20was%20painted%20black")`)
		reached := false
		for range 6 {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				t.Fatal(err)
			}
			if eval[bool](ctx, t, `document.activeElement.closest('.share-bar') !== null`) {
				reached = true
				break
			}
		}
		if !reached {
			t.Fatalf("Tab does not reach the share bar; focus on %s", eval[string](ctx, t, `document.activeElement.outerHTML.slice(0, 80)`))
		}
		if got := eval[string](ctx, t, `document.activeElement.textContent`); got != "Copy link to this passage" {
			t.Errorf("first control reached is %q", got)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
			t.Fatal(err)
		}
		waitFor(ctx, t, "the live region", `document.querySelector('[role=status]').textContent === "Link copied"`)
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
			t.Fatal(err)
		}
		waitFor(ctx, t, "the bar to go", `document.querySelector('.share-bar').hidden`)
		// It stays dismissed for that selection, once the page has looked
		// at the selection again.
		browsertest.TrackTimers(ctx, t)
		eval[any](ctx, t, `document.dispatchEvent(new Event("selectionchange"))`)
		browsertest.WaitIdle(ctx, t)
		if !eval[bool](ctx, t, `document.querySelector('.share-bar').hidden`) {
			t.Error("the bar came back after Escape")
		}
		if strings.HasPrefix(eval[string](ctx, t, `document.activeElement.tagName`), "BODY") {
			t.Error("Escape left the focus nowhere")
		}
	})
}

// A paragraph link opened without the script, on a phone: the page opens at
// its top, and there the shared paragraph stands quoted under the name of
// its article, on the first screen, with a link that reads it in place;
// reading on, the article's title stays in sight.
func TestBrowserParagraphLinkWithoutScript(t *testing.T) {
	ctx, srv, a := longArticleInBrowser(t, 60*time.Second)
	war := a.Blocks[30]
	if err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		}),
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(srv.URL+"/a/"+a.Slug+"/p/"+war.ID),
		chromedp.WaitVisible(chromedp.CSS(`main`)),
	); err != nil {
		t.Fatal(err)
	}
	// Evaluate runs even with the page's scripts off.
	if y := eval[float64](ctx, t, `scrollY`); y != 0 {
		t.Errorf("the page opened scrolled to %v; without the script it opens at the top", y)
	}
	quote := `document.querySelector('.shared')`
	if !eval[bool](ctx, t, quote+` !== null`) {
		t.Fatal("no quoted paragraph at the top of the page")
	}
	if got := eval[string](ctx, t, quote+`.querySelector('.shared-label').textContent`); got != "A paragraph from "+a.Title {
		t.Errorf("label %q", got)
	}
	if got := eval[string](ctx, t, quote+`.querySelector('blockquote').textContent.trim()`); got != war.Text {
		t.Errorf("quoted %q, want the paragraph", got)
	}
	if !eval[bool](ctx, t, `(() => { const b = document.querySelector('.shared blockquote').getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight; })()`) {
		t.Error("the quoted paragraph is not on the first screen")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.shared-more a`))); err != nil {
		t.Fatal(err)
	}
	waitFor(ctx, t, "the paragraph in place, in view", inView("p-"+war.ID, "In the war"))
	// Deep in the article, the title bar is in sight.
	if !eval[bool](ctx, t, `(() => { const b = document.querySelector('.article-context').getBoundingClientRect(); return getComputedStyle(document.querySelector('.article-context')).display !== 'none' && b.top >= 0 && b.bottom <= innerHeight && scrollY > innerHeight; })()`) {
		t.Error("reading in place on a phone, the article's title is out of sight")
	}
}
