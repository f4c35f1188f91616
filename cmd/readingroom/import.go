package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/readingroom/readingroom"
	"github.com/readingroom/readingroom/dump"
	"github.com/readingroom/readingroom/store"
)

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := dbFlag(fs, getenv)
	quiet := fs.Bool("quiet", false, "print only the summary and problems")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: readingroom import [--db FILE] PATH...\n\nLoads article dumps (files, or folders read recursively) into the database.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitError{2}
	}
	if getenv("GOMEMLIMIT") == "" {
		// The Go heap's garbage is collected sooner rather than let it
		// grow to twice what a large file needs; the limit is soft.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	}
	db, err := store.Open(ctx, *dbPath, store.WithLogger(newLogger(stderr, getenv)))
	if err != nil {
		return err
	}
	defer db.Close()

	imp := newImporter(db)
	if !*quiet && isTerminal(stderr) {
		imp.progress = func(done, total int, path string) {
			fmt.Fprintf(stderr, "\r\033[KImporting %d/%d %q", done, total, filepath.Base(path))
			if done == total {
				fmt.Fprint(stderr, "\r\033[K")
			}
		}
	}
	sum := imp.importPaths(ctx, fs.Args())
	sum.print(stdout, *quiet)
	if sum.Stopped != nil && sum.Stopped.Err != nil {
		fmt.Fprintf(stderr, "readingroom import: %v\n", sum.Stopped.Err)
	}
	if len(sum.Rejected) > 0 || sum.Stopped != nil {
		return exitError{1}
	}
	return nil
}

// importMemoryLimit is the soft limit on the Go heap during an import
// (GOMEMLIMIT overrides it): reading the largest file, 32 MiB, needs
// about three times that.
const importMemoryLimit = 96 << 20

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// summary is what an import did, for the report at its end.
type summary struct {
	store.ImportSummary
	Slugs    []string  // of the articles saved
	Rejected []problem // files and other entries not imported
	Warnings []problem // parts of files skipped
	Hidden   int       // hidden files and folders skipped, as documented
	// Stopped is set when the import ended before its last file.
	Stopped *earlyStop
}

type problem struct{ Path, Reason string }

// earlyStop says where and why an import ended early.
type earlyStop struct {
	Path   string // the file being imported, or "" when none had started
	Index  int    // its number, from 1, among Total files; 0 before the first
	Total  int
	Reason string // in words, for the operator
	// Err is the failure in full, when the reason does not say it all.
	Err error
}

func (s summary) print(w io.Writer, quiet bool) {
	read := fmt.Sprintf("%d %s", s.Files, plural(s.Files, "file", "files"))
	if st := s.Stopped; st != nil {
		// The file it stopped at was not read to the end.
		read = fmt.Sprintf("%d of %d files", min(max(st.Index-1, 0), st.Total), st.Total)
	}
	fmt.Fprintf(w, "Read %s: %d new, %d updated, %d unchanged, %d %s skipped, %d %s rejected.\n",
		read, s.New, s.Updated, s.Unchanged,
		s.Duplicates, plural(s.Duplicates, "duplicate", "duplicates"),
		len(s.Rejected), plural(len(s.Rejected), "file", "files"))
	if st := s.Stopped; st != nil {
		switch {
		case st.Index > st.Total:
			fmt.Fprintf(w, "The import stopped after its last file, as it finished: %s.\n", st.Reason)
		case st.Index == 0:
			fmt.Fprintf(w, "The import stopped before its first file: %s.\n", st.Reason)
		default:
			fmt.Fprintf(w, "The import stopped at file %d of %d, %q: %s.\n", st.Index, st.Total, st.Path, st.Reason)
		}
		fmt.Fprintln(w, "What was imported before it is kept. Run the same command again to import the rest: files already imported are left as they are.")
	}
	for _, p := range s.Rejected {
		fmt.Fprintf(w, "  rejected %q: %s\n", p.Path, p.Reason)
	}
	for _, p := range s.Warnings {
		fmt.Fprintf(w, "  skipped part of %q: %s\n", p.Path, p.Reason)
	}
	if s.Hidden > 0 && !quiet {
		fmt.Fprintf(w, "  %d hidden %s (names starting with a dot) left out, as always.\n", s.Hidden, plural(s.Hidden, "entry", "entries"))
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// importer reads dump files and saves their articles in one store.ImportRun,
// which saves an article met twice once.
type importer struct {
	db       *store.DB
	progress func(done, total int, path string)
}

func newImporter(db *store.DB) *importer {
	return &importer{db: db}
}

// parsedFile is one file read and split into articles, or why it could not
// be.
type parsedFile struct {
	path     string
	arts     []readingroom.Article
	warnings []string
	err      error
	size     int
}

func parseFile(ctx context.Context, path string) *parsedFile {
	data, err := readDump(ctx, path)
	p := &parsedFile{path: path, err: err, size: len(data)}
	if err == nil {
		p.arts, p.warnings, p.err = dump.Parse(path, data)
	}
	return p
}

// keepParsed bounds the text of the files read in the first pass that are
// kept for the second, rather than read again.
const keepParsed = 64 << 20

// importPaths imports every file named or found below the folders named.
// A file that cannot be read is reported and the rest imported; a failure
// of the database itself, or ctx ending (a signal), stops the import, and
// the summary says where.
//
// Files are read twice over when the room already holds articles. First,
// on every core, for the titles of every article in the import, so that a
// stored article whose title comes later in the import is never taken for
// another one retitled (the files read are kept for the second pass while
// they fit in keepParsed). Then in order, one file ahead of the database
// on another core, so reading and writing overlap. Into an empty room only
// the second pass is needed (store.ImportRun.NeedsExpect).
func (imp *importer) importPaths(ctx context.Context, paths []string) summary {
	var sum summary
	files, problems, hidden, err := collectFiles(ctx, paths)
	sum.Rejected, sum.Hidden = problems, hidden
	if err != nil {
		sum.Stopped = &earlyStop{Total: len(files), Reason: stopReason(err)}
		return sum
	}
	run := imp.db.NewImport()
	ahead, err := run.NeedsExpect(ctx)
	if err != nil {
		sum.Stopped = &earlyStop{Total: len(files), Reason: stopReason(err), Err: detail(err)}
		return sum
	}
	kept := make([]*parsedFile, len(files))
	if ahead {
		kept = expectAll(ctx, run, files)
	}
	if err := ctx.Err(); err != nil {
		sum.Stopped = &earlyStop{Total: len(files), Reason: stopReason(err)}
		return sum
	}

	parsed := make(chan *parsedFile, 8)
	readCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		defer close(parsed)
		for i, path := range files {
			p := kept[i]
			kept[i] = nil
			if p == nil {
				p = parseFile(readCtx, path)
			}
			select {
			case parsed <- p:
			case <-readCtx.Done():
				return
			}
		}
	}()
	done := 0
	for p := range parsed {
		err := ctx.Err()
		if err == nil && readingroom.ErrorCode(p.err) == readingroom.EINTERNAL {
			err = p.err // the read was cut short: ctx ended
		}
		if err == nil {
			err = imp.save(ctx, run, p, &sum)
		}
		if err != nil {
			return imp.stopped(ctx, run, sum, files, err)
		}
		done++
		if imp.progress != nil {
			imp.progress(done, len(files), p.path)
		}
	}
	if err := ctx.Err(); err != nil {
		return imp.stopped(ctx, run, sum, files, err) // between two files
	}
	if err := run.Finish(ctx); err != nil {
		return imp.stopped(ctx, run, sum, files, err)
	}
	sum.ImportSummary = run.Summary()
	return sum
}

// stopped ends an import of files that stopped because of err: what is
// in the open batch is kept when the database can still keep it (after a
// signal), and the summary says what is stored, and from which file to
// start again: the first whose articles were not all saved (a failure of
// the database loses the open batch, which may hold several files).
func (imp *importer) stopped(ctx context.Context, run *store.ImportRun, sum summary, files []string, err error) summary {
	if cerr := run.Commit(context.WithoutCancel(ctx)); cerr != nil && errors.Is(err, context.Canceled) {
		err = cerr // the signal's batch could not be kept either
	}
	sum.ImportSummary = run.Summary()
	st := &earlyStop{Index: run.FilesSaved() + 1, Total: len(files), Reason: stopReason(err), Err: detail(err)}
	if st.Index <= len(files) {
		st.Path = files[st.Index-1]
	}
	sum.Stopped = st
	return sum
}

// stopReason says in words why an import stopped.
func stopReason(err error) string {
	if errors.Is(err, context.Canceled) {
		return "it was interrupted (Ctrl+C or a signal)"
	}
	switch store.Failure(err) {
	case store.FailureDiskFull:
		return "the disk is full; free some space"
	case store.FailureBusy:
		return "another program kept the database locked"
	case store.FailureReadOnly:
		return "the database cannot be written (check the permissions of the file and its folder)"
	case store.FailureIO:
		return "a read or write of the disk failed"
	case store.FailureCorrupt:
		return "the database file is damaged; run readingroom check"
	}
	return "the database failed"
}

// detail is err when stopReason does not say all there is to know.
func detail(err error) error {
	if errors.Is(err, context.Canceled) || store.Failure(err) == store.FailureDiskFull {
		return nil
	}
	return err
}

// expectAll reads every file on every core and tells run of each article.
// It returns the files read, by index, as many as fit in keepParsed (nil
// for the others).
func expectAll(ctx context.Context, run *store.ImportRun, files []string) []*parsedFile {
	kept := make([]*parsedFile, len(files))
	var (
		mu      sync.Mutex
		next    int
		keptLen int
		wg      sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(files) {
					return
				}
				p := parseFile(ctx, files[i])
				mu.Lock()
				for k := range p.arts {
					run.Expect(&p.arts[k])
				}
				if keptLen+p.size <= keepParsed {
					keptLen += p.size
					kept[i] = p
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return kept
}

// importFS imports every file in fsys (the built-in library).
func (imp *importer) importFS(ctx context.Context, fsys fs.FS) (summary, error) {
	var sum summary
	run := imp.db.NewImport()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		p := &parsedFile{path: path}
		var data []byte
		if data, p.err = fs.ReadFile(fsys, path); p.err == nil {
			p.arts, p.warnings, p.err = dump.Parse(path, data)
		}
		return imp.save(ctx, run, p, &sum)
	})
	if err != nil {
		return sum, err
	}
	if err := run.Finish(ctx); err != nil {
		return sum, err
	}
	return sum, nil
}

// save saves the articles of one file read (or records why it could not be
// read) in run, adding to sum what it did. The error is for failures of
// the database, which end the import.
func (imp *importer) save(ctx context.Context, run *store.ImportRun, p *parsedFile, sum *summary) error {
	path := p.path
	// A signal stops the import between two files, not in the middle of
	// one: the batch it is in would be rolled back with the statement.
	rep, err := run.SaveFile(context.WithoutCancel(ctx), path, p.arts, p.warnings, p.err)
	sum.ImportSummary = run.Summary()
	if err != nil {
		return err
	}
	if rep.Err != nil {
		sum.Rejected = append(sum.Rejected, problem{path, readingroom.ErrorMessage(rep.Err)})
	}
	for _, w := range rep.Warnings {
		sum.Warnings = append(sum.Warnings, problem{path, w})
	}
	for _, a := range rep.Articles {
		if a.Slug != "" {
			sum.Slugs = append(sum.Slugs, a.Slug)
		}
		switch {
		case a.Err != nil:
			sum.Warnings = append(sum.Warnings, problem{path, fmt.Sprintf("article %q: %s", a.Title, readingroom.ErrorMessage(a.Err))})
		case a.Outcome == store.OtherVersion:
			sum.Warnings = append(sum.Warnings, problem{path, fmt.Sprintf("another copy of %q with different text was skipped; the first copy was kept", a.Title)})
		}
	}
	return nil
}
