// Package browsertest starts headless Chromium for the browser tests of
// the web package and the command. It is imported by tests only.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// GrantClipboard lets the pages of origin read and write the clipboard,
// as a click would let them.
func GrantClipboard(ctx context.Context, t testing.TB, origin string) {
	t.Helper()
	c := chromedp.FromContext(ctx)
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := cdp.Call(ctx, c.Browser, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true},
			Setting:    browser.PermissionSettingGranted,
			Origin:     origin,
		}); err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
}

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

// Timeout bounds every wait: generous, since the machine running the tests
// may be busy, and only a failing test ever waits that long.
const Timeout = 30 * time.Second

// WaitFor waits until script, an expression, is true in the page, failing
// t (naming what it waited for) after Timeout. The page polls it on every
// animation frame.
func WaitFor(ctx context.Context, t testing.TB, what, script string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](script, chromedp.WithPollingTimeout(Timeout))); err != nil {
		t.Fatalf("waiting for %s (%s): %v", what, script, err)
	}
}

// trackTimers makes the page count the timers it has pending, so that
// WaitIdle knows when the page has done what a debounce put off.
const trackTimers = `(() => {
	if (window.__pendingTimers) return;
	const pending = window.__pendingTimers = new Set();
	const set = window.setTimeout, clear = window.clearTimeout;
	window.setTimeout = (f, ms, ...args) => {
		const id = set(() => { pending.delete(id); typeof f === "function" ? f(...args) : 0; }, ms);
		pending.add(id);
		return id;
	};
	window.clearTimeout = (id) => { pending.delete(id); clear(id); };
})()`

// TrackTimers starts counting the page's pending timers (see WaitIdle).
// Call it after the page has loaded and before the action to wait out.
func TrackTimers(ctx context.Context, t testing.TB) {
	t.Helper()
	Eval[any](ctx, t, trackTimers)
}

// WaitIdle waits until every timer the page set since TrackTimers has run
// or been cleared: what a debounced handler put off has happened.
func WaitIdle(ctx context.Context, t testing.TB) {
	t.Helper()
	// Not WaitFor: chromedp's polling sets a timer of its own in the page.
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	const idle = `new Promise((resolve) => {
		const check = () => window.__pendingTimers.size === 0 ? resolve(true) : requestAnimationFrame(check);
		check();
	})`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](idle, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatalf("waiting for the page's pending timers: %v", err)
	}
}

// AxeViolation is one accessibility rule a page breaks, as axe-core
// reports it.
type AxeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

func (v AxeViolation) String() string {
	s := fmt.Sprintf("%s (%s): %s", v.ID, v.Impact, v.Help)
	for i, n := range v.Nodes {
		if i == 3 {
			s += fmt.Sprintf("\n\t… and %d more", len(v.Nodes)-3)
			break
		}
		s += fmt.Sprintf("\n\t%v %s", n.Target, n.HTML)
	}
	return s
}

// Axe runs axe-core on the page in ctx and returns the violations of
// serious or critical impact. axe-core's script is read from the file
// READINGROOM_AXE names (CI installs it with npm); where that is not set,
// the test is skipped, unless READINGROOM_REQUIRE_BROWSER makes it a
// failure.
func Axe(ctx context.Context, t testing.TB) []AxeViolation {
	t.Helper()
	src := axeSource(t)
	if !Eval[bool](ctx, t, `typeof window.axe === "object"`) {
		Eval[any](ctx, t, src+"\n;true")
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]AxeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical"))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	return v
}

var (
	axeOnce sync.Once
	axeJS   string
	axeErr  error
)

func axeSource(t testing.TB) string {
	t.Helper()
	path := os.Getenv("READINGROOM_AXE")
	if path == "" {
		msg := "READINGROOM_AXE does not name axe-core's axe.min.js (npm install axe-core)"
		if os.Getenv("READINGROOM_REQUIRE_BROWSER") != "" {
			t.Fatal(msg + "; READINGROOM_REQUIRE_BROWSER is set, so this is a failure")
		}
		t.Skip(msg + ": skipping the accessibility check")
	}
	axeOnce.Do(func() {
		b, err := os.ReadFile(path)
		axeJS, axeErr = string(b), err
	})
	if axeErr != nil {
		t.Fatalf("read axe-core: %v", axeErr)
	}
	return axeJS
}
