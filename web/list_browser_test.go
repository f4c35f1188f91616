package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/store"
)

// The reading list as a person uses it in Chromium: sign in, save an
// article, select a sentence and save it with a note, then a passage
// across two paragraphs; reload and see them marked; find them on /list;
// follow the passage's link and see the browser bring its words into
// view; export Markdown; read to the end (the article is then read);
// sign out and see the marks gone.
func TestBrowserReadingList(t *testing.T) {
	ctx := browserContext(t)
	db := openStore(t)
	a := longArticle()
	save(t, db, a)
	rob, err := db.CreateUser(t.Context(), "Rob", readerPassword, readingroom.RoleReader)
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := serve(t, db, Config{})
	ctx, cancel := context.WithTimeout(ctx, 120*time.Second)
	defer cancel()
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	articleURL := srv.URL + "/a/" + a.Slug
	war, lamps := a.Blocks[30], a.Blocks[31]
	sentence := "readers worked by the light of green-shaded lamps until the sirens sounded."

	run("sign in",
		chromedp.Navigate(srv.URL+"/signin"),
		chromedp.WaitVisible(chromedp.CSS(`#signin-name`)),
		chromedp.SendKeys(chromedp.CSS(`#signin-name`), "Rob"),
		chromedp.SendKeys(chromedp.CSS(`#signin-password`), readerPassword),
		chromedp.Submit(chromedp.CSS(`#signin-name`)),
		chromedp.WaitVisible(chromedp.CSS(`.site-account`)),
	)
	run("save the article",
		chromedp.Navigate(articleURL),
		chromedp.WaitVisible(chromedp.CSS(`.reader-bar .save-form button`)),
		chromedp.Click(chromedp.CSS(`.reader-bar .save-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`.reader-bar .saved`)),
	)

	// A sentence, with a note.
	selectText(ctx, t, "p-"+war.ID, "readers worked", "sirens sounded.")
	waitFor(ctx, t, "the bar", `document.querySelector('.share-bar')?.hidden === false`)
	run("open the note field",
		chromedp.Click(chromedp.CSS(`.share-bar > button:nth-of-type(3)`)),
		chromedp.WaitVisible(chromedp.CSS(`#share-note-text`)),
	)
	if got := eval[string](ctx, t, `document.querySelector('.share-bar > button:nth-of-type(3)').textContent`); got != "Save passage" {
		t.Fatalf("the bar's third button is %q", got)
	}
	if !eval[bool](ctx, t, `document.activeElement.id === "share-note-text"`) {
		t.Error("the note field does not take the focus")
	}
	run("save it with a note",
		chromedp.SendKeys(chromedp.CSS(`#share-note-text`), "The blackout, by lamplight."),
		chromedp.Click(chromedp.CSS(`.share-note button[type=submit]`)),
	)
	// Saved, the page loads again at the passage, which the room marks.
	run("the page again, with the passage marked", chromedp.WaitVisible(chromedp.CSS(`mark.passage`)))
	marked := eval[string](ctx, t, `[...document.querySelectorAll('mark.passage')].map(m => m.textContent).join("|")`)
	if marked != sentence {
		t.Errorf("marked %q, want %q", marked, sentence)
	}
	if title := eval[string](ctx, t, `document.querySelector('mark.passage').title`); title != "The blackout, by lamplight." {
		t.Errorf("the mark's title %q, want the note", title)
	}
	waitFor(ctx, t, "the saved passage in view", inView("p-"+war.ID, "readers worked by the light"))

	// Across two paragraphs, without a note.
	ok := eval[bool](ctx, t, `(() => {
		const from = [...document.getElementById("p-`+war.ID+`").querySelectorAll('mark.passage')][0].firstChild;
		const to = [...document.getElementById("p-`+lamps.ID+`").childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.data.includes("ask at the desk"));
		if (!from || !to) return false;
		const r = document.createRange();
		r.setStart(from, from.data.indexOf("sirens"));
		r.setEnd(to, to.data.indexOf("ask at the desk") + "ask at the desk".length);
		const sel = getSelection();
		sel.removeAllRanges();
		sel.addRange(r);
		document.dispatchEvent(new PointerEvent("pointerup", {bubbles: true}));
		return true;
	})()`)
	if !ok {
		t.Fatal("could not select across the paragraphs")
	}
	waitFor(ctx, t, "the bar for a selection across paragraphs", `document.querySelector('.share-bar')?.hidden === false`)
	if link := eval[string](ctx, t, `document.querySelector('.share-bar').dataset.link`); !strings.HasSuffix(link, "/p/"+war.ID+"#:~:text=sirens%20sounded.,there%3A%20ask%20at%20the%20desk") {
		t.Errorf("the link across paragraphs is %s", link)
	}
	run("save across paragraphs",
		chromedp.Click(chromedp.CSS(`.share-bar > button:nth-of-type(3)`)),
		chromedp.WaitVisible(chromedp.CSS(`#share-note-text`)),
		chromedp.Click(chromedp.CSS(`.share-note button[type=submit]`)),
	)
	run("the passage across paragraphs marked", chromedp.WaitVisible(chromedp.CSS(`#p-`+lamps.ID+` mark.passage`)))
	items, _, err := db.List(t.Context(), rob.ID, store.ListFilter{Kind: readingroom.ItemPassage})
	if err != nil || len(items) != 2 {
		t.Fatalf("%d passages saved, want 2 (%v)", len(items), err)
	}
	if q := items[0].Quote.Exact; q != "sirens sounded.\n\nThe lamps are still there: ask at the desk" {
		t.Errorf("the passage across paragraphs was saved as %q", q)
	}

	// Reloaded: marked by the room, not the script.
	run("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`main`)))
	if n := eval[int](ctx, t, `document.querySelectorAll('mark.passage').length`); n < 3 {
		t.Errorf("%d marks after reloading, want the two passages' (at least 3)", n)
	}
	if n := eval[int](ctx, t, `document.querySelectorAll('.passage-note').length`); n != 2 {
		t.Errorf("%d notes after the article, want 2", n)
	}

	// The list has both; the passage's link opens the article with its
	// words in view: the browser found them from the text fragment.
	run("the list", chromedp.Navigate(srv.URL+"/list"), chromedp.WaitVisible(chromedp.CSS(`.list-entries`)))
	if n := eval[int](ctx, t, `document.querySelectorAll('.list-entry').length`); n != 3 {
		t.Errorf("%d entries on /list, want the article and two passages", n)
	}
	// Times in the reader's own zone; the room's UTC as the title.
	if got := eval[[]string](ctx, t, `(() => { const m = document.querySelector('time.moment'); return [m.textContent, m.title]; })()`); strings.HasSuffix(got[0], "UTC") || !strings.HasSuffix(got[1], "UTC") {
		t.Errorf("the time an item was saved reads %q (title %q), want the local time with UTC as its title", got[0], got[1])
	}
	href := eval[string](ctx, t, `[...document.querySelectorAll('.item-quote a')].find(a => a.textContent.includes("readers worked")).href`)
	if !strings.Contains(href, "/p/"+war.ID+"#:~:text=") {
		t.Fatalf("the passage links to %s", href)
	}
	run("follow the passage's link", chromedp.Navigate(srv.URL+"/"), chromedp.Navigate(href), chromedp.WaitVisible(chromedp.CSS(`main`)))
	// (The second passage's mark splits the text before "sirens".)
	waitFor(ctx, t, "the passage's words in view", inView("p-"+war.ID, "green-shaded lamps until the"))

	md, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("/list/export.md").then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if !strings.Contains(md, "> "+sentence) || !strings.Contains(md, "The blackout, by lamplight.") || !strings.Contains(md, "## [The dome & the \\[ledger\\]]") {
		t.Errorf("the Markdown export:\n%s", md)
	}

	// The list exported as annotations and imported again from the form:
	// every item is there already, and the page says so.
	annotations, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("/list/export.json").then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("export as annotations: %v", err)
	}
	exported := filepath.Join(t.TempDir(), "export.json")
	if err := os.WriteFile(exported, []byte(annotations), 0o644); err != nil {
		t.Fatal(err)
	}
	run("import the list again",
		chromedp.Navigate(srv.URL+"/list"),
		chromedp.Click(chromedp.CSS(`a[href="/list/import"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#list-import-file`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#list-import-file`), []string{exported}),
		chromedp.Click(chromedp.CSS(`.list-import button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.import-summary`)),
	)
	if got := eval[string](ctx, t, `document.querySelector('.import-summary').textContent`); got != "Added 0 items to your list; 3 items were there already." {
		t.Errorf("importing the list again: %q", got)
	}

	// A link to the last paragraph: the browser's jump there is not
	// reading; the reader's own key to the end is, and the saved article
	// is then read.
	last := a.Blocks[len(a.Blocks)-1].ID
	run("record the position sent",
		func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `(() => {
				const f = window.fetch;
				window.__puts = [];
				window.fetch = (url, opts) => {
					const put = opts && opts.method === "PUT";
					if (put) window.__puts.push(JSON.parse(opts.body).paragraph);
					return f(url, opts).then((r) => {
						if (put) window.__puts.push(JSON.parse(opts.body).paragraph + ":" + r.status);
						return r;
					});
				};
			})()`})
			return chromedp.Void{}, err
		},
		chromedp.Navigate(srv.URL+"/a/"+a.Slug+"/p/"+last+"#p-"+last),
		chromedp.WaitVisible(chromedp.CSS(`main`)),
	)
	waitFor(ctx, t, "the jump to the paragraph", `scrollY > 0`)
	// Two frames for the scroll event, then a timer after any the
	// handler set.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(true)))))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	if puts := eval[[]string](ctx, t, `window.__puts`); len(puts) != 0 {
		t.Errorf("opening a paragraph link sent positions %q", puts)
	}
	run("the reader's End key", chromedp.KeyEvent(kb.End))
	waitFor(ctx, t, "the last paragraph sent", `window.__puts.includes("`+last+`:204")`)
	arts, _, _ := db.List(t.Context(), rob.ID, store.ListFilter{Kind: readingroom.ItemArticle})
	if len(arts) != 1 || arts[0].State != readingroom.StateRead {
		t.Errorf("the article after reading to its end: %+v", arts)
	}
	run("the library", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`.entries`)))
	if got := eval[string](ctx, t, `document.querySelector('.entry .continue')?.getAttribute('href') ?? ""`); got != "/a/"+a.Slug+"/p/"+last+"#p-"+last {
		t.Errorf("the library's Continue link is %q", got)
	}

	run("sign out",
		chromedp.Click(chromedp.CSS(`.signout-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/signin"]`)),
		chromedp.Navigate(articleURL),
		chromedp.WaitVisible(chromedp.CSS(`main`)),
	)
	if n := eval[int](ctx, t, `document.querySelectorAll('mark.passage, .passage-note, .block-tools').length`); n != 0 {
		t.Errorf("signed out, the page still has %d marks, notes or tools", n)
	}
	if eval[bool](ctx, t, `[...document.querySelectorAll('.share-bar button')].some(b => b.textContent === "Save passage")`) {
		t.Error("signed out, the bar offers to save")
	}
}
