package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// inTurn works on at most its number of requests at once; the others wait
// and are worked on as turns come free, every one of them in the end.
func TestInTurnWorksOnAFewAtOnce(t *testing.T) {
	s := &server{turns: make(chan struct{}, 2), turnLength: time.Hour}
	var (
		mu           sync.Mutex
		inside, most int
	)
	entered, release := make(chan struct{}, 6), make(chan struct{})
	srv := httptest.NewServer(s.inTurn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inside++
		most = max(most, inside)
		mu.Unlock()
		entered <- struct{}{}
		<-release
		mu.Lock()
		inside--
		mu.Unlock()
	})))
	defer srv.Close()
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			res, err := http.Get(srv.URL)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("status %d", res.StatusCode)
			}
		})
	}
	<-entered
	<-entered
	select {
	case <-entered:
		t.Error("a third request was worked on beside two")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	wg.Wait()
	if most != 2 {
		t.Errorf("%d requests worked on at once, want 2", most)
	}
}

// A request whose reader has gone while it waited is not worked on, and
// is logged as gone.
func TestInTurnLeavesWhoLeft(t *testing.T) {
	s := &server{turns: make(chan struct{}, 1), turnLength: time.Hour}
	ran := 0
	h := s.inTurn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ran++ }))
	s.turns <- struct{}{} // the only turn, taken
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil).WithContext(ctx))
	if ran != 0 || rec.Code != statusClientClosed {
		t.Errorf("a request whose reader had gone: worked on %d times, status %d; want 0, %d", ran, rec.Code, statusClientClosed)
	}
	<-s.turns
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if ran != 1 {
		t.Errorf("worked on %d requests, want 1", ran)
	}
}

// A request still at work when its turn is over gives the turn to the
// next, which is worked on beside it, and finishes all the same.
func TestInTurnGivesUpALongTurn(t *testing.T) {
	s := &server{turns: make(chan struct{}, 1), turnLength: 20 * time.Millisecond}
	release := make(chan struct{})
	entered := make(chan string, 2)
	srv := httptest.NewServer(s.inTurn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- r.URL.Path
		if r.URL.Path == "/long" {
			<-release
		}
	})))
	defer srv.Close()
	long := make(chan error, 1)
	go func() {
		res, err := http.Get(srv.URL + "/long")
		if err == nil {
			res.Body.Close()
		}
		long <- err
	}()
	if got := <-entered; got != "/long" {
		t.Fatalf("first in: %s", got)
	}
	// The only turn is the long request's: the short one is worked on
	// once that turn is over, while the long one still runs.
	res, err := (&http.Client{Timeout: 10 * time.Second}).Get(srv.URL + "/short")
	if err != nil {
		close(release)
		t.Fatalf("the short request, behind the long one: %v", err)
	}
	res.Body.Close()
	select {
	case err := <-long:
		t.Fatalf("the long request ended first (%v)", err)
	default:
	}
	close(release)
	if err := <-long; err != nil {
		t.Fatal(err)
	}
	// Both turns were given back: the next request is worked on at once.
	select {
	case s.turns <- struct{}{}:
		<-s.turns
	default:
		t.Error("a turn was not given back")
	}
}

// The library, search, article and paragraph pages and the API's reading
// routes wait their turn; health checks, static files, the guide and
// the sign-in page do not.
func TestReadingRoutesTakeTurns(t *testing.T) {
	db := openStore(t)
	a := review()
	save(t, db, a)
	s, err := newServer(Config{DB: db, Logger: slog.New(slog.DiscardHandler), InFlight: 1})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.wrap(s.routes())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(path string, wait time.Duration) (int, error) {
		ctx, cancel := context.WithTimeout(t.Context(), wait)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
	pid := a.Blocks[1].ID
	inTurn := []string{
		"/", "/search?q=tweet", articlePath(a.Slug), paragraphPath(a.Slug, pid),
		"/api/articles", "/api/search?q=tweet", "/api/articles/" + a.Slug, "/api/articles/" + a.Slug + "/p/" + pid,
	}
	free := []string{"/healthz", "/robots.txt", "/guide", "/signin", s.assets.Path("app.css")}

	s.turns <- struct{}{} // the only turn, taken
	for _, path := range inTurn {
		if status, err := get(path, 100*time.Millisecond); err == nil {
			t.Errorf("%s: answered %d while every turn was taken", path, status)
		}
	}
	for _, path := range free {
		if status, err := get(path, 10*time.Second); err != nil || status != http.StatusOK {
			t.Errorf("%s: %d, %v while every turn was taken; want 200", path, status, err)
		}
	}
	<-s.turns
	for _, path := range inTurn {
		if status, err := get(path, 10*time.Second); err != nil || status != http.StatusOK {
			t.Errorf("%s: %d, %v; want 200", path, status, err)
		}
	}
}
