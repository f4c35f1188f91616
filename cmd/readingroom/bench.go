package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
	"github.com/readingroom/readingroom/store"
)

// runBench is "readingroom bench": it builds a synthetic library through
// the real import, runs the real server on it, and measures each figure of
// issue 10 against its ceiling in the same run (a bare FTS5 table for
// import and search, http.FileServer sending the same page bytes for
// pages), printing one table. The room runs as child processes of this
// binary, so its memory is its own.
func runBench(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("articles", 5000, "articles in the synthetic library")
	dir := fs.String("dir", "", "folder for the library and databases (default: a temporary folder, removed at the end)")
	duration := fs.Duration("duration", 3*time.Second, "how long each load test runs")
	searches := fs.Int("searches", 200, "searches timed for each kind of query")
	static := fs.String("serve-static", "", "serve this folder with http.FileServer (the page ceiling; used by bench itself)")
	addr := fs.String("addr", "127.0.0.1:0", "address for --serve-static")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: readingroom bench [--articles 5000] [--dir DIR] [--duration 3s] [--searches 200]\n\nMeasures search, import, pages and memory against their ceilings and prints a table.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *static != "" {
		return serveStatic(ctx, *static, *addr)
	}
	if *n < 10 {
		fmt.Fprintln(stderr, "readingroom bench: --articles must be at least 10")
		return exitError{2}
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	b := &bench{exe: exe, n: *n, duration: *duration, searches: *searches, log: stderr, dir: *dir}
	if b.dir == "" {
		if b.dir, err = os.MkdirTemp("", "readingroom-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(b.dir)
	} else if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return err
	}
	if err := b.run(ctx); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	b.print(stdout, args)
	return nil
}

// bench is one run of the benchmark.
type bench struct {
	exe      string // this binary, run as the room
	dir      string
	n        int
	duration time.Duration
	searches int
	log      io.Writer
	lib      *benchLibrary
	rows     []benchRow
}

// benchRow is one line of the table.
type benchRow struct {
	figure, room, ceiling, ratio, target string
	pass                                 bool
}

func (b *bench) progress(format string, args ...any) {
	fmt.Fprintf(b.log, "bench: "+format+"\n", args...)
}

func (b *bench) run(ctx context.Context) error {
	var err error
	b.progress("generating %d articles", b.n)
	if b.lib, err = generateLibrary(filepath.Join(b.dir, "library"), b.n, 0, 1); err != nil {
		return err
	}
	classes := b.lib.queryClasses()
	for _, c := range classes {
		b.progress("queries, %s: %s", c.name, strings.Join(c.queries, " | "))
	}

	b.progress("bare FTS5: insert")
	bare, bareRate, err := b.bareImport(ctx)
	if err != nil {
		return err
	}
	defer bare.Close()
	b.progress("room: import")
	dbPath := filepath.Join(b.dir, "room.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	start := time.Now()
	if out, err := b.command(ctx, "import", "--quiet", "--db", dbPath, filepath.Join(b.dir, "library")).CombinedOutput(); err != nil {
		return fmt.Errorf("import: %v: %s", err, out)
	} else if want := fmt.Sprintf("%d new", b.n); !strings.Contains(string(out), want) {
		return fmt.Errorf("import: want %s, got: %s", want, out)
	}
	roomRate := float64(b.n) / time.Since(start).Seconds()
	b.add(benchRow{figure: "import", room: perSecond(roomRate, "articles/s"), ceiling: perSecond(bareRate, "articles/s"),
		ratio: ratio(roomRate / bareRate), target: "≥ 0.5 of the ceiling", pass: roomRate >= 0.5*bareRate})
	size, err := fileSize(dbPath)
	if err != nil {
		return err
	}
	times := float64(size) / float64(b.lib.bytes)
	b.add(benchRow{figure: "database ÷ text", room: fmt.Sprintf("%.2f× (%s)", times, megabytes(size)),
		target: "≤ 2.0×", pass: times <= 2.0})

	b.progress("room: serve")
	server, base, err := b.startServer(ctx, dbPath)
	if err != nil {
		return err
	}
	defer stop(server)
	client := newClient(32)

	b.progress("search: %d searches of each kind, and the same on the bare table", b.searches)
	if err := b.searchRows(ctx, client, base, bare, classes); err != nil {
		return err
	}
	b.progress("pages: 8 connections for %s, against http.FileServer", b.duration)
	paths, err := b.pageRows(ctx, client, base)
	if err != nil {
		return err
	}
	b.progress("mix: 32 connections, then again while importing")
	if err := b.mixRow(ctx, client, base, dbPath, paths, classes); err != nil {
		return err
	}
	rss, err := peakRSS(server.Process.Pid)
	if err != nil {
		return err
	}
	b.add(benchRow{figure: "peak server RSS", room: megabytes(rss), target: "≤ 60 MB", pass: rss <= 60<<20})
	return nil
}

func (b *bench) add(r benchRow) { b.rows = append(b.rows, r) }

// command is this binary run as the room, with a command and arguments.
func (b *bench) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, b.exe, args...)
	cmd.Env = append(os.Environ(), benchChildEnv+"=1")
	return cmd
}

// benchChildEnv marks a child the bench started, so that the test binary,
// standing in for readingroom in tests, runs the command it is given.
const benchChildEnv = "READINGROOM_BENCH_CHILD"

// bareImport reads and splits the library's files and inserts their blocks
// into a bare FTS5 table, a thousand articles a transaction; it returns the
// table and the rate.
func (b *bench) bareImport(ctx context.Context) (*store.Bare, float64, error) {
	path := filepath.Join(b.dir, "bare.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, 0, err
		}
	}
	bare, err := store.OpenBare(ctx, path)
	if err != nil {
		return nil, 0, err
	}
	start := time.Now()
	var (
		batch    []string
		articles int
	)
	for _, f := range b.lib.files {
		data, err := os.ReadFile(f)
		if err != nil {
			bare.Close()
			return nil, 0, err
		}
		arts, _, err := dump.Parse(f, data)
		if err != nil {
			bare.Close()
			return nil, 0, err
		}
		for _, a := range arts {
			for _, bl := range a.Blocks {
				batch = append(batch, bl.Text)
			}
		}
		articles += len(arts)
		if articles%1000 < len(arts) || f == b.lib.files[len(b.lib.files)-1] {
			if err := bare.Insert(ctx, batch); err != nil {
				bare.Close()
				return nil, 0, err
			}
			batch = batch[:0]
		}
	}
	return bare, float64(articles) / time.Since(start).Seconds(), nil
}

// startServer runs "readingroom serve" on the database and waits until it
// answers.
func (b *bench) startServer(ctx context.Context, dbPath string) (*exec.Cmd, string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	logs, err := os.Create(filepath.Join(b.dir, "server.log"))
	if err != nil {
		return nil, "", err
	}
	cmd := b.command(ctx, "serve", "--db", dbPath, "--addr", addr, "--no-default-library")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		logs.Close()
		return nil, "", err
	}
	go func() { _ = cmd.Wait(); logs.Close() }()
	base := "http://" + addr
	return cmd, base, waitUp(ctx, base+"/healthz")
}

// serveStatic is the page ceiling: http.FileServer on dir.
func serveStatic(ctx context.Context, dir, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(dir)), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// searchRows times each class of query through the room's search page, one
// request at a time, and the same queries on the bare table in process.
func (b *bench) searchRows(ctx context.Context, client *http.Client, base string, bare *store.Bare, classes []queryClass) error {
	p99Target := 10 * time.Millisecond
	if b.n > 5000 {
		p99Target = 30 * time.Millisecond
	}
	for _, c := range classes {
		if len(c.queries) == 0 {
			b.add(benchRow{figure: "search, " + c.name, room: "no such words in this library"})
			continue
		}
		// Once each, untimed: the first search of a word reads its pages.
		for _, q := range c.queries {
			if _, err := get(ctx, client, base+searchURL(q)); err != nil {
				return err
			}
		}
		// The room's searches and the bare queries take turns, so that
		// the machine's slow and quick moments fall on both alike. The
		// bare query of a frequent word scores every paragraph (a second
		// each at 100,000 articles): it stops after ceilingTime once it
		// has ceilingMin figures.
		var (
			room, ceil []time.Duration
			began      = time.Now()
		)
		for i := range b.searches {
			q := c.queries[i%len(c.queries)]
			start := time.Now()
			if _, err := get(ctx, client, base+searchURL(q)); err != nil {
				return err
			}
			room = append(room, time.Since(start))
			if !c.vsBare || i >= ceilingMin && time.Since(began) >= ceilingTime {
				continue
			}
			start = time.Now()
			if _, err := bare.Query(ctx, store.MatchExpr(readingroom.ParseQuery(q))); err != nil {
				return err
			}
			ceil = append(ceil, time.Since(start))
		}
		slices.Sort(room)
		p50, p99 := percentile(room, 50), percentile(room, 99)
		row := benchRow{figure: "search p50, " + c.name, room: millis(p50)}
		if c.vsBare {
			slices.Sort(ceil)
			bp50 := percentile(ceil, 50)
			row.ceiling = millis(bp50) + " (bm25, top 20)"
			row.ratio = ratio(float64(p50) / float64(bp50))
			row.target = "≤ 2× ceiling + 1 ms"
			row.pass = p50 <= 2*bp50+time.Millisecond
			b.add(row)
		}
		b.add(benchRow{figure: "search p99, " + c.name, room: millis(p99), target: "≤ " + millis(p99Target), pass: p99 <= p99Target})
	}
	return nil
}

// pageRounds is how many times the room and the file server are loaded
// in turn.
const pageRounds = 3

// The bare queries of a class run for at least ceilingMin times, and no
// more once ceilingTime has passed.
const (
	ceilingMin  = 9
	ceilingTime = 10 * time.Second
)

func searchURL(q string) string { return "/search?q=" + url.QueryEscape(q) }

// pageRows saves up to 200 article pages as files, then loads the room and
// http.FileServer with the same pages at 8 connections, in turn,
// pageRounds times each. It returns the room's paths of the pages.
func (b *bench) pageRows(ctx context.Context, client *http.Client, base string) ([]string, error) {
	staticDir := filepath.Join(b.dir, "pages")
	if err := os.MkdirAll(staticDir, 0o755); err != nil {
		return nil, err
	}
	step := max(1, len(b.lib.titles)/200)
	var paths, files []string
	for i := 0; i < len(b.lib.titles); i += step {
		slug := readingroom.Slugify(b.lib.titles[i])
		body, err := get(ctx, client, base+"/a/"+slug)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(staticDir, slug+".html"), body, 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, "/a/"+slug)
		files = append(files, "/"+slug+".html")
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	static := b.command(ctx, "bench", "--serve-static", staticDir, "--addr", addr)
	if err := static.Start(); err != nil {
		return nil, err
	}
	defer stop(static)
	if err := waitUp(ctx, "http://"+addr+files[0]); err != nil {
		return nil, err
	}
	// Turn about, pageRounds times, so that other work on the machine
	// weighs on both alike; the median of each.
	var roomRates, ceilRates []float64
	for range pageRounds {
		ceil := load(ctx, client, 8, b.duration, func(i int) string { return "http://" + addr + files[i%len(files)] })
		room := load(ctx, client, 8, b.duration, func(i int) string { return base + paths[i%len(paths)] })
		if room.errors > 0 || ceil.errors > 0 {
			return nil, fmt.Errorf("pages: %d errors from the room, %d from the file server", room.errors, ceil.errors)
		}
		roomRates, ceilRates = append(roomRates, room.rate()), append(ceilRates, ceil.rate())
	}
	slices.Sort(roomRates)
	slices.Sort(ceilRates)
	room, ceil := roomRates[pageRounds/2], ceilRates[pageRounds/2]
	b.add(benchRow{figure: "article page, 8 connections", room: perSecond(room, "req/s"),
		ceiling: perSecond(ceil, "req/s") + " (http.FileServer)", ratio: ratio(room / ceil),
		target: "≥ 0.5 of the ceiling", pass: room >= 0.5*ceil})
	return paths, nil
}

// mixRow loads the room with pages and searches at 32 connections, first
// alone, then while "readingroom import" adds a tenth as many articles
// again.
func (b *bench) mixRow(ctx context.Context, client *http.Client, base, dbPath string, paths []string, classes []queryClass) error {
	extra, err := generateLibrary(filepath.Join(b.dir, "extra"), max(b.n/10, 10), b.n, 2)
	if err != nil {
		return err
	}
	var queries []string
	for _, c := range classes {
		queries = append(queries, c.queries...)
	}
	// Four pages to each search.
	mix := func(i int) string {
		if i%5 == 4 {
			return base + searchURL(queries[(i/5)%len(queries)])
		}
		return base + paths[i%len(paths)]
	}
	// The same load without the import first, to tell what the import
	// costs from what the load itself does.
	quiet := loadUntil(ctx, client, 32, b.duration, nil, mix)
	b.add(benchRow{figure: "mix of pages and searches, 32 connections, no import (for comparison)",
		room: fmt.Sprintf("p99 %s, %d errors, %s", millis(percentile(quiet.latencies, 99)), quiet.errors, perSecond(quiet.rate(), "req/s"))})
	imp := b.command(ctx, "import", "--quiet", "--db", dbPath, filepath.Join(b.dir, "extra"))
	var (
		impOut  strings.Builder
		impErr  error
		impTime time.Duration
		wg      sync.WaitGroup
	)
	imp.Stdout, imp.Stderr = &impOut, &impOut
	start := time.Now()
	if err := imp.Start(); err != nil {
		return err
	}
	wg.Go(func() {
		impErr = imp.Wait()
		impTime = time.Since(start)
	})
	// For as long as the import runs and at least the load-test duration.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	res := loadUntil(ctx, client, 32, b.duration, done, mix)
	wg.Wait()
	if impErr != nil {
		return fmt.Errorf("import during the mix: %v: %s", impErr, impOut.String())
	}
	p99 := percentile(res.latencies, 99)
	b.add(benchRow{figure: fmt.Sprintf("mix of pages and searches, 32 connections, during an import of %d articles (%s)", extra.articles, impTime.Round(100*time.Millisecond)),
		room:   fmt.Sprintf("p99 %s, %d errors, %s", millis(p99), res.errors, perSecond(res.rate(), "req/s")),
		target: "p99 ≤ 50 ms, no errors", pass: p99 <= 50*time.Millisecond && res.errors == 0})
	return nil
}

// print writes the table.
func (b *bench) print(w io.Writer, args []string) {
	fmt.Fprintf(w, "Reading Room bench: %s articles, %s of text (%s paragraphs); %d CPUs (%s), %s, %s\n",
		formatInt(b.n), megabytes(b.lib.bytes), formatInt(b.lib.total), runtime.NumCPU(), cpuModel(), runtime.Version(), time.Now().UTC().Format(time.DateOnly))
	fmt.Fprintf(w, "Command: readingroom bench %s\n\n", strings.Join(args, " "))
	fmt.Fprintln(w, "| figure | room | ceiling | ratio | target | |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- |")
	for _, r := range b.rows {
		verdict := ""
		if r.target != "" {
			verdict = "miss"
			if r.pass {
				verdict = "pass"
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", r.figure, r.room, dash(r.ceiling), dash(r.ratio), dash(r.target), verdict)
	}
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// loadStats is what a load test saw.
type loadStats struct {
	requests, errors int
	elapsed          time.Duration
	latencies        []time.Duration // sorted
}

func (s loadStats) rate() float64 { return float64(s.requests) / s.elapsed.Seconds() }

// load sends GET requests for urls(0), urls(1), ... from conns connections
// for d.
func load(ctx context.Context, client *http.Client, conns int, d time.Duration, urls func(int) string) loadStats {
	return loadUntil(ctx, client, conns, d, nil, urls)
}

// loadUntil is load that goes on past d until done is closed (if not nil).
func loadUntil(ctx context.Context, client *http.Client, conns int, d time.Duration, done <-chan struct{}, urls func(int) string) loadStats {
	var (
		mu    sync.Mutex
		stats loadStats
		wg    sync.WaitGroup
		next  int
	)
	start := time.Now()
	deadline := start.Add(d)
	finished := func() bool {
		if time.Now().Before(deadline) {
			return false
		}
		if done == nil {
			return true
		}
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	for range conns {
		wg.Go(func() {
			var lat []time.Duration
			errs := 0
			for ctx.Err() == nil && !finished() {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				t := time.Now()
				if _, err := get(ctx, client, urls(i)); err != nil {
					errs++
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			stats.latencies = append(stats.latencies, lat...)
			stats.errors += errs
			mu.Unlock()
		})
	}
	wg.Wait()
	stats.elapsed = time.Since(start)
	stats.requests = len(stats.latencies)
	slices.Sort(stats.latencies)
	return stats
}

// newClient is an HTTP client for conns connections to one host that asks
// for the bytes as they are, uncompressed, as a static server sends them.
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			DisableCompression:  true,
		},
	}
}

// get fetches u and returns its body; any status but 200 is an error.
func get(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return body, nil
}

// waitUp waits until u answers 200, for up to a minute.
func waitUp(ctx context.Context, u string) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := get(ctx, client, u); err == nil {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer: %w", u, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// freeAddr is a loopback address with a port free at the time of asking.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func stop(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Signal(os.Interrupt)
	}
}

// peakRSS is the peak resident set of process pid (VmHWM).
func peakRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func fileSize(path string) (int64, error) {
	var total int64
	for _, suffix := range []string{"", "-wal"} {
		st, err := os.Stat(path + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			return 0, err
		}
		total += st.Size()
	}
	return total, nil
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func millis(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64) + " ms"
}

func ratio(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) + "×" }

func perSecond(x float64, unit string) string { return formatInt(int(x+0.5)) + " " + unit }

func megabytes(n int64) string {
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

// formatInt writes n with thousands separators.
func formatInt(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
