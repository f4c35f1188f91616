// Command loadtest runs the real reading room under load, as a person
// running it would, and reports what it saw, for docs/benchmarks.md:
//
//   - import: the server on an empty room while another process imports
//     a library of --articles articles, read at --conns connections all
//     along (the write-ahead log must stay small throughout);
//   - mix: that library served at --conns connections for --duration, a
//     mix of library pages, articles, paragraph links and searches, while
//     another process imports --more articles: every request answered,
//     nothing locked, p99 per kind of request;
//   - largest: a fresh server asked at --conns connections for the pages
//     and paragraphs of the largest article the limits allow (its memory);
//   - files: the memory and time of importing a 30 MB file of articles,
//     and a 31 MB file of short paragraphs that is one article too many.
//
// It is a program, not a test: it takes minutes and all the machine.
//
//	go run -tags sqlite_fts5 ./cmd/loadtest              # builds ./cmd/readingroom
//	go run -tags sqlite_fts5 ./cmd/loadtest --phases mix --articles 2000 --duration 20s
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type config struct {
	bin, dir        string
	articles, more  int
	conns           int
	duration        time.Duration
	largestDuration time.Duration
	phases          map[string]bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var cfg config
	var phases string
	keep := false
	flag.StringVar(&cfg.bin, "bin", "", "the readingroom binary (default: build ./cmd/readingroom into --dir)")
	flag.StringVar(&cfg.dir, "dir", "", "working folder for the library and database (default: a new temporary one, removed after)")
	flag.IntVar(&cfg.articles, "articles", 20_000, "articles in the library")
	flag.IntVar(&cfg.more, "more", 4_000, "articles imported during the mix")
	flag.IntVar(&cfg.conns, "conns", 32, "connections reading at once")
	flag.DurationVar(&cfg.duration, "duration", 2*time.Minute, "how long the mix runs")
	flag.DurationVar(&cfg.largestDuration, "largest-duration", 30*time.Second, "how long the largest article is read")
	flag.StringVar(&phases, "phases", "import,mix,largest,files", "the phases to run, in order")
	flag.BoolVar(&keep, "keep", false, "keep --dir when done")
	flag.Parse()
	cfg.phases = map[string]bool{}
	for p := range strings.SplitSeq(phases, ",") {
		cfg.phases[strings.TrimSpace(p)] = true
	}
	if cfg.dir == "" {
		dir, err := os.MkdirTemp("", "readingroom-load-")
		if err != nil {
			fatal(err)
		}
		cfg.dir = dir
		if !keep {
			defer os.RemoveAll(dir)
		}
	}
	if err := run(ctx, cfg); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "loadtest:", err)
	os.Exit(1)
}

func run(ctx context.Context, cfg config) error {
	if cfg.bin == "" {
		cfg.bin = filepath.Join(cfg.dir, "readingroom")
		out, err := exec.CommandContext(ctx, "go", "build", "-tags", "sqlite_fts5", "-o", cfg.bin, "github.com/readingroom/readingroom/cmd/readingroom").CombinedOutput()
		if err != nil {
			return fmt.Errorf("build: %v\n%s", err, out)
		}
	}
	db := filepath.Join(cfg.dir, "room.db")
	libDir, moreDir := filepath.Join(cfg.dir, "library"), filepath.Join(cfg.dir, "more")
	if cfg.phases["import"] || cfg.phases["mix"] {
		for _, l := range []struct {
			dir      string
			first, n int
			seed     uint64
		}{{libDir, 0, cfg.articles, 1}, {moreDir, cfg.articles, cfg.more, 2}} {
			if _, err := os.Stat(l.dir); err == nil {
				continue // written by an earlier run in this --dir
			}
			size, err := writeLibrary(l.dir, l.first, l.n, l.seed)
			if err != nil {
				return err
			}
			fmt.Printf("Wrote %d articles (%.1f MB) into %s.\n", l.n, float64(size)/1e6, l.dir)
		}
	}
	fmt.Printf("Machine: %d CPUs; %d connections.\n\n", cpus(), cfg.conns)

	if cfg.phases["import"] {
		os.Remove(db)
		if err := phaseImport(ctx, cfg, db, libDir); err != nil {
			return err
		}
	}
	if cfg.phases["mix"] {
		if err := phaseMix(ctx, cfg, db, moreDir); err != nil {
			return err
		}
	}
	if cfg.phases["largest"] {
		if err := phaseLargest(ctx, cfg); err != nil {
			return err
		}
	}
	if cfg.phases["files"] {
		if err := phaseFiles(ctx, cfg); err != nil {
			return err
		}
	}
	return nil
}

// phaseImport imports the library into an empty room while the server
// serves it at cfg.conns connections, for as long as the import takes.
func phaseImport(ctx context.Context, cfg config, db, libDir string) error {
	srv, err := startServer(ctx, cfg, db, "import")
	if err != nil {
		return err
	}
	defer srv.stop()
	wal := watchWAL(db)
	imp := startImport(ctx, cfg, db, libDir)

	// The load starts with the first articles.
	t := &targets{}
	rng := rand.New(rand.NewPCG(7, 7))
	for t.refresh(ctx, srv.base, rng, 400) != nil {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-imp.done:
			return fmt.Errorf("the import ended before the first article was served: %s", imp.output())
		case <-time.After(200 * time.Millisecond):
		}
	}
	loadCtx, cancel := context.WithCancel(ctx)
	go refreshEvery(loadCtx, t, srv.base, rng, 15*time.Second)
	go func() { <-imp.done; cancel() }()
	start := time.Now()
	res := load(loadCtx, srv.base, cfg.conns, t, mixed, 11)
	elapsed := time.Since(start)
	<-imp.done
	walMax := wal.stop()

	fmt.Printf("## Importing %d articles while serving (%s)\n\n", cfg.articles, time.Now().Format(time.DateOnly))
	fmt.Printf("The import took %v (%s); it exited %d, peak RSS %.0f MB.\n", imp.elapsed.Round(time.Second), lastLine(imp.output()), imp.code, imp.maxRSS)
	fmt.Printf("Largest write-ahead log: %.1f MB. Server peak RSS %.0f MB.\n\n", float64(walMax)/1e6, srv.peakRSS())
	fmt.Print(res.table(mixed, elapsed))
	report(res, srv, imp)
	return nil
}

// phaseMix serves the library for cfg.duration while more is imported.
func phaseMix(ctx context.Context, cfg config, db, moreDir string) error {
	srv, err := startServer(ctx, cfg, db, "mix")
	if err != nil {
		return err
	}
	defer srv.stop()
	t := &targets{}
	rng := rand.New(rand.NewPCG(8, 8))
	if err := t.refresh(ctx, srv.base, rng, 2000); err != nil {
		return err
	}
	wal := watchWAL(db)
	loadCtx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	imp := startImport(ctx, cfg, db, moreDir)
	go refreshEvery(loadCtx, t, srv.base, rng, 20*time.Second)
	start := time.Now()
	res := load(loadCtx, srv.base, cfg.conns, t, mixed, 12)
	elapsed := time.Since(start)
	<-imp.done
	walMax := wal.stop()

	fmt.Printf("## Serving %d articles for %v while %d more are imported (%s)\n\n", cfg.articles, cfg.duration, cfg.more, time.Now().Format(time.DateOnly))
	fmt.Printf("The import took %v (%s); it exited %d, peak RSS %.0f MB.\n", imp.elapsed.Round(time.Second), lastLine(imp.output()), imp.code, imp.maxRSS)
	fmt.Printf("Largest write-ahead log: %.1f MB. Server peak RSS %.0f MB.\n\n", float64(walMax)/1e6, srv.peakRSS())
	fmt.Print(res.table(mixed, elapsed))
	report(res, srv, imp)
	return nil
}

// phaseLargest reads the largest article the limits allow at
// cfg.conns connections from a fresh server, for its peak memory.
func phaseLargest(ctx context.Context, cfg config) error {
	db := filepath.Join(cfg.dir, "largest.db")
	os.Remove(db)
	md := filepath.Join(cfg.dir, "largest.md")
	if err := writeLargest(md, 3); err != nil {
		return err
	}
	imp := startImport(ctx, cfg, db, md)
	<-imp.done
	if imp.code != 0 {
		return fmt.Errorf("import of the largest article: %s", imp.output())
	}
	srv, err := startServer(ctx, cfg, db, "largest")
	if err != nil {
		return err
	}
	defer srv.stop()
	t := &targets{}
	if err := t.refresh(ctx, srv.base, rand.New(rand.NewPCG(9, 9)), 1); err != nil {
		return err
	}
	slug := t.slugs[0]
	pages := t.pages[slug]
	// Every paragraph's link, from the API's pages.
	var paragraphs []string
	for n := 1; n <= pages; n++ {
		var a struct{ Paragraphs []struct{ ID string } }
		if err := getJSON(ctx, fmt.Sprintf("%s/api/articles/%s?page=%d", srv.base, slug, n), &a); err != nil {
			return err
		}
		for _, p := range a.Paragraphs {
			paragraphs = append(paragraphs, "/a/"+slug+"/p/"+p.ID)
		}
	}
	t.paragraphs = paragraphs
	kinds := []kind{
		{"article page", 40, func(t *targets, rng *rand.Rand) string {
			return fmt.Sprintf("/a/%s?page=%d", slug, rng.IntN(pages)+1)
		}},
		{"paragraph link", 40, func(t *targets, rng *rand.Rand) string { return t.pick(rng, t.paragraphs) }},
		{"API page", 20, func(t *targets, rng *rand.Rand) string {
			return fmt.Sprintf("/api/articles/%s?page=%d", slug, rng.IntN(pages)+1)
		}},
	}
	loadCtx, cancel := context.WithTimeout(ctx, cfg.largestDuration)
	defer cancel()
	start := time.Now()
	res := load(loadCtx, srv.base, cfg.conns, t, kinds, 13)
	elapsed := time.Since(start)
	info, _ := os.Stat(md)
	fmt.Printf("## The largest article the limits allow, read at %d connections for %v (%s)\n\n", cfg.conns, cfg.largestDuration, time.Now().Format(time.DateOnly))
	fmt.Printf("10,000 blocks, %.1f MB of Markdown, %d pages, %d paragraph links. Server peak RSS %.0f MB.\n\n",
		float64(info.Size())/1e6, pages, len(paragraphs), srv.peakRSS())
	fmt.Print(res.table(kinds, elapsed))
	report(res, srv, nil)
	return nil
}

// phaseFiles imports a 30 MB file of articles and a 31 MB file of short
// paragraphs, each into an empty room, for their memory and time.
func phaseFiles(ctx context.Context, cfg config) error {
	fmt.Printf("## Importing one large file (%s)\n\n| file | outcome | time | peak RSS |\n| --- | --- | --- | --- |\n", time.Now().Format(time.DateOnly))
	many := filepath.Join(cfg.dir, "many.txt")
	if err := writeOneFile(many, 30<<20, 4); err != nil {
		return err
	}
	short := filepath.Join(cfg.dir, "short.txt")
	if err := writeShortParagraphs(short, 31<<20, 5); err != nil {
		return err
	}
	for _, f := range []struct{ path, what string }{
		{many, "30 MB, articles of 8 to 15 paragraphs"},
		{short, "31 MB of short paragraphs, no article break"},
	} {
		db := filepath.Join(cfg.dir, "file.db")
		os.Remove(db)
		imp := startImport(ctx, cfg, db, f.path)
		<-imp.done
		out := lastLine(imp.output())
		if i := strings.Index(imp.output(), "\n  rejected "); i >= 0 {
			out = strings.TrimSpace(strings.SplitN(imp.output()[i+1:], "\n", 2)[0])
		}
		fmt.Printf("| %s | %s (exit %d) | %v | %.0f MB |\n", f.what, out, imp.code, imp.elapsed.Round(100*time.Millisecond), imp.maxRSS)
	}
	fmt.Println()
	return nil
}

// writeOneFile writes articles into one file until it is size bytes.
func writeOneFile(path string, size int64, seed uint64) error {
	g := newGenerator(seed)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i := 0; ; i++ {
		g.article(w, i)
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		if info, err := f.Stat(); err != nil || info.Size() >= size {
			f.Close()
			return err
		}
	}
}

// writeShortParagraphs writes one title and then short paragraphs until
// the file is size bytes: the file that once took 600 MB to import.
func writeShortParagraphs(path string, size int64, seed uint64) error {
	g := newGenerator(seed)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString("A very long file\n\n")
	for written := int64(0); written < size; {
		n, _ := w.WriteString(g.words(4+g.rng.IntN(8)) + "\n\n")
		written += int64(n)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func report(res *results, srv *server, imp *importRun) {
	logs := srv.logs()
	fmt.Printf("\nFailed requests: %d. \"database is locked\": %d in the server's log", res.failed(), strings.Count(logs, "database is locked"))
	if imp != nil {
		fmt.Printf(", %d in the import's output (where %d checkpoints found readers busy past the timeout)",
			strings.Count(imp.output(), "database is locked"), strings.Count(imp.output(), "could not be checkpointed"))
	}
	fmt.Printf(". Server log: %d lines at ERROR, %d requests logged 5xx, %d logged 499.\n",
		strings.Count(logs, "level=ERROR"), countStatus(logs, "status=5"), countStatus(logs, "status=499"))
	for _, e := range res.examples {
		fmt.Println("  failed:", e)
	}
	fmt.Println()
}

func countStatus(logs, prefix string) int {
	n := 0
	for l := range strings.Lines(logs) {
		if strings.Contains(l, `msg="http request"`) && strings.Contains(l, prefix) {
			n++
		}
	}
	return n
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(lines[i], "Read ") {
			return strings.TrimSpace(lines[i])
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

func refreshEvery(ctx context.Context, t *targets, base string, rng *rand.Rand, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			_ = t.refresh(ctx, base, rng, 400) // keep the old targets on failure
		}
	}
}

// server is a running readingroom serve.
type server struct {
	cmd    *exec.Cmd
	base   string
	log    *os.File
	maxRSS atomic.Int64 // KiB, sampled
	done   chan struct{}
}

func startServer(ctx context.Context, cfg config, db, name string) (*server, error) {
	logf, err := os.Create(filepath.Join(cfg.dir, "server-"+name+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, cfg.bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--no-default-library")
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("server: %v", err)
	}
	go io.Copy(io.Discard, stdout)
	addr := strings.Fields(strings.TrimPrefix(line, "Reading Room is open at "))[0]
	s := &server{cmd: cmd, base: addr, log: logf, done: make(chan struct{})}
	go func() {
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-tick.C:
				if kb := procStatus(cmd.Process.Pid, "VmRSS"); kb > s.maxRSS.Load() {
					s.maxRSS.Store(kb)
				}
			}
		}
	}()
	return s, nil
}

// peakRSS is the server's peak resident memory in MB: the kernel's
// high-water mark.
func (s *server) peakRSS() float64 {
	kb := max(procStatus(s.cmd.Process.Pid, "VmHWM"), s.maxRSS.Load())
	return float64(kb) / 1024
}

func (s *server) logs() string {
	data, _ := os.ReadFile(s.log.Name())
	return string(data)
}

func (s *server) stop() {
	close(s.done)
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
	s.log.Close()
}

// procStatus reads a field of /proc/PID/status, in KiB.
func procStatus(pid int, field string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for l := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// importRun is a readingroom import running in its own process.
type importRun struct {
	mu      sync.Mutex
	out     strings.Builder
	done    chan struct{}
	code    int
	elapsed time.Duration
	maxRSS  float64 // MB
}

func (i *importRun) Write(p []byte) (int, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.out.Write(p)
}

func (i *importRun) output() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.out.String()
}

func startImport(ctx context.Context, cfg config, db string, paths ...string) *importRun {
	imp := &importRun{done: make(chan struct{})}
	cmd := exec.CommandContext(ctx, cfg.bin, append([]string{"import", "--db", db}, paths...)...)
	cmd.Stdout, cmd.Stderr = imp, imp
	start := time.Now()
	go func() {
		defer close(imp.done)
		err := cmd.Run()
		imp.elapsed = time.Since(start)
		if exit, ok := errors.AsType[*exec.ExitError](err); ok {
			imp.code = exit.ExitCode()
		} else if err != nil {
			imp.code = -1
			fmt.Fprintln(imp, err)
		}
		if cmd.ProcessState != nil {
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				imp.maxRSS = float64(ru.Maxrss) / 1024
			}
		}
	}()
	return imp
}

// walWatch samples the size of the write-ahead log.
type walWatch struct {
	max  atomic.Int64
	done chan struct{}
	wg   sync.WaitGroup
}

func watchWAL(db string) *walWatch {
	w := &walWatch{done: make(chan struct{})}
	w.wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.done:
				return
			case <-tick.C:
				if info, err := os.Stat(db + "-wal"); err == nil && info.Size() > w.max.Load() {
					w.max.Store(info.Size())
				}
			}
		}
	})
	return w
}

func (w *walWatch) stop() int64 {
	close(w.done)
	w.wg.Wait()
	return w.max.Load()
}

func cpus() int {
	data, _ := os.ReadFile("/proc/cpuinfo")
	return max(1, strings.Count(string(data), "processor\t:"))
}
