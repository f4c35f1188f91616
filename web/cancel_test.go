package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A request whose client went away (its context cancelled) while the
// store was working is logged as what it is, a 499 at INFO, and never as
// a server error.
func TestClientGoneIsNoServerError(t *testing.T) {
	f := newFixture(t)
	logs := &syncBuffer{}
	h, err := New(Config{DB: f.db, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/a/" + f.review.Slug, "/a/" + f.review.Slug + "/p/" + f.review.Blocks[0].ID, "/search?q=lantern", "/api/articles", "/api/articles/" + f.review.Slug} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // the client has gone before the store is asked
		req := httptest.NewRequest(http.MethodGet, path, nil).WithContext(ctx)
		req.Host = "localhost"
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	out := logs.String()
	if strings.Contains(out, "level=ERROR") || strings.Contains(out, "status=500") {
		t.Errorf("a cancelled request was logged as a server error:\n%s", out)
	}
	if got := strings.Count(out, "status=499"); got != 6 {
		t.Errorf("%d requests logged with status 499, want 6:\n%s", got, out)
	}
}
