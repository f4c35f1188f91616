package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// A new room, as a person meets it in Chromium: set up the first admin,
// sign out, sign in again (with the script off: every form works without
// it), upload two dumps on /import, read the report and open an article.
func TestBrowserAccounts(t *testing.T) {
	ctx := browserContext(t)
	rm := newRoom(t, Config{}, false)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	for name, body := range map[string]string{"two.txt": dumpTwo, "one.txt": dumpOne} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	scripts := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
			t.Fatal(err)
		}
	}

	run("open the new room, and its setup link",
		chromedp.Navigate(rm.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#setup-notice a`)),
		chromedp.Click(chromedp.CSS(`#setup-notice a`)),
		chromedp.WaitVisible(chromedp.CSS(`#setup-name`)),
	)
	run("make the first admin",
		chromedp.SendKeys(chromedp.CSS(`#setup-name`), "Ada"),
		chromedp.SendKeys(chromedp.CSS(`#setup-password`), adminPassword),
		chromedp.SendKeys(chromedp.CSS(`#setup-confirm`), adminPassword),
		chromedp.Submit(chromedp.CSS(`#setup-name`)),
		chromedp.WaitVisible(chromedp.CSS(`.site-account`)),
	)
	if got := text(`.site-account`); got != "Ada" {
		t.Fatalf("signed in as %q, want Ada", got)
	}
	run("sign out",
		chromedp.Click(chromedp.CSS(`.signout-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/signin"]`)),
	)

	// Without the script: the sign-in form posts, the cross-origin check
	// lets it through (same origin), and the cookie signs in.
	scripts(false)
	run("sign in",
		chromedp.Click(chromedp.CSS(`a[href^="/signin"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#signin-name`)),
		chromedp.SendKeys(chromedp.CSS(`#signin-name`), "ada"),
		chromedp.SendKeys(chromedp.CSS(`#signin-password`), adminPassword),
		chromedp.Submit(chromedp.CSS(`#signin-name`)),
		chromedp.WaitVisible(chromedp.CSS(`.site-account`)),
	)
	scripts(true)

	run("open Import",
		chromedp.Click(chromedp.CSS(`.site-nav a[href="/import"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#import-files`)),
	)
	run("upload two dumps",
		chromedp.SetUploadFiles(chromedp.CSS(`#import-files`), []string{filepath.Join(dir, "two.txt"), filepath.Join(dir, "one.txt")}),
		chromedp.Submit(chromedp.CSS(`#import-files`)),
		chromedp.WaitVisible(chromedp.CSS(`.import-summary`)),
	)
	if got, want := text(`.import-summary`), "Read 2 files: 3 new, 0 updated, 0 unchanged, 0 duplicates skipped, 0 files rejected."; got != want {
		t.Errorf("report %q, want %q", got, want)
	}
	links := eval[[]string](ctx, t, `[...document.querySelectorAll('.import-articles a')].map(a => a.textContent)`)
	if strings.Join(links, "|") != "The quiet room|Shelves at night|Lamps in the dome" {
		t.Errorf("report links %q", links)
	}
	run("open an imported article",
		chromedp.Click(chromedp.CSS(`.import-articles a`)),
		chromedp.WaitVisible(chromedp.CSS(`h1.article-title`)),
	)
	if got := text(`h1.article-title`); got != "The quiet room" {
		t.Errorf("article %q, want The quiet room", got)
	}
	if got := text(`.article-body`); !strings.Contains(got, "nobody asks you to buy anything") {
		t.Errorf("article body %q", got)
	}
}
