// Package browsertest starts headless Chromium for the browser tests of
// the web package and the command. It is imported by tests only.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// New starts headless Chromium for t and returns a chromedp context whose
// browser lives until the test ends. Where there is no Chromium it skips
// the test, unless READINGROOM_REQUIRE_BROWSER is set (CI sets it), which
// makes a missing browser a failure. READINGROOM_CHROMIUM names the binary
// when it is not on PATH.
func New(t testing.TB) context.Context {
	t.Helper()
	path := os.Getenv("READINGROOM_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		msg := "no Chromium found (install Debian's chromium package, or set READINGROOM_CHROMIUM)"
		if os.Getenv("READINGROOM_REQUIRE_BROWSER") != "" {
			t.Fatal(msg + "; READINGROOM_REQUIRE_BROWSER is set, so this is a failure")
		}
		t.Skip(msg + ": skipping the browser test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.WindowSize(1000, 700),
		// The machine has no network: keep Chromium from trying.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// The first action starts the browser.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium at %s: %v", path, err)
	}
	return ctx
}

// Eval runs a script in the page and returns its value, failing t on error.
func Eval[T any](ctx context.Context, t testing.TB, script string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script))
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return v
}
