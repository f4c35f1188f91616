package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// A kind of request the load mixes, with its share of the requests.
type kind struct {
	name   string
	weight int
	path   func(t *targets, rng *rand.Rand) string
}

// targets are what the requests ask for: articles, paragraphs, search
// words, and how many library pages there are. They are refreshed as an
// import adds articles.
type targets struct {
	mu         sync.RWMutex
	slugs      []string
	paragraphs []string // paths of paragraph links
	words      []string
	libPages   int
	pages      map[string]int // an article's pages, when more than one
}

func (t *targets) pick(rng *rand.Rand, from []string) string {
	return from[rng.IntN(len(from))]
}

var mixed = []kind{
	{"library page", 20, func(t *targets, rng *rand.Rand) string {
		t.mu.RLock()
		defer t.mu.RUnlock()
		if n := rng.IntN(t.libPages) + 1; n > 1 {
			return fmt.Sprintf("/?page=%d", n)
		}
		return "/"
	}},
	{"article", 30, func(t *targets, rng *rand.Rand) string {
		t.mu.RLock()
		defer t.mu.RUnlock()
		slug := t.pick(rng, t.slugs)
		if n := t.pages[slug]; n > 1 {
			return fmt.Sprintf("/a/%s?page=%d", url.PathEscape(slug), rng.IntN(n)+1)
		}
		return "/a/" + url.PathEscape(slug)
	}},
	{"paragraph link", 25, func(t *targets, rng *rand.Rand) string {
		t.mu.RLock()
		defer t.mu.RUnlock()
		return t.pick(rng, t.paragraphs)
	}},
	{"search", 25, func(t *targets, rng *rand.Rand) string {
		t.mu.RLock()
		defer t.mu.RUnlock()
		q := t.pick(rng, t.words)
		switch rng.IntN(4) {
		case 0: // two words
			q += " " + t.pick(rng, t.words)
		case 1: // a common word with a rarer one
			q = commonWords[rng.IntN(len(commonWords))] + " " + q
		}
		return "/search?q=" + url.QueryEscape(q)
	}},
}

// load drives the server at base with conns connections until ctx ends,
// and returns what it saw.
func load(ctx context.Context, base string, conns int, t *targets, kinds []kind, seed uint64) *results {
	client := &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true},
		// A retired paragraph id answers a redirect: that is its answer.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
	res := newResults()
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	var wg sync.WaitGroup
	for c := range conns {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(c)))
			for ctx.Err() == nil {
				n := rng.IntN(total)
				k := kinds[0]
				for _, kk := range kinds {
					if n < kk.weight {
						k = kk
						break
					}
					n -= kk.weight
				}
				path := k.path(t, rng)
				start := time.Now()
				status, err := get(ctx, client, base+path)
				if ctx.Err() != nil {
					return // cut off by the end of the run, not a failure
				}
				res.add(k.name, path, time.Since(start), status, err)
			}
		})
	}
	wg.Wait()
	return res
}

func get(ctx context.Context, client *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return res.StatusCode, err
	}
	return res.StatusCode, nil
}

func getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

// refresh reads, from the room's API, a sample of its articles and of
// their paragraphs, and the number of library pages.
func (t *targets) refresh(ctx context.Context, base string, rng *rand.Rand, sample int) error {
	var list struct {
		Articles []struct{ Slug string }
		Total    int
	}
	if err := getJSON(ctx, base+"/api/articles?per_page=1", &list); err != nil {
		return err
	}
	total := list.Total
	if total == 0 {
		return fmt.Errorf("the room has no articles")
	}
	var slugs, paragraphs []string
	pages := map[string]int{}
	for len(slugs) < sample && len(slugs) < total {
		page := rng.IntN((total+199)/200) + 1
		if err := getJSON(ctx, fmt.Sprintf("%s/api/articles?per_page=200&page=%d", base, page), &list); err != nil {
			return err
		}
		for _, a := range list.Articles {
			slugs = append(slugs, a.Slug)
		}
	}
	slices.Sort(slugs)
	slugs = slices.Compact(slugs)
	for i, slug := range slugs {
		if i >= sample/4 && len(paragraphs) > 0 {
			break // a quarter of them give their paragraphs
		}
		var a struct {
			Pages      int
			Paragraphs []struct{ URL string }
		}
		if err := getJSON(ctx, base+"/api/articles/"+url.PathEscape(slug), &a); err != nil {
			return err
		}
		if a.Pages > 1 {
			pages[slug] = a.Pages
		}
		for _, p := range a.Paragraphs {
			if u, err := url.Parse(p.URL); err == nil {
				paragraphs = append(paragraphs, u.Path)
			}
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.slugs, t.paragraphs, t.pages = slugs, paragraphs, pages
	t.libPages = max(1, (total+29)/30)
	if t.words == nil {
		// Words of every frequency: the common ones, and made-up ones
		// from the head and the tail of the vocabulary.
		v := vocabulary()
		t.words = append(append(append([]string(nil), commonWords[:10]...), v[len(commonWords):len(commonWords)+200]...), v[len(v)-200:]...)
	}
	return nil
}

// results gathers latencies and failures by kind of request.
type results struct {
	mu        sync.Mutex
	latencies map[string][]time.Duration
	failures  map[string]int
	examples  []string // a few failures, to say what they were
}

func newResults() *results {
	return &results{latencies: map[string][]time.Duration{}, failures: map[string]int{}}
}

func (r *results) add(kind, path string, d time.Duration, status int, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.latencies[kind] = append(r.latencies[kind], d)
	if err != nil || status >= 400 {
		r.failures[kind]++
		if len(r.examples) < 10 {
			r.examples = append(r.examples, fmt.Sprintf("%s %s: status %d %v", kind, path, status, err))
		}
	}
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[min(len(ds)-1, int(float64(len(ds))*p))]
}

// table writes the results as a Markdown table, in the order of kinds.
func (r *results) table(kinds []kind, elapsed time.Duration) string {
	var sb strings.Builder
	sb.WriteString("| request | count | per second | failed | p50 | p95 | p99 | max |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	names := make([]string, 0, len(kinds))
	for _, k := range kinds {
		names = append(names, k.name)
	}
	all := []time.Duration{}
	failed := 0
	for _, name := range names {
		ds := r.latencies[name]
		all = append(all, ds...)
		failed += r.failures[name]
		sb.WriteString(row(name, ds, r.failures[name], elapsed))
	}
	sb.WriteString(row("all", all, failed, elapsed))
	return sb.String()
}

func row(name string, ds []time.Duration, failed int, elapsed time.Duration) string {
	ds = slices.Clone(ds)
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	return fmt.Sprintf("| %s | %d | %.0f | %d | %s | %s | %s | %s |\n", name, len(ds), float64(len(ds))/elapsed.Seconds(), failed,
		ms(percentile(ds, 0.50)), ms(percentile(ds, 0.95)), ms(percentile(ds, 0.99)), ms(percentile(ds, 1)))
}

func (r *results) failed() int {
	n := 0
	for _, f := range r.failures {
		n += f
	}
	return n
}
